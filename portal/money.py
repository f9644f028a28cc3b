"""KRW amounts the way people read them: 억 and 조 in Korean, billions in English.

Money in the portal is always an integer number of won; a float here is a bug
upstream, so it is refused rather than rounded.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.utils.translation import get_language

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
