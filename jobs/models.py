"""What the background machinery keeps besides the task queue itself: the mails, and when each periodic job ran."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.workflow import Transition, Workflow


class OutgoingMail(models.Model):
    """One message to send, kept until it is sent (and for a while after, see jobs.services.PURGE_AFTER).

    The row is written in the transaction of the change that causes the mail, together with the task that
    delivers it, so a decision and its mail commit together or not at all.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    WORKFLOW = Workflow(
        subject=_("This mail"),
        states=Status,
        notes=False,
        notice=_("The mails are sent again by the background worker, with new retries if the server refuses."),
        transitions=[
            Transition(name="resend", sources=frozenset({Status.FAILED}), target=Status.QUEUED,
                       label=_("Resend the selected mails"), verb=_("resent"), step=_("resend it"),
                       permission="jobs.resend_outgoingmail"),
        ],
    )

    recipients = models.JSONField(_("recipients"), help_text=_("The addresses the mail goes to."))
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"), blank=True,
                            help_text=_("Cleared once the mail is sent: it may hold a sign-in or invitation link."))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at", "-pk"]
        permissions = [("resend_outgoingmail", _("Can resend failed mails"))]
        indexes = [models.Index(fields=["status", "created_at"], name="jobs_mail_status_created")]

    def __str__(self):
        return self.subject


class PeriodicJob(models.Model):
    """When a registered periodic job (jobs.periodic) is next due; one row per job, locked while enqueueing."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    next_due_at = models.DateTimeField(_("next due at"))

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name
