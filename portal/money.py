"""KRW amounts the way people read them (억 and 조 in Korean, billions in English), and as they type them.

Money in the portal is always an integer number of won; a float here is a bug
upstream, so it is refused rather than rounded.
"""

import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_KO_UNITS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))
_EN_UNITS = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"))


def _as_int(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"KRW amounts must be whole numbers of won (int), got {type(amount).__name__}")
    return amount


def exact_krw(amount, language: str | None = None) -> str:
    """The full figure with thousands separators: '10,000,000,000원' / 'KRW 10,000,000,000'."""
    amount = _as_int(amount)
    if (language or get_language() or "ko").startswith("en"):
        return f"KRW {amount:,}"
    return f"{amount:,}원"


def format_krw(amount, language: str | None = None) -> str:
    """Readable amount: 1234567 → '123만 4,567원', 10**10 → '100억 원' / 'KRW 10 billion'."""
    amount = _as_int(amount)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if (language or get_language() or "ko").startswith("en"):
        return sign + _format_en(amount)
    return sign + _format_ko(amount)


def _format_ko(amount: int) -> str:
    parts = []
    rest = amount
    for size, unit in _KO_UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count:,}{unit}")
    if rest or not parts:
        parts.append(f"{rest:,}")
        return " ".join(parts) + "원"
    # Korean writes a space before 원 after a unit word: "100억 원", but "4,567원".
    return " ".join(parts) + " 원"


def _format_en(amount: int) -> str:
    for size, unit in _EN_UNITS:
        if amount >= size:
            # Two decimals, truncated so a figure is never shown larger than it is.
            value = (Decimal(amount) / size).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            value = f"{value:,}".rstrip("0").rstrip(".")
            return f"KRW {value} {unit}"
    return f"KRW {amount:,}"


def rounded_krw(amount, language: str | None = None) -> str:
    """A headline figure, rounded for reading: 13_835_238_100 → '138억 원' / 'KRW 13.8 billion'.

    Korean rounds to 억 from 1억 up (1조 2,346억 원, 138억 원) and to 만 from 100만 up (3,524만 원);
    smaller amounts stay exact. The exact figure belongs next to it (a title, the table view)."""
    amount = _as_int(amount)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if (language or get_language() or "ko").startswith("en"):
        for size, unit in _EN_UNITS:
            if amount >= size:
                value = (Decimal(amount) / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
                value = f"{value:,}".removesuffix(".0")
                return f"{sign}KRW {value} {unit}"
        return sign + f"KRW {amount:,}"
    # From 100만 up, round to the nearest 억 (amounts of 1억 or more) or 만 (below); smaller sums stay exact.
    step = 10**8 if amount >= 10**8 else 10**4 if amount >= 10**6 else 1
    amount = int((Decimal(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step
    return sign + _format_ko(amount)


# --- reading amounts typed the way people write them: "1,200억", "3억 5천만", "5000만원" ----------------------

# The largest amount the parser reads: 1,000조 원, well beyond any revenue or budget the portal records, and
# below 2**53, so the browser's echo (static/js/krw-input.js) computes with exact integers too.
MAX_KRW = 10**15
BIG_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4}
SMALL_UNITS = {"천": 1000, "백": 100, "십": 10}
WON = "원"

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[조억만천백십]", re.ASCII)
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$", re.ASCII)
PARSE_MESSAGES = {
    "invalid": _("Enter an amount in won, in figures and 조, 억, 만 or 천, e.g. 3억 5,000만 or 350,000,000."),
    "negative": _("Enter an amount of 0 won or more."),
    "too_large": _("This amount is too large: at most 1,000조 원."),
    "commas": _("Put commas only between groups of three digits, e.g. 1,200억 or 3,000,000,000."),
    "order": _("Write the units from large to small, each once, e.g. 1조 2,000억 5,000만."),
    "fraction": _("Decimals go only before 조, 억 or 만 and must come to whole won, e.g. 1.5억."),
    "ambiguous": _("Write the unit after the last number, e.g. 3억 5,000만 or 3억 5,000원."),
    "part_too_large": _("After a larger unit, each part must be below 1만, e.g. 3억 5,000만."),
}


class KRWParseError(ValidationError, ValueError):
    """A typed amount that cannot be read: a ValidationError for forms and a ValueError for everyone else."""

    def __init__(self, code):
        super().__init__(PARSE_MESSAGES[code], code=code)


def _number(token, scale=1):
    """The integer `token` × `scale` (scale a power of ten), exactly; None when it is not whole won."""
    whole, _dot, fraction = token.partition(".")
    if not _GROUPED.match(whole):
        raise KRWParseError("commas")
    digits = len(str(scale)) - 1
    if fraction.rstrip("0")[digits:]:
        return None
    return int(whole.replace(",", "")) * scale + int((fraction + "0" * digits)[:digits] or 0)


def _segment(tokens, i):
    """One part before a big unit (or at the end): '1,200', '3', '5천', '2천5백', bare '천'.

    Returns (value, index after it, decimal token or None, whether anything was read)."""
    if i < len(tokens) and tokens[i][0].isdigit() and (i + 1 == len(tokens) or tokens[i + 1] not in SMALL_UNITS):
        token = tokens[i]
        if "." in token:
            return 0, i + 1, token, True
        return _number(token), i + 1, None, True
    value, smallest, start = 0, 10_000, i
    while i < len(tokens):
        digit = 1
        if tokens[i][0].isdigit():
            if i + 1 < len(tokens) and tokens[i + 1] in SMALL_UNITS:
                if not re.fullmatch(r"[1-9]", tokens[i]):
                    raise KRWParseError("invalid")
                digit, i = int(tokens[i]), i + 1
            else:  # the ones after 천/백/십: "2천5백30"
                rest = _number(tokens[i]) if "." not in tokens[i] else None
                if rest is None or rest >= smallest:
                    raise KRWParseError("invalid")
                return value + rest, i + 1, None, True
        if tokens[i] not in SMALL_UNITS:
            break
        size = SMALL_UNITS[tokens[i]]
        if size >= smallest:
            raise KRWParseError("order")
        value, smallest, i = value + digit * size, size, i + 1
    return value, i, None, i > start


def parse_krw(text) -> int:
    """An amount in won from what people type: '1,200억', '3억 5천만', '3억 5,000만', '1조 2천억', '3,000,000,000',
    '5000만원', '12억원', '1.5억'. Raises KRWParseError (a ValidationError and a ValueError) with a translated
    message for anything it cannot read exactly: it never guesses."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    value = value.removeprefix("₩").strip()
    explicit_won = value.endswith(WON)
    value = value.removesuffix(WON).strip()
    if value[:1] in ("-", "−"):
        raise KRWParseError("negative")
    # Spaces may separate the parts ("3억 5천만", "12억 원"), never the digits of one number.
    value = re.sub(r"\s*([조억만천백십])\s*", r"\1", value)
    if not value or re.search(r"\s", value) or _TOKEN.sub("", value):
        raise KRWParseError("invalid")
    tokens = _TOKEN.findall(value)
    total, last_unit, i = 0, None, 0
    while i < len(tokens):
        amount, i, decimal, read = _segment(tokens, i)
        unit = tokens[i] if i < len(tokens) and tokens[i] in BIG_UNITS else None
        if unit is None:
            if i < len(tokens) or not read:  # a small unit out of place, or a stray token
                raise KRWParseError("order" if i < len(tokens) else "invalid")
            if decimal is not None:
                raise KRWParseError("fraction")
            if last_unit is not None:
                # "3억 5000" is read as 3억 5,000만 by many: refuse it unless 원 says it is won.
                if last_unit != "만" and not explicit_won:
                    raise KRWParseError("ambiguous")
                if amount >= 10_000:
                    raise KRWParseError("part_too_large")
            total += amount
            break
        size = BIG_UNITS[unit]
        if last_unit is not None and size >= BIG_UNITS[last_unit]:
            raise KRWParseError("order")
        if decimal is not None:
            if last_unit is not None:
                raise KRWParseError("fraction")
            amount = _number(decimal, size)
            if amount is None:
                raise KRWParseError("fraction")
        else:
            if not read:
                amount = 1  # a bare unit: "만 원", "억"
            if last_unit is not None and amount >= 10_000:
                raise KRWParseError("part_too_large")
            amount *= size
        total, last_unit, i = total + amount, unit, i + 1
        if total > MAX_KRW:
            raise KRWParseError("too_large")
    if total > MAX_KRW:
        raise KRWParseError("too_large")
    return total


def browser_settings() -> dict:
    """The browser's copy of parse_krw and format_krw (static/js/krw-input.js) reads and writes amounts with these:
    the unit tables of this module, for a json_script."""
    return {
        "units": BIG_UNITS, "smallUnits": SMALL_UNITS, "won": WON, "max": MAX_KRW,
        "enUnits": [[size, unit] for size, unit in _EN_UNITS],
    }
