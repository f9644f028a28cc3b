"""Settings for the AI Autonomous Manufacturing Alliance portal.

One module, driven by environment variables (see README.md and
docs/deployment.md). Without DJANGO_DEBUG the site runs in production mode and
refuses to start without a real DJANGO_SECRET_KEY.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.env import env_bool, env_choice, env_int, env_list, env_site_url, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG off) needs a long "
            "random key, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "jobs",
    "privacy",
    "news",
    "stats",
    "members",
    "projects",
    "delivery",
    "spread",
]

# Social login is offered only for the providers whose credentials are set.
SOCIALACCOUNT_PROVIDERS = {}
for _provider in ("kakao", "naver"):
    _client_id = env_str(f"{_provider.upper()}_CLIENT_ID")
    _secret = env_str(f"{_provider.upper()}_CLIENT_SECRET")
    if _client_id and _secret:
        INSTALLED_APPS.append(f"allauth.socialaccount.providers.{_provider}")
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret, "key": ""}],
        }

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An anonymous visitor's stored public page, before anything reads a session (portal.pagecache).
    "portal.pagecache.WholePageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After sign-in is known: a signed-in person who owes an answer to a new version of the terms or the
    # consent notices is asked before anything else (privacy.consents).
    "privacy.middleware.ConsentMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.pagecache.holes",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The proposal list's order indexes include the lead (projects.models.Proposal.Meta.indexes, issue 19): PostgreSQL's
# covering indexes. SQLite, the embedded default, builds them without the extra column, which changes no result; its
# warning would greet every `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else []
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or hangs must cost a request seconds, not a worker: libpq gives up
    # connecting after DJANGO_DB_CONNECT_TIMEOUT seconds (it covers a frozen server, whose kernel
    # still accepts the TCP connection), and the server cancels any statement running longer than
    # DJANGO_DB_STATEMENT_TIMEOUT (the admin's CSV exports take longer ones: portal/csv.py). TCP
    # keepalives and tcp_user_timeout close a kept connection whose server machine has gone away.
    # A server that is alive but frozen (SIGSTOP, a stalled disk) still acknowledges packets and never
    # runs its statement timeout: the portal's backend (portal/db/postgresql) gives up waiting for any
    # answer after DJANGO_DB_CLIENT_DEADLINE seconds. Its default leaves the server's own timeout 2 s
    # to fire first (portal.db.deadline.MARGIN); 0 turns the deadline off.
    DB_STATEMENT_TIMEOUT = env_int("DJANGO_DB_STATEMENT_TIMEOUT", 5)
    DATABASES["default"]["ENGINE"] = "portal.db.postgresql"
    # No statement timeout (0, for `migrate` on a large table) means no default client deadline either.
    DATABASES["default"]["CLIENT_DEADLINE"] = env_int(
        "DJANGO_DB_CLIENT_DEADLINE", DB_STATEMENT_TIMEOUT + 2 if DB_STATEMENT_TIMEOUT else 0)
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 3))
    _db_options["options"] = " ".join(filter(None, [
        _db_options.get("options", ""), f"-c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}",
        # JIT compiling only adds time to the portal's queries (hundreds of ms on the admin's lists at 100k rows,
        # issue 19): they are short index scans, never the long analytic queries JIT pays off for.
        "-c jit=off",
        # Nor parallel workers: starting them costs 5-20 ms, more than the short scans they would share (a page of
        # a search's matches, a count of a queue). The worker's recounts of whole tables (portal.derived) took
        # 0.32-0.56 s at 100,000 organisations with or without them.
        "-c max_parallel_workers_per_gather=0",
    ]))
    _db_options.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3,
                       tcp_user_timeout=10_000)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, so that every app server shares counters
# (allauth's rate limits, cached figures). Without Redis a production server
# uses the database cache (shared too); development uses local memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis failing soft (portal/cache.py): when it does not answer, pages render uncached and
    # sign-in rate limits are not counted (docs/deployment.md, "When a part fails").
    CACHES = {"default": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": REDIS_URL}}
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}
# How long, in milliseconds, a process serves the whole public pages it holds itself at the data version it last read
# before asking the cache for the version again (portal.pagecache): that round trip is most of what such a page costs.
# A change made in another process shows on them this much later; this process's own changes show at once. 0 asks on
# every request (the default with development's cache, which is in the process: there is no round trip to save).
PORTAL_PAGE_VERSION_REUSE_MS = env_int("PORTAL_PAGE_VERSION_REUSE_MS", 1000 if REDIS_URL or not DEBUG else 0)

# Background tasks: Django's Tasks API (django-tasks, the backport of Django 6's framework) on its
# database backend, so a task is a row written in the same transaction as the change that causes it,
# and workers on any machine share one queue (`manage.py db_worker`). Another backend (Celery, RQ)
# can replace it here without touching the code that enqueues.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Every mail goes through that queue (jobs.services.queue_mail): a request never talks to the mail server.

# Sessions live in the database: app servers keep no state of their own.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth (65.x names): email is the login, verified before first sign-in.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up signs the person in (allauth only does it for the
# person in the middle of signing up in that session) and sends them on: members.journey.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[AI 자율제조 얼라이언스] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Renders allauth's mails as allauth does, then queues them instead of sending them inside the request.
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
# Sign-up asks for the required consents apart from the optional one, none ticked beforehand (privacy.forms).
ACCOUNT_FORMS = {"signup": "privacy.forms.SignupForm"}
# allauth's built-in rate limits stay on (ACCOUNT_RATE_LIMITS is left at its default).
# They count per client address. Behind nginx (and any load balancer before it) REMOTE_ADDR is the
# proxy's, so every visitor would share one count; the client is then the X-Forwarded-For entry
# written by the outermost of the proxies we run, counted from the right. Entries further left are
# whatever the client sent, so they are never read. With no proxy trusted (the default without
# DJANGO_BEHIND_PROXY) the header is ignored and REMOTE_ADDR counts.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_PROXY") else 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
SOCIALACCOUNT_ONLY = False
# A second factor is an authenticator app (TOTP) or a passkey / security key (WebAuthn, through the `fido2`
# package), with recovery codes as the fallback. Staff must have one of them (portal.admin). Passkeys are a
# second factor here, and may also sign in by themselves (MFA_PASSKEY_LOGIN_ENABLED: a passkey is
# possession plus the device's own PIN or biometrics); staff still reach the admin only with MFA set up.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "AI Manufacturing Alliance"
# WebAuthn binds a credential to the site's origin; browsers allow plain http only on localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# --- account safety (README "Account safety") ------------------------------------------------------------
# Changing or adding an email address asks the person to confirm who they are again (allauth's
# re-authentication: the password, or the second factor for those who have one: members.adapter); adding or
# removing a second factor always does (MFA_REAUTHENTICATION_REQUIRED, allauth's default). A confirmation
# counts for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds. The portal's own sensitive steps use the same flow
# (portal.reauth).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = env_int("ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
# allauth mails the person on a password or email change and on every change of their second factors;
# members.adapter adds the mail on a sign-in from a browser not seen before. All go through the mail queue.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Staff decisions (workflow steps needing a decide_* permission) ask for re-authentication when the last
# sign-in or confirmation is older than this many seconds (portal.reauth.staff_decision_gate).
PORTAL_STAFF_DECISION_MAX_AUTH_AGE = env_int("PORTAL_STAFF_DECISION_MAX_AUTH_AGE", 30 * 60)
# The long-lived signed cookie that marks a browser which has signed in before (members.adapter).
PORTAL_KNOWN_BROWSER_COOKIE = "portal_known_browser"
PORTAL_KNOWN_BROWSER_MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers keep (Chrome caps at 400 days)

# Internationalisation: Korean first, English second; no language prefix in URLs.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
# Korean dates as Korean public services write them (portal/formats/ko/formats.py).
FORMAT_MODULE_PATH = ["portal.formats"]
USE_TZ = True

# Static files: whitenoise serves them; production uses a hashed, compressed manifest.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files are private (served only through permission-checked views):
# S3-compatible object storage when a bucket is configured, local disk otherwise.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads too big for memory are streamed to a temp file as they arrive: in the portal's own folder,
# not the system's /tmp, so that the orphan sweep (portal.files.sweep_orphans) can remove what a killed
# worker leaves there. Beside the media folder by default, so that storing an upload is a rename.
# Created at start-up (portal.apps).
FILE_UPLOAD_TEMP_DIR = env_str("DJANGO_FILE_UPLOAD_TEMP_DIR", str(BASE_DIR / "var" / "upload-tmp"))
# Private files on local disk: a view checks who asks, then the web server sends the bytes
# (nginx: an `internal` location at SENDFILE_URL, see docs/deployment.md); `simple` sends them
# from Python, for development and tests. Object storage answers with signed addresses instead.
SENDFILE_BACKEND = env_choice("DJANGO_SENDFILE_BACKEND", {
    "simple": "django_sendfile.backends.simple",
    "nginx": "django_sendfile.backends.nginx",
}, default="simple")
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = "/internal-media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Email: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds a mail server may take to answer each step before the worker gives up and retries later:
# without it a hanging server holds a worker for as long as the operating system lets the socket wait.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "AI 자율제조 얼라이언스 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Portal admins", a) for a in env_list("DJANGO_ADMINS")]

# Security: these hold in every mode; the HTTPS ones switch on in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The language switch is a form (no script reads the cookie), so the cookie stays away from scripts
# and from other sites' requests.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# A refused CSRF check answers with the site's own 403 page, in the visitor's language.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_PROXY", False):
        # The load balancer terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        USE_X_FORWARDED_HOST = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own mail_admins handler would call the mail server inside the failing request; this
        # one queues the mail like every other, and swallows its own failure (the database may be down).
        "mail_admins": {
            "level": "ERROR", "filters": ["require_debug_false"], "class": "jobs.errormail.QueuedAdminEmailHandler",
        },
    },
    # Named here so that Django's default `django` logger, with its synchronous mail handler, is replaced;
    # its records still reach the console through the root logger.
    "loggers": {"django": {"handlers": ["mail_admins"], "level": "INFO"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}

# The portal's own settings.
# Where `manage.py backup` writes its dated folders unless told otherwise: copy them off the machine.
PORTAL_BACKUP_DIR = Path(env_str("DJANGO_BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
PORTAL_SITE_NAME = _("AI Autonomous Manufacturing Alliance")
# The site's public address, for links in mails. Mails are rendered in services and sent by the worker,
# far from any request, so the address comes from here (portal.links.absolute_url), never from a Host header.
PORTAL_SITE_URL = env_site_url("PORTAL_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "", https=not DEBUG)

# --- personal information (개인정보 보호법) ------------------------------------------------------------
# The privacy officer (개인정보 보호책임자) the privacy policy names. The defaults are the demo's: set them.
PORTAL_PRIVACY_OFFICER = {
    "name": env_str("PRIVACY_OFFICER_NAME", "홍길동 (데모)"),
    "position": env_str("PRIVACY_OFFICER_POSITION", "산업통상자원부 산업인공지능정책과장 (데모)"),
    "email": env_str("PRIVACY_OFFICER_EMAIL", "privacy@alliance.example"),
    "phone": env_str("PRIVACY_OFFICER_PHONE", "044-000-0000"),
}


def _entries(name, fields):
    """Entries of `a | b | c` separated by `;`, read into dicts of `fields` (the policy lists them)."""
    entries = []
    for raw in env_str(name).split(";"):
        if not raw.strip():
            continue
        parts = [part.strip() for part in raw.split("|")]
        if len(parts) != len(fields) or not all(parts):
            raise ImproperlyConfigured(f"{name}: each entry is {' | '.join(fields)}, separated by ';' (got {raw!r})")
        entries.append(dict(zip(fields, parts, strict=True)))
    return entries


# Recipients of personal information outside the operator (제3자 제공) and the processors it entrusts work to
# (처리 위탁: a mail service, object storage). None unless set; the privacy policy lists what is set here.
PORTAL_PRIVACY_THIRD_PARTIES = _entries(
    "PRIVACY_THIRD_PARTIES", ("recipient", "purpose", "items", "retention"))
PORTAL_PRIVACY_PROCESSORS = _entries("PRIVACY_PROCESSORS", ("processor", "task"))
# Access records (portal.AccessRecord) are kept this many days, then removed by the daily job
# `purge-old-access-records`. The safety measures standard asks for at least two years here.
PORTAL_ACCESS_RECORD_RETENTION_DAYS = env_int("PORTAL_ACCESS_RECORD_RETENTION_DAYS", 730)
if PORTAL_ACCESS_RECORD_RETENTION_DAYS < 730:
    raise ImproperlyConfigured("PORTAL_ACCESS_RECORD_RETENTION_DAYS must be at least 730 (two years).")
# The person's rights (privacy.rights): a data export's link works this many days, then the daily job
# `purge-data-exports` removes the file.
PRIVACY_EXPORT_LINK_DAYS = env_int("PRIVACY_EXPORT_LINK_DAYS", 7)
# Dormant accounts (휴면계정, privacy.dormancy): an account nobody signed in to for this many days is separated
# (its personal fields moved to privacy.DormantAccount); its owner is mailed PRIVACY_DORMANT_NOTICE_DAYS before.
PRIVACY_DORMANT_AFTER_DAYS = env_int("PRIVACY_DORMANT_AFTER_DAYS", 365)
PRIVACY_DORMANT_NOTICE_DAYS = env_int("PRIVACY_DORMANT_NOTICE_DAYS", 30)
if not 0 < PRIVACY_DORMANT_NOTICE_DAYS < PRIVACY_DORMANT_AFTER_DAYS:
    raise ImproperlyConfigured("PRIVACY_DORMANT_NOTICE_DAYS must be between 1 and PRIVACY_DORMANT_AFTER_DAYS.")
