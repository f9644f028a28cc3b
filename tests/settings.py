"""Test settings: the real settings module, plus what only tests need.

The environment still decides the database (DATABASE_URL), so the same suite
runs on SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-the-test-suite-only-" + "x" * 20)
os.environ.setdefault("PORTAL_SITE_URL", "https://testserver")  # production asks for one (set again below)

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# In the process, as in development: no round trip for the page version to save (tests/portal/test_pagecache.py
# turns the reuse on where it is the subject).
PORTAL_PAGE_VERSION_REUSE_MS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Serve static files from the app folders (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Links in mails point here (the test client's host), so a test can follow them.
PORTAL_SITE_URL = "http://testserver"
