"""Every mail is queued with the change that causes it and delivered by the worker, through a real SMTP server.

The `smtp` fixture points the portal at an SMTP server on loopback that refuses (nothing listens) until the
test starts it. Each mailing action answers normally while SMTP refuses, with its change and its mail
committed; the worker's retry delivers the mail exactly once when SMTP answers again.
"""

import datetime
import socket
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from jobs import services, tasks
from jobs.models import OutgoingMail
from members import services as member_services
from members.models import Organization
from projects.models import Proposal
from tests import personas
from tests.background import run_tasks

Mail = OutgoingMail.Status
RETRY = datetime.timedelta(minutes=tasks.RETRY_DELAYS[0])


def signed_in(person, **headers):
    client = Client(**headers)
    client.force_login(person)
    return client


def to(address):
    """The mails to `address` (in Python: SQLite has no JSON containment lookup)."""
    return OutgoingMail.objects.filter(pk__in=[m.pk for m in OutgoingMail.objects.all() if address in m.recipients])


def queued_to(address):
    return to(address).filter(status=Mail.QUEUED)


def delivered_once_after_the_outage(smtp, address):
    """The worker's first attempt meets the refusing server; its retry, once SMTP answers, delivers; no more follow."""
    assert queued_to(address).count() == 1
    run_tasks()
    mail = to(address).get()
    assert (mail.status, mail.attempts) == (Mail.QUEUED, 1) and "Connection refused" in mail.last_error
    smtp.start()
    run_tasks(later=RETRY)
    run_tasks(later=datetime.timedelta(days=1))  # nothing is left to send
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (Mail.SENT, 2)
    received = smtp.received_by(address)
    assert len(received) == 1
    return received[0]


# --- each mailing action, with SMTP refusing ------------------------------------------------------------


@pytest.mark.django_db
def test_a_membership_decision_in_the_admin(smtp):
    owner = personas.user("owner@hanbit.example")
    org = personas.organization("한빛정밀", owner=owner, status=Organization.Status.PENDING)
    reviewer = personas.staff("reviewer@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)
    response = signed_in(reviewer).post(reverse("admin:members_organization_changelist"), {
        "action": "approve", "_selected_action": [org.pk], "post": "yes", "note": "환영합니다",
    })
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == Organization.Status.APPROVED
    assert "환영합니다" in delivered_once_after_the_outage(smtp, owner.email)


@pytest.mark.django_db
def test_an_invitation(smtp):
    owner = personas.user("owner@hanbit.example")
    org = personas.organization("한빛정밀", owner=owner)
    client = signed_in(owner)
    response = client.post(reverse("my:invite"), {
        "email": "erin@hanbit.example", "role": "member", **personas.form_once(client, "my:invite"),
    })
    assert response.status_code == 302
    assert org.invitations.filter(email="erin@hanbit.example").exists()
    assert "/invitations/" in delivered_once_after_the_outage(smtp, "erin@hanbit.example")


@pytest.mark.django_db
def test_a_proposal_submission_notifies_the_lead(smtp):
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE)
    owner = personas.member(lead, "owner", "owner@lead.example")
    proposal = personas.ready_proposal(lead=lead)
    response = signed_in(owner).post(reverse("my-proposals:submit", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert "Subject:" in delivered_once_after_the_outage(smtp, owner.email)


@pytest.mark.django_db
def test_a_proposal_decision_in_the_admin(smtp):
    lead = personas.organization("대형제조", tier=Organization.Tier.LARGE)
    owner = personas.member(lead, "owner", "owner@lead.example")
    proposal = personas.ready_proposal(lead=lead, status=Proposal.Status.SUBMITTED)
    decider = personas.staff("decider@ministry.example", group=personas.PROJECT_DECIDERS)
    response = signed_in(decider).post(reverse("admin:projects_proposal_changelist"), {
        "action": "start_review", "_selected_action": [proposal.pk], "post": "yes",
    })
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.UNDER_REVIEW
    delivered_once_after_the_outage(smtp, owner.email)


@pytest.mark.django_db
def test_a_sign_up(smtp, client):
    response = client.post(reverse("account_signup"), {
        "email": "new@example.com", "password1": "long-pass-phrase-42", "password2": "long-pass-phrase-42",
        "consent_terms": "on", "consent_collection": "on",
    })
    assert response["Location"] == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email="new@example.com").exists()
    assert "/accounts/confirm-email/" in delivered_once_after_the_outage(smtp, "new@example.com")


@pytest.mark.django_db
def test_a_password_reset(smtp, client):
    personas.user("forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in delivered_once_after_the_outage(smtp, "forgetful@example.com")


@pytest.mark.django_db
def test_an_admin_action_on_several_rows_decides_and_mails_every_row(smtp):
    owners = [personas.user(f"owner{n}@example.com") for n in range(3)]
    orgs = [personas.organization(owner=o, status=Organization.Status.PENDING) for o in owners]
    reviewer = personas.staff("reviewer@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)
    signed_in(reviewer).post(reverse("admin:members_organization_changelist"), {
        "action": "approve", "_selected_action": [o.pk for o in orgs], "post": "yes",
    })
    assert set(Organization.objects.filter(pk__in=[o.pk for o in orgs]).values_list("status", flat=True)) == {
        Organization.Status.APPROVED}
    assert all(queued_to(o.email).count() == 1 for o in owners)
    smtp.start()
    run_tasks()
    assert all(len(smtp.received_by(o.email)) == 1 for o in owners)


# --- the transaction: the change and its mail together or not at all --------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_decision_leaves_no_mail_and_no_task():
    owner = personas.user("owner@hanbit.example")
    org = personas.organization("한빛정밀", owner=owner, status=Organization.Status.PENDING)
    reviewer = personas.staff("reviewer@ministry.example", group=personas.MEMBERSHIP_REVIEWERS)
    with pytest.raises(RuntimeError), transaction.atomic():
        member_services.organization_approve(organization=org, by=reviewer)
        assert OutgoingMail.objects.count() == 1 and DBTaskResult.objects.count() == 1
        raise RuntimeError("the caller's transaction fails after the decision")
    org.refresh_from_db()
    assert org.status == Organization.Status.PENDING
    assert not OutgoingMail.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_nothing_is_queued_for_no_one():
    assert services.queue_mail(to=[], subject="s", body="b") is None
    assert not DBTaskResult.objects.exists()


# --- retries, failure, resend --------------------------------------------------------------------------


@pytest.mark.django_db
def test_retries_back_off_then_the_mail_fails_and_staff_resend_it(smtp):
    mail = services.queue_mail(to="someone@example.com", subject="안녕하세요", body="본문")
    started = time.monotonic()
    waits = []
    for delay in (0, *tasks.RETRY_DELAYS):
        assert run_tasks(later=datetime.timedelta(minutes=delay)) == 1
        retry = DBTaskResult.objects.filter(status="READY").first()
        if retry is not None:
            waits.append(round((retry.run_after - retry.enqueued_at).total_seconds() / 60))
    assert waits == list(tasks.RETRY_DELAYS)  # the last failure schedules nothing
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (Mail.FAILED, 1 + len(tasks.RETRY_DELAYS))
    assert "Connection refused" in mail.last_error
    assert time.monotonic() - started < 10

    operator = personas.staff("ops@ministry.example", permissions=[("jobs", "view_outgoingmail"),
                                                                    ("jobs", "resend_outgoingmail")])
    smtp.start()
    signed_in(operator).post(reverse("admin:jobs_outgoingmail_changelist"), {
        "action": "resend", "_selected_action": [mail.pk], "post": "yes",
    })
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (Mail.QUEUED, 0)
    run_tasks()
    assert len(smtp.received_by("someone@example.com")) == 1


@pytest.mark.django_db
def test_a_server_answering_4xx_is_retried(smtp):
    smtp.answer = "451 4.3.0 Try again later"
    smtp.start()
    mail = services.queue_mail(to="someone@example.com", subject="s", body="b")
    run_tasks()
    mail.refresh_from_db()
    assert mail.status == Mail.QUEUED and "451" in mail.last_error
    smtp.answer = None
    run_tasks(later=RETRY)
    assert len(smtp.received_by("someone@example.com")) == 1


@pytest.mark.django_db
def test_a_hanging_server_holds_the_worker_only_for_the_timeout(smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    with socket.socket() as silent:  # accepts connections (the backlog) and never says a word
        silent.bind(("127.0.0.1", smtp.port))
        silent.listen()
        mail = services.queue_mail(to="someone@example.com", subject="s", body="b")
        started = time.monotonic()
        run_tasks()
        assert time.monotonic() - started < 5
    mail.refresh_from_db()
    assert mail.status == Mail.QUEUED and mail.attempts == 1 and "timed out" in mail.last_error


@pytest.mark.django_db
def test_resending_several_failed_mails_requeues_every_one_and_refuses_the_sent(smtp):
    failed = [services.queue_mail(to=f"p{n}@example.com", subject="s", body="b") for n in range(3)]
    OutgoingMail.objects.filter(pk__in=[m.pk for m in failed]).update(status=Mail.FAILED)
    sent = services.queue_mail(to="done@example.com", subject="s", body="b")
    OutgoingMail.objects.filter(pk=sent.pk).update(status=Mail.SENT)
    DBTaskResult.objects.all().delete()
    operator = personas.staff("ops@ministry.example", permissions=[("jobs", "view_outgoingmail"),
                                                                    ("jobs", "resend_outgoingmail")])
    signed_in(operator).post(reverse("admin:jobs_outgoingmail_changelist"), {
        "action": "resend", "_selected_action": [m.pk for m in [*failed, sent]], "post": "yes",
    })
    assert set(OutgoingMail.objects.filter(pk__in=[m.pk for m in failed]).values_list("status", flat=True)) == {
        Mail.QUEUED}
    assert OutgoingMail.objects.get(pk=sent.pk).status == Mail.SENT
    assert DBTaskResult.objects.count() == 3


@pytest.mark.django_db
def test_a_sent_mail_forgets_its_text_which_may_hold_a_link(mailoutbox):
    mail = services.queue_mail(to="someone@example.com", subject="s", body="https://portal/reset/key", html="<p>x</p>")
    run_tasks()
    mail.refresh_from_db()
    assert mail.status == Mail.SENT and mail.body == "" and mail.html == ""
    assert mailoutbox[0].body == "https://portal/reset/key"
    assert mailoutbox[0].alternatives[0][0] == "<p>x</p>"


@pytest.mark.django_db
def test_two_deliveries_of_one_mail_send_it_once(mailoutbox):
    mail = services.queue_mail(to="someone@example.com", subject="s", body="b")
    tasks.deliver_mail.enqueue(mail.pk)  # a second task for the same mail (say, a resend racing a retry)
    assert run_tasks() == 2
    assert len(mailoutbox) == 1


# --- the admin ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_mail_list_filters_by_status_and_needs_the_view_permission():
    services.queue_mail(to="a@example.com", subject="대기 중인 메일", body="b")
    failed = services.queue_mail(to="b@example.com", subject="실패한 메일", body="b")
    OutgoingMail.objects.filter(pk=failed.pk).update(status=Mail.FAILED, last_error="SMTPServerDisconnected")
    url = reverse("admin:jobs_outgoingmail_changelist")
    assert signed_in(personas.staff("plain@ministry.example")).get(url).status_code == 403
    reader = signed_in(personas.staff("reader@ministry.example", permissions=[("jobs", "view_outgoingmail")]))
    page = reader.get(url, {"status__exact": "failed"}).content.decode()
    assert "실패한 메일" in page and "대기 중인 메일" not in page and "SMTPServerDisconnected" in page
    assert 'value="resend"' not in page  # reading is not resending


@pytest.mark.django_db
def test_staff_reading_a_failed_mail_do_not_see_its_link():
    link = "https://portal.example.kr/accounts/password/reset/key/abc-set-password/"
    failed = services.queue_mail(to="b@example.com", subject="비밀번호 재설정", body=f"다음 주소로: {link}")
    OutgoingMail.objects.filter(pk=failed.pk).update(status=Mail.FAILED, last_error="SMTPServerDisconnected")
    reader = signed_in(personas.staff("reader@ministry.example", permissions=[("jobs", "view_outgoingmail")]))
    page = reader.get(reverse("admin:jobs_outgoingmail_change", args=[failed.pk]))
    assert page.status_code == 200 and "비밀번호 재설정" in page.text and "SMTPServerDisconnected" in page.text
    assert link not in page.text


def _list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:jobs_outgoingmail_changelist")).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_mail_list_runs_the_same_queries_however_many_mails():
    client = signed_in(personas.staff("ops@ministry.example", permissions=[("jobs", "view_outgoingmail"),
                                                                            ("jobs", "resend_outgoingmail")]))
    services.queue_mail(to="a@example.com", subject="s", body="b")
    few = _list_queries(client)
    for n in range(30):
        services.queue_mail(to=[f"p{n}@example.com", "cc@example.com"], subject=f"s{n}", body="b")
    assert _list_queries(client) == few
