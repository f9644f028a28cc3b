"""Fixtures for the access-and-attack suite: the world, a client per persona, database snapshots."""

import copy
import hashlib
import shutil

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from tests.security.world import build_world

# Rows that a GET may legitimately write: the visitor's own session, and the record that somebody read a person's
# data (a download, an admin page of a person: writing it down is what such a GET must do, portal.audit).
NOT_STATE = {"sessions.session", "portal.accessrecord"}


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per test module inside a transaction that is rolled back when the module ends.

    Each test's `db` runs in a savepoint of that transaction, so whatever a test writes is gone
    before the next one starts. The world's files are written to a folder of the module's and
    copied into each test's own media folder by `world`.
    """
    media = tmp_path_factory.mktemp("security-world") / "media"
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=media, STORAGES=_storages_at(media)):
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built, media
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _storages_at(media):
    return {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": media, "base_url": None}},
    }


@pytest.fixture
def world(request, db, _media_root, _module_world):
    """This test's own copy of the module's world: rows by savepoint, objects and files by copy."""
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker("django_db").kwargs.get(
        "transaction"
    ):
        raise RuntimeError("the security world lives in a transaction: a transactional test cannot use it")
    built, media = _module_world
    if media.exists():
        shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(built)


@pytest.fixture
def client_for(world):
    """A fresh test client signed in as `persona` (anonymous for "anonymous")."""

    def make(persona, **client_kwargs):
        client = Client(**client_kwargs)
        person = world.person(persona)
        if person is not None:
            client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def snapshot() -> dict:
    """Row count and a checksum of every row of every table (sessions aside)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label in NOT_STATE or not model._meta.managed or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        state[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before.keys() | after.keys() if before.get(label) != after.get(label))


def assert_nothing_changed(before: dict, steps: list, what: str):
    """Fail if the database differs from `before`, naming which of `steps` (label, call) changes it.

    The whole sweep is compared once (fast); only when it changed is each step replayed
    with a snapshot around it, to say precisely which request did it.
    """
    if not changed_tables(before, snapshot()):
        return
    culprits = []
    for label, call in steps:
        step = snapshot()
        call()
        changed = changed_tables(step, snapshot())
        if changed:
            culprits.append(f"{label} changed {changed}")
    raise AssertionError(
        f"{what} changed the database:\n" + ("\n".join(culprits) or "(no single request repeats it)")
    )
