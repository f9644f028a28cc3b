"""Changes after approval (the IRIS model): 통보성 details apply at once and are logged, 승인성 ones wait for
the secretariat as one change request, and until then every rule reads the current values."""

import datetime
import os
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from members import changes, services
from members.models import ChangeRequest, Membership, Organization, OrganizationFieldChange
from portal.workflow import WorkflowError
from projects import rules
from tests import personas
from tests.background import run_tasks

Status = Organization.Status

# A new value for every 통보성 field: adding a field to the list without a value here fails the suite.
NOTIFY_VALUES = {
    "name_en": "Hanbit Precision",
    "address": "서울특별시 강남구 테헤란로 1",
    "website": "https://hanbit.example",
    "contact_name": "이담당",
    "contact_phone": "02-1234-5678",
    "description": "정밀 가공 부품을 만듭니다.",
    "employees": 55,
    "annual_revenue": 12_000_000_000,
    "ai_stage": Organization.AIStage.PILOT,
    "listed_in_directory": False,
}

# Each 승인성 field: the organisation it starts from (builder keyword arguments) and the values to ask for.
APPROVAL_CASES = {
    "name": ({}, {"name": "한빛정밀공업"}),
    "representative": ({}, {"representative": "박새대표"}),
    "tier": ({}, {"tier": Organization.Tier.LARGE}),
    "kind": ({}, {"kind": Organization.Kind.INSTITUTION, "tier": "",
                  "institution_type": Organization.InstitutionType.RESEARCH}),
    "institution_type": ({"kind": Organization.Kind.INSTITUTION},
                         {"institution_type": Organization.InstitutionType.UNIVERSITY}),
    "business_number": ({}, {"business_number": personas.business_number()}),
    "corporate_number": ({}, {"corporate_number": "1101110062432"}),  # issue 14's 법인등록번호
}


@pytest.fixture
def owner(db):
    return personas.user("owner@hanbit.example")


@pytest.fixture
def org(owner):
    """한빛정밀, an approved SME, with `owner` as its owner."""
    return personas.organization("한빛정밀", owner=owner, tier=Organization.Tier.SME)


@pytest.fixture
def manager(org):
    return personas.member(org, Membership.Role.MANAGER, "manager@hanbit.example")


@pytest.fixture
def decider(db):
    return personas.staff("decider@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)


def ask(org, by, reason="사업자 변경", **values):
    return services.organization_change(organization=org, by=by, values=values, reason=reason)


def test_the_two_lists_cover_the_notify_values_and_do_not_overlap():
    assert set(NOTIFY_VALUES) == set(changes.NOTIFY_FIELDS)
    assert set(APPROVAL_CASES) == set(changes.APPROVAL_FIELDS)
    assert not set(changes.NOTIFY_FIELDS) & set(changes.APPROVAL_FIELDS)


@pytest.mark.parametrize("name", changes.NOTIFY_FIELDS)
def test_every_notify_field_applies_at_once_and_is_logged(org, owner, name):
    old = changes.stored(org, name)
    assert ask(org, owner, reason="", **{name: NOTIFY_VALUES[name]}) is None
    org.refresh_from_db()
    assert getattr(org, name) == NOTIFY_VALUES[name]
    logged = OrganizationFieldChange.objects.get(organization=org)
    assert (logged.field, logged.old_value, logged.by) == (name, old, owner)
    assert logged.new_value == changes.stored(org, name)
    assert not org.change_requests.exists()


@pytest.mark.parametrize("name", changes.APPROVAL_FIELDS)
def test_every_approval_field_waits_for_the_secretariat(owner, decider, name):
    start, values = APPROVAL_CASES[name]
    org = personas.organization("한빛정밀", owner=owner, **start)
    before = {field: changes.stored(org, field) for field in values}
    request = ask(org, owner, **values)
    org.refresh_from_db()
    assert {field: changes.stored(org, field) for field in values} == before  # nothing applied yet
    assert request.status == ChangeRequest.Status.PENDING and name in request.changes
    assert not OrganizationFieldChange.objects.filter(organization=org).exists()

    services.change_request_approve(change_request=request, by=decider)
    org.refresh_from_db()
    for field, value in values.items():
        assert getattr(org, field) == value
    logged = OrganizationFieldChange.objects.get(organization=org, field=name)
    assert logged.change_request == request and logged.by == decider


def test_notify_and_approval_changes_in_one_save(org, owner):
    request = ask(org, owner, address="부산광역시 해운대구 1", representative="박새대표")
    org.refresh_from_db()
    assert org.address == "부산광역시 해운대구 1" and org.representative == "김대표"
    assert list(request.changes) == ["representative"]


def test_the_funding_rules_use_the_old_tier_until_the_change_is_approved(org, owner, decider):
    call = personas.call()
    # 70 % government funding: allowed for an SME, over a large enterprise's limit.
    line = {"role": "research_partner", "government": 700, "cash": 300, "in_kind": 0}
    request = ask(org, owner, tier=Organization.Tier.LARGE)

    current = Organization.objects.get(pk=org.pk)
    assert current.tier == Organization.Tier.SME
    assert call.gov_share_limit(current) == call.gov_share_sme
    assert rules.line_errors(call, None, rules.Line(organization=current, **line)) == {}

    services.change_request_approve(change_request=request, by=decider)
    approved = Organization.objects.get(pk=org.pk)
    assert call.gov_share_limit(approved) == call.gov_share_large
    assert "government_funding" in rules.line_errors(call, None, rules.Line(organization=approved, **line))


def test_a_change_to_a_tier_that_needs_proof_is_sent_with_its_certificate(owner):
    large = personas.organization("대형제조", owner=owner, tier=Organization.Tier.LARGE)
    with pytest.raises(services.MembershipError) as refused:
        ask(large, owner, tier=Organization.Tier.SME)
    assert "tier" in refused.value.message_dict


def test_an_approval_change_needs_a_reason(org, owner):
    with pytest.raises(services.MembershipError) as refused:
        ask(org, owner, reason=" ", representative="박새대표")
    assert "reason" in refused.value.message_dict


def test_one_open_request_per_organisation(org, owner):
    ask(org, owner, representative="박새대표")
    with pytest.raises(services.MembershipError) as refused:
        ask(org, owner, name="새이름")
    assert refused.value.code == "open_request"
    # The database holds the rule too, whatever path writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeRequest.objects.create(organization=org, changes={"name": ["a", "b"]}, reason="x")


def test_the_constraint_gives_a_friendly_message_through_full_clean(org, owner):
    ask(org, owner, representative="박새대표")
    second = ChangeRequest(organization=org, changes={"name": ["a", "b"]}, reason="x")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        second.full_clean()
    with translation.override("en"):
        assert "already has a change request waiting" in str(refused.value)


def test_a_decided_request_makes_room_for_the_next(org, owner, decider):
    first = ask(org, owner, representative="박새대표")
    services.change_request_reject(change_request=first, by=decider, note="등기부등본을 첨부해 주세요")
    assert ask(org, owner, representative="박새대표").is_open


def test_rejecting_needs_a_note(org, owner, decider):
    request = ask(org, owner, representative="박새대표")
    with pytest.raises(WorkflowError) as refused:
        services.change_request_reject(change_request=request, by=decider, note="  ")
    assert refused.value.code == "note_required"
    request.refresh_from_db()
    assert request.is_open


def test_only_deciders_decide(org, owner, manager):
    request = ask(org, owner, representative="박새대표")
    reader = personas.staff(group=personas.MEMBERSHIP_READERS)
    for person in (owner, manager, reader):
        with pytest.raises(WorkflowError):
            services.change_request_approve(change_request=request, by=person)
    request.refresh_from_db()
    assert request.is_open


def test_the_requester_withdraws_and_nothing_changes(org, owner, manager):
    request = ask(org, manager, representative="박새대표")
    services.change_request_withdraw(change_request=request, by=owner)
    request.refresh_from_db()
    org.refresh_from_db()
    assert request.status == ChangeRequest.Status.WITHDRAWN and org.representative == "김대표"
    with pytest.raises(WorkflowError):
        services.change_request_approve(change_request=request, by=personas.staff(
            group=personas.MEMBERSHIP_REVIEWERS))


def test_a_plain_member_cannot_withdraw(org, owner):
    request = ask(org, owner, representative="박새대표")
    member = personas.member(org)
    with pytest.raises(services.MembershipError):
        services.change_request_withdraw(change_request=request, by=member)


def test_approval_is_refused_when_the_values_became_invalid_meanwhile(org, owner, decider):
    number = personas.business_number()
    request = ask(org, owner, business_number=number)
    personas.organization("다른회사", business_number=number)  # registered meanwhile with that number
    with pytest.raises(WorkflowError) as refused, translation.override("en"):
        services.change_request_approve(change_request=request, by=decider)
    assert refused.value.code == "invalid_now" and "already registered" in refused.value.message
    request.refresh_from_db()
    org.refresh_from_db()
    assert request.is_open and org.business_number != number


@pytest.mark.parametrize("decision, note", [("approve", ""), ("reject", "근거 서류가 없습니다")])
def test_the_decision_mail_goes_to_owners_and_managers(org, owner, manager, decider, decision, note, mailoutbox):
    request = ask(org, owner, representative="박새대표")
    personas.member(org)  # a plain member is not mailed
    services.change_request_transition(change_request=request, name=decision, by=decider, note=note)
    assert mailoutbox == []  # queued with the decision; the worker sends it
    run_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([owner.email, manager.email])
    assert "박새대표" in message.body and "한빛정밀" in message.subject
    if note:
        assert note in message.body


def test_withdrawing_sends_no_mail(org, owner, mailoutbox):
    request = ask(org, owner, representative="박새대표")
    services.change_request_withdraw(change_request=request, by=owner)
    run_tasks()
    assert mailoutbox == []


def test_while_the_application_is_open_everything_applies_and_is_logged(make_user):
    owner = make_user("applicant@example.com")
    pending = personas.organization("신청중", owner=owner, status=Status.PENDING)
    pending.representative = "박새대표"
    pending.address = "대전광역시 유성구 1"
    services.organization_update(organization=pending, by=owner)
    pending.refresh_from_db()
    assert pending.representative == "박새대표"
    assert set(pending.field_changes.values_list("field", flat=True)) == {"representative", "address"}
    assert not pending.change_requests.exists()


def test_the_change_service_is_not_for_open_applications(make_user):
    owner = make_user("applicant@example.com")
    pending = personas.organization("신청중", owner=owner, status=Status.PENDING)
    with pytest.raises(services.MembershipError):
        ask(pending, owner, representative="박새대표")


def test_fields_outside_both_lists_cannot_be_changed_here(org, owner):
    with pytest.raises(services.MembershipError):
        services.organization_change(organization=org, by=owner, values={"status": "pending"})


def test_a_phone_number_is_checked_loosely(org, owner):
    for good in ("02-1234-5678", "0311234567", "010-1234-5678", "1588-1234"):
        ask(org, owner, reason="", contact_phone=good)
    with pytest.raises(Exception) as refused:
        ask(org, owner, reason="", contact_phone="전화번호")
    assert "contact_phone" in refused.value.message_dict


# --- the pages ----------------------------------------------------------------------------------


@pytest.fixture
def as_owner(client, owner):
    client.force_login(owner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _form_data(client):
    form = client.get(reverse("my:edit")).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["listed_in_directory"] = "on" if data.get("listed_in_directory") else ""
    return data


def test_the_edit_page_applies_notify_and_requests_approval_changes(as_owner, org):
    data = _form_data(as_owner)
    data.update(address="광주광역시 북구 1", representative="박새대표", reason="대표이사 변경")
    response = as_owner.post(reverse("my:edit"), data)
    assert response.status_code == 302, response.context["form"].errors
    org.refresh_from_db()
    assert org.address == "광주광역시 북구 1" and org.representative == "김대표"
    page = as_owner.get(reverse("my:dashboard")).content.decode()
    assert 'data-change-request="pending"' in page and "박새대표" in page
    assert reverse("my:change-request-withdraw", args=[org.change_requests.get().pk]) in page


def test_the_edit_page_asks_for_a_reason(as_owner, org):
    data = _form_data(as_owner)
    data.update(representative="박새대표")
    response = as_owner.post(reverse("my:edit"), data)
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert not org.change_requests.exists()


def test_while_a_request_waits_the_approval_fields_are_read_only(as_owner, org, owner):
    ask(org, owner, representative="박새대표")
    data = _form_data(as_owner)
    data.update(name="몰래바꾼이름", address="울산광역시 남구 1")
    response = as_owner.post(reverse("my:edit"), data)
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "한빛정밀" and org.address == "울산광역시 남구 1"
    page = as_owner.get(reverse("my:edit")).content.decode()
    assert "data-open-request" in page


def test_my_page_shows_the_timeline_of_every_kind_of_event(as_owner, org, owner, decider):
    ask(org, owner, reason="", address="세종특별자치시 1")
    request = ask(org, owner, representative="박새대표")
    services.change_request_reject(change_request=request, by=decider, note="서류 부족")
    services.certificate_renew(organization=org, by=owner, file=personas.pdf("갱신.pdf"), number="0002-2027-01",
                               valid_until=timezone.localdate() + datetime.timedelta(days=300), tier=org.tier)
    page = as_owner.get(reverse("my:dashboard")).content.decode()
    for kind in ("status", "details", "request", "decision", "certificate"):
        assert f'data-event="{kind}"' in page, kind
    assert "세종특별자치시 1" in page and "서류 부족" in page and "갱신.pdf" in page
    assert decider.email not in page  # companies see "the secretariat", not staff addresses


def test_my_page_runs_the_same_queries_however_long_the_history(as_owner, org, owner, decider):
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_owner.get(reverse("my:dashboard")).status_code == 200
        return len(captured)

    ask(org, owner, reason="", address="세종특별자치시 1")
    few = queries()
    for i in range(3):
        ask(org, owner, reason="", employees=60 + i)
        request = ask(org, owner, name=f"새이름{i}")
        services.change_request_reject(change_request=request, by=decider, note="아니요")
        services.certificate_renew(organization=org, by=owner, file=personas.pdf(), number=f"N{i}",
                                   valid_until=timezone.localdate() + datetime.timedelta(days=100), tier=org.tier)
    assert queries() == few


def test_a_plain_member_sees_the_request_but_cannot_edit_or_withdraw(client, org, owner):
    request = ask(org, owner, representative="박새대표")
    member = personas.member(org)
    client.force_login(member)
    page = client.get(reverse("my:dashboard")).content.decode()
    assert 'data-change-request="pending"' in page
    assert reverse("my:change-request-withdraw", args=[request.pk]) not in page
    assert client.get(reverse("my:edit")).status_code == 403
    assert client.post(reverse("my:change-request-withdraw", args=[request.pk])).status_code == 403


def test_another_organisations_request_is_404(client, org, owner):
    request = ask(org, owner, representative="박새대표")
    outsider = personas.user()
    personas.organization("누리소재", owner=outsider)
    client.force_login(outsider)
    assert client.post(reverse("my:change-request-withdraw", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.is_open


def test_the_owner_withdraws_from_my_page(as_owner, org, owner):
    request = ask(org, owner, representative="박새대표")
    response = as_owner.post(reverse("my:change-request-withdraw", args=[request.pk]), follow=True)
    assert "withdrawn" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.WITHDRAWN


# --- two deciders at once -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks need PostgreSQL: SQLite locks the whole database, so two connections cannot race. "
    "CI runs this on PostgreSQL (DATABASE_URL=postgres://...).",
)
def test_two_deciders_at_once_exactly_one_wins():
    assert connection.vendor == "postgresql"
    owner = personas.user("owner@race.example")
    org = personas.organization("경쟁정밀", owner=owner)
    request = ask(org, owner, tier=Organization.Tier.LARGE)
    first = personas.staff("first@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)
    second = personas.staff("second@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(user, name):
        from django.db import connections

        try:
            # Both read the request before either decides, so the loser always acts on a stale copy.
            seen = ChangeRequest.objects.get(pk=request.pk)
            barrier.wait()
            services.change_request_transition(change_request=seen, by=user, name=name, note="동시에 결정")
            outcomes[user.email] = "won"
        except WorkflowError as error:
            outcomes[user.email] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(first, "approve")),
               threading.Thread(target=decide, args=(second, "reject"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v == "won" for v in outcomes.values()) == [False, True], outcomes
    assert next(v for v in outcomes.values() if v != "won") == "changed_meanwhile"
    request.refresh_from_db()
    org.refresh_from_db()
    assert request.status in (ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED)
    assert (org.tier == Organization.Tier.LARGE) == (request.status == ChangeRequest.Status.APPROVED)
    assert OrganizationFieldChange.objects.filter(organization=org).count() == (
        1 if request.status == ChangeRequest.Status.APPROVED else 0)
