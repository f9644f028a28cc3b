"""Personas around one proposal: its lead company (owner, manager, member), a partner SME,
an outsider company, a reviewer and a decider (staff with MFA)."""

import pytest
from django.core.files.base import ContentFile

from members.models import Membership, Organization
from projects.models import Annex
from tests.projects import factories as f


@pytest.fixture
def lead_org(db):
    return f.organization("대형제조", tier=Organization.Tier.LARGE)


@pytest.fixture
def partner_org(db):
    return f.organization("중소부품", tier=Organization.Tier.SME)


@pytest.fixture
def other_org(db):
    return f.organization("다른회사", tier=Organization.Tier.MIDSIZE)


@pytest.fixture
def owner(make_user, lead_org):
    return f.member(make_user, lead_org, Membership.Role.OWNER, "owner@lead.example")


@pytest.fixture
def manager(make_user, lead_org):
    return f.member(make_user, lead_org, Membership.Role.MANAGER, "manager@lead.example")


@pytest.fixture
def lead_member(make_user, lead_org):
    return f.member(make_user, lead_org, Membership.Role.MEMBER, "member@lead.example")


@pytest.fixture
def partner_person(make_user, partner_org):
    return f.member(make_user, partner_org, Membership.Role.OWNER, "owner@partner.example")


@pytest.fixture
def outsider(make_user, other_org):
    return f.member(make_user, other_org, Membership.Role.OWNER, "owner@other.example")


@pytest.fixture
def reviewer(make_user):
    return f.staff(make_user, "reviewer@ministry.example", "Project reviewers")


@pytest.fixture
def decider(make_user):
    return f.staff(make_user, "decider@ministry.example", "Project deciders")


@pytest.fixture
def call(db):
    return f.call()


@pytest.fixture
def proposal(call, lead_org, partner_org):
    """A draft that passes every submission rule, with one annex."""
    prop = f.ready_proposal(call, lead=lead_org, partner=partner_org)
    annex_file = ContentFile(b"%PDF-1.4 annex", name="annex.pdf")
    Annex.objects.create(proposal=prop, file=annex_file, original_name="부록.pdf")
    return prop


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English messages (the Korean ones are checked by the catalog test)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
