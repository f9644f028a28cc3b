"""The applicant's side of review by panels: asking to exclude an evaluator (기피) before the evaluation, the
disclosed result after the decision, and the objection (이의신청) within the call's period; staff decisions on both
through the workflow, two at once included."""

import datetime
import os
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from jobs.models import OutgoingMail
from portal.workflow import WorkflowError
from projects import services
from projects.models import ChallengeRequest, Objection, Proposal
from tests import personas

S = Proposal.Status
D = ChallengeRequest.Status

on_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Row locks need PostgreSQL: SQLite locks the whole database, so two connections cannot race.",
)


@pytest.fixture
def submitted(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    return proposal


def mails_to(address):
    """The mails queued to `address`, oldest first."""
    return [m for m in OutgoingMail.objects.order_by("pk") if address in m.recipients]


# --- 기피 --------------------------------------------------------------------------------------------------------


def test_the_lead_asks_to_exclude_an_evaluator_before_the_evaluation_starts(client, submitted, owner):
    personas.panel(submitted.call, members=[personas.evaluator()], proposals=[submitted], starts=2)
    client.force_login(owner)
    url = reverse("my-proposals:challenge", args=[submitted.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"person_name": "박평가", "person_affiliation": "한국대학교",
                                 "reason": "경쟁 과제의 책임자입니다."})
    assert response.status_code == 302
    challenge = ChallengeRequest.objects.get()
    assert (challenge.person_name, challenge.filed_by, challenge.status) == ("박평가", owner, D.PENDING)
    page = client.get(reverse("my-proposals:detail", args=[submitted.pk])).text
    assert "박평가" in page  # in the timeline


def test_no_request_once_the_evaluation_has_started_or_before_submission(client, proposal, owner):
    client.force_login(owner)
    url = reverse("my-proposals:challenge", args=[proposal.pk])
    data = {"person_name": "박평가", "reason": "사유"}
    client.post(url, data)  # a draft
    services.proposal_submit(proposal=proposal, by=owner)
    personas.panel(proposal.call, members=[personas.evaluator()], proposals=[proposal], starts=-1)
    client.post(url, data)  # started yesterday
    assert not ChallengeRequest.objects.exists()
    with pytest.raises(WorkflowError, match="started"):
        services.challenge_file(proposal=proposal, by=owner, person_name="박평가", reason="사유")


def test_only_the_leads_managers_ask(submitted, lead_member, partner_person):
    for person in (lead_member, partner_person):
        with pytest.raises(PermissionDenied):
            services.challenge_file(proposal=submitted, by=person, person_name="박평가", reason="사유")


def test_an_upheld_request_excludes_the_matched_member(client, submitted, owner, decider):
    evaluator = personas.evaluator(name="박평가")
    panel = personas.panel(submitted.call, members=[evaluator], proposals=[submitted], starts=2)
    challenge = services.challenge_file(proposal=submitted, by=owner, person_name="박평가", reason="경쟁 과제 책임자")
    services.challenge_match(challenge=challenge, evaluator=evaluator, by=decider)
    services.challenge_transition(challenge=challenge, action="uphold", by=decider, note="기피를 받아들입니다.")
    challenge.refresh_from_db()
    assert (challenge.status, challenge.decided_by) == (D.UPHELD, decider)
    client.force_login(evaluator)
    assert client.get(reverse("admin:projects_proposal_declare", args=[submitted.pk])).status_code == 404
    assert "기피를 받아들입니다." in mails_to(owner.email)[-1].body
    client.force_login(decider)
    page = client.get(reverse("admin:projects_panel_summary", args=[panel.pk]), headers={"accept-language": "en"})
    assert "Excluded on the applicant&#x27;s request (기피)" in page.text


def test_a_dismissal_needs_a_note_and_a_member_must_sit_on_the_panel(submitted, owner, decider):
    outsider = personas.evaluator()
    personas.panel(submitted.call, members=[personas.evaluator()], proposals=[submitted], starts=2)
    challenge = services.challenge_file(proposal=submitted, by=owner, person_name="홍길동", reason="사유")
    with pytest.raises(WorkflowError, match="note"):
        services.challenge_transition(challenge=challenge, action="dismiss", by=decider)
    with pytest.raises(Exception, match="does not sit"):
        services.challenge_match(challenge=challenge, evaluator=outsider, by=decider)
    services.challenge_transition(challenge=challenge, action="dismiss", by=decider, note="해당 위원이 없습니다.")
    with pytest.raises(WorkflowError, match="cannot be upheld"):
        services.challenge_transition(challenge=challenge, action="uphold", by=decider)


def test_deciders_decide_requests_in_the_admin(client, submitted, owner, decider, reviewer):
    challenge = services.challenge_file(proposal=submitted, by=owner, person_name="홍길동", reason="사유")
    changelist = reverse("admin:projects_challengerequest_changelist")
    client.force_login(decider)
    assert client.get(reverse("admin:projects_challengerequest_change", args=[challenge.pk])).status_code == 200
    client.post(changelist, {"action": "dismiss", "_selected_action": [challenge.pk], "post": "yes",
                             "note": "해당 위원 없음"})
    challenge.refresh_from_db()
    assert challenge.status == D.DISMISSED and challenge.note == "해당 위원 없음"
    client.force_login(reviewer)
    assert client.get(changelist).status_code == 403


# --- disclosure after the decision ------------------------------------------------------------------------------


@pytest.fixture
def scored(submitted, decider):
    """The proposal on a panel of five: four score 4 on everything (80), one 2 (40); 5 reviews, so the extremes go."""
    members = [personas.evaluator(name=f"평가위원{i}", affiliation=f"소속{i}") for i in range(5)]
    panel = personas.panel(submitted.call, members=members, chair=members[0], proposals=[submitted])
    services.proposal_start_review(proposal=submitted, by=decider)
    for i, member in enumerate(members):
        personas.declare(member, submitted)
        services.review_save(proposal=submitted, reviewer=member, submit=True, comment=f"의견 {i}",
                             scores={c.pk: 2 if i == 4 else 4 for c in submitted.call.criteria.all()})
    services.panel_close_scoring(panel=panel, by=decider)
    return submitted


def test_the_result_is_disclosed_only_after_the_decision(client, scored, owner, decider):
    client.force_login(owner)
    detail = reverse("my-proposals:detail", args=[scored.pk])
    assert "의견 0" not in client.get(detail).text
    services.proposal_decide(proposal=scored, by=decider, selected=False, note="아쉽습니다.")
    page = client.get(detail, headers={"accept-language": "en"}).text
    # Dropped: one 80 (the highest, ties broken by id) and the 40; the three others 80: 80.00.
    assert "80.00" in page and "4.00 / 5" in page
    assert all(f"의견 {i}" in page for i in range(5))
    assert "평가위원0" in page and "소속3" in page  # the evaluators, by default (the 2024 rule)
    assert "evaluator0@" not in page and "top 10%" not in page  # no addresses; no band unless the call says


def test_the_call_decides_what_the_applicant_sees(client, scored, owner, decider):
    call = scored.call
    call.disclose_evaluators, call.disclose_rank_band = False, True
    call.save()
    services.proposal_decide(proposal=scored, by=decider, selected=True)
    client.force_login(owner)
    page = client.get(reverse("my-proposals:detail", args=[scored.pk]), headers={"accept-language": "en"}).text
    assert "평가위원0" not in page and "The review panel" not in page
    assert "top 10%" in page  # the only scored proposal of the call


def test_partners_do_not_see_the_result(client, scored, partner_person, decider):
    services.proposal_decide(proposal=scored, by=decider, selected=True)
    client.force_login(partner_person)
    assert "의견 0" not in client.get(reverse("my-proposals:detail", args=[scored.pk])).text


# --- 이의신청 ----------------------------------------------------------------------------------------------------


@pytest.fixture
def decided(scored, decider):
    services.proposal_decide(proposal=scored, by=decider, selected=False)
    scored.refresh_from_db()
    return scored


def test_the_lead_objects_within_the_period_with_a_reason_and_a_document(client, decided, owner, decider):
    client.force_login(owner)
    url = reverse("my-proposals:objection", args=[decided.pk])
    assert client.post(url, {"reason": "사유"}).status_code == 200  # a document is required
    response = client.post(url, {"reason": "평가 근거 확인을 요청합니다.", "document": personas.pdf("이의신청서.pdf")})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.document_name == "이의신청서.pdf" and objection.filed_by == owner
    assert client.get(reverse("my-proposals:objection-document", args=[decided.pk])).content.startswith(b"%PDF")
    assert client.post(url, {"reason": "다시", "document": personas.pdf()}).status_code == 200  # once only
    assert Objection.objects.count() == 1

    services.objection_transition(objection=objection, action="dismiss", by=decider, note="평가는 적정했습니다.")
    page = client.get(reverse("my-proposals:detail", args=[decided.pk])).text
    assert "평가는 적정했습니다." in page  # in the timeline
    assert "평가는 적정했습니다." in mails_to(owner.email)[-1].body


def test_no_objection_after_the_period_or_before_the_decision(scored, owner, decider):
    with pytest.raises(WorkflowError, match="decided"):
        services.objection_file(proposal=scored, by=owner, reason="사유", document=personas.pdf())
    services.proposal_decide(proposal=scored, by=decider, selected=False)
    scored.refresh_from_db()
    later = scored.decided_at + datetime.timedelta(days=scored.call.objection_days, seconds=1)
    with pytest.raises(WorkflowError, match="ended"):
        services.objection_file(proposal=scored, by=owner, reason="사유", document=personas.pdf(), now=later)
    services.objection_file(proposal=scored, by=owner, reason="사유", document=personas.pdf(),
                            now=later - datetime.timedelta(seconds=2))


def test_staff_answer_objections_with_a_note_both_ways(decided, owner, decider):
    objection = services.objection_file(proposal=decided, by=owner, reason="사유", document=personas.pdf())
    for action in ("uphold", "dismiss"):
        with pytest.raises(WorkflowError, match="note"):
            services.objection_transition(objection=objection, action=action, by=decider)
    services.objection_transition(objection=objection, action="uphold", by=decider, note="재평가하겠습니다.")
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by, objection.note) == (D.UPHELD, decider, "재평가하겠습니다.")


def test_the_objection_document_is_for_the_lead_and_deciders(client, decided, owner, lead_member, partner_person,
                                                             reviewer, decider):
    services.objection_file(proposal=decided, by=owner, reason="사유", document=personas.pdf())
    url = reverse("my-proposals:objection-document", args=[decided.pk])
    expected = {lead_member: 200, partner_person: 404, reviewer: 404, decider: 200}
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person


# --- two staff deciding at once ------------------------------------------------------------------------------


def race(decide):
    """Two deciders act at once, each on the row as read before either acts; returns their outcomes."""
    first = personas.staff("first@ministry.example", group=personas.PROJECT_DECIDERS)
    second = personas.staff("second@ministry.example", group=personas.PROJECT_DECIDERS)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(user, action):
        from django.db import connections

        try:
            seen = decide.read()  # read before the barrier: both act on the same, soon stale, row
            barrier.wait()
            decide.run(seen, action, user)
            outcomes[user.email] = "won"
        except WorkflowError as error:
            outcomes[user.email] = str(error.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(user, action))
               for user, action in ((first, "uphold"), (second, "dismiss"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


class Decide:
    def __init__(self, model, pk, service, key):
        self.model, self.pk, self.service, self.key = model, pk, service, key

    def read(self):
        return self.model.objects.get(pk=self.pk)

    def run(self, seen, action, user):
        self.service(**{self.key: seen}, action=action, by=user, note="결정합니다.")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@on_postgres
def test_two_deciders_on_one_challenge_exactly_one_wins(lead_org, partner_org):
    assert connection.vendor == "postgresql"
    owner = personas.member(lead_org, "owner", "race-owner@lead.example")
    prop = personas.ready_proposal(lead=lead_org, partner=partner_org, status=S.SUBMITTED)
    challenge = services.challenge_file(proposal=prop, by=owner, person_name="박평가", reason="사유")
    outcomes = race(Decide(ChallengeRequest, challenge.pk, services.challenge_transition, "challenge"))
    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    assert "reload" in next(v for v in outcomes.values() if v != "won")
    challenge.refresh_from_db()
    assert challenge.status in (D.UPHELD, D.DISMISSED) and challenge.decided_at is not None
    assert len(mails_to(owner.email)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@on_postgres
def test_two_deciders_on_one_objection_exactly_one_wins(lead_org, partner_org):
    assert connection.vendor == "postgresql"
    owner = personas.member(lead_org, "owner", "race-owner@lead.example")
    prop = personas.ready_proposal(lead=lead_org, partner=partner_org, status=S.REJECTED)
    Proposal.objects.filter(pk=prop.pk).update(decided_at=timezone.now())
    prop.refresh_from_db()
    objection = services.objection_file(proposal=prop, by=owner, reason="사유", document=personas.pdf())
    outcomes = race(Decide(Objection, objection.pk, services.objection_transition, "objection"))
    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    assert "reload" in next(v for v in outcomes.values() if v != "won")
    objection.refresh_from_db()
    assert objection.status in (D.UPHELD, D.DISMISSED)
    assert len(mails_to(owner.email)) == 1
