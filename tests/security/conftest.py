"""Fixtures for the access-and-attack suite: the world, a client per persona, database snapshots."""

import hashlib

import pytest
from django.apps import apps
from django.test import Client

from tests.security.world import build_world

# Rows that a GET may legitimately write: the visitor's own session.
NOT_STATE = {"sessions.session"}


@pytest.fixture
def world(db):
    return build_world()


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
