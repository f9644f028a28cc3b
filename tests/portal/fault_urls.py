"""The portal's URLs plus some that exist only in tests: a statement that outlasts the statement timeout,
a view that fails in code, one that refuses, one that gets a bad request and one that loses the database
(each error page, reached the way a visitor reaches it), and the 429 and CSRF refusal pages.
Used with `@pytest.mark.urls("tests.portal.fault_urls")`."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.urls import path

from portal.urls import handler400, handler403, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def sleep(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "3"))])
    return HttpResponse("slept")


def fail(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


def bad_request(request):
    raise SuspiciousOperation("a forged request")


def database_gone(request):
    raise OperationalError("the database went away")


def rate_limited(request):
    """What allauth answers a visitor over a sign-in limit (its 429.html, which the portal overrides)."""
    from allauth.core.ratelimit import respond_429

    return respond_429(request)


def csrf_refused(request):
    """The page a POST without a valid CSRF token gets (CSRF_FAILURE_VIEW)."""
    from django.middleware.csrf import REASON_NO_CSRF_COOKIE

    from portal.views import csrf_failure

    return csrf_failure(request, reason=REASON_NO_CSRF_COOKIE)


urlpatterns = [
    path("faults/rate-limited", rate_limited),
    path("faults/csrf", csrf_refused),
    path("faults/bad-request", bad_request),
    path("faults/database-gone", database_gone),
    path("faults/sleep", sleep),
    path("faults/fail", fail),
    path("faults/forbidden", forbidden),
    *portal_urlpatterns,
]
