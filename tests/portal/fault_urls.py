"""The portal's URLs plus two that exist only in tests: a statement that outlasts the statement timeout,
a view that fails in code and one that refuses. Used with `@pytest.mark.urls("tests.portal.fault_urls")`."""

from django.core.exceptions import PermissionDenied
from django.db import connection
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


urlpatterns = [
    path("faults/sleep", sleep),
    path("faults/fail", fail),
    path("faults/forbidden", forbidden),
    *portal_urlpatterns,
]
