"""A panel's arithmetic (projects.scoring), on worked examples written out by hand, and the criteria's weights."""

from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from projects import scoring
from projects.models import Criterion
from tests import personas

# The five standard criteria: feasibility 30, AI impact 25, spread 20, cooperation 15, budget 10; all scored 1–5.
CRITERIA = [scoring.Weighting(pk=pk, weight=weight, scale=5) for pk, weight in enumerate((30, 25, 20, 15, 10), 1)]


def sheet(reviewer, *scores):
    return scoring.Sheet(reviewer_id=reviewer, scores=dict(enumerate(scores, 1)))


def test_a_reviewers_total_is_out_of_100():
    # 4/5×30 + 5/5×25 + 3/5×20 + 4/5×15 + 2/5×10 = 24 + 25 + 12 + 12 + 4 = 77
    assert scoring.total(CRITERIA, sheet(1, 4, 5, 3, 4, 2).scores) == 77
    assert scoring.total(CRITERIA, sheet(1, 5, 5, 5, 5, 5).scores) == 100
    assert scoring.total(CRITERIA, sheet(1, 1, 1, 1, 1, 1).scores) == 20


def test_four_reviewers_all_count():
    """Worked example, four reviewers (fewer than five: nothing is dropped).

    A: 4 5 3 4 2 -> 24 + 25 + 12 + 12 + 4 = 77
    B: 5 4 4 3 3 -> 30 + 20 + 16 +  9 + 6 = 81
    C: 3 3 3 3 3 -> 18 + 15 + 12 +  9 + 6 = 60
    D: 5 5 4 4 4 -> 30 + 25 + 16 + 12 + 8 = 91
    panel score = (77 + 81 + 60 + 91) / 4 = 309 / 4 = 77.25
    feasibility mean = (4 + 5 + 3 + 5) / 4 = 4.25, spread 3–5
    """
    sheets = [sheet(1, 4, 5, 3, 4, 2), sheet(2, 5, 4, 4, 3, 3), sheet(3, 3, 3, 3, 3, 3), sheet(4, 5, 5, 4, 4, 4)]
    result = scoring.panel_result(CRITERIA, sheets, drop_extremes=True)
    assert result.totals == {1: 77, 2: 81, 3: 60, 4: 91}
    assert result.score == Fraction(309, 4) and scoring.as_decimal_text(result.score) == "77.25"
    assert result.dropped == []
    assert result.means[1] == Fraction(17, 4) and result.spreads[1] == (3, 5)


def test_five_reviewers_drop_the_highest_and_the_lowest_total():
    """Worked example, five reviewers: the four above and E.

    E: 2 2 2 2 1 -> 12 + 10 + 8 + 6 + 2 = 38 (the lowest); D's 91 is the highest.
    Dropped: E (38) and D (91). Counted: A 77, B 81, C 60.
    panel score = (77 + 81 + 60) / 3 = 218 / 3 = 72.666… -> "72.67"
    feasibility mean over A, B, C = (4 + 5 + 3) / 3 = 4, spread 3–5
    Without dropping: (77 + 81 + 60 + 91 + 38) / 5 = 347 / 5 = 69.4
    """
    sheets = [sheet(1, 4, 5, 3, 4, 2), sheet(2, 5, 4, 4, 3, 3), sheet(3, 3, 3, 3, 3, 3), sheet(4, 5, 5, 4, 4, 4),
              sheet(5, 2, 2, 2, 2, 1)]
    result = scoring.panel_result(CRITERIA, sheets, drop_extremes=True)
    assert {s.reviewer_id for s in result.dropped} == {4, 5}
    assert result.score == Fraction(218, 3) and scoring.as_decimal_text(result.score) == "72.67"
    assert result.means[1] == 4 and result.spreads[1] == (3, 5)

    kept = scoring.panel_result(CRITERIA, sheets, drop_extremes=False)  # the call's setting off
    assert kept.dropped == [] and kept.score == Fraction(347, 5) and scoring.as_decimal_text(kept.score) == "69.40"


def test_ties_at_the_extremes_drop_one_sheet_each():
    sheets = [sheet(r, 3, 3, 3, 3, 3) for r in range(1, 6)]  # five equal totals of 60
    result = scoring.panel_result(CRITERIA, sheets, drop_extremes=True)
    assert len(result.dropped) == 2 and len(result.counted) == 3 and result.score == 60


def test_no_reviews_no_score():
    assert scoring.panel_result(CRITERIA, [], drop_extremes=True).score is None


def test_other_scales_count_by_their_share():
    criteria = [scoring.Weighting(pk=1, weight=60, scale=10), scoring.Weighting(pk=2, weight=40, scale=5)]
    # 7/10×60 + 3/5×40 = 42 + 24 = 66
    assert scoring.total(criteria, {1: 7, 2: 3}) == 66


def test_ranks_and_bands():
    assert scoring.ranks({"a": 90, "b": 80, "c": 80, "d": 70}) == {"a": 1, "b": 2, "c": 2, "d": 4}
    # Of 20 proposals: 1–2 top 10 %, 3–5 top 25 %, 6–10 top 50 %, the rest the lower half.
    assert [scoring.rank_band(r, 20) for r in (1, 2, 3, 5, 6, 10, 11)] == [10, 10, 25, 25, 50, 50, None]


def test_rounding_for_display_is_half_up():
    assert scoring.as_decimal_text(Fraction(1, 8)) == "0.13"
    assert scoring.as_decimal_text(Fraction(77)) == "77.00"
    assert scoring.as_decimal_text(None) == "—"


# --- the weights on the models ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_standard_criteria_weigh_30_25_20_15_10():
    call = personas.call()
    weights = dict(call.criteria.values_list("code", "weight"))
    assert weights == {"feasibility": 30, "ai-impact": 25, "spread": 20, "cooperation": 15, "budget": 10}
    assert set(call.criteria.values_list("scale", flat=True)) == {5}
    assert call.weight_problem() is None


@pytest.mark.django_db
def test_weights_must_sum_to_100():
    call = personas.call()
    Criterion.objects.filter(call=call, code="budget").update(weight=20)
    assert "sum to 110" in str(call.weight_problem())


@pytest.mark.django_db
def test_a_score_above_its_criterions_scale_is_refused():
    from projects.models import Review, ReviewScore

    call = personas.call()
    prop = personas.ready_proposal(call)
    review = Review.objects.create(proposal=prop, reviewer=personas.staff(group=personas.PROJECT_REVIEWERS))
    criterion = call.criteria.first()
    with pytest.raises(ValidationError, match="from 1 to 5"):
        ReviewScore(review=review, criterion=criterion, score=6).full_clean()


@pytest.mark.django_db
def test_the_call_admin_refuses_weights_that_do_not_sum_to_100(client):
    from django.urls import reverse

    call = personas.call()
    superuser = personas.staff(is_superuser=True)
    client.force_login(superuser)
    criteria = list(call.criteria.all())
    data = {
        "title": call.title, "description": "", "opens_at_0": "2026-01-01", "opens_at_1": "09:00:00",
        "closes_at_0": "2026-02-01", "closes_at_1": "18:00:00", "funding_cap": "100억", "max_months": 36,
        "expected_projects": 10, "gov_share_large": 50, "gov_share_midsize": 70, "gov_share_sme": 75,
        "gov_share_public_enterprise": 50, "gov_share_institution": 100, "cash_min_large": 15,
        "cash_min_midsize": 13, "cash_min_sme": 10, "cash_min_public_enterprise": 15, "sme_midsize_min_share": 50,
        "demand_company_required": "on", "drop_extremes": "on", "disclose_evaluators": "on", "objection_days": 7,
        "criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, c in enumerate(criteria):
        data |= {f"criteria-{i}-id": c.pk, f"criteria-{i}-call": call.pk, f"criteria-{i}-sort_order": c.sort_order,
                 f"criteria-{i}-code": c.code, f"criteria-{i}-name": c.name, f"criteria-{i}-weight": c.weight,
                 f"criteria-{i}-scale": c.scale}
    data["criteria-4-weight"] = 20  # 110 in all
    url = reverse("admin:projects_call_change", args=[call.pk])
    response = client.post(url, data, headers={"accept-language": "en"})
    assert response.status_code == 200 and "must sum to 100" in response.text
    assert call.criteria.get(code="budget").weight == 10
    data["criteria-4-weight"] = 10
    assert client.post(url, data).status_code == 302
