"""Creating and editing a proposal through the company pages: plain HTML forms, no JavaScript."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.models import Organization
from projects import services
from projects.models import MAX_FUNDING_CAP, AIArea, Proposal
from tests import personas
from tests.projects import factories as f

pytestmark = pytest.mark.django_db


def form_data(call, rows, kpis=(("생산성", "100", "120", "%"),), action="save", **overrides):
    """POST data for the proposal form: `rows` are (org, role, gov, cash, in_kind)."""
    start = timezone.localdate(call.opens_at) + datetime.timedelta(days=30)
    data = {
        "title": "AI 설비 예지보전", "summary": "요약", "problem": "문제", "industry": f.industry().pk,
        "ai_areas": [AIArea.objects.get(code="failure-prediction").pk],
        "starts_on": start.isoformat(), "ends_on": (start + datetime.timedelta(days=365)).isoformat(),
        "participants-TOTAL_FORMS": len(rows), "participants-INITIAL_FORMS": 0,
        "participants-MIN_NUM_FORMS": 0, "participants-MAX_NUM_FORMS": 1000,
        "kpis-TOTAL_FORMS": len(kpis), "kpis-INITIAL_FORMS": 0, "kpis-MIN_NUM_FORMS": 0, "kpis-MAX_NUM_FORMS": 1000,
        "action": action,
    }
    for i, (org, role, gov, cash, kind) in enumerate(rows):
        data.update({
            # The organisation box takes a business number (or what the picker fills in: "name (number)").
            f"participants-{i}-organization": org.business_number, f"participants-{i}-role": role,
            f"participants-{i}-government_funding": gov, f"participants-{i}-private_cash": cash,
            f"participants-{i}-private_in_kind": kind,
        })
    for i, (indicator, baseline, target, unit) in enumerate(kpis):
        data.update({f"kpis-{i}-indicator": indicator, f"kpis-{i}-baseline": baseline,
                     f"kpis-{i}-target": target, f"kpis-{i}-unit": unit})
    data.update(overrides)
    return data


def cap_rows(lead_org, partner_org, total):
    """Half of `total` to the lead (50 % cover), the rest to the SME (75 % cover)."""
    lead_gov = total // 2
    sme_gov = total - lead_gov
    return [(lead_org, "lead", lead_gov, lead_gov, 0), (partner_org, "demand_company", sme_gov, -(-sme_gov // 3), 0)]


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def create_url(call):
    return reverse("my-proposals:create", args=[call.pk])


def create(client, call, data, rows=None):
    """POST the new-proposal form as the page sends it, with its one-time token."""
    url = create_url(call) + (f"?rows={rows}" if rows else "")
    return client.post(url, {**data, **personas.form_once(client, "my-proposals:create")})


def test_the_form_starts_with_the_lead_row_filled_in(signed_in, call, lead_org):
    page = signed_in.get(create_url(call)).text
    assert f'value="{lead_org.name} ({lead_org.business_number_display})"' in page
    assert 'name="action" value="add-rows"' in page


def test_exactly_the_cap_is_accepted_by_the_form(signed_in, call, lead_org, partner_org):
    response = create(signed_in, call, form_data(call, cap_rows(lead_org, partner_org, MAX_FUNDING_CAP)))
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.government_total == MAX_FUNDING_CAP
    assert proposal.status == Proposal.Status.DRAFT


def test_one_won_above_the_cap_is_refused_by_the_form(signed_in, call, lead_org, partner_org):
    response = create(signed_in, call, form_data(call, cap_rows(lead_org, partner_org, MAX_FUNDING_CAP + 1)))
    assert response.status_code == 200
    assert "allows at most" in response.text or "최대" in response.text
    assert not Proposal.objects.exists()


def test_totals_sent_by_the_browser_are_ignored(signed_in, call, lead_org, partner_org):
    data = form_data(call, cap_rows(lead_org, partner_org, 1_000_000), government_total="1")
    create(signed_in, call, data)
    assert Proposal.objects.get().government_total == 1_000_000


@pytest.mark.parametrize("amount", ["-1", "abc", "1.5"])
def test_negative_and_non_numeric_amounts_are_refused(signed_in, call, lead_org, amount):
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", amount, 100, 0)]))
    assert response.status_code == 200
    assert 'class="errorlist"' in response.text
    assert not Proposal.objects.exists()


def test_the_tier_share_is_checked_in_the_form(signed_in, call, lead_org):
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", 51, 49, 0)]))
    assert response.status_code == 200 and "50%" in response.text


def test_the_cash_minimum_is_checked_in_the_form(signed_in, call, lead_org):
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", 0, 14, 86)]))
    assert response.status_code == 200 and "15%" in response.text


def test_a_duplicate_participant_is_refused(signed_in, call, lead_org, partner_org):
    rows = [(lead_org, "lead", 0, 0, 0), (partner_org, "demand_company", 0, 0, 0),
            (partner_org, "research_partner", 0, 0, 0)]
    response = create(signed_in, call, form_data(call, rows))
    assert response.status_code == 200 and "more than once" in response.text
    assert not Proposal.objects.exists()


def test_an_unapproved_participant_cannot_be_chosen(signed_in, call, lead_org):
    pending = f.organization(status=Organization.Status.PENDING)
    rows = [(lead_org, "lead", 0, 0, 0), (pending, "research_partner", 0, 0, 0)]
    response = create(signed_in, call, form_data(call, rows))
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_an_unapproved_lead_cannot_start_a_proposal(client, call, make_user):
    from members.models import Membership

    pending = f.organization(status=Organization.Status.PENDING)
    client.force_login(f.member(make_user, pending, Membership.Role.OWNER))
    response = create(client, call, form_data(call, [(pending, "lead", 0, 0, 0)]))
    assert response.status_code == 302 and not Proposal.objects.exists()


def test_a_closed_call_takes_no_new_proposals(signed_in, lead_org):
    closed = f.call(opens=-30, closes=-1)
    assert signed_in.get(create_url(closed)).status_code == 404


def test_a_project_starting_before_the_call_is_refused(signed_in, call, lead_org):
    early = (timezone.localdate(call.opens_at) - datetime.timedelta(days=1)).isoformat()
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", 0, 0, 0)], starts_on=early))
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_submitting_from_the_form_applies_every_rule(signed_in, call, lead_org, partner_org):
    rows = [(lead_org, "lead", 50, 50, 0), (partner_org, "technology_supplier", 75, 25, 0)]
    response = create(signed_in, call, form_data(call, rows, action="submit"))
    assert response.status_code == 200 and "demand company" in response.text


def test_save_and_submit_with_a_document(signed_in, call, lead_org, partner_org):
    rows = cap_rows(lead_org, partner_org, 2_000_000_000)
    data = form_data(call, rows, action="submit")
    data["document"] = SimpleUploadedFile("제안서.pdf", b"%PDF-1.7 proposal", content_type="application/pdf")
    response = create(signed_in, call, data)
    proposal = Proposal.objects.get()
    # The draft is saved with its document, but the partner named just now has not confirmed its part yet.
    assert response.status_code == 302 and proposal.document_name == "제안서.pdf"
    assert proposal.status == Proposal.Status.DRAFT
    assert partner_org.name in signed_in.get(response["Location"]).text
    line = proposal.participants.get(organization=partner_org)
    services.participation_answer(participant=line, action="accept", by=personas.member(partner_org, "owner"))
    signed_in.post(reverse("my-proposals:submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_fake_pdf_is_refused(signed_in, call, lead_org):
    data = form_data(call, [(lead_org, "lead", 0, 0, 0)])
    data["document"] = SimpleUploadedFile("제안서.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = create(signed_in, call, data)
    assert response.status_code == 200 and not Proposal.objects.exists()


def test_add_rows_saves_and_offers_more_rows(signed_in, call, lead_org):
    data = form_data(call, [(lead_org, "lead", 0, 0, 0)], action="add-rows")
    response = create(signed_in, call, data, rows=2)
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("my-proposals:edit", args=[proposal.pk]) + "?rows=5"
    page = signed_in.get(response["Location"]).text
    assert 'name="participants-TOTAL_FORMS" value="6"' in page


def test_edit_changes_rows_and_recomputes_totals(signed_in, proposal):
    page = signed_in.get(reverse("my-proposals:edit", args=[proposal.pk]))
    assert page.status_code == 200
    lead_line = proposal.participants.get(role="lead")
    data = {
        "title": proposal.title, "summary": "s", "problem": "p", "industry": proposal.industry_id,
        "ai_areas": [a.pk for a in proposal.ai_areas.all()],
        "starts_on": proposal.starts_on.isoformat(), "ends_on": proposal.ends_on.isoformat(),
        "participants-TOTAL_FORMS": 2, "participants-INITIAL_FORMS": 2, "participants-MIN_NUM_FORMS": 0,
        "participants-MAX_NUM_FORMS": 1000, "kpis-TOTAL_FORMS": 0, "kpis-INITIAL_FORMS": 0,
        "kpis-MIN_NUM_FORMS": 0, "kpis-MAX_NUM_FORMS": 1000, "action": "save",
    }
    for i, p in enumerate(proposal.participants.all()):
        data.update({f"participants-{i}-id": p.pk, f"participants-{i}-organization": p.organization.business_number,
                     f"participants-{i}-role": p.role, f"participants-{i}-government_funding": p.government_funding,
                     f"participants-{i}-private_cash": p.private_cash,
                     f"participants-{i}-private_in_kind": p.private_in_kind})
    data["participants-0-government_funding"] = lead_line.government_funding - 1_000
    assert signed_in.post(reverse("my-proposals:edit", args=[proposal.pk]), data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.government_total == 7_500_000_000 - 1_000


def test_a_submitted_proposal_cannot_be_edited(signed_in, proposal, owner):
    from projects import services

    services.proposal_submit(proposal=proposal, by=owner)
    response = signed_in.get(reverse("my-proposals:edit", args=[proposal.pk]))
    assert response.status_code == 302


def test_detail_shows_the_tier_mix(signed_in, proposal):
    page = signed_in.get(reverse("my-proposals:detail", args=[proposal.pk])).text
    assert "tier-mix" in page and "60%" in page and "40%" in page


def test_edit_page_names_the_document_by_its_original_name_never_its_storage_path(client, owner, lead_org):
    prop = f.ready_proposal(f.call(), lead=lead_org, status=Proposal.Status.DRAFT)
    client.force_login(owner)
    page = client.get(reverse("my-proposals:edit", args=[prop.pk])).text
    assert "proposal.pdf" in page
    assert "private/proposals/" not in page


# --- errors at the top of the form --------------------------------------------------------------


def error_summary(html):
    start = html.find('<div class="error-summary"')
    assert start != -1, "no error summary"
    return html[start:html.index("</div>", start)]


def test_a_budget_line_error_is_listed_at_the_top_with_a_link_to_its_cell(signed_in, call, lead_org):
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", "abc", 100, 0)], title=""))
    box = error_summary(response.text)
    assert '<a href="#id_title">' in box
    assert '<a href="#id_participants-0-government_funding">' in box and " 1: " in box  # the row's number


def test_a_document_dropped_by_an_error_is_said_on_the_proposal_form(signed_in, call, lead_org):
    pdf = SimpleUploadedFile("제안서.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = create(signed_in, call, form_data(call, [(lead_org, "lead", 0, 0, 0)], title="", document=pdf))
    assert "Choose the file again" in error_summary(response.text)
    field = response.text[response.text.index('name="document"'):]
    assert field.index("Choose the file again") < field.index("</div>")


def test_saving_a_draft_does_not_ask_for_re_authentication(client, owner, call, lead_org, partner_org):
    client.force_login(owner)
    personas.confirm_identity(client, reauthenticated=False)  # signed in just now, never confirmed since
    response = create(client, call, form_data(call, cap_rows(lead_org, partner_org, 2_000_000_000)))
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("my-proposals:detail", args=[proposal.pk])


def test_save_and_submit_saves_the_draft_then_asks_on_the_submit_page(client, owner, call, lead_org, partner_org):
    client.force_login(owner)
    rows = cap_rows(lead_org, partner_org, 2_000_000_000)
    data = form_data(call, rows)
    data["document"] = SimpleUploadedFile("제안서.pdf", b"%PDF-1.7 proposal", content_type="application/pdf")
    create(client, call, data)
    proposal = Proposal.objects.get()
    line = proposal.participants.get(organization=partner_org)
    services.participation_answer(participant=line, action="accept", by=personas.member(partner_org, "owner"))
    personas.confirm_identity(client, reauthenticated=False)  # signed in just now, never confirmed since
    edit = reverse("my-proposals:edit", args=[proposal.pk])
    response = client.post(edit, edit_data(proposal, title="저장 후 제출", action="submit"))
    proposal.refresh_from_db()
    assert (proposal.title, proposal.status) == ("저장 후 제출", Proposal.Status.DRAFT)
    assert response["Location"] == reverse("my-proposals:submit", args=[proposal.pk])


def edit_data(proposal, **overrides):
    """The edit form's POST data for `proposal` as it is saved (every row unchanged)."""
    participants, kpis = list(proposal.participants.all()), list(proposal.kpis.all())
    data = {
        "title": proposal.title, "summary": proposal.summary, "problem": proposal.problem,
        "industry": proposal.industry_id, "ai_areas": [a.pk for a in proposal.ai_areas.all()],
        "starts_on": proposal.starts_on.isoformat(), "ends_on": proposal.ends_on.isoformat(),
        "participants-TOTAL_FORMS": len(participants), "participants-INITIAL_FORMS": len(participants),
        "participants-MIN_NUM_FORMS": 0, "participants-MAX_NUM_FORMS": 1000,
        "kpis-TOTAL_FORMS": len(kpis), "kpis-INITIAL_FORMS": len(kpis), "kpis-MIN_NUM_FORMS": 0,
        "kpis-MAX_NUM_FORMS": 1000, "action": "save",
    }
    for i, p in enumerate(participants):
        data.update({f"participants-{i}-id": p.pk, f"participants-{i}-organization": p.organization.business_number,
                     f"participants-{i}-role": p.role, f"participants-{i}-government_funding": p.government_funding,
                     f"participants-{i}-private_cash": p.private_cash,
                     f"participants-{i}-private_in_kind": p.private_in_kind})
    for i, k in enumerate(kpis):
        data.update({f"kpis-{i}-id": k.pk, f"kpis-{i}-indicator": k.indicator, f"kpis-{i}-baseline": k.baseline,
                     f"kpis-{i}-target": k.target, f"kpis-{i}-unit": k.unit})
    data.update(overrides)
    return data
