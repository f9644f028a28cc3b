from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """A record written once and never rewritten or removed one row at a time: histories and snapshots.

    `save()` refuses a row that is already stored and `delete()` refuses always, each with the subclass's own
    message (`refused_change`, `refused_delete`). Creating rows (`create()`, `bulk_create()`) is the only write.
    What removes a whole proposal or organisation (the database's cascade, a restore) works below this and
    is not refused here."""

    refused_change = _("This record cannot be changed.")
    refused_delete = _("This record cannot be deleted.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(self.refused_change)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.refused_delete)


class AppendOnlyQuerySet(models.QuerySet):
    """For an AppendOnly model whose rows no bulk write may touch either: `update()` and `delete()` refuse with
    the model's messages. (Django's own cascades and `_raw_delete` do not go through these.)"""

    def update(self, **kwargs):
        raise ValidationError(self.model.refused_change)

    def delete(self):
        raise ValidationError(self.model.refused_delete)


class SpentFormToken(models.Model):
    """A one-time form token that has been used, and where the object its form made is (portal.once).

    The unique nonce is what lets only one of two POSTs of the same form commit."""

    nonce = models.CharField(_("nonce"), max_length=32, unique=True)
    purpose = models.CharField(_("purpose"), max_length=50)
    result_url = models.CharField(_("result address"), max_length=500, blank=True)
    spent_at = models.DateTimeField(_("spent at"), db_index=True)

    class Meta:
        verbose_name = _("spent form token")
        verbose_name_plural = _("spent form tokens")

    def __str__(self):
        return f"{self.purpose} {self.spent_at:%Y-%m-%d %H:%M}"


class AccessRecord(AppendOnly):
    """Someone read a person's data: a private document downloaded, or a person's details opened in the admin.

    Who, when, what (the object and the field or page), from which address. Written by portal.audit in the
    request that serves the data; never changed or deleted except by the retention task
    (jobs.tasks.purge_old_access_records), after PORTAL_ACCESS_RECORD_RETENTION_DAYS."""

    # The record of who read what is evidence: written once, never rewritten. (Its plain queryset's delete() is
    # the retention task's.)
    refused_change = _("An access record cannot be changed.")
    refused_delete = _("An access record cannot be deleted.")

    class Action(models.TextChoices):
        DOWNLOAD = "download", _("Downloaded a document")
        ADMIN_VIEW = "admin_view", _("Opened in the administration")

    at = models.DateTimeField(_("at"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("by"),
    )
    # Kept as written, so the record still says who it was after the account is gone or changes its address.
    by_email = models.CharField(_("by (email address)"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("type"),
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    what = models.CharField(_("what"), max_length=200, help_text=_("The file's field or the page's fields."))
    path = models.CharField(_("address"), max_length=500)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        # Only reading: nobody is given a right to add, change or delete records (the admin refuses them too).
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="access_record_object"),
            models.Index(fields=["by", "-at"], name="access_record_by"),
        ]

    def __str__(self):
        return f"{self.by_email or '?'} · {self.object_repr} · {self.what}"


class Derived(models.Model):
    """A value computed from whole tables for the pages (portal.derived), as last stored by the worker."""

    name = models.CharField(max_length=60)
    format = models.PositiveSmallIntegerField()
    data = models.JSONField(encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["name", "format"], name="derived_one_per_name_and_format")]

    def __str__(self):
        return f"{self.name} {self.format} at {self.computed_at:%Y-%m-%d %H:%M:%S}"
