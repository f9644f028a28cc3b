"""Re-authentication before sensitive steps: allauth's flow (password, or the second factor for those who have one),
used one way across the portal.

allauth keeps every sign-in and confirmation of the session with its time. A step asks again when:
- a person's own sensitive step (transferring ownership, removing a colleague, submitting a proposal): no
  confirmation within ACCOUNT_REAUTHENTICATION_TIMEOUT (`confirmed_recently`), as allauth's own email and
  second-factor pages do;
- a staff decision (a workflow step that needs a `decide_*` permission): the last sign-in or confirmation is
  older than PORTAL_STAFF_DECISION_MAX_AUTH_AGE (`signed_in_within`).

How a step comes back after the confirmation, without losing what was sent: every such step has a GET
confirmation page that shows what is about to happen. A GET asks for re-authentication by raising allauth's
ReauthenticationRequired (`require_fresh`, as allauth's own `raise_if_reauthentication_required`); allauth's
middleware sends the person to confirm and then
back to that page. A POST that finds the confirmation lapsed is not replayed (allauth would replay it without its
files and outside the middleware): it redirects to its confirmation page (`confirm_at`), whose query string
holds what was sent, and whose form posts it again. Whatever the step saves first (a proposal's draft) is
saved before the redirect.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.internal.flows.reauthentication import is_reauthentication_required
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

CONFIRM_FIRST = _("Confirm that it is you, then confirm this step again.")


def confirmed_recently(request) -> bool:
    """Whether the person re-authenticated within ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth's own test)."""
    return not is_reauthentication_required(request, app="")


def signed_in_within(request, seconds: int) -> bool:
    """Whether the last sign-in or re-authentication of this session is at most `seconds` old."""
    records = get_authentication_records(request, request.user)
    return bool(records) and time.time() - max(record["at"] for record in records) <= seconds


def staff_decision_fresh(request) -> bool:
    return signed_in_within(request, settings.PORTAL_STAFF_DECISION_MAX_AUTH_AGE)


def require_fresh(request, *, fresh=confirmed_recently):
    """Raise allauth's ReauthenticationRequired (its middleware asks, then comes back to this GET) unless fresh."""
    if not fresh(request):
        raise ReauthenticationRequired()


def confirm_at(request, url):
    """The answer to a POST whose confirmation has lapsed: to its GET confirmation page, which asks first."""
    messages.info(request, CONFIRM_FIRST)
    return redirect(url)
