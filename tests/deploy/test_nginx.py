"""The shipped nginx site (deploy/nginx/portal.conf) is valid and does what the portal relies on.

Each test runs a real nginx with its own prefix on loopback, with the shipped file's paths and ports
replaced for the machine (deploy/localstack.py, as `make prod-local` does), in front of the test
server: private files leave through X-Accel-Redirect after the portal's check, static files carry
their cache headers, and a missing app server gives the static outage page.
"""

import http.client
import os
import re
import runpy
import shutil
import ssl

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django_sendfile.utils import _get_sendfile

from deploy import localstack
from members.models import TIER_PROOF_UPLOAD
from news.models import COVER_UPLOAD
from portal.middleware import DEFAULT_CSP, PERMISSIONS_POLICY
from projects.models import ANNEX_UPLOAD, PROPOSAL_DOCUMENT_UPLOAD
from tests import personas

HASHED_CSS = "css/portal.0123456789ab.css"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not (os.path.exists(localstack.NGINX) and shutil.which("openssl")):
        if os.environ.get("CI"):
            pytest.fail("nginx and openssl are needed: apt-get install nginx openssl (.ci/run does)")
        pytest.skip("nginx or openssl is not installed")
    return localstack.self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def static_root(tmp_path):
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / HASHED_CSS).write_text("body { color: black; }\n")
    (root / "css" / "portal.css").write_text("body { color: black; }\n")
    call_command("render_outage_page", output=root / "outage", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return root


def start_nginx(prefix, *, upstream, static_root, certificate):
    cert, key = certificate
    https_port, http_port = localstack.free_port(28443), localstack.free_port(28080)
    nginx = localstack.Nginx(prefix, localstack.render_site(
        upstream=upstream, static_root=static_root, media_root=settings.MEDIA_ROOT, cert=cert, key=key,
        https_port=https_port, http_port=http_port,
    ))
    ok, said = nginx.test()
    assert ok, said
    nginx.start(https_port)
    nginx.https_port, nginx.http_port = https_port, http_port
    return nginx


@pytest.fixture
def front(live_server, tmp_path, static_root, certificate):
    """nginx in front of the test server, which answers downloads with X-Accel-Redirect."""
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()  # django-sendfile2 keeps the backend it loaded first
    nginx = start_nginx(tmp_path / "nginx", upstream=live_server.url.removeprefix("http://"),
                        static_root=static_root, certificate=certificate)
    yield nginx
    nginx.stop()
    settings.SENDFILE_BACKEND = "django_sendfile.backends.simple"
    _get_sendfile.cache_clear()


def get(port, path, *, cookies=None, tls=True, headers=None):
    if tls:
        conn = http.client.HTTPSConnection(localstack.HOST, port, timeout=10,
                                           context=ssl._create_unverified_context())
    else:
        conn = http.client.HTTPConnection(localstack.HOST, port, timeout=10)
    headers = {"Host": f"{localstack.HOST}:{port}", **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


def session_of(person):
    client = Client()
    client.force_login(person)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def test_the_shipped_site_passes_nginx_t(tmp_path, static_root, certificate):
    cert, key = certificate
    nginx = localstack.Nginx(tmp_path / "nginx", localstack.render_site(
        upstream="127.0.0.1:8000", static_root=static_root, media_root=tmp_path / "media", cert=cert, key=key,
        https_port=28443, http_port=28080,
    ))
    ok, said = nginx.test()
    assert ok, said
    assert "syntax is ok" in said


def test_nginx_accepts_the_largest_upload_and_little_more():
    """client_max_body_size: the largest file policy plus the form's other fields, within 2 MB of framing."""
    body_mb = int(re.search(r"client_max_body_size (\d+)m;", localstack.SITE.read_text()).group(1))
    largest = max(p.max_bytes for p in (TIER_PROOF_UPLOAD, COVER_UPLOAD, ANNEX_UPLOAD, PROPOSAL_DOCUMENT_UPLOAD))
    needed = largest + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert needed <= body_mb * 1024 * 1024 <= needed + 2 * 1024 * 1024


@pytest.mark.django_db(transaction=True)
def test_a_member_gets_a_private_file_that_nginx_sends_after_the_portals_check(front):
    owner = personas.user()
    org = personas.organization(owner=owner)
    status, headers, body = get(front.https_port, f"/members/{org.pk}/tier-proof/", cookies=session_of(owner))
    assert status == 200
    assert body == personas.PDF_BYTES
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "X-Accel-Redirect" not in headers


@pytest.mark.django_db(transaction=True)
def test_an_outsider_is_refused_before_nginx_reads_the_file(front):
    org = personas.organization(owner=personas.user())
    status, headers, body = get(front.https_port, f"/members/{org.pk}/tier-proof/",
                                cookies=session_of(personas.user()))
    assert status in (403, 404)
    assert personas.PDF_BYTES not in body


@pytest.mark.django_db(transaction=True)
def test_a_browser_cannot_ask_for_the_internal_location(front):
    org = personas.organization(owner=personas.user())
    status, _, body = get(front.https_port, f"{settings.SENDFILE_URL}/{org.tier_proof.name}")
    assert status == 404
    assert personas.PDF_BYTES not in body


@pytest.mark.django_db(transaction=True)
def test_hashed_static_files_are_kept_a_year_and_others_an_hour(front):
    status, headers, _ = get(front.https_port, f"/static/{HASHED_CSS}")
    assert status == 200
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, _ = get(front.https_port, "/static/css/portal.css")
    assert (status, headers["Cache-Control"]) == (200, "public, max-age=3600")


@pytest.mark.django_db(transaction=True)
def test_plain_http_is_sent_to_https(front):
    status, headers, _ = get(front.http_port, "/news/?page=2", tls=False)
    assert status == 301
    assert headers["Location"] == f"https://{localstack.HOST}:{front.https_port}/news/?page=2"


def test_without_an_app_server_visitors_get_the_outage_page_with_retry_after(tmp_path, static_root, certificate):
    closed = localstack.free_port(28900)
    nginx = start_nginx(tmp_path / "nginx", upstream=f"127.0.0.1:{closed}", static_root=static_root,
                        certificate=certificate)
    try:
        korean = get(nginx.https_port, "/news/", headers={"Accept-Language": "ko-KR,ko;q=0.9"})
        english = get(nginx.https_port, "/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    finally:
        nginx.stop()
    for status, headers, _ in (korean, english):
        assert status == 503
        assert headers["Retry-After"] == "30"
        assert headers["Cache-Control"] == "no-store"
        # The same policies the portal's own pages carry (nginx answers this one by itself).
        assert headers["Content-Security-Policy"] == DEFAULT_CSP
        assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
        assert headers["X-Frame-Options"] == "DENY"
    assert b'<html lang="ko">' in korean[2]
    assert b'<html lang="en">' in english[2]


def test_nginx_waits_longer_than_gunicorn_lets_a_request_run():
    """A request gunicorn still allows is waited for; one it kills reaches nginx as a 502 (the outage page)."""
    gunicorn = runpy.run_path(str(localstack.GUNICORN_CONF))
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", localstack.SITE.read_text()).group(1))
    assert gunicorn["worker_class"] == "sync"
    assert gunicorn["timeout"] < read_timeout
    assert gunicorn["graceful_timeout"] <= gunicorn["timeout"]
    assert f"server {gunicorn['bind']} " in localstack.SITE.read_text()  # the upstream nginx passes to


def test_the_outage_page_is_the_portals_503_template_when_there_is_one(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "503.html").write_text(
        '{% load i18n %}<html lang="{{ LANGUAGE_CODE }}">{% translate "Back to the home page" %}</html>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    call_command("render_outage_page", output=tmp_path / "out", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert (tmp_path / "out" / "503.ko.html").read_text() == '<html lang="ko">홈으로 돌아가기</html>'
    assert (tmp_path / "out" / "503.en.html").read_text() == '<html lang="en">Back to the home page</html>'
