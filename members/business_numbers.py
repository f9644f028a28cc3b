"""사업자등록번호 (business registration number): normalising, checking, formatting.

The tenth digit is the National Tax Service check digit: weights 1,3,7,1,3,7,1,3,5 over
the first nine digits, plus the carry ⌊digit9 × 5 / 10⌋; the number is valid when
(10 − sum mod 10) mod 10 equals the tenth digit.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# Accepted input shapes: ten digits, or 3-2-5 with dashes (spaces around are ignored).
_INPUT = re.compile(r"^(\d{3})-?(\d{2})-?(\d{5})$")


def check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def normalize(value: str) -> str:
    """Ten digits from '123-45-67890' or '1234567890'; anything else is returned stripped, unchanged."""
    value = (value or "").strip()
    match = _INPUT.match(value)
    return "".join(match.groups()) if match else value


def is_valid(digits: str) -> bool:
    return len(digits) == 10 and digits.isascii() and digits.isdigit() and check_digit(digits[:9]) == int(digits[9])


def validate(value: str) -> None:
    """Model-field validator for the stored (normalised) form."""
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Enter the 10-digit business registration number, e.g. 123-45-67890."), code="format"
        )
    if not is_valid(value):
        raise ValidationError(
            _("This business registration number is not valid: its check digit does not match."),
            code="checksum",
        )


def display(digits: str) -> str:
    """'1234567890' -> '123-45-67890'; other values are shown as they are."""
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return digits


def make(first_nine: int | str) -> str:
    """A valid number from nine leading digits (for demo data and tests)."""
    head = f"{int(first_nine):09d}" if isinstance(first_nine, int) else first_nine
    return head + str(check_digit(head))
