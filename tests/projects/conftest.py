"""Personas around one proposal: its lead company (owner, manager, member), a partner SME,
an outsider company, a reviewer and a decider (staff with MFA)."""

import pytest
from django.core.files.base import ContentFile

from members.models import Membership, Organization
from projects.models import Annex
from tests import personas


@pytest.fixture
def lead_org(db):
    return personas.organization("대형제조", tier=Organization.Tier.LARGE)


@pytest.fixture
def partner_org(db):
    return personas.organization("중소부품", tier=Organization.Tier.SME)


@pytest.fixture
def other_org(db):
    return personas.organization("다른회사", tier=Organization.Tier.MIDSIZE)


@pytest.fixture
def owner(lead_org):
    return personas.member(lead_org, Membership.Role.OWNER, "owner@lead.example")


@pytest.fixture
def manager(lead_org):
    return personas.member(lead_org, Membership.Role.MANAGER, "manager@lead.example")


@pytest.fixture
def lead_member(lead_org):
    return personas.member(lead_org, Membership.Role.MEMBER, "member@lead.example")


@pytest.fixture
def partner_person(partner_org):
    return personas.member(partner_org, Membership.Role.OWNER, "owner@partner.example")


@pytest.fixture
def outsider(other_org):
    return personas.member(other_org, Membership.Role.OWNER, "owner@other.example")


@pytest.fixture
def reviewer(db):
    """A project reviewer (the members tests' `reviewer` reviews memberships)."""
    return personas.staff("reviewer@ministry.example", group=personas.PROJECT_REVIEWERS)


@pytest.fixture
def decider(db):
    return personas.staff("decider@ministry.example", group=personas.PROJECT_DECIDERS)


@pytest.fixture
def call(db):
    return personas.call()


@pytest.fixture
def proposal(call, lead_org, partner_org):
    """A draft that passes every submission rule, with one annex."""
    prop = personas.ready_proposal(call, lead=lead_org, partner=partner_org)
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
