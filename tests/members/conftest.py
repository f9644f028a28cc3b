"""Personas for the members app: an SME's owner and colleagues, an outsider company, staff.

Thin names over tests.personas, which builds every row.
"""

import datetime

import pytest

from members.models import Industry, Membership, Organization
from tests import personas
from tests.personas import PDF_BYTES, business_number, pdf  # noqa: F401  (imported by the tests)


def next_business_number():
    return business_number()


@pytest.fixture
def industry(db):
    return Industry.objects.get(code="machinery")


@pytest.fixture
def make_org(db, industry):
    """An organisation as registration leaves it (pending unless told), with an owner if given.

    Its history holds the registration only, whatever `status` says: the members tests count
    the rows their own steps add.
    """

    def make(name="한빛정밀", *, owner=None, status=Organization.Status.PENDING, kind="company", tier="sme", **fields):
        if kind == "company" and tier in Organization.TIERS_NEEDING_PROOF:
            fields.setdefault("certificate_expires_on", datetime.date(2027, 3, 31))
        fields.setdefault("industry", industry)
        return personas.organization(name, owner=owner, status=status, kind=kind, tier=tier, full_history=False,
                                     **fields)

    return make


@pytest.fixture
def alice(db):
    """Owner of 한빛정밀, an SME."""
    return personas.user("alice@hanbit.example")


@pytest.fixture
def hanbit(make_org, alice):
    return make_org("한빛정밀", owner=alice)


@pytest.fixture
def bob(hanbit):
    """A plain member of 한빛정밀."""
    return personas.member(hanbit, Membership.Role.MEMBER, "bob@hanbit.example")


@pytest.fixture
def carol(hanbit):
    """A manager at 한빛정밀."""
    return personas.member(hanbit, Membership.Role.MANAGER, "carol@hanbit.example")


@pytest.fixture
def mallory(make_org):
    """Owner of another company, 누리소재: must never see 한빛정밀's data."""
    user = personas.user("mallory@nuri.example")
    make_org("누리소재", owner=user)
    return user


@pytest.fixture
def reviewer(db):
    """Ministry staff in 'Membership reviewers', with MFA."""
    return personas.staff("reviewer@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)


@pytest.fixture
def reader(db):
    """Staff who may read memberships but not decide."""
    return personas.staff("reader@ministry.example", group=personas.MEMBERSHIP_READERS)
