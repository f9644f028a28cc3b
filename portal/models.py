from django.core.exceptions import ValidationError
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
