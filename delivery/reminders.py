"""Report reminders: the mail the lead's owners and managers get 30 and 7 days before a report is due and the day
after its due date passed (overdue), each once per report and due date (`ReportReminder`, like
members.reminders and `CertificateReminder`).

Run daily by the periodic job `report-reminders` (delivery.tasks) and by `manage.py send_report_reminders`. Each run
sends, for every report not yet submitted of a project in progress, the reminder of the stage it is in today unless
that one went out already: stages a report passed while no run came (a missed day, a clock set forward) are not sent
late, so nobody gets two reminders at once. A report whose due date staff move gets the reminders of its new date.
"""

import datetime
import uuid

from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils import timezone

from delivery import services
from delivery.models import Project, Report, ReportReminder


def stage_expression(today):
    """The stage a report is in on `today`, as a database expression: overdue once the due date passed, else the
    narrowest window (7, then 30 days) holding the due date; None when it is further away."""
    whens = [When(due_on__lt=today, then=Value(ReportReminder.Stage.OVERDUE))]
    for days, stage in reversed(ReportReminder.BEFORE_DUE):
        whens.append(When(due_on__lte=today + datetime.timedelta(days=days), then=Value(stage)))
    return Case(*whens, default=None, output_field=CharField())


def due_reports(today):
    """Reports waiting for the lead whose current stage's reminder has not gone out, with `reminder_stage`."""
    sent = ReportReminder.objects.filter(report=OuterRef("pk"), due_on=OuterRef("due_on"),
                                         stage=OuterRef("reminder_stage"))
    widest = max(days for days, _stage in ReportReminder.BEFORE_DUE)
    return (
        Report.objects.filter(status=Report.Status.DUE, project__status=Project.Status.IN_PROGRESS,
                              due_on__lte=today + datetime.timedelta(days=widest))
        .annotate(reminder_stage=stage_expression(today))
        .exclude(Exists(sent))
        .select_related("project__proposal")
        .order_by("pk")
    )


@transaction.atomic
def report_reminders_send(*, today=None) -> int:
    """Record and queue every reminder due on `today` (Korea's date by default); returns how many were queued.

    Rows are inserted with ON CONFLICT DO NOTHING and a run mails only the rows carrying its own run id, so of two
    runs at once (or a rerun) each reminder is recorded and queued exactly once."""
    today = today or timezone.localdate()
    reports = list(due_reports(today))
    if not reports:
        return 0
    run = uuid.uuid4()
    now = timezone.now()
    ReportReminder.objects.bulk_create(
        [ReportReminder(report_id=r.pk, due_on=r.due_on, stage=r.reminder_stage, run=run, sent_at=now)
         for r in reports],
        ignore_conflicts=True,
    )
    mine = set(ReportReminder.objects.filter(run=run).values_list("report_id", flat=True))
    for report in reports:
        if report.pk in mine:
            services.mail_report_reminder(report, stage=report.reminder_stage, today=today)
    return len(mine)
