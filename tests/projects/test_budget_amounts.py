"""Budget lines and the call's cap typed as people write amounts ("30억", "1억 5,000만"), read by
portal.money.parse_krw: never silently 30 원, and what cannot be read is refused with the parser's message."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Call, Participant, Proposal
from tests import personas
from tests.projects.test_forms import create, form_data

pytestmark = pytest.mark.django_db

UNREADABLE = "Enter an amount in won, in figures and 조, 억, 만 or 천, e.g. 3억 5,000만 or 350,000,000."


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def edit_data(proposal, **changes):
    """The edit form of `proposal` sent back as the page shows it, with `changes` (field names of row 0 and
    the proposal's own fields)."""
    data = {
        "title": proposal.title, "summary": proposal.summary, "problem": proposal.problem,
        "industry": proposal.industry_id, "ai_areas": [a.pk for a in proposal.ai_areas.all()],
        "starts_on": proposal.starts_on.isoformat(), "ends_on": proposal.ends_on.isoformat(),
        "participants-INITIAL_FORMS": proposal.participants.count(), "participants-MIN_NUM_FORMS": 0,
        "participants-MAX_NUM_FORMS": 1000, "kpis-TOTAL_FORMS": 0, "kpis-INITIAL_FORMS": 0,
        "kpis-MIN_NUM_FORMS": 0, "kpis-MAX_NUM_FORMS": 1000, "action": "save",
    }
    rows = list(proposal.participants.order_by("pk"))
    data["participants-TOTAL_FORMS"] = len(rows)
    for i, p in enumerate(rows):
        data.update({f"participants-{i}-id": p.pk, f"participants-{i}-organization": p.organization.business_number,
                     f"participants-{i}-role": p.role,
                     f"participants-{i}-government_funding": f"{p.government_funding:,}",
                     f"participants-{i}-private_cash": f"{p.private_cash:,}",
                     f"participants-{i}-private_in_kind": f"{p.private_in_kind:,}"})
    data.update(changes)
    return data


def test_30_eok_in_a_budget_row_saves_three_billion_won(signed_in, call, lead_org):
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", "30억", "28억 5천만", "1억 5,000만")]))
    assert response.status_code == 302
    line = Participant.objects.get()
    assert (line.government_funding, line.private_cash, line.private_in_kind) == (
        3_000_000_000, 2_850_000_000, 150_000_000)
    assert Proposal.objects.get().government_total == 3_000_000_000


def test_an_amount_that_cannot_be_read_is_refused_with_the_parsers_message_and_nothing_changes(signed_in, proposal):
    lead_line = proposal.participants.get(role="lead")
    before = list(proposal.participants.values_list("government_funding", "private_cash", "private_in_kind"))
    url = reverse("my-proposals:edit", args=[proposal.pk])
    response = signed_in.post(url, edit_data(proposal, **{"participants-0-government_funding": "30억원x"}))
    assert response.status_code == 200
    row = next(form for form in response.context["participants"].forms if form.instance.pk == lead_line.pk)
    assert row.errors["government_funding"] == [UNREADABLE]
    assert 'value="30억원x"' in response.text  # as typed, to correct
    assert list(proposal.participants.values_list("government_funding", "private_cash", "private_in_kind")) == before
    assert Proposal.objects.get().government_total == proposal.government_total


def test_the_edit_form_reads_korean_units_too(signed_in, proposal):
    url = reverse("my-proposals:edit", args=[proposal.pk])
    lead_line = proposal.participants.order_by("pk").first()
    data = edit_data(proposal, **{"participants-0-government_funding": "29억 9,999만"})
    assert signed_in.post(url, data).status_code == 302
    lead_line.refresh_from_db()
    assert lead_line.government_funding == 2_999_990_000


def test_amounts_are_shown_back_with_commas_and_echoed_in_text_inputs(signed_in, proposal):
    page = signed_in.get(reverse("my-proposals:edit", args=[proposal.pk])).text
    lead_line = proposal.participants.order_by("pk").first()
    assert f'value="{lead_line.government_funding:,}"' in page
    assert 'id="id_participants-0-government_funding_echo"' in page and "js/krw-input.js" in page
    # A number input would let the browser drop "억" and send "30".
    assert 'type="number" name="participants-0-government_funding"' not in page
    assert 'name="participants-0-government_funding"' in page


# --- the call's cap in the admin ------------------------------------------------------------------


def call_add_data(cap):
    opens = timezone.localtime() + datetime.timedelta(days=1)
    closes = opens + datetime.timedelta(days=30)
    return {
        "title": "2027년 공모", "description": "설명",
        "opens_at_0": opens.date().isoformat(), "opens_at_1": "09:00:00",
        "closes_at_0": closes.date().isoformat(), "closes_at_1": "18:00:00",
        "funding_cap": cap, "max_months": 36, "expected_projects": 10,
        "gov_share_large": 50, "gov_share_midsize": 67, "gov_share_sme": 75, "gov_share_public_enterprise": 50,
        "gov_share_institution": 100, "cash_min_large": 15, "cash_min_midsize": 13, "cash_min_sme": 10,
        "cash_min_public_enterprise": 15, "sme_midsize_min_share": 50, "demand_company_required": "on",
        "drop_extremes": "on", "disclose_evaluators": "on", "objection_days": 7,
        "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0, "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }


@pytest.fixture
def superuser_client(client):
    client.force_login(personas.staff("super@ministry.example", is_superuser=True))
    return client


def test_staff_type_the_calls_cap_in_korean_units(superuser_client):
    response = superuser_client.post(reverse("admin:projects_call_add"), call_add_data("100억"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Call.objects.get().funding_cap == 10_000_000_000


def test_a_cap_that_cannot_be_read_is_refused_in_the_admin(superuser_client):
    response = superuser_client.post(reverse("admin:projects_call_add"), call_add_data("100억원x"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["funding_cap"] == [UNREADABLE]
    assert not Call.objects.exists()


def test_the_admin_shows_the_cap_with_commas_and_the_echo(superuser_client):
    call = personas.call()
    page = superuser_client.get(reverse("admin:projects_call_change", args=[call.pk])).text
    assert f'value="{call.funding_cap:,}"' in page and 'id="id_funding_cap_echo"' in page
    assert "js/krw-input.js" in page
