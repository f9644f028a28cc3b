"""The funding rules of a call, as the models and the submission check apply them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Organization
from projects.models import MAX_FUNDING_CAP, Call, Participant, Proposal
from tests.projects import factories as f

pytestmark = pytest.mark.django_db

LARGE, MID, SME = Organization.Tier.LARGE, Organization.Tier.MIDSIZE, Organization.Tier.SME
INSTITUTION = "institution"


def org_of(tier):
    if tier == INSTITUTION:
        return f.organization(kind=Organization.Kind.INSTITUTION)
    return f.organization(tier=tier)


def line(prop, org, gov, cash, kind, role=Participant.Role.RESEARCH_PARTNER):
    return Participant(
        proposal=prop, organization=org, role=role, government_funding=gov, private_cash=cash, private_in_kind=kind
    )


# --- the cap on government funding --------------------------------------------------------------


def cap_proposal(total_gov, cap=MAX_FUNDING_CAP):
    """A ready proposal whose consortium requests exactly `total_gov`: half to the lead, half to an SME."""
    prop = f.ready_proposal(f.call(funding_cap=cap))
    lead_gov = total_gov // 2
    sme_gov = total_gov - lead_gov
    prop.participants.filter(role=Participant.Role.LEAD).update(
        government_funding=lead_gov, private_cash=lead_gov, private_in_kind=0
    )
    prop.participants.filter(role=Participant.Role.DEMAND_COMPANY).update(
        government_funding=sme_gov, private_cash=-(-sme_gov // 3), private_in_kind=0
    )
    prop.recompute_totals()
    return prop


def test_exactly_the_cap_is_accepted():
    prop = cap_proposal(MAX_FUNDING_CAP)
    assert prop.government_total == 10_000_000_000
    prop.validate_for_submission()


def test_one_won_above_the_cap_is_refused():
    prop = cap_proposal(MAX_FUNDING_CAP + 1)
    with pytest.raises(ValidationError, match="allows at most"):
        prop.validate_for_submission()


def test_a_call_with_a_lower_cap_applies_it_to_the_won():
    assert cap_proposal(5_000_000_000, cap=5_000_000_000).submission_problems() == []
    assert any("allows at most" in p for p in cap_proposal(5_000_000_001, cap=5_000_000_000).submission_problems())


def test_the_database_refuses_a_call_cap_above_100_eok():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.call(funding_cap=MAX_FUNDING_CAP + 1)


def test_the_database_accepts_a_call_cap_of_exactly_100_eok():
    assert f.call(funding_cap=MAX_FUNDING_CAP).funding_cap == MAX_FUNDING_CAP


def test_the_model_refuses_a_call_cap_above_100_eok():
    now = timezone.now()
    call = Call(title="x", opens_at=now, closes_at=now + datetime.timedelta(days=1), funding_cap=MAX_FUNDING_CAP + 1)
    with pytest.raises(ValidationError, match="100억"):
        call.full_clean()


def test_the_database_refuses_a_proposal_total_above_100_eok():
    prop = f.proposal(f.call(), f.organization())
    prop.government_total = MAX_FUNDING_CAP + 1
    with pytest.raises(IntegrityError), transaction.atomic():
        prop.save()


# --- amounts ------------------------------------------------------------------------------------


def test_the_database_refuses_negative_amounts():
    prop = f.proposal(f.call(), f.organization())
    with pytest.raises(IntegrityError), transaction.atomic():
        f.participant(prop, f.organization(), gov=-1)


def test_the_model_refuses_negative_amounts():
    prop = f.proposal(f.call(), f.organization())
    with pytest.raises(ValidationError) as caught:
        line(prop, f.organization(), 0, -1, 0).full_clean()
    assert "private_cash" in caught.value.message_dict


# --- share of a participant's own budget that government funding may cover ----------------------


@pytest.mark.parametrize(("tier", "limit"), [(LARGE, 50), (MID, 70), (SME, 75), (INSTITUTION, 100)])
def test_government_share_boundary_per_tier(tier, limit):
    prop = f.proposal(f.call(), f.organization())
    org = org_of(tier)
    unit = 10_000_000
    gov, private = limit * unit, (100 - limit) * unit
    line(prop, org, gov, private, 0).full_clean()  # exactly the limit
    if limit < 100:
        with pytest.raises(ValidationError) as caught:
            line(prop, org, gov + 1, private, 0).full_clean()
        assert f"{limit}%" in str(caught.value.message_dict["government_funding"])


def test_each_call_sets_its_own_share_limits():
    prop = f.proposal(f.call(gov_share_sme=60), f.organization())
    with pytest.raises(ValidationError):
        line(prop, org_of(SME), 61, 39, 0).full_clean()
    line(prop, org_of(SME), 60, 40, 0).full_clean()


# --- minimum cash part of a company's private contribution --------------------------------------


@pytest.mark.parametrize(("tier", "minimum"), [(LARGE, 15), (MID, 13), (SME, 10)])
def test_cash_minimum_boundary_per_tier(tier, minimum):
    prop = f.proposal(f.call(), f.organization())
    org = org_of(tier)
    unit = 10_000_000
    line(prop, org, 0, minimum * unit, (100 - minimum) * unit).full_clean()  # exactly the minimum
    with pytest.raises(ValidationError) as caught:
        line(prop, org, 0, minimum * unit - 1, (100 - minimum) * unit + 1).full_clean()
    assert f"{minimum}%" in str(caught.value.message_dict["private_cash"])


def test_institutions_have_no_cash_minimum():
    prop = f.proposal(f.call(), f.organization())
    assert line(prop, org_of(INSTITUTION), 0, 0, 1_000_000).full_clean() is None  # raises when refused


# --- consortium-wide rules ----------------------------------------------------------------------


def test_sme_and_midsize_share_boundary():
    prop = f.ready_proposal()  # lead 30억, SME 45억: 60 %
    sme_line = prop.participants.get(role=Participant.Role.DEMAND_COMPANY)
    sme_line.government_funding, sme_line.private_cash = 3_000_000_000, 1_000_000_000  # exactly 50 %
    sme_line.save()
    assert prop.submission_problems() == []
    sme_line.government_funding = 2_999_999_999
    sme_line.save()
    assert any("SMEs and mid-sized firms" in p for p in prop.submission_problems())


def test_midsize_firms_count_towards_the_sme_share():
    prop = f.ready_proposal()
    prop.participants.filter(role=Participant.Role.DEMAND_COMPANY).update(
        organization=f.organization(tier=MID), government_funding=3_500_000_000
    )
    assert prop.submission_problems() == []


def test_a_demand_company_is_required_when_the_call_says_so():
    prop = f.ready_proposal()
    prop.participants.filter(role=Participant.Role.DEMAND_COMPANY).update(role=Participant.Role.TECHNOLOGY_SUPPLIER)
    assert any("demand company" in p for p in prop.submission_problems())
    Call.objects.filter(pk=prop.call_id).update(demand_company_required=False)
    prop.refresh_from_db()
    assert prop.submission_problems() == []


def test_the_lead_must_be_approved():
    prop = f.ready_proposal()
    Organization.objects.filter(pk=prop.lead_id).update(status=Organization.Status.SUSPENDED)
    prop.refresh_from_db()
    assert any("not an approved member" in p for p in prop.submission_problems())
    with pytest.raises(ValidationError) as caught:
        prop.full_clean()
    assert "lead" in caught.value.message_dict


@pytest.mark.parametrize("status", ["pending", "changes_requested", "rejected", "suspended"])
def test_every_participant_must_be_approved(status):
    prop = f.ready_proposal()
    f.participant(prop, f.organization(status=status))
    assert any("not an approved member" in p for p in prop.submission_problems())


def test_an_organisation_cannot_take_part_twice():
    prop = f.ready_proposal()
    sme = prop.participants.get(role=Participant.Role.DEMAND_COMPANY).organization
    with pytest.raises(IntegrityError), transaction.atomic():
        f.participant(prop, sme)


def test_only_the_lead_has_the_lead_role():
    prop = f.proposal(f.call(), f.organization())
    with pytest.raises(ValidationError) as caught:
        line(prop, f.organization(), 0, 0, 0, role=Participant.Role.LEAD).full_clean()
    assert "role" in caught.value.message_dict


def test_the_database_allows_one_lead_row():
    prop = f.ready_proposal()
    with pytest.raises(IntegrityError), transaction.atomic():
        f.participant(prop, f.organization(), role=Participant.Role.LEAD)


# --- the planned period and the submission window -----------------------------------------------


def test_the_project_cannot_start_before_the_call_opens():
    prop = f.ready_proposal()
    prop.starts_on = timezone.localdate(prop.call.opens_at) - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        prop.full_clean()
    assert "starts_on" in caught.value.message_dict


def test_the_project_may_last_exactly_the_call_maximum():
    prop = f.ready_proposal(f.call(max_months=24))
    prop.starts_on = datetime.date(2026, 7, 1)
    prop.call.opens_at = timezone.make_aware(datetime.datetime(2026, 6, 1))
    prop.ends_on = datetime.date(2028, 6, 30)
    prop.full_clean()
    prop.ends_on = datetime.date(2028, 7, 1)
    with pytest.raises(ValidationError) as caught:
        prop.full_clean()
    assert "24" in str(caught.value.message_dict["ends_on"])


def test_submission_only_while_the_call_is_open():
    prop = f.ready_proposal()
    call = prop.call
    assert prop.submission_problems(now=call.closes_at - datetime.timedelta(seconds=1)) == []
    assert prop.submission_problems(now=call.opens_at) == []
    assert any("accepts proposals" in p for p in prop.submission_problems(now=call.closes_at))
    before = call.opens_at - datetime.timedelta(seconds=1)
    assert any("accepts proposals" in p for p in prop.submission_problems(now=before))


def test_a_ready_proposal_has_no_problems():
    assert f.ready_proposal().submission_problems() == []


def test_missing_document_and_kpis_block_submission():
    prop = f.ready_proposal()
    prop.kpis.all().delete()
    prop.document = ""
    problems = prop.submission_problems()
    assert any("KPI" in p for p in problems) and any("document" in p for p in problems)


def test_d_day_counts_days_in_seoul():
    call = f.call(closes=3)
    assert call.days_left() == 3


def test_new_calls_get_the_five_standard_criteria():
    assert [c.code for c in f.call().criteria.all()] == ["feasibility", "ai-impact", "spread", "cooperation", "budget"]


def test_status_defaults_to_draft():
    assert f.proposal(f.call(), f.organization()).status == Proposal.Status.DRAFT


def test_the_consortium_mix_uses_the_members_groups_in_their_order(lead_org, partner_org):
    from members.models import Organization
    from projects import rules
    from tests.projects import factories as f

    institute = f.organization("연구원", kind=Organization.Kind.INSTITUTION)
    lines = [rules.Line(org, "research_partner", gov, 0, 0) for org, gov in
             ((institute, 100), (partner_org, 100), (lead_org, 200))]
    mix = rules.tier_mix(lines)
    assert [row["key"] for row in mix] == ["large", "sme", "institution"]
    assert [row["label"] for row in mix] == [str(Organization.Group(row["key"]).label) for row in mix]
    assert [row["share"] for row in mix] == [50, 25, 25]
