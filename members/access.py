"""How the company pages (members' /my/ and projects' /my/proposals/) refuse, in one place.

Another organisation's object answers 404, so that whether it exists does not leak. A wrong role on an
object of one's own organisation answers 403, with a message that says which role is needed.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _

from members.models import Membership
from portal.access import Refused

MANAGER_NEEDED = _("Only the organisation's owners and managers may do this.")
OWNER_NEEDED = _("Only the organisation's owners may do this.")


def membership_required(view):
    """Pass the signed-in user's membership to the view; users without one go to registration."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        membership = Membership.objects.of(request.user)
        if membership is None:
            return redirect("members:register")
        return view(request, membership, *args, **kwargs)

    return wrapped


def require_manager(membership, message=MANAGER_NEEDED):
    """403 unless the member is one of the organisation's owners or managers."""
    if not membership.can_manage:
        raise Refused(message)


def require_owner(membership, message=OWNER_NEEDED):
    """403 unless the member is one of the organisation's owners."""
    if not membership.is_owner:
        raise Refused(message)


def own_or_404(queryset, membership, **lookup):
    """An object of the member's own organisation (found by `lookup`); 404 for another organisation's."""
    return get_object_or_404(queryset, organization_id=membership.organization_id, **lookup)
