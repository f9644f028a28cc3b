"""Sign-in and sessions: the admin needs staff with MFA on every URL, sessions end on sign-out and on
a password change, and failed sign-ins are counted across processes.
"""

import json
import multiprocessing
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from tests.security.urlmap import all_routes, concrete_url
from tests.security.world import PASSWORD

# --- the admin -------------------------------------------------------------------------------------


def admin_urls(world):
    return [
        (route.key, concrete_url(route, world))
        for route in all_routes()
        if route.is_admin and route.key != "admin:login"
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "newcomer", "owner", "staff_no_mfa"])
def test_every_admin_url_sends_anyone_but_staff_with_mfa_to_the_login(persona, world, client_for):
    client = client_for(persona)
    let_in = []
    for key, url in admin_urls(world):
        # (the admin's sign-out sends visitors without access to the index, which sends them on)
        expected = "/admin/" if key == "admin:logout" else "/admin/login/"
        for response in (client.get(url), client.post(url, {"post": "yes"})):
            if response.status_code != 302 or not response["Location"].startswith(expected):
                let_in.append(f"{response.request['REQUEST_METHOD']} {url} ({key}): {response.status_code}")
    assert not let_in, "\n".join(let_in)


@pytest.mark.django_db
def test_changelists_of_every_registered_model_open_for_a_superuser_with_mfa(world, client_for):
    """The check above is not vacuous: the same changelists do open for staff with MFA."""
    from django.contrib import admin

    client = client_for("superuser")
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client_for("staff_no_mfa").get(url).status_code == 302, url


@pytest.mark.django_db
def test_the_admin_login_page_sends_staff_without_mfa_to_set_it_up(world, client_for):
    response = client_for("staff_no_mfa").get("/admin/login/?next=/admin/members/organization/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.django_db
def test_a_password_alone_does_not_open_the_admin(world):
    """Signing in with the right password leaves a staff member with MFA at the code prompt."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": world.superuser.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.get("/admin/members/organization/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- sessions end --------------------------------------------------------------------------------


def signed_in_client(email):
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", response
    return client


def replay(cookie_value):
    """A second browser holding a copy of the session cookie."""
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie_value
    return thief


def is_signed_in(client):
    response = client.get(reverse("my:dashboard"))
    return response.status_code == 200


@pytest.mark.django_db
def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(world):
    client = signed_in_client(world.owner.email)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(replay(cookie))
    client.post(reverse("account_logout"))
    assert not is_signed_in(client)
    assert not is_signed_in(replay(cookie))


@pytest.mark.django_db
def test_changing_the_password_ends_every_session(world):
    laptop = signed_in_client(world.owner.email)
    phone = signed_in_client(world.owner.email)
    old_cookie = laptop.cookies[settings.SESSION_COOKIE_NAME].value
    assert is_signed_in(phone) and is_signed_in(replay(old_cookie))

    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "a-new-long-pass-phrase-7", "password2": "a-new-long-pass-phrase-7"},
    )
    assert response.status_code == 302
    assert not is_signed_in(laptop)  # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE
    assert not is_signed_in(replay(old_cookie))
    assert not is_signed_in(phone)  # the session hash no longer matches the password
    assert is_signed_in(signed_in_client_with(world.owner.email, "a-new-long-pass-phrase-7"))


def signed_in_client_with(email, password):
    client = Client()
    client.post(reverse("account_login"), {"login": email, "password": password})
    return client


# --- sign-in rate limiting across processes -----------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/0"
WRONG = "not-the-password-0"


def _redis_or_fail(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(
            f"Redis is not reachable at {url} ({exc}). The cross-process rate-limit test needs a shared cache: "
            "start Redis (apt-get install redis-server) on 127.0.0.1:6379."
        )


_INHERITED = []  # in a worker: the parent's connection wrappers, kept alive and never closed


def _own_database_connections():
    """In a forked worker: leave the parent's database sockets alone and open new ones.

    Closing an inherited PostgreSQL connection would end the parent's session (and its test
    transaction), so the wrappers are set aside untouched and Django makes new ones. A new
    connection cannot see the parent's uncommitted rows; the worker needs none, as allauth
    counts a failed sign-in by the address typed, before it looks the account up. SQLite's
    in-memory test database is kept: fork gave the worker a copy of it.
    """
    from django.db import connections

    for alias in list(connections):
        connection = connections[alias]
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            continue
        _INHERITED.append(connection)
        del connections[alias]


def _fail_sign_ins(email, attempts, results):
    """Runs in a forked worker (an app-server process): post wrong passwords, report what it saw."""
    from django.db import connections

    _own_database_connections()
    caches.close_all()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    seen = []
    for _ in range(attempts):
        response = client.post(reverse("account_login"), {"login": email, "password": WRONG})
        seen.append((response.status_code, b"Too many failed login attempts" in response.content))
    results.put(seen)
    connections.close_all()


def attempts_from_two_processes(email, counts):
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    workers = [context.Process(target=_fail_sign_ins, args=(email, n, results)) for n in counts]
    for worker in workers:
        worker.start()
    seen = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return seen


def third_attempt_with_the_right_password(email):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    return client.post(reverse("account_login"), {"login": email, "password": PASSWORD})


@pytest.mark.django_db
def test_failed_sign_ins_in_two_processes_add_up_in_a_shared_cache(world):
    """allauth allows 5 failed sign-ins per account in 5 minutes. Two app-server processes see 3 and 2
    failures; with Redis shared between them, the next attempt anywhere is refused, even with the
    right password."""
    from allauth.account import app_settings

    assert "5/300s/key" in app_settings.RATE_LIMITS["login_failed"]
    _redis_or_fail(REDIS_URL)
    shared = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": f"security-test-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=shared):
        try:
            seen = attempts_from_two_processes(world.owner.email, (3, 2))
            refused = third_attempt_with_the_right_password(world.owner.email)
        finally:
            _delete_prefixed(shared["default"]["KEY_PREFIX"])
    assert sorted(len(s) for s in seen) == [2, 3]
    assert all(status == 200 and not too_many for s in seen for status, too_many in s)
    assert refused.status_code == 200
    assert b"Too many failed login attempts" in refused.content
    assert "_auth_user_id" not in refused.client.session


@pytest.mark.django_db
def test_a_per_process_cache_would_not_add_them_up(world):
    """The same attempts with local-memory caches: each process counts alone, and the account opens."""
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                         "LOCATION": f"security-{uuid.uuid4().hex}"}}
    with override_settings(CACHES=local):
        attempts_from_two_processes(world.owner.email, (3, 2))
        response = third_attempt_with_the_right_password(world.owner.email)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_production_uses_a_shared_cache():
    """Without REDIS_URL production falls back to the database cache, never to per-process memory."""
    from tests.security.test_deploy import production_env

    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.CACHES))"
    for extra, backend in (
        ({}, "django.core.cache.backends.db.DatabaseCache"),
        ({"REDIS_URL": REDIS_URL}, "portal.cache.FailSoftRedisCache"),  # Django's RedisCache, failing soft
    ):
        done = subprocess.run([sys.executable, "-c", code], env=production_env(**extra), capture_output=True,
                              text=True, timeout=60, cwd=settings.BASE_DIR)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout.strip().splitlines()[-1])["default"]["BACKEND"] == backend


def _delete_prefixed(prefix):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"{prefix}:*"))
    if keys:
        connection.delete(*keys)


# --- no account enumeration ------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_and_password_reset_do_not_tell_whether_an_account_exists(world):
    def answer(url, data):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(url, data)
        return response.status_code, response.get("Location"), [str(e) for e in response.context["form"].errors.get(
            "__all__", [])] if response.status_code == 200 else []

    login = reverse("account_login")
    assert answer(login, {"login": world.owner.email, "password": "wrong-1"}) == answer(
        login, {"login": "nobody@example.com", "password": "wrong-1"}
    )
    reset = reverse("account_reset_password")
    assert answer(reset, {"email": world.owner.email}) == answer(reset, {"email": "nobody@example.com"})
