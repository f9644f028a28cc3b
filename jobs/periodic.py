"""Periodic jobs: apps register them in `ready()`; `manage.py enqueue_due`, run every few minutes by a
timer (deploy/systemd/portal-periodic.timer), enqueues those that are due as ordinary tasks.

One row per job (PeriodicJob) says when it is next due. Enqueueing locks that row, so when two machines
run the command at once, one enqueues the job and the other, finding it no longer due, does nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from jobs.models import PeriodicJob


@dataclass(frozen=True)
class Periodic:
    name: str
    task: object  # a django_tasks Task taking no arguments
    every: datetime.timedelta


_registry: dict[str, Periodic] = {}


def register(*, name: str, task, every: datetime.timedelta) -> None:
    """Run `task` every `every` (at the timer's resolution: a job is enqueued on the first run after it is due)."""
    _registry[name] = Periodic(name=name, task=task, every=every)


def registered() -> list[Periodic]:
    return [_registry[name] for name in sorted(_registry)]


def enqueue_due(*, now=None) -> list[str]:
    """Enqueue every registered job that is due; returns their names. New jobs are due at once."""
    now = now or timezone.now()
    jobs = registered()
    # Two machines may both find a job new: the unique name makes one insert win and the other a no-op.
    PeriodicJob.objects.bulk_create([PeriodicJob(name=job.name, next_due_at=now) for job in jobs],
                                    ignore_conflicts=True)
    enqueued = []
    for job in jobs:
        with transaction.atomic():
            row = PeriodicJob.objects.select_for_update().get(name=job.name)
            if row.next_due_at > now:
                continue
            job.task.enqueue()
            row.last_enqueued_at = now
            row.next_due_at = now + job.every
            row.save(update_fields=["last_enqueued_at", "next_due_at"])
        enqueued.append(job.name)
    return enqueued
