"""Certificate reminders: the mail an approved member's owners and managers get as its certificate's last
valid day comes near (60, 30 and 7 days before it) and on the day it lapses (the day after it:
`Organization.certificate_lapses_on`).

Run daily by the periodic job `certificate-reminders` (members.tasks) and by `manage.py send_reminders`
(for cron). Each run sends, for every certificate, the reminder of the stage it is in today unless that one
went out already (`CertificateReminder.stage_on`): stages a certificate passed while no run came (a missed
day, a clock set forward, a certificate first entered five days before its end) are not sent late, so
nobody gets three reminders at once.

Only approved members are reminded (`Organization.MAY_TAKE_PART`): the reminder is about staying able to
take part. A suspended member is not mailed; if it is reinstated, the next run sends the reminder of the
stage its certificate is in then, since nothing was recorded meanwhile.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from jobs.services import queue_mail
from members.models import CertificateReminder, Membership, Organization
from portal.links import absolute_reverse


def due_certificates(today):
    """Approved members whose certificate is in a stage whose reminder has not gone out, with the stage as
    `reminder_stage`, in one query."""
    sent = CertificateReminder.objects.filter(
        organization=OuterRef("pk"), expires_on=OuterRef("certificate_expires_on"), stage=OuterRef("reminder_stage")
    )
    return (
        Organization.objects.approved().needing_tier_proof()
        .filter(certificate_expires_on__lte=Organization.expiry_warning_until(today))
        .annotate(reminder_stage=CertificateReminder.stage_expression(today))
        .exclude(Exists(sent))
        .order_by("pk")  # every run inserts in the same order, so two at once wait for each other, never deadlock
    )


@transaction.atomic
def certificate_reminders_send(*, today=None) -> int:
    """Record and queue every reminder due on `today` (Korea's date by default); returns how many were queued.

    A constant number of queries to choose them (the due certificates, their owners' and managers' addresses,
    the insert, the read-back), then queue_mail's own per mail. The unique (organisation, expiry date, stage)
    decides: rows are inserted with ON CONFLICT DO NOTHING, and a run mails only the rows that carry its own
    run id, so of two runs at once (or a rerun) each reminder is recorded and queued exactly once. A
    certificate with no active owner or manager to mail gets no row: it is reminded once someone can read it.
    """
    today = today or timezone.localdate()
    due = due_certificates(today)
    certificates = list(due.only("pk", "name", "kind", "tier", "certificate_expires_on"))
    if not certificates:
        return 0
    recipients = {}
    for org_id, email in (
        Membership.objects.managing().filter(organization__in=due.values("pk"), user__is_active=True)
        .order_by("organization_id", "role", "joined_at").values_list("organization_id", "user__email")
    ):
        recipients.setdefault(org_id, []).append(email)
    run = uuid.uuid4()
    now = timezone.now()
    CertificateReminder.objects.bulk_create(
        [
            CertificateReminder(organization_id=org.pk, expires_on=org.certificate_expires_on,
                                stage=org.reminder_stage, run=run, sent_at=now)
            for org in certificates if org.pk in recipients
        ],
        ignore_conflicts=True,
    )
    mine = set(CertificateReminder.objects.filter(run=run).values_list("organization_id", flat=True))
    for org in certificates:
        if org.pk in mine:
            _queue_reminder(org, stage=org.reminder_stage, today=today, to=recipients[org.pk])
    return len(mine)


def _queue_reminder(organization, *, stage, today, to):
    days_left = (organization.certificate_expires_on - today).days
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "organization": organization,
            "certificate": organization.tier_proof_label,
            "expires_on": organization.certificate_expires_on,
            "lapses_on": Organization.certificate_lapses_on(organization.certificate_expires_on),
            "days_left": days_left,
            "d_day": f"D-{days_left}" if days_left else "D-day",  # as Korean notices count down
            "lapsed": stage == CertificateReminder.Stage.LAPSED,
            "url": absolute_reverse("my:dashboard"),
        }
        subject = render_to_string("members/email/certificate_reminder_subject.txt", context).strip()
        body = render_to_string("members/email/certificate_reminder_message.txt", context)
    queue_mail(to=to, subject=subject, body=body)
