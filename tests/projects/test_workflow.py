"""The review workflow: every transition from every state, history, email, permissions, concurrency."""

import os
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from portal.workflow import WorkflowError
from projects import services
from projects.models import Proposal, StatusChange
from tests.background import run_tasks
from tests.projects import factories as f

S = Proposal.Status
ALLOWED = {
    ("submit", S.DRAFT): S.SUBMITTED,
    ("submit", S.CHANGES_REQUESTED): S.SUBMITTED,
    ("withdraw", S.DRAFT): S.WITHDRAWN,
    ("withdraw", S.SUBMITTED): S.WITHDRAWN,
    ("withdraw", S.UNDER_REVIEW): S.WITHDRAWN,
    ("withdraw", S.CHANGES_REQUESTED): S.WITHDRAWN,
    ("start_review", S.SUBMITTED): S.UNDER_REVIEW,
    ("request_changes", S.SUBMITTED): S.CHANGES_REQUESTED,
    ("request_changes", S.UNDER_REVIEW): S.CHANGES_REQUESTED,
    ("select", S.UNDER_REVIEW): S.SELECTED,
    ("reject", S.UNDER_REVIEW): S.REJECTED,
}
ALL = [(transition.name, status) for transition in Proposal.WORKFLOW for status in S.values]


def actor(action, owner, decider):
    return decider if Proposal.WORKFLOW[action].permission else owner


@pytest.mark.parametrize(("action", "status"), [pair for pair in ALL if pair in ALLOWED])
def test_allowed_transition(action, status, proposal, owner, manager, decider):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    proposal.refresh_from_db()
    services.proposal_transition(proposal=proposal, action=action, by=actor(action, owner, decider), note="메모")
    run_tasks()
    proposal.refresh_from_db()
    assert proposal.status == ALLOWED[(action, status)]
    change = StatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.note) == (status, proposal.status, "메모")
    assert sorted(mail.outbox[0].to) == ["manager@lead.example", "owner@lead.example"]


@pytest.mark.parametrize(("action", "status"), [pair for pair in ALL if pair not in ALLOWED])
def test_forbidden_transition(action, status, proposal, owner, decider):
    Proposal.objects.filter(pk=proposal.pk).update(status=status)
    proposal.refresh_from_db()
    with pytest.raises(WorkflowError, match="cannot be") as error:
        services.proposal_transition(proposal=proposal, action=action, by=actor(action, owner, decider), note="x")
    assert error.value.message == Proposal.WORKFLOW.refusal(Proposal.WORKFLOW[action], current=status).message
    proposal.refresh_from_db()
    assert proposal.status == status
    assert not StatusChange.objects.exists()


def test_selecting_a_submitted_proposal_says_to_start_the_review_first(proposal, decider):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.SUBMITTED)
    proposal.refresh_from_db()
    with pytest.raises(WorkflowError) as error:
        services.proposal_decide(proposal=proposal, by=decider, selected=True)
    assert error.value.message == "This proposal is submitted, so it cannot be selected yet: start the review first."


def test_a_withdrawn_proposal_cannot_be_submitted_from_that_state(proposal, owner):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.WITHDRAWN)
    proposal.refresh_from_db()
    with pytest.raises(WorkflowError) as error:
        services.proposal_submit(proposal=proposal, by=owner)
    assert error.value.message == "This proposal is withdrawn: from this state it cannot be submitted."


def test_a_decision_on_a_proposal_someone_else_just_decided_says_to_reload(proposal, decider):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.UNDER_REVIEW)
    proposal.refresh_from_db()
    Proposal.objects.filter(pk=proposal.pk).update(status=S.REJECTED)  # another decider, meanwhile
    with pytest.raises(WorkflowError) as error:
        services.proposal_decide(proposal=proposal, by=decider, selected=True)
    assert error.value.code == "changed_meanwhile" and "reload" in error.value.message.lower()
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize("who", ["lead_member", "partner_person", "outsider", "decider"])
def test_only_the_lead_owner_and_managers_submit(who, proposal, request):
    with pytest.raises(PermissionDenied):
        services.proposal_submit(proposal=proposal, by=request.getfixturevalue(who))


@pytest.mark.parametrize("who", ["owner", "reviewer", "outsider"])
def test_only_deciders_decide(who, proposal, request):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.UNDER_REVIEW)
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, by=request.getfixturevalue(who), selected=True)


def test_submission_recomputes_totals_from_the_rows(proposal, owner):
    Proposal.objects.filter(pk=proposal.pk).update(government_total=1)
    proposal.refresh_from_db()
    services.proposal_submit(proposal=proposal, by=owner)
    proposal.refresh_from_db()
    assert proposal.government_total == 7_500_000_000
    assert proposal.submitted_at is not None


def test_a_proposal_breaking_a_rule_is_not_submitted(proposal, owner):
    proposal.participants.filter(role="demand_company").update(role="technology_supplier")
    with pytest.raises(ValidationError, match="demand company"):
        services.proposal_submit(proposal=proposal, by=owner)
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT and not StatusChange.objects.exists()


def test_submission_after_the_call_closed_is_refused(proposal, owner):
    from django.utils import timezone

    type(proposal.call).objects.filter(pk=proposal.call_id).update(closes_at=timezone.now())
    proposal.refresh_from_db()
    with pytest.raises(ValidationError, match="accepts proposals"):
        services.proposal_submit(proposal=proposal, by=owner)


def test_sending_back_needs_a_note(proposal, decider):
    Proposal.objects.filter(pk=proposal.pk).update(status=S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.proposal_request_changes(proposal=proposal, by=decider, note=" ")


def test_the_applicant_edits_and_resubmits_after_changes_are_requested(proposal, owner, decider):
    services.proposal_submit(proposal=proposal, by=owner)
    services.proposal_request_changes(proposal=proposal, by=decider, note="예산 근거를 보완해 주세요.")
    services.proposal_submit(proposal=proposal, by=owner)
    assert list(proposal.history.values_list("to_status", flat=True)) == [S.SUBMITTED, S.CHANGES_REQUESTED,
                                                                         S.SUBMITTED]


# --- review ------------------------------------------------------------------------------------


def scores_for(proposal, value=4):
    return {c.pk: value for c in proposal.call.criteria.all()}


def seat(proposal, reviewer, *, declare=True):
    """`reviewer` on a panel evaluating the (submitted) proposal, declared without conflict unless told."""
    f.personas.panel(proposal.call, members=[reviewer], proposals=[proposal])
    if declare:
        f.personas.declare(reviewer, proposal)


def test_a_reviewer_scores_every_criterion(proposal, owner, reviewer):
    services.proposal_submit(proposal=proposal, by=owner)
    seat(proposal, reviewer)
    review = services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal), comment="좋음")
    assert review.scores.count() == 5
    services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal, 5), comment="")
    assert sorted(review.scores.values_list("score", flat=True)) == [5] * 5


def test_scores_outside_1_to_5_are_refused(proposal, owner, reviewer):
    services.proposal_submit(proposal=proposal, by=owner)
    seat(proposal, reviewer)
    with pytest.raises(ValidationError):
        services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal, 6))


def test_drafts_cannot_be_scored(proposal, reviewer):
    with pytest.raises(ValidationError, match="Only submitted"):
        services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal))


def test_a_reviewer_from_a_consortium_member_is_excluded(proposal, owner, reviewer, partner_org):
    from members.models import Membership

    Membership.objects.create(user=reviewer, organization=partner_org)
    services.proposal_submit(proposal=proposal, by=owner)
    seat(proposal, reviewer, declare=False)
    with pytest.raises(ValidationError, match="제척"):
        services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal))


def test_a_reviewer_from_an_unrelated_organisation_may_score(proposal, owner, reviewer, other_org):
    from members.models import Membership

    Membership.objects.create(user=reviewer, organization=other_org)
    services.proposal_submit(proposal=proposal, by=owner)
    seat(proposal, reviewer)
    services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal))
    review = proposal.reviews.get(reviewer=reviewer)
    assert sorted(review.scores.values_list("score", flat=True)) == [4] * proposal.call.criteria.count()


def test_a_reviewer_may_recuse_with_a_reason_and_then_cannot_score(proposal, owner, reviewer):
    services.proposal_submit(proposal=proposal, by=owner)
    seat(proposal, reviewer, declare=False)
    with pytest.raises(ValidationError):
        services.review_recuse(proposal=proposal, reviewer=reviewer, reason="")
    services.review_recuse(proposal=proposal, reviewer=reviewer, reason="공동연구 이력이 있습니다.")
    # A recusal is a declared conflict: the proposal no longer exists for them (issue 16).
    with pytest.raises(PermissionDenied):
        services.review_save(proposal=proposal, reviewer=reviewer, scores=scores_for(proposal))


def test_deciders_cannot_score(proposal, owner, decider):
    services.proposal_submit(proposal=proposal, by=owner)
    with pytest.raises(PermissionDenied):
        services.review_save(proposal=proposal, reviewer=decider, scores=scores_for(proposal))


# --- two deciders at once -------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks need PostgreSQL: SQLite locks the whole database, so two connections cannot race. "
    "CI runs this on PostgreSQL (DATABASE_URL=postgres://...).",
)
def test_two_deciders_at_once_exactly_one_wins(make_user, lead_org, partner_org):
    assert connection.vendor == "postgresql"
    first = f.staff(make_user, "first@ministry.example", "Project deciders")
    second = f.staff(make_user, "second@ministry.example", "Project deciders")
    prop = f.ready_proposal(lead=lead_org, partner=partner_org, status=S.UNDER_REVIEW)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(user, selected):
        from django.db import connections

        try:
            # Both read the proposal before either decides: what two staff looking at the same page do. (Read
            # after the barrier, a fast winner could commit before the other's read, which then meets a
            # decided proposal rather than a stale one.)
            proposal = Proposal.objects.get(pk=prop.pk)
            barrier.wait()
            services.proposal_decide(proposal=proposal, by=user, selected=selected)
            outcomes[user.email] = "won"
        except WorkflowError as error:
            outcomes[user.email] = str(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(user, user is first)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    loser_message = next(v for v in outcomes.values() if v != "won")
    assert "reload" in loser_message
    prop.refresh_from_db()
    assert prop.status in (S.SELECTED, S.REJECTED)
    assert prop.history.count() == 1
