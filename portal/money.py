"""KRW amounts the way people read them: 억 and 조 in Korean, billions in English.

Money in the portal is always an integer number of won; a float here is a bug
upstream, so it is refused rather than rounded.
"""

from decimal import ROUND_DOWN, Decimal

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
