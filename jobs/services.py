"""The one way to send mail: queue it, in the caller's transaction, for the worker to deliver.

Nothing in a request talks to the mail server: a refusing or hanging server delays the mail, never
the page, and the change that causes a mail commits with it or not at all.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jobs import tasks
from jobs.models import OutgoingMail
from portal.workflow import WorkflowError

WORKFLOW = OutgoingMail.WORKFLOW


@transaction.atomic
def queue_mail(*, to, subject, body, html=None) -> OutgoingMail | None:
    """Store a mail to `to` (an address or several) and enqueue its delivery; None when there is no one to mail."""
    recipients = list(dict.fromkeys([to] if isinstance(to, str) else to))
    if not recipients:
        return None
    mail = OutgoingMail(
        recipients=recipients,
        subject=" ".join(str(subject).splitlines()).strip(),  # a line break in a header would be refused at send
        body=body,
        html=html or "",
    )
    mail.full_clean()
    mail.save()
    tasks.deliver_mail.enqueue(mail.pk)
    return mail


@transaction.atomic
def mail_transition(*, mail, name, by) -> OutgoingMail:
    """Run the step `name` of OutgoingMail.WORKFLOW; "resend" queues a failed mail again with fresh retries."""
    transition = WORKFLOW[name]
    if not by.has_perm(transition.permission):
        raise WorkflowError(_("You may not resend mails."), code="not_allowed")
    locked = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    WORKFLOW.check(name, current=locked.status, seen=mail.status)
    locked.status = transition.target
    locked.attempts = 0  # the retries start over; last_error still says why it failed before
    locked.save(update_fields=["status", "attempts"])
    tasks.deliver_mail.enqueue(locked.pk)
    mail.status, mail.attempts = locked.status, locked.attempts
    return locked


def mail_resend(*, mail, by) -> OutgoingMail:
    return mail_transition(mail=mail, name="resend", by=by)
