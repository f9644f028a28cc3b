"""How far ahead a proof of tier may be valid: the one rule for registration, renewal and the admin.

A 중소기업확인서 runs from 1 April to 31 March and a 중견기업확인서 for about a year, so a certificate
issued early in the cycle is valid for at most about a year and a quarter. A date already past, or
further ahead than `MAX_MONTHS_AHEAD` months, is a typing mistake or the wrong document.

Not in `Organization.clean()`: staff must still be able to correct other details of a row whose
certificate has since lapsed. The forms that take a new date call `validate_valid_until`.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import add_months

MAX_MONTHS_AHEAD = 15

HELP_TEXT = _("The last day the certificate is valid: from today up to 15 months ahead.")



def latest_valid_until(today: datetime.date | None = None) -> datetime.date:
    return add_months(today or timezone.localdate(), MAX_MONTHS_AHEAD)


def validate_valid_until(value: datetime.date | None, *, today: datetime.date | None = None) -> None:
    """Refuse a validity date that is already past or more than 15 months ahead."""
    if value is None:
        return
    today = today or timezone.localdate()
    if value < today:
        raise ValidationError(
            _("This certificate expired on %(date)s: upload a certificate that is still valid."),
            code="expired", params={"date": value.isoformat()},
        )
    latest = latest_valid_until(today)
    if value > latest:
        raise ValidationError(
            _("A certificate is valid for at most about a year and a quarter: the date must be on or before "
              "%(latest)s (15 months from today). Check the date on the certificate."),
            code="too_far_ahead", params={"latest": latest.isoformat()},
        )
