"""법인등록번호 (corporate registration number): 13 digits, written 6-7 (110111-1234567).

The registry office (4 digits), the kind of corporation (2), a serial (6) and a check digit: the first twelve
digits times 1, 2, 1, 2, … summed (the products as they are, not their digit sums), and the check digit is
(10 − sum mod 10) mod 10. Worked example from the registry's rule: 110111-006243 → 1+2+0+2+1+2+0+0+6+4+4+6 = 28
→ 10 − 8 = 2, so 110111-0062432.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.business_numbers import fold

_INPUT = re.compile(r"^(\d{6})-?(\d{7})$", re.ASCII)


def check_digit(first_twelve: str) -> int:
    total = sum(int(c) * (1 if i % 2 == 0 else 2) for i, c in enumerate(first_twelve))
    return (10 - total % 10) % 10


def normalize(value: str) -> str:
    """13 digits from '110111-0062432', '1101110062432' or its full-width form; anything else stripped, unchanged."""
    value = (value or "").strip()
    match = _INPUT.match(fold(value))
    return "".join(match.groups()) if match else value


def validate(value: str) -> None:
    """Model-field validator for the stored (normalised) form."""
    if not (len(value) == 13 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Enter the 13-digit corporate registration number, e.g. 110111-0062432."), code="format"
        )
    if check_digit(value[:12]) != int(value[12]):
        raise ValidationError(
            _("This corporate registration number is not valid: its check digit does not match."),
            code="checksum",
        )


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def display(digits: str) -> str:
    """'1101110062432' -> '110111-0062432'; other values are shown as they are."""
    if len(digits) == 13 and digits.isdigit():
        return f"{digits[:6]}-{digits[6:]}"
    return digits


def make(first_twelve: int | str) -> str:
    """A valid number from twelve leading digits (for demo data and tests)."""
    head = f"{int(first_twelve):012d}" if isinstance(first_twelve, int) else first_twelve
    return head + str(check_digit(head))
