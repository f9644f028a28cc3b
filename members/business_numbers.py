"""사업자등록번호 (business registration number): normalising, checking, formatting, reading its type code.

A number is `OOO-TT-SSSSC`: the tax office that issued it (101–999), the type of business (TT), a serial
(0001–9999) and the National Tax Service check digit C. The component rules (office below 101, type 00,
serial 0000 are impossible) are python-stdnum's `stdnum.kr.brn`; stdnum does not check C, so that is ours:
weights 1,3,7,1,3,7,1,3,5 over the first nine digits, plus the carry ⌊digit9 × 5 / 10⌋; the number is valid
when (10 − sum mod 10) mod 10 equals the tenth digit.

The type code says who holds the number (국세청 사업자등록번호 부여 체계):
  01–79  individual business, VAT-taxable (개인 과세사업자)
  80     other non-corporate holders: apartment management offices, multi-level sellers (아파트관리사무소 등)
  81, 86, 87, 88  head office of a for-profit corporation (영리법인의 본점)
  82     non-profit corporation, head office or branch, and bodies treated as corporations (비영리법인)
  83     the state, local governments and their unions (국가·지방자치단체·지방자치단체조합)
  84     foreign corporation: head office, branch or liaison office (외국법인)
  85     branch of a for-profit corporation (영리법인의 지점)
  89     religious body that is not a corporation (법인이 아닌 종교단체)
  90–99  individual business, VAT-exempt (개인 면세사업자)
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.kr import brn

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
# Accepted input shapes, after NFKC (full-width digits become ASCII) and with spaces removed:
# ten digits, or 3-2-5 with dashes of any kind.
_INPUT = re.compile(r"^(\d{3})-?(\d{2})-?(\d{5})$", re.ASCII)
# Hyphen-like characters people paste from word processors and PDFs: all read as "-".
_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile(r"\s+")

# The type codes by what the holder is (see the table above). Corporations (법인) are 81–88.
FOR_PROFIT_CORPORATION = frozenset({"81", "85", "86", "87", "88"})
NON_PROFIT_CORPORATION = frozenset({"82"})
GOVERNMENT = frozenset({"83"})
FOREIGN_CORPORATION = frozenset({"84"})
CORPORATION = FOR_PROFIT_CORPORATION | NON_PROFIT_CORPORATION | GOVERNMENT | FOREIGN_CORPORATION
INDIVIDUAL = frozenset(f"{n:02d}" for n in [*range(1, 80), *range(90, 100)])
# Holders that are not in business for profit: what a "company" should not have.
NOT_FOR_PROFIT = NON_PROFIT_CORPORATION | GOVERNMENT | {"89"}
# Holders in business for profit (corporations and individual businesses): what an "institution" should not have.
FOR_PROFIT = FOR_PROFIT_CORPORATION | INDIVIDUAL


def check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return (10 - total % 10) % 10


def fold(value: str) -> str:
    """Typed identifiers as ASCII: NFKC turns full-width digits and the full-width hyphen into ASCII, other
    dashes become "-", spaces go. (Also the 법인등록번호's, in members.corporate_numbers.)"""
    return _SPACES.sub("", _DASHES.sub("-", unicodedata.normalize("NFKC", value or "")))


def normalize(value: str) -> str:
    """Ten digits from '123-45-67890', '1234567890', '１２３－４５－６７８９０' or '123 45 67890';
    anything else is returned stripped, unchanged."""
    value = (value or "").strip()
    match = _INPUT.match(fold(value))
    return "".join(match.groups()) if match else value


def is_valid(digits: str) -> bool:
    try:
        validate(digits)
    except ValidationError:
        return False
    return True


def validate(value: str) -> None:
    """Model-field validator for the stored (normalised) form."""
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Enter the 10-digit business registration number, e.g. 123-45-67890."), code="format"
        )
    try:
        brn.validate(value)
    except stdnum_exceptions.ValidationError:
        raise ValidationError(
            _("This business registration number cannot exist: the tax office code starts at 101, "
              "and neither the type code (the middle two digits) nor the serial may be all zeros."),
            code="component",
        ) from None
    if check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            _("This business registration number is not valid: its check digit does not match."),
            code="checksum",
        )


def type_code(digits: str) -> str:
    """The middle two digits ('81'), or '' for a value that is not ten digits."""
    return digits[3:5] if len(digits) == 10 and digits.isdigit() else ""


def type_label(code: str) -> str:
    """What the type code says about the holder, for staff (the admin's change page)."""
    if code in FOR_PROFIT_CORPORATION:
        return str(_("for-profit corporation") if code != "85" else _("branch of a for-profit corporation"))
    labels = {
        "80": _("non-corporate body or multi-level seller"),
        "82": _("non-profit corporation"),
        "83": _("the state or a local government"),
        "84": _("foreign corporation"),
        "89": _("religious body that is not a corporation"),
    }
    if code in labels:
        return str(labels[code])
    return str(_("individual business")) if code in INDIVIDUAL else ""


def is_corporation(digits: str) -> bool:
    """Whether the number belongs to a corporation (법인: type codes 81–88), which has a 법인등록번호."""
    return type_code(digits) in CORPORATION


def display(digits: str) -> str:
    """'1234567890' -> '123-45-67890'; other values are shown as they are."""
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    return digits


def make(first_nine: int | str) -> str:
    """The number with these nine leading digits and its check digit (whether the components are possible or not)."""
    head = f"{int(first_nine):09d}" if isinstance(first_nine, int) else first_nine
    return head + str(check_digit(head))


def example(index: int, code: str = "81") -> str:
    """A valid number of type `code` for demo data and tests: a different one for every index below about
    nine million (tax offices 101–999 × serials 0001–9999)."""
    office = 101 + (index // 9999) % 899
    serial = 1 + index % 9999
    return make(f"{office:03d}{code}{serial:04d}")
