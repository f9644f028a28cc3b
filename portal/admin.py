from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


def staff_has_mfa(user) -> bool:
    return bool(user.is_active and user.is_staff and is_mfa_enabled(user))


class PortalAdminSite(admin.AdminSite):
    """Ministry staff's admin: a staff account with MFA enabled, signed in through allauth.

    The admin's own login form would skip allauth's MFA stage, so every sign-in
    goes through allauth, and a staff member without an authenticator is sent
    to set one up first.
    """

    site_header = _("AI Autonomous Manufacturing Alliance administration")
    site_title = _("Alliance administration")
    index_title = _("Ministry staff workspace")

    def has_permission(self, request):
        return super().has_permission(request) and is_mfa_enabled(request.user)

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
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
