"""A panel's arithmetic: each reviewer's weighted total, the panel score, each criterion's mean and spread.

Pure functions over plain values (no queries), exact with fractions; pages round only for display.

- A reviewer's total is out of 100: for each criterion, score ÷ scale × weight (the weights sum to 100).
- The panel score is the mean of the reviewers' totals. With five or more totals and the call's setting on, the
  highest and the lowest are dropped first (one each, even when several reviewers tie), as national R&D
  evaluations do against one evaluator's outlying score.
- A criterion's mean and spread are over the totals that count, so what the applicant reads adds up to the score.
"""

from dataclasses import dataclass, field
from fractions import Fraction

# From this many submitted reviews on, the extremes are dropped (when the call says so).
DROP_EXTREMES_FROM = 5


@dataclass(frozen=True)
class Weighting:
    """One criterion as the arithmetic sees it."""

    pk: int
    weight: int
    scale: int


@dataclass(frozen=True)
class Sheet:
    """One reviewer's submitted scores: {criterion pk: score}."""

    reviewer_id: int
    scores: dict
    comment: str = ""


def total(criteria, scores) -> Fraction:
    """A reviewer's weighted total out of 100."""
    return sum((Fraction(scores[c.pk] * c.weight, c.scale) for c in criteria), Fraction(0))


@dataclass
class Result:
    score: Fraction | None  # None before any review is in
    totals: dict  # reviewer id -> total
    counted: list  # the sheets whose totals make the score
    dropped: list  # the sheets left out as the highest and the lowest
    means: dict = field(default_factory=dict)  # criterion pk -> mean score of the counted sheets
    spreads: dict = field(default_factory=dict)  # criterion pk -> (lowest, highest) score of the counted sheets


def panel_result(criteria, sheets, *, drop_extremes) -> Result:
    criteria = list(criteria)
    totals = {sheet.reviewer_id: total(criteria, sheet.scores) for sheet in sheets}
    # Lowest first; a tie is broken by the reviewer's id, so the same data always drops the same sheets.
    ordered = sorted(sheets, key=lambda s: (totals[s.reviewer_id], s.reviewer_id))
    dropped = []
    if drop_extremes and len(ordered) >= DROP_EXTREMES_FROM:
        dropped = [ordered[0], ordered[-1]]
        ordered = ordered[1:-1]
    counted = sorted(ordered, key=lambda s: s.reviewer_id)
    if not counted:
        return Result(score=None, totals=totals, counted=[], dropped=dropped)
    score = sum((totals[s.reviewer_id] for s in counted), Fraction(0)) / len(counted)
    means = {c.pk: Fraction(sum(s.scores[c.pk] for s in counted), len(counted)) for c in criteria}
    spreads = {c.pk: (min(s.scores[c.pk] for s in counted), max(s.scores[c.pk] for s in counted)) for c in criteria}
    return Result(score=score, totals=totals, counted=counted, dropped=dropped, means=means, spreads=spreads)


# The rank bands an applicant may be shown (Call.disclose_rank_band): the upper bound of each, in percent.
RANK_BANDS = (10, 25, 50)


def rank_band(rank, count):
    """The band of the `rank`-th (1 = best) of `count` scored proposals: 10, 25, 50 (top N%) or None (lower half).

    A proposal is in the top N% when fewer than N% of the proposals rank above it, so the best of a few is in the
    top 10% too."""
    for band in RANK_BANDS:
        if (rank - 1) * 100 < band * count:
            return band
    return None


def ranks(scores):
    """{key: rank} from {key: score}: the best is 1, equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    return {key: ordered.index(value) + 1 for key, value in scores.items()}


def as_decimal_text(value, places=2):
    """A fraction rounded half up for display: Fraction(1703, 20) -> '85.15'."""
    if value is None:
        return "—"
    scaled = value * 10**places
    rounded = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    sign = "-" if rounded < 0 else ""
    whole, part = divmod(abs(rounded), 10**places)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"
