"""Where a person goes next after signing up, confirming their address or signing in.

An invitation opened before its invitee has an account is remembered in the session, so that the
invitee who signs up, confirms the address and signs in arrives at the invitation, not at the home
page with the mail to find again. Otherwise a person without an organisation is sent to register one.
allauth's adapter (members.adapter) asks here; an explicit `next` still wins, as allauth does it.
"""

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from members.models import Membership

INVITATION_KEY = "members:invitation"


def remember_invitation(request, token):
    """The visitor opened an invitation link before signing in: take it along through sign-up."""
    request.session[INVITATION_KEY] = token


def forget_invitation(request):
    request.session.pop(INVITATION_KEY, None)


def remembered_invitation_url(request) -> str:
    token = request.session.get(INVITATION_KEY)
    return reverse("members:invitation", args=[token]) if token else ""


def next_url(request) -> str:
    """The page that fits the signed-in user now: the invitation they came with, registering a company,
    or the usual landing page."""
    invitation = remembered_invitation_url(request)
    if invitation:
        return invitation
    user = request.user
    if not user.is_staff and not Membership.objects.filter(user=user).exists():
        return reverse("members:register")
    return resolve_url(settings.LOGIN_REDIRECT_URL)
