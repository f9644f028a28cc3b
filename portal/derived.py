"""Data that pages show and that is computed from whole tables (the alliance's figures, the directory's mix of
members), counted by the task worker, never in a request (issue 19).

Counting every organisation and proposal takes time that grows with the data (a third of a second for the figures
at 100,000 organisations), so each such value is registered here (`register(name, compute)` in an app's `ready()`)
and `get(name)` answers from what is stored: in the cache, and in the database (`portal.models.Derived`), so that a
cleared or restarted cache costs one row, not the count.

- A change that commits queues one recount (`refresh_all`, a task; one waits in the queue at a time, however many
  saves), through `pagecache.data_changed`.
- The worker computes every registered value, stores it, and then makes the stored pages stale
  (`pagecache.pages_refreshed()`, which sends no `data_changed`: the recount queues no recount of its own).
- Until then `get()` answers with the stored value: a visitor in the second after a change may see the previous
  figure. A GET writes nothing (tests/security/test_get_is_safe.py): a reader never queues a recount; the periodic
  job `derived-recount` (jobs.apps) does, every `TTL` seconds, the backstop for writes that send no signal and
  for a cache that was emptied.
- Only when nothing was ever stored (a new database, before the worker's first recount) does a request compute a
  value itself, keeping it in the cache alone.

Values are plain JSON (no tuples, no dates but `computed_at`, which `get()` adds).
"""

import json
from dataclasses import dataclass

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from portal import pagecache

TTL = 600  # seconds: the periodic recount's interval (jobs.apps), the backstop for writes that send no signal
# At most one recount waits in the queue; after this long without it starting, another may be queued (a lost task).
QUEUED_KEY = "derived:queued"
QUEUED_SECONDS = 300


@dataclass(frozen=True)
class Registered:
    name: str
    compute: object  # () -> JSON-able dict
    format: int  # changed with the value's shape, so that what an older release stored is not read


_registry: dict[str, Registered] = {}


def register(name, compute, *, format=1):
    _registry[name] = Registered(name=name, compute=compute, format=format)


def _key(entry):
    return f"derived:{entry.name}:{entry.format}"


def get(name):
    """The stored value of `name` (with `computed_at`): from the cache, else from the database (one row)."""
    from portal.models import Derived

    entry = _registry[name]
    stored = cache.get(_key(entry))
    if stored is None:
        row = Derived.objects.filter(name=entry.name, format=entry.format).first()
        if row is None:  # never stored yet: computed here, kept in the cache only (a GET writes no row)
            value = {**_plain(entry.compute()), "computed_at": timezone.now()}
            cache.set(_key(entry), value, TTL)
            return value
        stored = {**row.data, "computed_at": row.computed_at}
        cache.set(_key(entry), stored, None)
    return stored


def _refresh_later():
    """Queue one recount unless one is waiting already."""
    if cache.add(QUEUED_KEY, True, QUEUED_SECONDS):
        refresh_all.enqueue()


def _data_changed(**kwargs):
    transaction.on_commit(_refresh_later)


pagecache.data_changed.connect(_data_changed, dispatch_uid="portal-derived-data-changed")


def refresh():
    """Compute and store every registered value; returns their names."""
    cache.delete(QUEUED_KEY)  # a save from now on queues another recount: this one may count before it
    names = sorted(_registry)
    for name in names:
        _store(_registry[name], _registry[name].compute(), timezone.now())
    # Now (the cache already holds the new values) and again once the rows are committed.
    pagecache.pages_refreshed()
    transaction.on_commit(pagecache.pages_refreshed)
    return names


@task()
def refresh_all() -> list:
    """The worker's recount of every registered value; returns their names."""
    return refresh()


def _plain(value):
    # As JSON, as the database keeps it, so the cache serves the shape the database does.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _store(entry, value, computed_at):
    from portal.models import Derived

    plain = _plain(value)
    Derived.objects.update_or_create(name=entry.name, format=entry.format, defaults={
        "computed_at": computed_at, "data": plain,
    })
    stored = {**plain, "computed_at": computed_at}
    cache.set(_key(entry), stored, None)
    return stored
