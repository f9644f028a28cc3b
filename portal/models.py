from django.db import models
from django.utils.translation import gettext_lazy as _


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
