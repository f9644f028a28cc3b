"""Redis down: the site serves without its cache, and is fresh again once Redis answers (portal/cache.py).

"Down" is a real address nothing listens on; "back" is the real Redis on 127.0.0.1:6379, in a database
and key prefix of these tests' own."""

import itertools
import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import personas

CLOSED = "redis://127.0.0.1:1/{}"
LIVE = "redis://127.0.0.1:6379/9"
PREFIX = "degrade-tests"
_outage = itertools.count()


def _cache_at(settings, location):
    settings.CACHES = {"default": {
        "BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": location, "KEY_PREFIX": PREFIX,
    }}


@pytest.fixture
def redis_down(settings):
    # A database number of its own for each test: each one is a new outage to this process.
    _cache_at(settings, CLOSED.format(next(_outage)))
    return settings


@pytest.fixture
def live_redis():
    import redis

    client = redis.Redis.from_url(LIVE, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {LIVE} ({exc}): start redis-server on 127.0.0.1:6379.")
    yield
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)


def timed_get(client, url):
    start = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - start


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/news/", "/members/", "/accounts/login/"])
def test_public_pages_and_the_sign_in_page_answer_without_redis(redis_down, client, url):
    response, seconds = timed_get(client, url)
    assert response.status_code == 200
    assert seconds < 1


@pytest.mark.django_db
def test_signing_in_works_without_redis(redis_down, client, make_user):
    response = client.post(reverse("account_login"), {"login": make_user().email, "password": personas.PASSWORD})
    assert response.status_code == 302
    assert client.get("/my/").status_code in (200, 302)
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_only_the_first_call_of_an_outage_waits_and_warns(redis_down, client, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        start = time.monotonic()
        for _ in range(20):
            assert client.get("/news/").status_code == 200
        seconds = time.monotonic() - start
    warnings = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1
    assert "does not answer" in warnings[0].getMessage()
    assert seconds < 2  # twenty pages rendered uncached; the breaker skips Redis after the first error


@pytest.mark.django_db
def test_healthz_says_degraded_naming_redis(redis_down, client):
    response, seconds = timed_get(client, "/healthz")
    assert response.status_code == 200  # every server shares this Redis: the balancer keeps them all
    assert response.json()["status"] == "degraded"
    assert response.json()["redis"] == "unavailable"
    assert response.json()["database"] == "ok"
    assert seconds < 2


@pytest.mark.django_db
def test_healthz_says_ok_with_redis(settings, live_redis, client):
    _cache_at(settings, LIVE)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "oldest_task_seconds": 0}


@pytest.mark.django_db
def test_pages_are_cached_again_once_redis_answers(settings, live_redis, client):
    _cache_at(settings, CLOSED.format(next(_outage)))
    client.get("/members/")
    _cache_at(settings, LIVE)
    client.get("/members/")
    assert cache.get("pages:version") is not None


@pytest.mark.django_db
def test_a_change_made_while_redis_was_away_shows_once_it_is_back(settings, live_redis, client):
    """The data version's bump after the save is lost with Redis away; Redis comes back with its
    old pages, and the process that lost the write moves the pages to a new version first."""
    personas.organization(name="먼저 있던 회사")
    _cache_at(settings, LIVE)
    assert "먼저 있던 회사" in client.get("/members/").content.decode()  # now cached in Redis

    _cache_at(settings, CLOSED.format(next(_outage)))
    personas.organization(name="장애 중에 가입한 회사")
    assert "장애 중에 가입한 회사" in client.get("/members/").content.decode()  # uncached

    _cache_at(settings, LIVE)
    assert "장애 중에 가입한 회사" in client.get("/members/").content.decode()


@pytest.mark.django_db
def test_a_company_page_changed_while_redis_was_away_is_fresh_once_it_is_back(settings, live_redis, client):
    """/my/ is stored per organisation (portal.pagecache.scoped_page): without Redis it is built for every
    request, holes filled; the organisation's version bump lost in the outage does not bring its old page back."""
    from members import services

    owner = personas.user("owner@hanbit.example")
    organization = personas.organization("한빛정밀", owner=owner)
    client.force_login(owner)
    _cache_at(settings, LIVE)
    client.get("/my/")
    assert "erin@hanbit.example" not in client.get("/my/").content.decode()  # stored in Redis

    _cache_at(settings, CLOSED.format(next(_outage)))
    services.invitation_create(organization=organization, email="erin@hanbit.example", by=owner)
    page = client.get("/my/").content.decode()
    assert "erin@hanbit.example" in page and "portal-hole" not in page

    _cache_at(settings, LIVE)
    assert "erin@hanbit.example" in client.get("/my/").content.decode()
