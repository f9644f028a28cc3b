"""Personas around one running project: its lead (owner, plain member), its partner, an outsider, a decider."""

import pytest

from tests import personas
from tests.projects import conftest as proposal_personas


@pytest.fixture(autouse=True)
def _english(settings):
    """Tests read the English messages (the Korean ones come with the integrator's catalog)."""
    from django.utils import translation

    with translation.override("en"):
        yield


# The same personas as the proposal tests (one definition: tests/projects/conftest.py).
p = proposal_personas
lead_org, partner_org, other_org = p.lead_org, p.partner_org, p.other_org
owner, lead_member, partner_person, outsider = p.owner, p.lead_member, p.partner_person, p.outsider
decider, call = p.decider, p.call
del p


@pytest.fixture
def selected(call, lead_org, partner_org, owner, decider):
    return personas.selected_proposal(call, lead=lead_org, partner=partner_org, owner=owner, decider=decider)


@pytest.fixture
def project(selected, decider):
    return personas.running_project(selected, by=decider)
