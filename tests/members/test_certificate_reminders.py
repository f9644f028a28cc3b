"""Certificate reminders: 60, 30 and 7 days before a certificate's last valid day and on the day it lapses,
each once per certificate, to the owners and managers of approved members; by the daily job and by
`manage.py send_reminders`."""

import datetime
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs import periodic
from jobs.models import OutgoingMail
from members import reminders, tasks
from members.models import CertificateReminder, Membership, Organization
from portal.links import absolute_reverse
from tests import personas
from tests.background import run_tasks

pytestmark = pytest.mark.django_db

Stage = CertificateReminder.Stage
SEOUL = datetime.timezone(datetime.timedelta(hours=9))
LAST_VALID_DAY = datetime.date(2027, 3, 31)  # as a 중소기업확인서 issued on 1 April 2026 says


def on(day, hour=9):
    """Travel to `hour` o'clock in Seoul on `day` (a date, or days relative to LAST_VALID_DAY)."""
    if isinstance(day, int):
        day = LAST_VALID_DAY + datetime.timedelta(days=day)
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SEOUL), tick=False)


@pytest.fixture
def hangyeol(db):
    """(주)한결정밀, an approved SME whose certificate's last valid day is LAST_VALID_DAY, with an owner, a
    manager and a plain member."""
    org = personas.organization("(주)한결정밀", certificate_expires_on=LAST_VALID_DAY)
    for role in Membership.Role:
        personas.member(org, role, f"{role}@hangyeol.example")
    return org


def sent(org=None):
    rows = CertificateReminder.objects.order_by("pk")
    if org is not None:
        rows = rows.filter(organization=org)
    return [(row.expires_on, row.stage) for row in rows]


def run_twice(day):
    with on(day):
        first = reminders.certificate_reminders_send()
        second = reminders.certificate_reminders_send()
    assert second == 0, "a rerun on the same day sends nothing"
    return first


# --- which stage a certificate is in -----------------------------------------------------------------------


@pytest.mark.parametrize("days_left, stage", [
    (400, None), (61, None), (60, Stage.DAYS_60), (31, Stage.DAYS_60), (30, Stage.DAYS_30), (8, Stage.DAYS_30),
    (7, Stage.DAYS_7), (1, Stage.DAYS_7), (0, Stage.DAYS_7), (-1, Stage.LAPSED), (-400, Stage.LAPSED),
])
def test_the_stage_of_a_certificate_by_days_to_its_last_valid_day(days_left, stage):
    today = LAST_VALID_DAY - datetime.timedelta(days=days_left)
    assert CertificateReminder.stage_on(LAST_VALID_DAY, today) == stage
    # The database's reading (used to choose the due certificates) is the same rule.
    personas.organization(certificate_expires_on=LAST_VALID_DAY)
    annotated = Organization.objects.annotate(s=CertificateReminder.stage_expression(today)).get()
    assert annotated.s == stage


def test_a_certificate_lapses_the_day_after_its_last_valid_day():
    assert Organization.certificate_lapses_on(LAST_VALID_DAY) == datetime.date(2027, 4, 1)
    org = personas.organization(certificate_expires_on=LAST_VALID_DAY)
    assert not org.tier_proof_lapsed(LAST_VALID_DAY)
    assert org.tier_proof_lapsed(datetime.date(2027, 4, 1))
    lapsed = Organization.objects.tier_proof_lapsed
    assert not lapsed(today=LAST_VALID_DAY).exists() and lapsed(today=datetime.date(2027, 4, 1)).exists()


def test_only_certificates_that_prove_a_tier_lapse():
    large = personas.organization(tier=Organization.Tier.LARGE, certificate=True,
                                  certificate_expires_on=LAST_VALID_DAY)
    later = datetime.date(2027, 6, 1)
    assert large.certificate_state(later) == "expired" and not large.tier_proof_lapsed(later)
    assert not Organization.objects.tier_proof_lapsed(today=later).exists()


# --- once per stage, across reruns and time jumps ------------------------------------------------------------


def test_each_threshold_is_reminded_exactly_once_day_by_day(hangyeol):
    """The job runs every day (twice on each, as cron and the periodic job may): four reminders in all."""
    queued_on = {}
    for day in range(-70, 10):
        queued = run_twice(day)
        if queued:
            queued_on[day] = queued
    assert queued_on == {-60: 1, -30: 1, -7: 1, 1: 1}
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_60), (LAST_VALID_DAY, Stage.DAYS_30),
                              (LAST_VALID_DAY, Stage.DAYS_7), (LAST_VALID_DAY, Stage.LAPSED)]
    assert OutgoingMail.objects.count() == 4


def test_a_time_jump_sends_the_stage_the_certificate_is_in_not_the_ones_it_skipped(hangyeol):
    assert run_twice(-100) == 0
    assert run_twice(-5) == 1  # first seen five days before the end: the 7-day reminder only
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_7)]
    assert run_twice(-1) == 0
    assert run_twice(40) == 1  # a month late: the lapse reminder, once
    assert run_twice(41) == 0
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_7), (LAST_VALID_DAY, Stage.LAPSED)]


def test_a_missed_day_sends_the_reminder_a_day_late(hangyeol):
    assert run_twice(-61) == 0
    assert run_twice(-59) == 1  # no run on day -60
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_60)]


def test_the_day_is_korea_s(hangyeol):
    """At 15:30 UTC on 29 January it is already 30 January in Seoul: sixty days before the end."""
    with time_machine.travel(datetime.datetime(2027, 1, 29, 15, 30, tzinfo=datetime.UTC), tick=False):
        assert timezone.localdate() == LAST_VALID_DAY - datetime.timedelta(days=60)
        assert reminders.certificate_reminders_send() == 1
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_60)]


def test_a_renewed_certificate_gets_reminders_of_its_own(hangyeol):
    assert run_twice(-7) == 1
    assert run_twice(1) == 1
    renewed = datetime.date(2028, 3, 31)
    Organization.objects.filter(pk=hangyeol.pk).update(certificate_expires_on=renewed)
    assert run_twice(2) == 0  # a year ahead: nothing due
    assert run_twice(renewed - datetime.timedelta(days=60)) == 1
    assert sent(hangyeol)[-1] == (renewed, Stage.DAYS_60)
    assert len(sent(hangyeol)) == 3


# --- who is reminded --------------------------------------------------------------------------------------


def test_owners_and_managers_are_mailed_not_plain_members_nor_inactive_people(hangyeol):
    inactive = personas.member(hangyeol, Membership.Role.MANAGER, "gone@hangyeol.example", is_active=False)
    with on(-30):
        reminders.certificate_reminders_send()
    mail = OutgoingMail.objects.get()
    assert sorted(mail.recipients) == ["manager@hangyeol.example", "owner@hangyeol.example"]
    assert inactive.email not in mail.recipients


@pytest.mark.parametrize("status", ["pending", "changes_requested", "rejected", "suspended"])
def test_only_approved_members_are_reminded(status):
    org = personas.organization(status=status, certificate_expires_on=LAST_VALID_DAY)
    personas.member(org, Membership.Role.OWNER)
    assert run_twice(-30) == 0
    assert sent() == []


def test_a_reinstated_member_gets_the_reminder_of_the_stage_it_is_in(hangyeol):
    Organization.objects.filter(pk=hangyeol.pk).update(status=Organization.Status.SUSPENDED)
    assert run_twice(-30) == 0
    Organization.objects.filter(pk=hangyeol.pk).update(status=Organization.Status.APPROVED)
    assert run_twice(-20) == 1
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_30)]


def test_no_reminders_for_companies_whose_tier_needs_no_certificate():
    large = personas.organization(tier=Organization.Tier.LARGE, certificate=True,
                                  certificate_expires_on=LAST_VALID_DAY)
    personas.member(large, Membership.Role.OWNER)
    assert run_twice(-30) == 0


def test_an_organisation_with_no_one_to_mail_is_reminded_once_someone_can_read_it():
    org = personas.organization(certificate_expires_on=LAST_VALID_DAY)
    personas.member(org, Membership.Role.MEMBER)
    assert run_twice(-30) == 0
    assert sent() == []
    personas.member(org, Membership.Role.OWNER)
    assert run_twice(-29) == 1


# --- the mail --------------------------------------------------------------------------------------------


def test_the_mails_render_with_the_organisation_the_date_and_the_link(hangyeol, mailoutbox):
    with on(-30):
        reminders.certificate_reminders_send()
        assert run_tasks() == 1
    with on(1):
        reminders.certificate_reminders_send()
        assert run_tasks() == 1
    before, lapsed = mailoutbox
    for message in (before, lapsed):
        assert sorted(message.to) == ["manager@hangyeol.example", "owner@hangyeol.example"]
        assert "(주)한결정밀" in message.subject and "2027년 3월 31일" in message.subject  # Korean by default
        assert "(주)한결정밀" in message.body and "2027년 3월 31일" in message.body
        assert absolute_reverse("my:dashboard") in message.body
        assert "중소기업확인서" in message.body
    assert "D-30" in before.subject
    assert "2027년 4월 1일" in before.body  # the day it lapses
    assert "D-" not in lapsed.subject


def test_the_link_in_the_mail_is_the_site_s_absolute_address_of_my_page(hangyeol, settings, mailoutbox):
    settings.PORTAL_SITE_URL = "https://alliance.example"
    with on(-7):
        reminders.certificate_reminders_send()
        run_tasks()
    assert "https://alliance.example/my/" in mailoutbox[0].body


# --- how it runs ------------------------------------------------------------------------------------------


def test_the_daily_job_is_registered():
    job = {job.name: job for job in periodic.registered()}["certificate-reminders"]
    assert job.task == tasks.send_certificate_reminders
    assert job.every == datetime.timedelta(hours=24)


def test_the_periodic_job_runs_through_enqueue_due_and_the_worker(hangyeol, mailoutbox):
    with on(-7):
        call_command("enqueue_due")
        run_tasks()  # the jobs, among them the reminders, which queue the mail
        run_tasks()  # the mail's delivery
    assert sent(hangyeol) == [(LAST_VALID_DAY, Stage.DAYS_7)]
    assert [m.subject for m in mailoutbox if "(주)한결정밀" in m.subject]


def test_manage_py_send_reminders_prints_how_many_were_queued(hangyeol, capsys):
    with on(-60):
        call_command("send_reminders")
        assert "1 reminder(s) queued." in capsys.readouterr().out
        call_command("send_reminders")
        assert "0 reminder(s) queued." in capsys.readouterr().out


def test_choosing_and_recording_the_reminders_takes_the_same_queries_for_one_or_many(monkeypatch):
    mailed = []
    monkeypatch.setattr(reminders, "queue_mail", lambda **mail: mailed.append(mail))

    def certificates(n):
        for _ in range(n):
            personas.member(personas.organization(certificate_expires_on=LAST_VALID_DAY), Membership.Role.OWNER)

    def queries():
        with on(-30), CaptureQueriesContext(connection) as captured:
            reminders.certificate_reminders_send()
        CertificateReminder.objects.all().delete()
        return len(captured)

    certificates(1)
    one = queries()
    certificates(5)
    assert queries() == one
    assert len(mailed) == 1 + 6


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="two runs at once need two connections; SQLite's test database refuses a second writer")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_record_and_queue_each_reminder_once():
    orgs = [personas.organization(certificate_expires_on=LAST_VALID_DAY) for _ in range(5)]
    for org in orgs:
        personas.member(org, Membership.Role.OWNER)
    barrier = threading.Barrier(2)
    errors, counts = [], []

    def machine():
        try:
            barrier.wait()
            counts.append(reminders.certificate_reminders_send(today=LAST_VALID_DAY - datetime.timedelta(days=7)))
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=machine) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(counts) == 5
    assert CertificateReminder.objects.count() == OutgoingMail.objects.count() == 5
