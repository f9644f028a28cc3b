"""A small alliance built in code: members in every tier and status, calls and proposals in several states."""

import pytest
from django.contrib.auth.models import Group

from members.models import Organization
from projects.models import Participant, Proposal, StatusChange
from tests.projects import factories as f

T = Organization.Tier


def grow(*, members=1, proposals=1, decider):
    """Add `members` sets of organisations and `proposals` sets of proposals (each set the same mix)."""
    call = f.call(title=f"공모 {Proposal.objects.count()}")
    for _ in range(members):
        for tier in (T.LARGE, T.MIDSIZE, T.SME, T.SME):
            f.organization(tier=tier)
        f.organization(kind=Organization.Kind.INSTITUTION)
        f.organization(tier=T.SME, status="pending")
        f.organization(tier=T.LARGE, status="rejected")
    for _ in range(proposals):
        selected = f.ready_proposal(call, status=Proposal.Status.SELECTED, gov=2_000_000_000)
        StatusChange.objects.create(proposal=selected, from_status="under_review", to_status="selected", by=decider)
        f.participant(selected, f.organization(kind=Organization.Kind.INSTITUTION),
                      Participant.Role.RESEARCH_PARTNER, gov=100_000_000)
        f.ready_proposal(call, status=Proposal.Status.UNDER_REVIEW)
        f.ready_proposal(call, status=Proposal.Status.REJECTED, lead=f.organization(tier=T.MIDSIZE))
        f.proposal(call, f.organization(tier=T.SME))  # a draft
    return call


@pytest.fixture
def decider(make_user):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = make_user("decider@example.com", is_staff=True)
    user.groups.add(Group.objects.get(name="Project deciders"))
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def alliance(decider):
    return grow(members=2, proposals=2, decider=decider)
