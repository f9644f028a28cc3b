"""Running one cell of the access matrix: a persona's request to a URL, reduced to a short outcome."""

from http.cookies import SimpleCookie

from django.db import transaction
from django.urls import reverse


class Rollback(Exception):
    pass


def outcome(response):
    """200, 403, 404, 405 as numbers; a redirect as "login", "admin-login" or 302 (somewhere else)."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith(reverse("account_login")):
            return "login"
        if location.startswith(reverse("admin:login")):
            return "admin-login"
        return 302
    return response.status_code


def try_cell(client, method, url, data=None, inspect=None):
    """The request's outcome. Whatever it changed is rolled back (a savepoint) and the client's cookies
    are put back, so that cells stay independent (some allauth links sign the visitor out)."""
    result = None
    cookies = SimpleCookie()
    cookies.update(client.cookies)
    try:
        with transaction.atomic():
            response = client.post(url, data or {}) if method == "POST" else client.get(url)
            result = outcome(response)
            if inspect is not None:
                inspect(response)  # before the rollback, while the changes can still be seen
            if response.streaming:
                # Read a download to its end: the test client's wrapper then closes the file without
                # firing close_old_connections (a direct response.close() would close the database
                # connection in the middle of the test's transaction on PostgreSQL).
                b"".join(response.streaming_content)
            raise Rollback
    except Rollback:
        pass
    finally:
        client.cookies = cookies
    return result
