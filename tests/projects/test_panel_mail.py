"""Review panels' mails, all through the task queue: the appointment, one reminder before the deadline to members
who still owe reviews, and the chair's notice once every score is in."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jobs import periodic
from jobs.models import OutgoingMail
from projects import services
from projects.models import PanelMember, Proposal
from tests import personas
from tests.background import run_tasks

S = Proposal.Status


def mails_to(address):
    return [m for m in OutgoingMail.objects.order_by("pk") if address in m.recipients]


@pytest.fixture
def submitted(proposal, owner):
    services.proposal_submit(proposal=proposal, by=owner)
    return proposal


def scores(proposal, value=4):
    return {c.pk: value for c in proposal.call.criteria.all()}


def test_a_new_member_is_told_through_the_queue(submitted, reviewer, decider):
    panel = personas.panel(submitted.call, proposals=[submitted])
    run_tasks()  # the lead's mail about the submission
    mail.outbox.clear()
    services.panel_seat_save(member=PanelMember(panel=panel, user=reviewer, is_chair=True), by=decider)
    assert mail.outbox == []  # queued, not sent in the request
    run_tasks()
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "as its chair" in mail.outbox[0].body and "/admin/projects/proposal/" in mail.outbox[0].body


def test_deciders_seat_members_in_the_admin_and_they_are_told(client, submitted, reviewer, decider):
    panel = personas.panel(submitted.call)
    client.force_login(decider)
    url = reverse("admin:projects_panel_change", args=[panel.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "call": panel.call_id, "round_name": "1차 서면평가",
        "starts_at_0": timezone.localtime(panel.starts_at).strftime("%Y-%m-%d"),
        "starts_at_1": timezone.localtime(panel.starts_at).strftime("%H:%M:%S"),
        "deadline_0": timezone.localtime(panel.deadline).strftime("%Y-%m-%d"),
        "deadline_1": timezone.localtime(panel.deadline).strftime("%H:%M:%S"),
        "members-TOTAL_FORMS": 1, "members-INITIAL_FORMS": 0, "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
        "members-0-user": reviewer.pk, "members-0-is_chair": "on",
        "assignments-TOTAL_FORMS": 1, "assignments-INITIAL_FORMS": 0, "assignments-MIN_NUM_FORMS": 0,
        "assignments-MAX_NUM_FORMS": 1000, "assignments-0-proposal": submitted.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    panel.refresh_from_db()
    assert panel.round_name == "1차 서면평가" and panel.members.get().is_chair
    assert panel.assignments.get().proposal == submitted
    assert len(mails_to(reviewer.email)) == 1


def test_reminders_go_once_to_members_who_still_owe_reviews(submitted, reviewer):
    done = personas.evaluator()
    panel = personas.panel(submitted.call, members=[reviewer, done], proposals=[submitted], deadline=1)
    personas.declare(done, submitted)
    services.review_save(proposal=submitted, reviewer=done, scores=scores(submitted), submit=True)
    before = OutgoingMail.objects.count()
    assert services.review_reminders_send() == 1
    assert services.review_reminders_send() == 0  # once each
    reminders = list(OutgoingMail.objects.order_by("pk")[before:])
    assert [m.recipients for m in reminders] == [[reviewer.email]]
    assert panel.members.get(user=reviewer).reminded_at is not None


def test_no_reminder_long_before_the_deadline_or_once_it_passed(submitted, reviewer):
    personas.panel(submitted.call, members=[reviewer], proposals=[submitted], deadline=10)
    assert services.review_reminders_send() == 0
    later = timezone.now() + datetime.timedelta(days=11)
    assert services.review_reminders_send(now=later) == 0


def test_the_reminders_run_as_a_periodic_job():
    job = next(j for j in periodic.registered() if j.name == "review-reminders")
    assert job.every == datetime.timedelta(hours=1)


def test_the_chair_is_told_once_when_all_scores_are_in(submitted, reviewer):
    chair = personas.evaluator(name="위원장")
    excluded = personas.evaluator()
    panel = personas.panel(submitted.call, members=[reviewer, excluded], chair=chair, proposals=[submitted])
    personas.declare(excluded, submitted, "competing", "경쟁 과제 참여")  # excluded members owe nothing
    for person in (chair, reviewer):
        personas.declare(person, submitted)
    services.review_save(proposal=submitted, reviewer=chair, scores=scores(submitted), submit=True)
    assert not mails_to(chair.email)  # one review is still missing
    services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted), submit=True)
    notices = [m for m in mails_to(chair.email) if "all scores are in" in m.subject]
    assert len(notices) == 1
    panel.refresh_from_db()
    assert panel.chair_notified_at is not None
    # A review reopened and submitted again does not tell the chair twice.
    review = submitted.reviews.get(reviewer=reviewer)
    services.review_reopen(review=review, by=chair, reason="확인")
    services.review_save(proposal=submitted, reviewer=reviewer, scores=scores(submitted, 5), submit=True)
    assert len([m for m in mails_to(chair.email) if "all scores are in" in m.subject]) == 1
