"""The background tasks of the core: delivering a queued mail, and the housekeeping the periodic jobs run.

They run in a worker (`manage.py db_worker`), never inside a request. Each is safe to run twice: a
mail is sent under its row's lock and only while it is still queued.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from jobs.models import OutgoingMail
from portal.files import sweep_orphans
from portal.models import AccessRecord

Status = OutgoingMail.Status

# After the first attempt fails, the next ones wait this long (minutes): a server that is down for a
# restart is caught by the first, a longer outage by the later ones. After the last, the mail is failed
# and waits for staff (admin: "Resend the selected mails"); five attempts span about two and a half hours.
RETRY_DELAYS = (1, 5, 30, 120)
# How long mails stay stored: long enough to answer "did the portal send me that?", no longer, since a
# row holds people's addresses. A failed mail stays longer, so staff can still see and resend it.
KEEP_SENT = datetime.timedelta(days=30)
KEEP_FAILED = datetime.timedelta(days=90)


@task()
def deliver_mail(mail_id: int) -> str:
    """Send one queued mail through Django's mail API (bounded by EMAIL_TIMEOUT); on failure, retry later."""
    with transaction.atomic():
        # The lock makes a second delivery of the same mail (a retry racing a resend) wait, then find it sent.
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != Status.QUEUED:
            return "nothing to send"
        now = timezone.now()
        mail.attempts += 1
        mail.last_attempt_at = now
        message = EmailMultiAlternatives(mail.subject, mail.body, None, mail.recipients)
        if mail.html:
            message.attach_alternative(mail.html, "text/html")
        try:
            message.send()
        except Exception as error:  # refused, timed out, unreachable: all are worth another try
            mail.last_error = f"{type(error).__name__}: {error}"[:2000]
            if mail.attempts <= len(RETRY_DELAYS):
                retry_at = now + datetime.timedelta(minutes=RETRY_DELAYS[mail.attempts - 1])
                deliver_mail.using(run_after=retry_at).enqueue(mail.pk)
                outcome = f"attempt {mail.attempts} failed, next at {retry_at.isoformat()}"
            else:
                mail.status = Status.FAILED
                outcome = f"attempt {mail.attempts} failed, no more retries"
        else:
            mail.status = Status.SENT
            mail.sent_at = now
            # The text may hold a password-reset or invitation link, which must not outlive its use in the database.
            mail.body = mail.html = ""
            outcome = "sent"
        mail.save()
    return outcome


@task()
def purge_old_mail() -> dict:
    """Delete sent mails after KEEP_SENT and failed ones after KEEP_FAILED: addresses kept no longer than useful."""
    now = timezone.now()
    sent, _ = OutgoingMail.objects.filter(status=Status.SENT, sent_at__lt=now - KEEP_SENT).delete()
    failed, _ = OutgoingMail.objects.filter(status=Status.FAILED, created_at__lt=now - KEEP_FAILED).delete()
    return {"sent": sent, "failed": failed}


@task()
def sweep_orphan_files() -> dict:
    """Delete stored private files that no row names and stale upload temp files (portal.files)."""
    sweep = sweep_orphans(delete=True)
    return {"stored": len(sweep.stored), "temporary": len(sweep.temporary)}


@task()
def purge_old_access_records() -> dict:
    """Delete access records older than PORTAL_ACCESS_RECORD_RETENTION_DAYS (two years at least).

    A queryset delete: the model's own delete() refuses, since nothing else may remove a record."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.PORTAL_ACCESS_RECORD_RETENTION_DAYS)
    deleted, _ = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return {"deleted": deleted}
