"""Production settings pass Django's deployment checklist; every kind of response carries the security headers.

The production values are read from portal/settings.py itself, run in a child process with a
production environment (random secret key, allowed hosts, no DJANGO_DEBUG), so these tests
follow the settings module rather than a copy of it.
"""

import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SETTINGS = (
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "X_FRAME_OPTIONS", "SESSION_COOKIE_HTTPONLY", "DEBUG",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_SAMESITE", "LANGUAGE_COOKIE_HTTPONLY",
)


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="portal.example.kr",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://portal.example.kr",
        PORTAL_SITE_URL="https://portal.example.kr",
        **extra,
    )
    assert "DJANGO_DEBUG" not in env
    return env


@pytest.fixture(scope="module")
def production_settings():
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings():
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_would_catch_a_weak_setting():
    """The check above can fail: switching HSTS off in production makes it fail."""
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(DJANGO_SECURE_HSTS_SECONDS="0"), capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "security.W004" in done.stdout + done.stderr


def test_production_refuses_to_start_with_a_short_secret_key():
    env = production_env()
    env["DJANGO_SECRET_KEY"] = "short"
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "DJANGO_SECRET_KEY" in done.stderr
    # Said plainly, not at the bottom of a traceback that ends somewhere else.
    assert done.stderr.startswith("Configuration error:") and "Traceback" not in done.stderr


def test_production_settings_switch_https_protections_on(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_settings["SESSION_COOKIE_SECURE"] is True
    assert production_settings["CSRF_COOKIE_SECURE"] is True
    assert production_settings["SESSION_COOKIE_HTTPONLY"] is True
    assert production_settings["LANGUAGE_COOKIE_SECURE"] is True
    assert production_settings["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert production_settings["LANGUAGE_COOKIE_HTTPONLY"] is True


# --- headers -----------------------------------------------------------------------------------


@pytest.fixture
def production_like(settings, production_settings):
    """This process's settings, with the HTTPS protections production switches on."""
    for name, value in production_settings.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    return settings


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


class InlineScriptFinder(HTMLParser):
    """Scripts a strict CSP would block: inline <script> bodies and on* attributes."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
        if tag == "script" and not attrs.get("src"):
            # JSON data islands (json_script) are not executed.
            kind = (attrs.get("type") or "").lower()
            self._in_inline_script = kind not in {"application/json", "application/ld+json"}
        if tag in ("a", "form", "iframe") and any(
            (attrs.get(a) or "").strip().lower().startswith("javascript:") for a in ("href", "action", "src")
        ):
            self.problems.append(f"<{tag} javascript:>")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.problems.append(f"inline <script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def assert_security_headers(response, *, https):
    where = f"{response.request['PATH_INFO']} ({response.status_code})"
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    csp = csp_directives(response["Content-Security-Policy"])
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts is not None, where
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "*" not in scripts and not any(s.startswith(("http:", "https:", "data:")) for s in scripts), where
    assert csp.get("object-src") == ["'none'"], where
    assert csp.get("frame-ancestors") == ["'none'"], where
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"], where
    if https:
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload", where
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        finder = InlineScriptFinder()
        finder.feed(response.content.decode())
        assert finder.problems == [], f"{where}: scripts the CSP would block: {finder.problems}"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_in_production(production_like, client):
    response = client.get("/news/", headers={"host": "testserver"})
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/news/"


@pytest.mark.django_db
def test_public_and_allauth_pages_carry_the_headers(production_like, world, client_for):
    client = client_for("anonymous")
    for url in (
        "/", "/news/", world.article.get_absolute_url(), "/members/", "/projects/", "/news/feed/", "/robots.txt",
        reverse("account_login"), reverse("account_signup"), reverse("account_reset_password"),
        "/no-such-page/",
    ):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), url
        assert_security_headers(response, https=True)


@pytest.mark.django_db
def test_company_pages_and_admin_carry_the_headers(production_like, world, client_for):
    owner = client_for("owner")
    for url in ("/my/", "/my/proposals/", reverse("my-proposals:detail", args=[world.proposal.pk])):
        response = owner.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response, https=True)
    staff = client_for("superuser")
    for url in ("/admin/", "/admin/members/organization/", f"/admin/members/organization/{world.org_a.pk}/change/"):
        response = staff.get(url, secure=True)
        assert response.status_code == 200, url
        assert_security_headers(response, https=True)


@pytest.mark.django_db
def test_file_downloads_carry_the_headers_and_are_attachments(production_like, world, client_for):
    owner = client_for("owner")
    downloads = (
        reverse("members:tier-proof", args=[world.org_a.pk]),
        reverse("my-proposals:document", args=[world.proposal.pk]),
        reverse("my-proposals:annex", args=[world.proposal.pk, world.annex.pk]),
    )
    for url in downloads:
        response = owner.get(url, secure=True)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment"), url
        assert "no-store" in response["Cache-Control"], url
        assert_security_headers(response, https=True)
    cover = client_for("anonymous").get(reverse("news:cover", args=[world.article.slug]), secure=True)
    assert cover.status_code == 200
    assert cover["Content-Type"].startswith("image/")
    assert_security_headers(cover, https=True)


@pytest.mark.django_db
def test_a_page_with_an_inline_script_would_be_caught():
    """The inline-script finder used above does find what a strict CSP blocks."""
    finder = InlineScriptFinder()
    finder.feed('<p onclick="x()">a</p><script>alert(1)</script><script type="application/json">{}</script>'
                '<a href="javascript:alert(1)">b</a><script src="/static/a.js"></script>')
    assert finder.problems == ["<p onclick=...>", "inline <script>alert(1)", "<a javascript:>"]


@pytest.mark.django_db
def test_production_cookies_are_secure_httponly_and_same_site(production_like, world, client):
    response = client.post(
        reverse("account_login"), {"login": world.owner.email, "password": "pw-for-tests-1"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
