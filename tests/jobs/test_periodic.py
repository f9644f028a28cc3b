"""Periodic jobs: registered in ready(), enqueued when due by `manage.py enqueue_due`, once even from two machines."""

import datetime
import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import periodic, tasks
from jobs.models import OutgoingMail
from tests.background import run_tasks


def test_the_core_jobs_are_registered():
    # The apps register theirs too (members: certificate-reminders, tested with the reminders).
    assert {job.name: job.task for job in periodic.registered()}.items() >= {
        "purge-old-mail": tasks.purge_old_mail, "sweep-orphan-files": tasks.sweep_orphan_files,
    }.items()


@pytest.mark.django_db
def test_a_job_is_enqueued_when_due_and_not_again_before_its_interval():
    now = timezone.now()
    names = [job.name for job in periodic.registered()]
    daily = [job.name for job in periodic.registered() if job.every == datetime.timedelta(hours=24)]
    hourly = [job.name for job in periodic.registered() if job.every == datetime.timedelta(hours=1)]
    assert "purge-old-mail" in daily and "sweep-orphan-files" in hourly

    def every_at_most(interval):
        return [job.name for job in periodic.registered() if job.every <= interval]

    assert periodic.enqueue_due(now=now) == names
    assert periodic.enqueue_due(now=now + datetime.timedelta(minutes=5)) == []  # nothing runs more often
    assert periodic.enqueue_due(now=now + datetime.timedelta(hours=1, minutes=1)) == every_at_most(
        datetime.timedelta(hours=1, minutes=1))
    assert periodic.enqueue_due(now=now + datetime.timedelta(days=1, minutes=1)) == every_at_most(
        datetime.timedelta(days=1, minutes=1))
    hour_later, day_later = datetime.timedelta(hours=1, minutes=1), datetime.timedelta(days=1, minutes=1)
    assert DBTaskResult.objects.count() == len(names) + len(every_at_most(hour_later)) + len(every_at_most(day_later))


@pytest.mark.django_db
def test_the_command_enqueues_and_the_worker_runs_the_jobs(capsys):
    call_command("enqueue_due")
    jobs = len(periodic.registered())
    assert f"{jobs} job(s) enqueued." in capsys.readouterr().out
    assert run_tasks() == jobs
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="machines share a PostgreSQL server; SQLite's test database refuses a second writer")
@pytest.mark.django_db(transaction=True)
def test_two_machines_running_the_command_at_once_enqueue_each_job_once():
    barrier = threading.Barrier(2)
    errors = []
    before = set(DBTaskResult.objects.values_list("pk", flat=True))  # the setup's saves may queue a recount

    def machine():
        try:
            barrier.wait()
            periodic.enqueue_due()
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=machine) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DBTaskResult.objects.exclude(pk__in=before).count() == len(periodic.registered())  # each job once


@pytest.mark.django_db
def test_the_purge_deletes_old_sent_mail_and_keeps_the_rest():
    now = timezone.now()
    old = datetime.timedelta(days=31)

    def mail(status, age, **fields):
        return OutgoingMail.objects.create(recipients=["a@example.com"], subject="s", body="", status=status,
                                           **fields).pk, age

    rows = {
        "old sent": mail("sent", old, sent_at=now - old),
        "recent sent": mail("sent", datetime.timedelta(days=1), sent_at=now - datetime.timedelta(days=1)),
        "old failed": mail("failed", old),
        "very old failed": mail("failed", datetime.timedelta(days=91)),
        "old queued": mail("queued", old),
    }
    for pk, age in rows.values():
        OutgoingMail.objects.filter(pk=pk).update(created_at=now - age)
    assert tasks.purge_old_mail.call() == {"sent": 1, "failed": 1}
    kept = set(OutgoingMail.objects.values_list("pk", flat=True))
    assert kept == {rows[name][0] for name in ("recent sent", "old failed", "old queued")}


@pytest.mark.django_db
def test_the_orphan_sweep_job_removes_what_no_row_names(settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("private/left/over.pdf", ContentFile(b"%PDF"))
    stale = timezone.now() - datetime.timedelta(hours=2)
    path = default_storage.path(name)
    os.utime(path, (stale.timestamp(), stale.timestamp()))
    assert tasks.sweep_orphan_files.call() == {"stored": 1, "temporary": 0}
    assert not default_storage.exists(name)
