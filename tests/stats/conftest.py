"""A small alliance built in code: members in every tier and status, calls and proposals in several states."""

import pytest

from members.models import Organization
from projects.models import Participant, Proposal, StatusChange
from tests import personas

T = Organization.Tier


def grow(*, members=1, proposals=1, decider):
    """Add `members` sets of organisations and `proposals` sets of proposals (each set the same mix)."""
    call = personas.call(title=f"공모 {Proposal.objects.count()}")
    for _ in range(members):
        for tier in (T.LARGE, T.MIDSIZE, T.SME, T.SME):
            personas.organization(tier=tier)
        personas.organization(kind=Organization.Kind.INSTITUTION)
        personas.organization(tier=T.SME, status="pending")
        personas.organization(tier=T.LARGE, status="rejected")
    for _ in range(proposals):
        selected = personas.ready_proposal(call, status=Proposal.Status.SELECTED, gov=2_000_000_000)
        StatusChange.objects.create(proposal=selected, from_status="under_review", to_status="selected", by=decider)
        personas.participant(selected, personas.organization(kind=Organization.Kind.INSTITUTION),
                      Participant.Role.RESEARCH_PARTNER, gov=100_000_000)
        personas.ready_proposal(call, status=Proposal.Status.UNDER_REVIEW)
        personas.ready_proposal(call, status=Proposal.Status.REJECTED, lead=personas.organization(tier=T.MIDSIZE))
        personas.proposal(call, personas.organization(tier=T.SME))  # a draft
    return call


@pytest.fixture
def decider(db):
    return personas.staff("decider@example.com", group=personas.PROJECT_DECIDERS)


@pytest.fixture
def alliance(decider):
    return grow(members=2, proposals=2, decider=decider)
