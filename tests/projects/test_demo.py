"""Demo data: two calls, about 30 proposals in every state, budgets within the rules, idempotent."""

import io
import random

import pytest
from django.utils import timezone

from projects import rules
from projects.models import Call, Message, Proposal, ReviewScore, StatusChange

pytestmark = pytest.mark.django_db


def run_seed():
    from members import demo as members_demo
    from portal import demo as portal_demo
    from projects import demo as projects_demo

    out = io.StringIO()
    for module in (portal_demo, members_demo, projects_demo):
        module.seed(rng=random.Random(f"7:{module.__name__}"), scale=1, stdout=out)
    return out.getvalue()


def test_demo_has_two_calls_and_proposals_in_every_state():
    run_seed()
    assert Call.objects.count() == 2
    assert sum(call.is_open() for call in Call.objects.all()) == 1
    assert Proposal.objects.count() == 30
    assert set(Proposal.objects.values_list("status", flat=True)) == set(Proposal.Status.values)
    closed = Call.objects.past().get()
    assert closed.proposals.selected().count() == 6
    assert StatusChange.objects.exists() and ReviewScore.objects.exists()


def test_demo_budgets_follow_the_rules():
    run_seed()
    for proposal in Proposal.objects.select_related("call", "lead"):
        lines = [rules.Line.of(p) for p in proposal.participants.select_related("organization")]
        assert rules.consortium_errors(proposal.call, proposal.lead, lines, complete=True) == []
        assert all(rules.line_errors(proposal.call, proposal.lead_id, line) == {} for line in lines)
        assert proposal.government_total == sum(line.government for line in lines)
        assert proposal.kpis.count() == 3 and proposal.ai_areas.count() == 2


def test_demo_is_idempotent_and_deterministic():
    run_seed()
    first = list(Proposal.objects.order_by("pk").values_list("title", "government_total", "status"))
    run_seed()
    assert list(Proposal.objects.order_by("pk").values_list("title", "government_total", "status")) == first


def test_demo_staff_can_review_and_decide():
    from django.contrib.auth import get_user_model

    from projects import demo, services

    run_seed()
    User = get_user_model()
    assert services.can_score(User.objects.get(email=demo.REVIEWER_EMAILS[0]))
    assert services.can_decide(User.objects.get(email=demo.DECIDER_EMAIL))


def test_every_sent_demo_proposal_has_its_submitted_versions_and_one_was_revised():
    from projects import revisions
    from projects.models import Submission

    run_seed()
    sent = Proposal.objects.exclude(status=Proposal.Status.DRAFT)
    counts = {p.pk: p.submissions.count() for p in sent}
    assert all(count >= 1 for count in counts.values())
    assert not Submission.objects.filter(proposal__status=Proposal.Status.DRAFT).exists()
    (revised,) = [pk for pk, count in counts.items() if count == 2]
    first, second = Submission.objects.filter(proposal_id=revised)
    assert second.snapshot["proposal"]["title"] == Proposal.objects.get(pk=revised).title
    kinds = [change.kind for change in revisions.diff(first.snapshot, second.snapshot)]
    assert kinds == ["field", "field", "amount", "kpi_added", "document"]  # the data plan, the total, the lead's line
    assert first.submitted_at < second.submitted_at == Proposal.objects.get(pk=revised).submitted_at
def test_demo_has_an_answered_conversation_and_one_waiting_for_the_alliance():
    run_seed()
    answered, waiting = (
        Proposal.objects.filter(pk__in=Message.objects.values("proposal"), status=status).get()
        for status in ("changes_requested", "submitted")
    )
    assert answered.awaiting_reply_since is None
    assert answered.messages.filter(side="applicant", partner__isnull=False).exists()  # a partner's part too
    assert answered.messages.exclude(attachment="").exists()
    assert list(Proposal.objects.awaiting_reply()) == [waiting]
    assert waiting.messages.get().side == "applicant"
    assert Message.objects.count() == 6
    for message in Message.objects.select_related("proposal"):
        message.full_clean()  # bulk-created, as a service would have written it
        assert message.proposal.submitted_at < message.created_at <= timezone.now()


def test_demo_closed_call_had_a_panel_of_five_with_conflicts_a_challenge_and_an_objection():
    from projects import demo, panels
    from projects.models import ChallengeRequest, ConflictDeclaration, Objection, Panel

    run_seed()
    closed = Call.objects.past().get()
    panel = Panel.objects.get(call=closed)
    assert panel.members.count() == 5 and panel.members.filter(is_chair=True).count() == 1
    assert panel.status == Panel.Status.CLOSED and panel.round_name == demo.CLOSED_ROUND
    assert ConflictDeclaration.objects.exclude(ground=ConflictDeclaration.Ground.NONE).count() == 2
    assert ChallengeRequest.objects.get().status == ChallengeRequest.Status.UPHELD
    assert Objection.objects.get().proposal.status == Proposal.Status.REJECTED
    _criteria, _members, rows = panels.panel_rows(panel)
    reviewed = [row for row in rows if row.proposal.status != Proposal.Status.SUBMITTED]
    assert reviewed and all(row.result.score is not None for row in reviewed)
    assert all(row.submitted == row.expected for row in reviewed)  # every review in, none by an excluded member
    reasons = [m.reason for row in rows for m in row.excluded]
    assert len(reasons) >= 4  # two declared, one 기피, at least one former employer
    # Five reviews and the call's setting: the highest and the lowest totals were dropped.
    assert any(len(row.result.dropped) == 2 for row in reviewed)
    selected = closed.proposals.selected().first()
    assert panels.disclosure(selected).evaluators[0][0]


def test_demo_open_call_panel_is_scoring():
    from projects.models import Panel, Review

    run_seed()
    opened = next(call for call in Call.objects.all() if call.is_open())
    panel = Panel.objects.get(call=opened)
    assert panel.is_open and panel.members.count() == 2
    assert Review.objects.filter(proposal__call=opened, submitted_at__isnull=True).exists()
