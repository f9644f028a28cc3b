"""The database down or hanging: the Korean 503 page with Retry-After within seconds, and /healthz says so.

"Down" is a real PostgreSQL address nothing listens on, in a child process (the suite's own database
stays up); "hanging" is a real statement that outlives the statement timeout."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="statement timeouts are PostgreSQL's (CI runs it)")

CHILD = """
import json, time, django
django.setup()
from django.conf import settings
from django.test import Client
settings.ROOT_URLCONF = "tests.portal.fault_urls"
seen = {}
for language in ("ko", "en"):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["sessionid"] = "a-session-the-database-would-have-to-look-up"
    for path in ("/", "/news/", "/members/", "/my/", "/no-such-page/", "/faults/fail", "/healthz"):
        start = time.monotonic()
        response = client.get(path)
        seen[f"{language} {path}"] = {
            "status": response.status_code, "seconds": time.monotonic() - start,
            "retry_after": response.get("Retry-After"), "body": response.content.decode(),
        }
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def database_down():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL="postgres://postgres@127.0.0.1:1/portal")
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", ["/", "/news/", "/members/", "/my/"])
def test_pages_answer_503_with_retry_after_when_the_database_is_down(database_down, path):
    seen = database_down[f"ko {path}"]
    assert seen["status"] == 503
    assert seen["retry_after"] == "30"
    assert "일시적으로 서비스를 이용할 수 없습니다" in seen["body"]
    assert '<header id="krds-header">' in seen["body"] and "<footer" in seen["body"]
    assert seen["seconds"] < 5


def test_the_503_page_is_english_for_an_english_visitor(database_down):
    body = database_down["en /news/"]["body"]
    assert "Service temporarily unavailable" in body
    assert '<html lang="en">' in body


def test_a_bug_while_the_database_is_down_is_still_the_500_page_in_the_layout(database_down):
    for language, words in (("ko", "서버 오류"), ("en", "Server error")):
        seen = database_down[f"{language} /faults/fail"]
        assert seen["status"] == 500
        assert words in seen["body"] and '<header id="krds-header">' in seen["body"]


def test_the_404_page_renders_while_the_database_is_down(database_down):
    seen = database_down["ko /no-such-page/"]
    assert seen["status"] == 404
    assert "페이지를 찾을 수 없습니다" in seen["body"]


def test_healthz_answers_503_at_once_when_the_database_is_down(database_down):
    seen = database_down["ko /healthz"]
    assert seen["status"] == 503
    assert json.loads(seen["body"]) == {"status": "error", "database": "unavailable"}
    assert seen["seconds"] < 2


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db
@pytest.mark.urls("tests.portal.fault_urls")
def test_a_statement_past_the_timeout_ends_in_the_503_page(client):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"  # DJANGO_DB_STATEMENT_TIMEOUT's default, from the settings
        cursor.execute("SET LOCAL statement_timeout = '300ms'")  # not to wait five seconds here
    client.raise_request_exception = False
    start = time.monotonic()
    response = client.get("/faults/sleep?seconds=5")
    assert time.monotonic() - start < 2
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "일시적으로 서비스를 이용할 수 없습니다" in response.content.decode()


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db
def test_the_connection_gives_up_connecting_after_the_connect_timeout():
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 3
