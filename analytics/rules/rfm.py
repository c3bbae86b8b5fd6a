"""RFM scores and segments 客户细分 (DOMAIN §10.5): pure rules, no Django.

Scores (1–5, 5 best) are quintiles of the customers' rank, ties sharing a score: a customer's rank is the
``RANK()`` of its value among the n customers scored (ascending, so ties get the same, lowest rank; recency is
ranked by descending days, so the most recent rank highest) and its score is ``1 + 5 × (rank − 1) // n``. A score
therefore never splits equal values, and a quintile may hold more or fewer than a fifth when values tie (all
equal: everyone scores 1). The nightly job computes the same expression in SQL (``quintile_sql``).

Segments follow R and FM = (F + M) / 2. The DOMAIN's conditions overlap, so the first that matches wins, in the
order of ``SEGMENT_RULES``: champions, new, loyal, at risk, lost, hibernating, else needs attention. New comes
before loyal (a recent first-time buyer with a large order is new, not yet loyal); lost before hibernating (lost
is the part of hibernating with R = 1). "F = 1" of new is the F score (the least frequent fifth), like R ≥ 4.
"""

from dataclasses import dataclass
from enum import StrEnum


class Segment(StrEnum):
    CHAMPIONS = "champions"
    LOYAL = "loyal"
    NEW = "new"
    AT_RISK = "at_risk"
    NEEDS_ATTENTION = "needs_attention"
    HIBERNATING = "hibernating"
    LOST = "lost"


QUINTILES = 5


def quintile_score(rank: int, count: int) -> int:
    """The 1–5 score of the customer ranked ``rank`` (1 = worst, ties share the lowest rank) among ``count``."""
    if count <= 0 or not 1 <= rank <= count:
        raise ValueError("rank must lie in 1..count")
    return 1 + QUINTILES * (rank - 1) // count


def quintile_sql(rank_sql: str, count_sql: str) -> str:
    """``quintile_score`` as an SQL expression over two integer expressions (integer division on every backend)."""
    return f"(1 + ({QUINTILES} * (({rank_sql}) - 1)) / ({count_sql}))"


@dataclass(frozen=True, slots=True)
class SegmentRule:
    """A segment's condition on the scores; ``fm2`` is F + M, twice FM, so halves stay exact (FM ≥ 3 ⇔ F + M ≥ 6)."""

    segment: Segment
    r_min: int = 1
    r_max: int = 5
    fm2_min: int = 2
    fm2_max: int = 10
    f_max: int = 5

    def matches(self, r: int, f: int, m: int) -> bool:
        return self.r_min <= r <= self.r_max and self.fm2_min <= f + m <= self.fm2_max and f <= self.f_max


SEGMENT_RULES = (  # precedence: the first that matches
    SegmentRule(Segment.CHAMPIONS, r_min=4, fm2_min=8),  # R ≥ 4, FM ≥ 4
    SegmentRule(Segment.NEW, r_min=4, f_max=1),  # R ≥ 4, F = 1
    SegmentRule(Segment.LOYAL, r_min=3, fm2_min=6),  # R ≥ 3, FM ≥ 3
    SegmentRule(Segment.AT_RISK, r_max=2, fm2_min=6),  # R ≤ 2, FM ≥ 3
    SegmentRule(Segment.LOST, r_max=1, fm2_max=4),  # R = 1, FM ≤ 2
    SegmentRule(Segment.HIBERNATING, r_max=2, fm2_max=4),  # R ≤ 2, FM ≤ 2
)


def rfm_segment(r: int, f: int, m: int) -> Segment:
    """The segment of a customer's R, F and M scores (each 1–5), DOMAIN §10.5 with the precedence above."""
    for score in (r, f, m):
        if not 1 <= score <= QUINTILES:
            raise ValueError("scores lie in 1..5")
    for rule in SEGMENT_RULES:
        if rule.matches(r, f, m):
            return rule.segment
    return Segment.NEEDS_ATTENTION


def segment_sql(r: str, f: str, m: str) -> str:
    """``rfm_segment`` as an SQL CASE over three score columns, built from the same ``SEGMENT_RULES``."""
    whens = " ".join(
        f"WHEN {r} BETWEEN {rule.r_min} AND {rule.r_max} AND {f} + {m} BETWEEN {rule.fm2_min} AND {rule.fm2_max}"
        f" AND {f} <= {rule.f_max} THEN '{rule.segment.value}'"
        for rule in SEGMENT_RULES
    )
    return f"CASE {whens} ELSE '{Segment.NEEDS_ATTENTION.value}' END"
