"""The membership status machine, as the services run it."""

import pytest
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Organization, StatusChange
from portal.workflow import WorkflowError
from tests.background import run_tasks

S = Organization.Status
ALL_MOVES = {
    "approve": S.APPROVED, "reject": S.REJECTED, "request_changes": S.CHANGES_REQUESTED,
    "suspend": S.SUSPENDED, "reinstate": S.APPROVED,
}
ALLOWED = {
    S.PENDING: {"approve", "reject", "request_changes"},
    S.CHANGES_REQUESTED: set(),
    S.APPROVED: {"suspend"},
    S.SUSPENDED: {"reinstate"},
    S.REJECTED: set(),
}


@pytest.mark.parametrize("start", list(ALLOWED))
@pytest.mark.parametrize("move", list(ALL_MOVES))
def test_every_decision_from_every_status(make_org, alice, reviewer, start, move):
    org = make_org(owner=alice, status=start)
    if move in ALLOWED[start]:
        services.DECISIONS[move](organization=org, by=reviewer, note="사유")
        org.refresh_from_db()
        assert org.status == ALL_MOVES[move]
        last = StatusChange.objects.filter(organization=org).last()
        assert (last.from_status, last.to_status, last.by, last.note) == (start, ALL_MOVES[move], reviewer, "사유")
    else:
        with pytest.raises(WorkflowError):
            services.DECISIONS[move](organization=org, by=reviewer, note="사유")
        org.refresh_from_db()
        assert org.status == start


@pytest.mark.parametrize("move", ["reject", "request_changes", "suspend"])
def test_rejection_changes_and_suspension_need_a_note(hanbit, reviewer, move):
    if move == "suspend":
        services.organization_approve(organization=hanbit, by=reviewer)
    with pytest.raises(WorkflowError) as error:
        services.DECISIONS[move](organization=hanbit, by=reviewer, note="  ")
    assert error.value.code == "note_required"


def test_staff_without_the_decide_permission_cannot_decide(hanbit, reader):
    with pytest.raises(WorkflowError):
        services.organization_approve(organization=hanbit, by=reader)
    hanbit.refresh_from_db()
    assert hanbit.status == S.PENDING


def test_owner_resubmits_after_changes_were_requested(hanbit, alice, reviewer):
    services.organization_request_changes(organization=hanbit, by=reviewer, note="확인서를 다시 올려 주세요")
    services.organization_resubmit(organization=hanbit, by=alice)
    hanbit.refresh_from_db()
    assert hanbit.status == S.PENDING
    assert list(hanbit.status_changes.values_list("to_status", flat=True)) == [
        S.PENDING, S.CHANGES_REQUESTED, S.PENDING
    ]


def test_a_plain_member_cannot_resubmit(hanbit, bob, reviewer):
    services.organization_request_changes(organization=hanbit, by=reviewer, note="보완")
    with pytest.raises(services.MembershipError):
        services.organization_resubmit(organization=hanbit, by=bob)


def test_approval_records_the_date_and_keeps_it_through_suspension(hanbit, reviewer):
    services.organization_approve(organization=hanbit, by=reviewer)
    hanbit.refresh_from_db()
    first = hanbit.approved_at
    assert first is not None
    services.organization_suspend(organization=hanbit, by=reviewer, note="정지")
    services.organization_reinstate(organization=hanbit, by=reviewer)
    hanbit.refresh_from_db()
    assert hanbit.approved_at == first and hanbit.status == S.APPROVED


def test_the_owner_gets_an_email_from_the_worker_once_the_decision_is_made(hanbit, alice, bob, reviewer, mailoutbox):
    services.organization_request_changes(organization=hanbit, by=reviewer, note="사업자등록증 사본이 흐립니다")
    assert mailoutbox == []
    run_tasks()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [alice.email]
    assert "사업자등록증 사본이 흐립니다" in mail.body and hanbit.name in mail.subject


def test_no_email_when_the_decision_is_refused(hanbit, reviewer, mailoutbox):
    with pytest.raises(WorkflowError):
        services.organization_suspend(organization=hanbit, by=reviewer, note="x")
    assert run_tasks() == 0
    assert mailoutbox == []


# --- the table itself: every declared step from every status -----------------------------------

WORKFLOW = Organization.WORKFLOW


@pytest.mark.parametrize(("name", "start"), [(t.name, status) for t in WORKFLOW for status in S.values])
def test_every_step_of_the_table_runs_from_its_sources_only(make_org, alice, reviewer, name, start):
    transition = WORKFLOW[name]
    org = make_org(owner=alice, status=start)
    by = reviewer if transition.permission else alice
    if start in transition.sources:
        services.organization_transition(organization=org, name=name, by=by, note="사유")
        org.refresh_from_db()
        assert org.status == transition.target
        return
    with pytest.raises(WorkflowError) as error:
        services.organization_transition(organization=org, name=name, by=by, note="사유")
    assert error.value.message == WORKFLOW.refusal(transition, current=start).message
    org.refresh_from_db()
    assert org.status == start and org.status_changes.count() == 1


def test_deciding_while_changes_are_awaited_says_the_applicant_must_send_them_first(make_org, alice, reviewer):
    org = make_org(owner=alice, status=S.CHANGES_REQUESTED)
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        services.organization_approve(organization=org, by=reviewer)
    assert error.value.message == (
        "This membership is changes requested, so it cannot be approved yet: send it again for review first."
    )


def test_a_decision_on_a_rejected_membership_cannot_happen_from_that_state(make_org, alice, reviewer):
    org = make_org(owner=alice, status=S.REJECTED)
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        services.organization_suspend(organization=org, by=reviewer, note="정지")
    assert error.value.message == "This membership is rejected: from this state it cannot be suspended."


def test_a_refused_resubmission_is_reported_not_an_error_page(client, hanbit, alice, reviewer):
    services.organization_approve(organization=hanbit, by=reviewer)
    client.force_login(alice)
    response = client.post(reverse("my:resubmit"), headers={"accept-language": "en"}, follow=True)
    assert response.status_code == 200
    assert "This membership is approved: from this state it cannot be sent again for review." in response.text
    hanbit.refresh_from_db()
    assert hanbit.status == S.APPROVED
