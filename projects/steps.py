"""What a visitor of an open call does next to take part: the one place that decides it.

The call's page shows the step; the rules are members' own (who belongs where, who acts for the
organisation, which statuses may take part), so the button a visitor sees is the one the proposal
form lets through (projects.views_my.proposal_create refuses the others).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Organization


@dataclass(frozen=True)
class Step:
    code: str  # one of the constants below: templates and tests read it
    message: str
    url: str = ""
    label: str = ""
    # For visitors who are not signed in: the second way in beside `url` (sign in / sign up).
    other_url: str = ""
    other_label: str = ""


SIGN_IN = "sign-in"
REGISTER = "register"
WAIT = "wait"
CHANGES = "changes"
NOT_A_MEMBER = "not-a-member"
ASK_MANAGER = "ask-manager"
START = "start"


def next_step(user, call_id) -> Step:
    """The step that fits `user` (possibly anonymous) for a proposal to the open call `call_id`.

    One query for a signed-in user (the membership with its organisation), none for a visitor."""
    here = reverse("projects:call-detail", args=[call_id])
    if not user.is_authenticated:
        back = urlencode({"next": here})
        return Step(
            SIGN_IN, _("Sign in to take part. Companies new to the portal sign up, then register the company."),
            url=f"{reverse('account_login')}?{back}", label=_("Sign in"),
            other_url=f"{reverse('account_signup')}?{back}", other_label=_("Sign up"),
        )
    membership = Membership.objects.of(user)
    if membership is None:
        return Step(
            REGISTER, _("Register your company (or accept a colleague's invitation) to take part."),
            url=reverse("members:register"), label=_("Register your company"),
        )
    organization = membership.organization
    if not organization.may_take_part():
        status = organization.status
        if status == Organization.Status.PENDING:
            return Step(
                WAIT, _("%(org)s waits for the alliance's approval. Once approved, its owners and managers "
                        "can start a proposal here.") % {"org": organization.name},
                url=reverse("my:dashboard"), label=_("See the review status"),
            )
        if status == Organization.Status.CHANGES_REQUESTED:
            return Step(
                CHANGES, _("The secretariat asked %(org)s for changes. Send the registration again; once "
                           "approved, you can start a proposal here.") % {"org": organization.name},
                url=reverse("my:dashboard"), label=_("See the secretariat's note"),
            )
        return Step(NOT_A_MEMBER, _("%(org)s is not an approved member of the alliance, so it cannot take "
                                    "part in a lead project.") % {"org": organization.name},
                    url=reverse("my:dashboard"), label=_("My company"))
    if not membership.can_manage:
        roles = " / ".join(str(Membership.Role(role).label) for role in Membership.MANAGING_ROLES)
        return Step(
            ASK_MANAGER,
            _("Proposals of %(org)s are started by its %(roles)s. Ask one of them to start it.")
            % {"org": organization.name, "roles": roles},
        )
    return Step(
        START, _("%(org)s may take part in this call.") % {"org": organization.name},
        url=reverse("my-proposals:create", args=[call_id]), label=_("Start a proposal"),
    )
