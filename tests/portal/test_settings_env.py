"""The settings module reads its configuration from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k" * 20 + "-a-long-random-looking-production-secret-key-0123456789"


# What every portal connection asks PostgreSQL for after its timeouts: no JIT, no parallel workers (issue 19).
FAST_START = "-c jit=off -c max_parallel_workers_per_gather=0"


def load_settings(env, expr):
    """Import portal.settings in a fresh interpreter with exactly `env` and print `expr`."""
    base = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "PORTAL_SITE_URL": "https://portal.example.kr"}
    code = f"import portal.settings as s; print(repr({expr}))"
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings({}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings({"DJANGO_SECRET_KEY": "short"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_debug_runs_with_a_development_key():
    result = load_settings({"DJANGO_DEBUG": "1"}, "s.DEBUG")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_a_misspelt_boolean_stops_start_up():
    result = load_settings({"DJANGO_DEBUG": "yes please"}, "s.DEBUG")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_sqlite_is_the_default_database():
    result = load_settings({"DJANGO_DEBUG": "1"}, "s.DATABASES['default']['ENGINE']")
    assert result.stdout.strip() == "'django.db.backends.sqlite3'"


def test_database_url_switches_to_postgresql_with_persistent_connections():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://alliance:s3cret@db.internal:6543/portal"}
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")
    result = load_settings(env, f"{{k: s.DATABASES['default'][k] for k in {keys!r}}}")
    assert result.returncode == 0, result.stderr
    assert eval(result.stdout) == {
        "ENGINE": "portal.db.postgresql",  # Django's, with a client-side deadline (portal/db/postgresql)
        "NAME": "portal",
        "USER": "alliance",
        "PASSWORD": "s3cret",
        "HOST": "db.internal",
        "PORT": 6543,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def test_postgresql_gets_connect_and_statement_timeouts_from_the_environment():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://db.internal/portal?options=-c%20work_mem%3D8MB",
           "DJANGO_DB_CONNECT_TIMEOUT": "4", "DJANGO_DB_STATEMENT_TIMEOUT": "7"}
    result = load_settings(env, "s.DATABASES['default']['OPTIONS']")
    assert result.returncode == 0, result.stderr
    options = eval(result.stdout)
    assert options["connect_timeout"] == 4
    # the URL's own options first, then the timeout, then JIT and parallel workers off (they only add time to these
    # queries)
    assert options["options"] == f"-c work_mem=8MB -c statement_timeout=7000 {FAST_START}"
    assert options["tcp_user_timeout"] > 0 and options["keepalives"] == 1


def test_postgresql_timeouts_default_to_a_few_seconds():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://db.internal/portal"}
    options = eval(load_settings(env, "s.DATABASES['default']['OPTIONS']").stdout)
    assert (options["connect_timeout"], options["options"]) == (3, f"-c statement_timeout=5000 {FAST_START}")


def test_the_client_deadline_leaves_the_server_timeout_two_seconds_to_fire_first():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://db.internal/portal", "DJANGO_DB_STATEMENT_TIMEOUT": "8"}
    assert load_settings(env, "s.DATABASES['default']['CLIENT_DEADLINE']").stdout.strip() == "10"


def test_the_client_deadline_comes_from_the_environment_and_0_turns_it_off():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://db.internal/portal", "DJANGO_DB_CLIENT_DEADLINE": "0"}
    assert load_settings(env, "s.DATABASES['default']['CLIENT_DEADLINE']").stdout.strip() == "0"


def test_no_statement_timeout_for_a_migration_means_no_client_deadline_either():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://db.internal/portal", "DJANGO_DB_STATEMENT_TIMEOUT": "0"}
    assert load_settings(env, "s.DATABASES['default']['CLIENT_DEADLINE']").stdout.strip() == "0"
    options = load_settings(env, "s.DATABASES['default']['OPTIONS']['options']").stdout.strip()
    assert options == f"'-c statement_timeout=0 {FAST_START}'"


def test_sqlite_keeps_django_s_backend_and_no_deadline():
    result = load_settings({"DJANGO_DEBUG": "1"}, "s.DATABASES['default'].get('CLIENT_DEADLINE')")
    assert result.stdout.strip() == "None"


def test_sqlite_gets_no_postgresql_options():
    result = load_settings({"DJANGO_DEBUG": "1"}, "s.DATABASES['default'].get('OPTIONS', {})")
    assert eval(result.stdout) == {}


def test_redis_url_selects_the_redis_cache():
    env = {"DJANGO_DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    result = load_settings(env, "s.CACHES['default']")
    assert eval(result.stdout) == {
        "BACKEND": "portal.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }


def test_production_without_redis_shares_the_cache_through_the_database():
    result = load_settings({"DJANGO_SECRET_KEY": PRODUCTION_KEY}, "s.CACHES['default']['BACKEND']")
    assert result.stdout.strip() == "'django.core.cache.backends.db.DatabaseCache'"


def test_production_uses_hashed_compressed_static_files_and_https():
    expr = (
        "(s.STORAGES['staticfiles']['BACKEND'], s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
    )
    result = load_settings({"DJANGO_SECRET_KEY": PRODUCTION_KEY}, expr)
    assert eval(result.stdout) == ("whitenoise.storage.CompressedManifestStaticFilesStorage", True, 31536000, True)


def test_allowed_hosts_and_trusted_origins_are_lists_from_the_environment():
    env = {
        "DJANGO_SECRET_KEY": PRODUCTION_KEY,
        "DJANGO_ALLOWED_HOSTS": "portal.example.kr, www.portal.example.kr",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://portal.example.kr",
    }
    result = load_settings(env, "(s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS)")
    assert eval(result.stdout) == (["portal.example.kr", "www.portal.example.kr"], ["https://portal.example.kr"])


def test_email_goes_to_the_console_unless_smtp_is_configured():
    console = load_settings({"DJANGO_DEBUG": "1"}, "s.EMAIL_BACKEND")
    assert console.stdout.strip() == "'django.core.mail.backends.console.EmailBackend'"
    smtp = load_settings(
        {"DJANGO_DEBUG": "1", "EMAIL_HOST": "smtp.example.kr", "EMAIL_PORT": "2525"}, "(s.EMAIL_BACKEND, s.EMAIL_PORT)"
    )
    assert eval(smtp.stdout) == ("django.core.mail.backends.smtp.EmailBackend", 2525)


def test_uploads_go_to_object_storage_when_a_bucket_is_configured():
    env = {"DJANGO_DEBUG": "1", "AWS_STORAGE_BUCKET_NAME": "alliance-files", "AWS_S3_ENDPOINT_URL": "https://s3.example.kr"}
    result = load_settings(env, "s.STORAGES['default']['BACKEND']")
    assert result.stdout.strip() == "'storages.backends.s3.S3Storage'"
    local = load_settings({"DJANGO_DEBUG": "1"}, "s.STORAGES['default']['BACKEND']")
    assert local.stdout.strip() == "'django.core.files.storage.FileSystemStorage'"


@pytest.mark.parametrize(
    ("env", "offered"),
    [
        ({}, []),
        ({"KAKAO_CLIENT_ID": "id", "KAKAO_CLIENT_SECRET": "secret"}, ["kakao"]),
        ({"KAKAO_CLIENT_ID": "id-without-secret"}, []),
        (
            {"KAKAO_CLIENT_ID": "a", "KAKAO_CLIENT_SECRET": "b", "NAVER_CLIENT_ID": "c", "NAVER_CLIENT_SECRET": "d"},
            ["kakao", "naver"],
        ),
    ],
)
def test_social_logins_are_offered_only_when_their_credentials_are_set(env, offered):
    result = load_settings({"DJANGO_DEBUG": "1", **env}, "sorted(s.SOCIALACCOUNT_PROVIDERS)")
    assert eval(result.stdout) == offered


def test_production_refuses_to_start_without_the_site_address():
    result = load_settings({"DJANGO_SECRET_KEY": PRODUCTION_KEY, "PORTAL_SITE_URL": ""}, "s.PORTAL_SITE_URL")
    assert result.returncode != 0
    assert "PORTAL_SITE_URL is not set" in result.stderr


@pytest.mark.parametrize("address", ["http://portal.example.kr", "https://portal.example.kr/alliance", "portal.kr"])
def test_production_refuses_a_site_address_that_is_not_https_host(address):
    result = load_settings({"DJANGO_SECRET_KEY": PRODUCTION_KEY, "PORTAL_SITE_URL": address}, "s.PORTAL_SITE_URL")
    assert result.returncode != 0
    assert "PORTAL_SITE_URL must be https://host" in result.stderr


def test_the_site_address_is_kept_without_its_trailing_slash():
    env = {"DJANGO_SECRET_KEY": PRODUCTION_KEY, "PORTAL_SITE_URL": "https://portal.example.kr/"}
    assert load_settings(env, "s.PORTAL_SITE_URL").stdout.strip() == "'https://portal.example.kr'"


def test_debug_links_mails_to_the_development_server():
    result = load_settings({"DJANGO_DEBUG": "1", "PORTAL_SITE_URL": ""}, "s.PORTAL_SITE_URL")
    assert result.stdout.strip() == "'http://127.0.0.1:8000'"


def test_the_embedded_sqlite_database_passes_the_system_checks_without_a_warning(tmp_path):
    # `make run` migrates SQLite: Proposal's covering indexes (PostgreSQL's INCLUDE) are built without the extra
    # column there, and Django's models.W040 about it is silenced for SQLite only.
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "DJANGO_DEBUG": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--database", "default", "--fail-level", "WARNING"],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "W040" not in result.stdout + result.stderr
    silenced = load_settings({"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@db.example/portal"},
                             "s.SILENCED_SYSTEM_CHECKS")
    assert silenced.stdout.strip() == "[]"  # PostgreSQL builds them: nothing to silence there
