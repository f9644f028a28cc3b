"""Absolute links for mails: the site's address from settings (PORTAL_SITE_URL), never from a request.

Mails are rendered in services and delivered later by the worker, and a Host header is the visitor's
to choose: a link built from it could point a recipient anywhere.
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` (starting with /) on the site's public address."""
    return settings.PORTAL_SITE_URL + path


def absolute_reverse(viewname, *args, **kwargs) -> str:
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
