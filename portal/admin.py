import functools

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# date_hierarchy parts and the values datetime() accepts (the year + 1 must exist too).
_DATE_PARTS = {"__year": (1, 9998), "__month": (1, 12), "__day": (1, 31)}


def _unusable_query(request) -> str:
    """Why the query string would crash Django 5.2's changelist (a 500) instead of being refused, or ''.

    A NUL byte reaches PostgreSQL, which refuses it in text; an out-of-range date_hierarchy
    year (e.g. 9999, whose next year does not exist) raises outside Django's own check.
    """
    for key, values in request.GET.lists():
        for value in values:
            if "\x00" in key or "\x00" in value:
                return "NUL byte in the query string"
            for suffix, (low, high) in _DATE_PARTS.items():
                if key.endswith(suffix) and not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    return f"{key} out of range"
    return ""


class PortalAdminSite(admin.AdminSite):
    """Ministry staff's admin: a staff account with MFA enabled, signed in through allauth.

    The admin's own login form would skip allauth's MFA stage, so every sign-in
    goes through allauth, and a staff member without an authenticator is sent
    to set one up first.
    """

    site_header = _("AI Autonomous Manufacturing Alliance administration")
    site_title = _("Alliance administration")
    index_title = _("Ministry staff workspace")
    # The sidebar repeats the index page's list of every model on each page (a third of a short list's
    # rendering time); the breadcrumbs lead back to that index.
    enable_nav_sidebar = False

    def admin_view(self, view, cacheable=False):
        """Every admin view (the site's and each ModelAdmin's) answers 400 to a query it cannot use."""

        @functools.wraps(view)
        def refuse_unusable_queries(request, *args, **kwargs):
            problem = _unusable_query(request)
            if problem:
                raise BadRequest(problem)
            return view(request, *args, **kwargs)

        return super().admin_view(refuse_unusable_queries, cacheable)

    def has_permission(self, request):
        # Asked more than once per request (the view and the page's context): look the authenticator up once.
        if not hasattr(request, "_portal_admin_permission"):
            request._portal_admin_permission = super().has_permission(request) and is_mfa_enabled(request.user)
        return request._portal_admin_permission

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            # Only pages of this site: ?next=https://elsewhere must not make the admin an open redirect.
            next_url = reverse("admin:index")
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                _("The administration requires two-factor authentication. Set up an authenticator app first."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
        return redirect(next_url)


class LongListMixin:
    """For ModelAdmins whose changelists show a full page of rows on every visit.

    Django renders each row's action checkbox through the form-widget templates, which costs more
    than all the row's other cells together; this writes the same markup directly.
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME, obj.pk,
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )
