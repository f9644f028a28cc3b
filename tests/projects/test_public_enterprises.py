"""공기업 in the funding rules: for-profit under the national R&D cost rules, with their own per-call settings
(defaults as for large enterprises: 50 % government share, 15 % cash), never the institutions' 100 %."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import Organization
from projects import rules
from projects.models import Call, Participant
from tests.projects import factories as f

pytestmark = pytest.mark.django_db

UNIT = 10_000_000


@pytest.fixture
def public_enterprise():
    return f.personas.organization("한결에너지공사", kind=Organization.Kind.PUBLIC_ENTERPRISE)


def line(prop, org, gov, cash, kind):
    return Participant(proposal=prop, organization=org, role=Participant.Role.RESEARCH_PARTNER,
                       government_funding=gov, private_cash=cash, private_in_kind=kind)


def test_a_new_call_treats_public_enterprises_like_large_enterprises(public_enterprise):
    call = f.call()
    assert (call.gov_share_public_enterprise, call.cash_min_public_enterprise) == (50, 15)
    assert call.gov_share_limit(public_enterprise) == 50
    assert call.cash_minimum(public_enterprise) == 15


def test_a_public_enterprise_is_not_funded_like_an_institution(public_enterprise):
    institute = f.organization(kind=Organization.Kind.INSTITUTION)
    call = f.call()
    assert call.gov_share_limit(institute) == 100 and call.cash_minimum(institute) is None
    prop = f.proposal(call, f.organization())
    with pytest.raises(ValidationError) as caught:
        line(prop, public_enterprise, 100 * UNIT, 0, 0).full_clean()  # what an institution may ask for
    assert "50%" in str(caught.value.message_dict["government_funding"])


def test_government_share_boundary_for_public_enterprises(public_enterprise):
    prop = f.proposal(f.call(), f.organization())
    line(prop, public_enterprise, 50 * UNIT, 50 * UNIT, 0).full_clean()  # exactly 50 %
    with pytest.raises(ValidationError):
        line(prop, public_enterprise, 50 * UNIT + 1, 50 * UNIT, 0).full_clean()


def test_cash_minimum_boundary_for_public_enterprises(public_enterprise):
    prop = f.proposal(f.call(), f.organization())
    line(prop, public_enterprise, 0, 15 * UNIT, 85 * UNIT).full_clean()  # exactly 15 % cash
    with pytest.raises(ValidationError) as caught:
        line(prop, public_enterprise, 0, 15 * UNIT - 1, 85 * UNIT + 1).full_clean()
    assert "15%" in str(caught.value.message_dict["private_cash"])


def test_each_call_sets_its_own_public_enterprise_rules(public_enterprise):
    call = f.call(gov_share_public_enterprise=60, cash_min_public_enterprise=20)
    assert (call.gov_share_limit(public_enterprise), call.cash_minimum(public_enterprise)) == (60, 20)
    prop = f.proposal(call, f.organization())
    line(prop, public_enterprise, 60 * UNIT, 8 * UNIT, 32 * UNIT).full_clean()
    with pytest.raises(ValidationError) as caught:
        line(prop, public_enterprise, 60 * UNIT + 1, 8 * UNIT - 1, 32 * UNIT + 1).full_clean()
    assert set(caught.value.message_dict) == {"government_funding", "private_cash"}
    # The large enterprises' settings are not the public enterprises': changing one leaves the other.
    assert f.call(gov_share_large=40).gov_share_limit(public_enterprise) == 50


def test_call_percentages_above_100_are_refused_by_the_database():
    call = f.call()
    for field in ("gov_share_public_enterprise", "cash_min_public_enterprise"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Call.objects.filter(pk=call.pk).update(**{field: 101})


def test_public_enterprises_do_not_count_towards_the_sme_and_midsize_share(public_enterprise):
    prop = f.ready_proposal()  # lead 30억 (large), SME 45억: 60 %
    f.participant(prop, public_enterprise, gov=3_000_000_000, cash=600_000_000, kind=2_400_000_000)
    # 45억 of 105억 is 42 %: below the 50 % that SMEs and mid-sized firms must receive.
    assert any("SMEs and mid-sized firms" in p for p in prop.submission_problems())


def test_a_consortium_led_by_a_public_enterprise_passes_the_rules(public_enterprise):
    prop = f.ready_proposal(lead=public_enterprise)
    assert prop.submission_problems() == []


def test_the_consortium_mix_shows_public_enterprises_as_their_own_group(public_enterprise):
    institute = f.organization("연구원", kind=Organization.Kind.INSTITUTION)
    sme = f.organization("부품사")
    lines = [rules.Line(org, "research_partner", gov, 0, 0)
             for org, gov in ((institute, 100), (public_enterprise, 100), (sme, 200))]
    mix = rules.tier_mix(lines)
    assert [row["key"] for row in mix] == ["sme", "public_enterprise", "institution"]
    assert [row["share"] for row in mix] == [50, 25, 25]
