"""Partners confirm their part (참여확약): requests, answers, what each side sees and edits, submission.

What was decided: a partner sees the consortium's members, roles, answers and totals, and the amounts of its
own line only (not the other partners' lines, nor the tier mix, which would give them away). A partner that
declined or withdrew counts toward no total or share, and the proposal cannot be submitted until the lead
removes it or it confirms after all. A lead's change to a partner's line (organisation, role or amounts) asks
it again; a partner's own change to its line is the line it confirms.
"""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from members.models import Membership
from portal.workflow import WorkflowError
from projects import services
from projects.models import ConsentChange, Participant, Proposal
from tests import personas
from tests.background import run_tasks
from tests.projects import factories as f
from tests.projects.test_save_draft import KPI_ROW, data, line

pytestmark = pytest.mark.django_db
C = Participant.Consent


@pytest.fixture
def partner_manager(partner_org):
    return personas.member(partner_org, Membership.Role.MANAGER, "manager@partner.example")


@pytest.fixture
def partner_member(partner_org):
    return personas.member(partner_org, Membership.Role.MEMBER, "member@partner.example")


@pytest.fixture
def pending(call, lead_org, partner_org, owner):
    """A ready draft whose partner has been named but has not answered yet."""
    return personas.ready_proposal(call, lead=lead_org, partner=partner_org, partner_consent=C.PENDING)


def partner_line(proposal, org):
    return proposal.participants.get(organization=org)


def rows_of(proposal):
    return [line(p.organization, p.role, p.government_funding, p.private_cash, p.private_in_kind, id=p.pk)
            for p in proposal.participants.select_related("organization")]


def save(proposal, owner, rows):
    return services.proposal_save_draft(
        proposal=proposal, data={**data(proposal.call), "title": proposal.title}, participants=rows,
        kpis=[{**KPI_ROW, "id": k.pk} for k in proposal.kpis.all()], by=owner,
    )


# --- requests ----------------------------------------------------------------------------------------------


def test_naming_a_partner_mails_its_owners_and_managers(call, lead_org, partner_org, owner, partner_person,
                                                       partner_manager, partner_member):
    proposal = services.proposal_save_draft(
        call=call, lead=lead_org, data=data(call), by=owner, kpis=[KPI_ROW],
        participants=[line(lead_org, "lead", 100, 100), line(partner_org, "demand_company", 300, 100)],
    )
    assert partner_line(proposal, partner_org).consent == C.PENDING
    assert partner_line(proposal, lead_org).consent == C.ACCEPTED  # the lead confirms its line by writing it
    run_tasks()
    [request] = mail.outbox
    assert sorted(request.to) == ["manager@partner.example", "owner@partner.example"]
    assert "please confirm" in request.subject and proposal.title in request.subject
    assert "300 KRW" in request.body or "300" in request.body
    assert reverse("my-proposals:requests") in request.body
    history = ConsentChange.objects.get(organization=partner_org)
    assert (history.from_state, history.to_state, history.by) == ("", C.PENDING, owner)


def test_the_request_appears_on_the_partners_requests_page_linked_from_my(client, pending, partner_person):
    client.force_login(partner_person)
    assert reverse("my-proposals:requests") in client.get(reverse("my:dashboard")).text
    page = client.get(reverse("my-proposals:requests")).text
    assert f'data-request="{pending.pk}" data-consent="pending"' in page
    assert reverse("my-proposals:part-accept", args=[pending.pk]) in page


def test_the_requests_page_runs_a_constant_number_of_queries(client, call, lead_org, partner_org, partner_person,
                                                             django_assert_max_num_queries):
    client.force_login(partner_person)
    for n in range(2):
        personas.ready_proposal(call, lead=personas.organization(tier="large"), partner=partner_org,
                                partner_consent=C.PENDING, title=f"제안 {n}")
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("my-proposals:requests"))
    for n in range(6):
        personas.ready_proposal(call, lead=personas.organization(tier="large"), partner=partner_org,
                                partner_consent=C.PENDING, title=f"더 {n}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("my-proposals:requests")).text
    assert page.count("data-request=") == 8


# --- submission --------------------------------------------------------------------------------------------


def test_submit_is_refused_while_a_partner_has_not_confirmed(pending, owner, partner_org):
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=pending, by=owner)
    assert any("not yet confirmed" in m and partner_org.name in m for m in error.value.messages)
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.DRAFT


def test_submit_is_refused_while_a_partner_declined_and_its_line_counts_for_nothing(pending, owner, partner_org,
                                                                                   partner_person):
    before = pending.government_total
    services.participation_answer(participant=partner_line(pending, partner_org), action="decline",
                                  by=partner_person, note="일정이 맞지 않습니다")
    pending.refresh_from_db()
    assert pending.government_total == before - partner_line(pending, partner_org).government_funding
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=pending, by=owner)
    assert any("declined or withdrew" in m and partner_org.name in m for m in error.value.messages)
    # Confirming after all brings the line back, and the proposal goes.
    services.participation_answer(participant=partner_line(pending, partner_org), action="accept", by=partner_person)
    services.proposal_submit(proposal=pending, by=owner)
    pending.refresh_from_db()
    assert pending.status == Proposal.Status.SUBMITTED and pending.government_total == before


def test_a_declined_partner_removed_by_the_lead_no_longer_blocks(pending, owner, partner_org, partner_person,
                                                                  lead_org):
    services.participation_answer(participant=partner_line(pending, partner_org), action="decline", by=partner_person)
    other_sme = personas.organization("새중소", tier="sme")
    rows = rows_of(pending)
    declined = next(r for r in rows if r["organization"] == partner_org)
    declined["delete"] = True
    rows.append(line(other_sme, "demand_company", declined["government_funding"], declined["private_cash"]))
    save(pending, owner, rows)
    problems = pending.submission_problems()
    assert not any(partner_org.name in p for p in problems)
    assert any("not yet confirmed" in p and "새중소" in p for p in problems)


def test_the_proposal_page_tells_the_lead_who_is_missing(client, pending, owner, partner_org):
    client.force_login(owner)
    page = client.get(reverse("my-proposals:detail", args=[pending.pk])).text
    assert "not yet confirmed" in page and partner_org.name in page
    assert 'data-consent="pending"' in page


# --- the lead changes a partner's line ---------------------------------------------------------------------


def test_the_leads_change_to_a_partner_line_asks_the_partner_again_and_mails_it(proposal, owner, partner_org,
                                                                                partner_person):
    assert partner_line(proposal, partner_org).consent == C.ACCEPTED
    rows = rows_of(proposal)
    row = next(r for r in rows if r["organization"] == partner_org)
    row["private_cash"] += 1_000_000
    save(proposal, owner, rows)
    changed = partner_line(proposal, partner_org)
    assert changed.consent == C.PENDING and changed.consent_by is None
    assert ConsentChange.objects.filter(organization=partner_org, from_state=C.ACCEPTED, to_state=C.PENDING).exists()
    run_tasks()
    [told] = mail.outbox
    assert told.to == ["owner@partner.example"] and "confirm again" in told.subject
    with pytest.raises(ValidationError, match="not yet confirmed"):
        services.proposal_submit(proposal=proposal, by=owner)


def test_the_leads_change_to_its_own_line_leaves_partners_confirmed(proposal, owner, partner_org, lead_org,
                                                                    partner_person):
    rows = rows_of(proposal)
    row = next(r for r in rows if r["organization"] == lead_org)
    row["private_in_kind"] += 1_000_000
    save(proposal, owner, rows)
    assert partner_line(proposal, partner_org).consent == C.ACCEPTED
    run_tasks()
    assert mail.outbox == []


# --- the partner's own line --------------------------------------------------------------------------------


def test_a_partner_edits_its_own_line_and_contact_and_the_lead_is_told(client, proposal, partner_org,
                                                                       partner_person, lead_org, owner):
    lead_before = partner_line(proposal, lead_org)
    client.force_login(partner_person)
    own = partner_line(proposal, partner_org)
    cash = own.private_cash + 10_000_000
    form = client.get(reverse("my-proposals:part", args=[proposal.pk])).text
    assert 'name="government_funding"' in form and 'name="organization"' not in form and 'name="role"' not in form
    response = client.post(reverse("my-proposals:part", args=[proposal.pk]), {
        "government_funding": own.government_funding, "private_cash": cash,
        "private_in_kind": own.private_in_kind, "contact_name": "이담당", "contact_email": "lee@partner.example",
        "contact_phone": "010-1234-5678",
        # Fields of the lead's line or other rows are not part of the form: sending them changes nothing.
        "participants-0-government_funding": 1,
    })
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.private_cash, own.contact_name, own.contact_phone) == (cash, "이담당", "010-1234-5678")
    assert own.consent == C.ACCEPTED  # its own figures: still confirmed
    lead_after = partner_line(proposal, lead_org)
    assert lead_after.government_funding == lead_before.government_funding
    proposal.refresh_from_db()
    assert proposal.private_cash_total == lead_after.private_cash + own.private_cash
    run_tasks()
    [told] = mail.outbox
    assert sorted(told.to) == ["owner@lead.example"] and partner_org.name in told.subject


def test_a_partners_line_follows_the_funding_rules(client, proposal, partner_org, partner_person):
    client.force_login(partner_person)
    own = partner_line(proposal, partner_org)
    response = client.post(reverse("my-proposals:part", args=[proposal.pk]), {
        "government_funding": own.government_funding, "private_cash": 0, "private_in_kind": 0,
    })
    assert response.status_code == 200 and "at most 75%" in response.text
    own.refresh_from_db()
    assert own.private_cash > 0


def test_a_partner_sees_names_roles_and_totals_but_only_its_own_amounts(client, call, lead_org, partner_org,
                                                                        partner_person, owner):
    proposal = personas.ready_proposal(call, lead=lead_org, partner=partner_org)
    third = personas.organization("세번째기관", kind="institution")
    personas.participant(proposal, third, Participant.Role.RESEARCH_PARTNER, gov=123_456_789)
    proposal.recompute_totals()
    proposal.save()
    lead = partner_line(proposal, lead_org)
    client.force_login(partner_person)
    page = client.get(reverse("my-proposals:detail", args=[proposal.pk])).text
    assert "세번째기관" in page and "Research partner" in page  # names and roles
    own = partner_line(proposal, partner_org)
    assert f"{own.government_funding:,}" in page
    assert "123,456,789" not in page and f"{lead.government_funding:,}" not in page.replace(
        f"{proposal.government_total:,}", "")
    assert f"{proposal.government_total:,}" in page  # the consortium's totals
    assert "tier-mix" not in page
    client.force_login(owner)
    assert "123,456,789" in client.get(reverse("my-proposals:detail", args=[proposal.pk])).text


# --- withdrawing -------------------------------------------------------------------------------------------


def test_a_partner_withdraws_before_submission(client, proposal, partner_org, partner_person, owner):
    client.force_login(partner_person)
    response = client.post(reverse("my-proposals:part-withdraw", args=[proposal.pk]), {"note": "내부 사정"})
    assert response.status_code == 302
    own = partner_line(proposal, partner_org)
    assert (own.consent, own.consent_note, own.consent_by) == (C.WITHDRAWN, "내부 사정", partner_person)
    run_tasks()
    [told] = mail.outbox
    assert told.to == ["owner@lead.example"] and "withdrew" in told.subject and "내부 사정" in told.body
    with pytest.raises(ValidationError, match="declined or withdrew"):
        services.proposal_submit(proposal=proposal, by=owner)


def test_after_submission_a_partner_cannot_withdraw_until_changes_are_requested(proposal, owner, partner_org,
                                                                                partner_person, decider):
    services.proposal_submit(proposal=proposal, by=owner)
    with pytest.raises(WorkflowError, match="draft or the alliance has asked for changes"):
        services.participation_answer(participant=partner_line(proposal, partner_org), action="withdraw",
                                      by=partner_person)
    assert partner_line(proposal, partner_org).consent == C.ACCEPTED
    services.proposal_request_changes(proposal=proposal, by=decider, note="예산 보완")
    services.participation_answer(participant=partner_line(proposal, partner_org), action="withdraw",
                                  by=partner_person)
    assert partner_line(proposal, partner_org).consent == C.WITHDRAWN


def test_a_partner_cannot_decline_what_it_confirmed_it_withdraws_instead(proposal, partner_org, partner_person):
    with pytest.raises(WorkflowError, match="withdraw it first|cannot be declined"):
        services.participation_answer(participant=partner_line(proposal, partner_org), action="decline",
                                      by=partner_person)


# --- who may answer ----------------------------------------------------------------------------------------


def test_only_the_partners_owners_and_managers_answer(pending, partner_org, partner_member, owner, outsider):
    for person in (partner_member, owner, outsider):
        with pytest.raises(PermissionDenied):
            services.participation_answer(participant=partner_line(pending, partner_org), action="accept", by=person)
    assert partner_line(pending, partner_org).consent == C.PENDING


def test_the_partner_pages_refuse_by_the_company_pages_policy(client, pending, partner_member, owner, outsider):
    urls = [reverse(name, args=[pending.pk]) for name in ("my-proposals:part-accept", "my-proposals:part-decline",
                                                          "my-proposals:part-withdraw")]
    for person, expected in ((partner_member, 403), (owner, 404), (outsider, 404)):
        client.force_login(person)
        assert client.get(reverse("my-proposals:part", args=[pending.pk])).status_code == expected
        assert [client.post(url).status_code for url in urls] == [expected] * 3, person
    assert not ConsentChange.objects.exclude(to_state=C.PENDING).exists()
    client.logout()
    assert client.post(urls[0])["Location"].startswith(reverse("account_login"))


def test_the_consent_history_is_append_only(pending, partner_org):
    change = ConsentChange.objects.create(proposal=pending, organization=partner_org, to_state=C.ACCEPTED,
                                          by=f.member(None, partner_org, "owner"))
    change.note = "바뀜"
    with pytest.raises(ValidationError):
        change.save()


def test_a_partner_types_its_amounts_in_korean_units(client, proposal, partner_org, partner_person):
    client.force_login(partner_person)
    own = partner_line(proposal, partner_org)
    response = client.post(reverse("my-proposals:part", args=[proposal.pk]), {
        "government_funding": f"{own.government_funding:,}", "private_cash": "15억", "private_in_kind": "0",
    })
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.private_cash == 1_500_000_000
