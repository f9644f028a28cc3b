import copy
import datetime
import sys
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connection, connections
from django.db.models import Case, F, When
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from django_tasks_db.models import DBTaskResult, get_date_max

from portal.access import Refused
from portal.pagecache import public_page


class HomeView(TemplateView):
    template_name = "portal/home.html"


home = public_page(HomeView.as_view())

@require_GET
@never_cache
def switch_language(request):
    """The header's language switch: a GET (no CSRF token in the header, so that an anonymous visitor's
    page is the same for everyone and portal.pagecache can store it whole). It sets the language cookie
    as Django's set_language does and goes back to `next` when that is an address on this site. A link
    from elsewhere can change a visitor's language, nothing more; Django's POST set_language stays too."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    code = request.GET.get("language", "")
    if code in dict(settings.LANGUAGES) and check_for_language(code):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


# The footer's contact page (KRDS); the privacy policy and the terms are versioned texts (privacy.views).
contact = public_page(TemplateView.as_view(template_name="portal/contact.html"))


# /healthz answers within this many seconds whatever the database does.
HEALTHZ_DEADLINE = 1.5
# What a 503 asks clients (and crawlers) to wait before trying again.
RETRY_AFTER = 30


@never_cache
@require_GET
def healthz(request):
    """The load balancer's probe: small JSON, answered within HEALTHZ_DEADLINE seconds.

    503 when the database does not answer (this server can serve almost nothing); 200 "degraded" when
    only Redis does not (every server shares that Redis, and each one still serves, uncached: pulling
    them all would take the site down for a cache). `oldest_task_seconds` is how long the oldest due
    background task has waited for a worker (0 when none waits)."""
    database = _DatabaseProbe(connections[DEFAULT_DB_ALIAS])
    if database.in_thread:
        database.start()
    redis = _redis_status()  # meanwhile; at most Redis's connect and read timeouts
    if database.in_thread:
        database.join(max(0.0, database.deadline - time.monotonic()))
    else:
        database.run()
    body = {"status": "ok", "database": "ok" if database.ok else "unavailable"}
    if redis is not None:
        body["redis"] = "ok" if redis else "unavailable"
    if database.ok:
        body["oldest_task_seconds"] = database.oldest_task_seconds
    if not database.ok:
        body["status"] = "error"
    elif redis is False:
        body["status"] = "degraded"
    return JsonResponse(body, status=200 if database.ok else 503)


def _redis_status():
    """True or False for the Redis cache, None when the cache is not Redis."""
    available = getattr(cache, "available", None)
    return None if available is None else available()


class _DatabaseProbe(threading.Thread):
    """The database check, on a fresh connection of its own in a thread of its own.

    Fresh, because this worker's kept connection may be stuck on a frozen server; in a thread, because
    a server that freezes after accepting the connection would hold the check forever (libpq has no
    timeout for an answer): the probe then ends when the server wakes, the request does not wait."""

    def __init__(self, default):
        super().__init__(daemon=True, name="healthz-database")
        self.deadline = time.monotonic() + HEALTHZ_DEADLINE
        self.default = default
        self.in_thread = default.vendor == "postgresql"  # else SQLite: a file, nothing to hang on
        self.ok = False
        self.oldest_task_seconds = None

    def run(self):
        probe = _fresh_connection(self.default) if self.in_thread else connection
        try:
            with probe.cursor() as cursor:
                since = _oldest_waiting_task(cursor, probe)
            now = timezone.now()
            self.oldest_task_seconds = max(0, int((now - since).total_seconds())) if since else 0
            self.ok = time.monotonic() < self.deadline
        except DatabaseError:
            self.ok = False
        finally:
            if self.in_thread:
                probe.close()


def _fresh_connection(default):
    settings_dict = copy.deepcopy(default.settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    options["connect_timeout"] = 2  # libpq's smallest
    options["options"] = f"{options.get('options', '')} -c statement_timeout=1000".strip()
    settings_dict["CONN_HEALTH_CHECKS"] = False
    return type(default)(settings_dict, alias="healthz")


def _oldest_waiting_task(cursor, probe):
    """When the oldest due, waiting background task became due (django_tasks_db's queue)."""
    queryset = (
        DBTaskResult.objects.ready()
        .annotate(due=Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")))
        .order_by("due").values_list("due", flat=True)[:1]
    )
    sql, params = queryset.query.get_compiler(connection=probe).as_sql()
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if not row:
        return None
    due = row[0]
    if isinstance(due, str):  # SQLite hands raw SQL its timestamps back as text (UTC, as Django stored them)
        due = parse_datetime(due)
        if timezone.is_naive(due):
            due = timezone.make_aware(due, datetime.UTC)
    return due


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /my/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request):
    # Resolved per request: the hashed name exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def permission_denied(request, exception):
    """The 403 page; a `Refused` says which role would be needed, any other refusal keeps the general text."""
    message = str(exception) if isinstance(exception, Refused) else ""
    return render(request, "403.html", {"message": message}, status=403)


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    """A refused CSRF check: the site's 403 page for it, in the visitor's language (CSRF_FAILURE_VIEW)."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """The 500 page; a database that cannot be reached, or that cancelled a statement running past its
    timeout, is the 503 page with Retry-After instead: the site is unavailable, not broken."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    return render(request, "500.html", status=500)


def service_unavailable(request):
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response
