"""A lapsed proof of tier: no new submission names the organisation, as lead or as partner, while whatever
was submitted before goes on as it was."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from jobs.models import OutgoingMail
from members.models import Membership, Organization
from projects import services
from projects.models import Proposal, StatusChange
from tests import personas

pytestmark = pytest.mark.django_db

S = Proposal.Status


def lapse(org, days_ago=1):
    """`org`'s certificate had its last valid day `days_ago` days ago."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    Organization.objects.filter(pk=org.pk).update(certificate_expires_on=day)
    return day


def expected_message(org, last_day):
    date = formats.date_format(last_day)
    return f"{org.name}: the SME certificate (중소기업확인서) expired on {date} (its last valid day)."


def test_a_partner_whose_proof_lapsed_blocks_the_submission_and_is_named(proposal, owner, partner_org):
    last_day = lapse(partner_org)
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, by=owner)
    assert [m for m in error.value.messages if m.startswith(expected_message(partner_org, last_day))]
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT and proposal.submitted_at is None
    assert not StatusChange.objects.exists() and not OutgoingMail.objects.exists()


def test_a_lead_whose_proof_lapsed_blocks_the_submission_and_is_named(call, partner_org):
    lead = personas.organization("(주)한결정밀", tier=Organization.Tier.MIDSIZE)
    owner = personas.member(lead, Membership.Role.OWNER)
    proposal = personas.ready_proposal(call, lead=lead, partner=partner_org)
    assert proposal.submission_problems() == []
    last_day = lapse(lead, days_ago=30)
    problems = proposal.submission_problems()
    assert problems == [
        expected_message(lead, last_day).replace("SME certificate (중소기업확인서)",
                                                 "mid-sized enterprise certificate (중견기업확인서)")
        + " An organisation whose proof of tier has lapsed cannot be named in a proposal submission: its owners or "
        "managers upload the renewed certificate on the portal first."
    ]
    with pytest.raises(ValidationError):
        services.proposal_submit(proposal=proposal, by=owner)
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT


def test_a_certificate_is_good_through_its_last_valid_day(proposal, owner, partner_org):
    lapse(partner_org, days_ago=0)
    services.proposal_submit(proposal=proposal, by=owner)
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_a_renewed_certificate_lets_the_submission_through(proposal, owner, partner_org):
    lapse(partner_org)
    assert proposal.submission_problems()
    Organization.objects.filter(pk=partner_org.pk).update(
        certificate_expires_on=timezone.localdate() + datetime.timedelta(days=365))
    services.proposal_submit(proposal=proposal, by=owner)
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_the_proposal_page_says_so_before_the_owner_presses_submit(client, proposal, owner, partner_org):
    last_day = lapse(partner_org)
    client.force_login(owner)
    html = client.get(reverse("my-proposals:detail", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Before you can submit" in html
    assert expected_message(partner_org, last_day) in html


def test_what_was_submitted_before_the_lapse_goes_on_as_it_was(proposal, owner, partner_org, decider):
    services.proposal_submit(proposal=proposal, by=owner)
    lapse(partner_org)
    proposal.refresh_from_db()
    services.proposal_start_review(proposal=proposal, by=decider)
    services.proposal_decide(proposal=proposal, by=decider, selected=True)
    proposal.refresh_from_db()
    assert proposal.status == S.SELECTED
    assert list(proposal.participants.values_list("organization", flat=True)).count(partner_org.pk) == 1


def test_a_selected_project_keeps_its_public_page_after_a_partner_s_proof_lapses(client, call, partner_org):
    selected = personas.ready_proposal(call, partner=partner_org, status=S.SELECTED)
    lapse(partner_org, days_ago=200)
    assert client.get(reverse("projects:project-detail", args=[selected.pk])).status_code == 200
    assert Proposal.objects.get(pk=selected.pk).status == S.SELECTED


def test_the_check_costs_no_query_however_many_partners(call, lead_org, partner_org):
    proposal = personas.ready_proposal(call, lead=lead_org, partner=partner_org)

    def queries():
        fresh = Proposal.objects.select_related("call", "lead").get(pk=proposal.pk)
        with CaptureQueriesContext(connection) as captured:
            fresh.submission_problems()
        return len(captured)

    before = queries()
    for _ in range(3):
        personas.participant(proposal, lapsed := personas.organization(tier=Organization.Tier.SME))
        lapse(lapsed)
    assert queries() == before
