"""The projects tests' builders, by the names their bodies use: thin names over tests.personas."""

from members import business_numbers
from members.models import Industry, Membership, Organization  # noqa: F401  (tests reach them as f.Model)
from projects.models import KPI, AIArea, Call, Participant, Proposal  # noqa: F401
from tests import personas
from tests.personas import call, participant, proposal, ready_proposal  # noqa: F401


def business_number(seed):
    """A valid 10-digit number from `seed` (fixed, for a test that types it into a form)."""
    return business_numbers.example(seed)


def industry(code="semiconductors"):
    return personas.industry(code)


def organization(name=None, *, tier=Organization.Tier.SME, kind=Organization.Kind.COMPANY, status="approved"):
    return personas.organization(name, tier=tier, kind=kind, status=status)


def member(make_user, org, role=Membership.Role.MEMBER, email=None):
    """A person with `role` in `org` (`make_user` is kept for the callers that pass it)."""
    return personas.member(org, role, email)


def staff(make_user, email, group):
    """A staff member with MFA in one of the staff groups."""
    return personas.staff(email, group=group)
