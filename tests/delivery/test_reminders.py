"""Report reminders: 30 and 7 days before a report is due and once it is overdue, each once per report and due date,
to the lead's owners and managers; across reruns, a jump in time, a moved due date; by the daily job too."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from delivery import reminders, services, tasks
from delivery.models import Report, ReportReminder
from jobs import periodic
from jobs.models import OutgoingMail

SEOUL = datetime.timezone(datetime.timedelta(hours=9))
Stage = ReportReminder.Stage


@pytest.fixture
def report(project):
    return project.reports.order_by("due_on").first()


def on(report, days):
    """Travel to 9 o'clock in Seoul, `days` after the report's due date (negative: before it)."""
    day = report.due_on + datetime.timedelta(days=days)
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=SEOUL), tick=False)


def run_twice(report, days):
    with on(report, days):
        first = reminders.report_reminders_send()
        assert reminders.report_reminders_send() == 0, "a rerun on the same day sends nothing"
    return first


def stages(report):
    return [row.stage for row in ReportReminder.objects.filter(report=report).order_by("pk")]


def test_each_threshold_is_sent_once_across_reruns(report):
    earlier = OutgoingMail.objects.order_by("pk").values_list("pk", flat=True).last() or 0  # the project's start
    assert run_twice(report, -31) == 0
    assert run_twice(report, -30) == 1
    assert run_twice(report, -20) == 0
    assert run_twice(report, -7) == 1
    assert run_twice(report, 0) == 0  # due today: not overdue yet
    assert run_twice(report, 1) == 1
    assert run_twice(report, 10) == 0
    assert stages(report) == [Stage.DAYS_30, Stage.DAYS_7, Stage.OVERDUE]
    mails = OutgoingMail.objects.filter(pk__gt=earlier)
    assert mails.count() == 3 and all(m.recipients == ["owner@lead.example"] for m in mails)


def test_a_jump_in_time_sends_only_the_current_stage(report):
    assert run_twice(report, -40) == 0
    assert run_twice(report, 3) == 1  # the 30- and 7-day stages passed while no run came
    assert stages(report) == [Stage.OVERDUE]
    assert run_twice(report, -5) == 1  # the clock set back: the 7-day stage had not gone out
    assert run_twice(report, 4) == 0


def test_a_submitted_report_is_not_reminded(report, owner):
    kpi = report.project.kpis.get()
    services.report_save(report=report, by=owner, narrative="진행", values={kpi.pk: 101})
    services.report_transition(report=report, action="submit", by=owner)
    assert run_twice(report, 2) == 0


def test_a_moved_due_date_gets_its_own_reminders(report, decider):
    assert run_twice(report, -7) == 1
    services.report_reschedule(report=report, as_of=report.as_of, due_on=report.due_on + datetime.timedelta(days=60),
                               by=decider)
    report.refresh_from_db()
    assert run_twice(report, -30) == 1
    assert ReportReminder.objects.filter(report=report).count() == 2


def test_the_daily_job_and_the_command(report, capsys):
    job = {job.name: job for job in periodic.registered()}["report-reminders"]
    assert job.task == tasks.send_report_reminders and job.every == datetime.timedelta(hours=24)
    with on(report, -7):
        assert tasks.send_report_reminders.call() == 1
        call_command("send_report_reminders")
    assert "0 reminder(s) queued." in capsys.readouterr().out
    assert Report.objects.filter(pk=report.pk, reminders__stage=Stage.DAYS_7).exists()
