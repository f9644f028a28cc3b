"""Personas around one running project: its lead (owner, plain member), its partner, an outsider, a decider."""

import pytest

from members.models import Membership, Organization
from tests import personas


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English messages (the Korean ones come with the integrator's catalog)."""
    from django.utils import translation

    with translation.override("en"):
        yield


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
def lead_member(lead_org):
    return personas.member(lead_org, Membership.Role.MEMBER, "member@lead.example")


@pytest.fixture
def partner_person(partner_org):
    return personas.member(partner_org, Membership.Role.OWNER, "owner@partner.example")


@pytest.fixture
def outsider(other_org):
    return personas.member(other_org, Membership.Role.OWNER, "owner@other.example")


@pytest.fixture
def decider(db):
    return personas.staff("decider@ministry.example", group=personas.PROJECT_DECIDERS)


@pytest.fixture
def call(db):
    return personas.call()


@pytest.fixture
def selected(call, lead_org, partner_org, owner, decider):
    return personas.selected_proposal(call, lead=lead_org, partner=partner_org, owner=owner, decider=decider)


@pytest.fixture
def project(selected, decider):
    return personas.running_project(selected, by=decider)
