"""DOMAIN §10.5 RFM quintile scores and segments: ties, every boundary of every segment, the precedence; pure."""

import itertools

import pytest

from analytics.rules.rfm import SEGMENT_RULES, Segment, quintile_score, rfm_segment, segment_sql


def _scores(values: list[float], *, best_high: bool = True) -> list[int]:
    """Scores as the SQL gives them: RANK() (ties share the lowest rank), then quintile_score."""
    key = values if best_high else [-value for value in values]
    return [quintile_score(1 + sum(other < mine for other in key), len(key)) for mine in key]


def test_five_distinct_values_score_1_to_5():
    assert _scores([10, 20, 30, 40, 50]) == [1, 2, 3, 4, 5]


def test_ten_values_fill_each_quintile_with_two():
    assert _scores(list(range(10))) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_equal_values_share_a_score():
    assert _scores([7, 7, 7, 7, 7]) == [1, 1, 1, 1, 1]
    assert _scores([1, 2, 2, 2, 3]) == [1, 2, 2, 2, 5]


def test_recency_scores_5_for_the_most_recent():
    assert _scores([1, 100, 400, 30, 700], best_high=False) == [5, 3, 2, 4, 1]


def test_one_customer_scores_1():
    assert quintile_score(1, 1) == 1


@pytest.mark.parametrize(("rank", "count"), [(0, 5), (6, 5), (1, 0)])
def test_a_rank_outside_the_population_is_refused(rank, count):
    with pytest.raises(ValueError, match="rank"):
        quintile_score(rank, count)


@pytest.mark.parametrize(
    ("r", "f", "m", "segment"),
    [
        pytest.param(4, 4, 4, Segment.CHAMPIONS, id="champions-at-R4-FM4"),
        pytest.param(5, 3, 5, Segment.CHAMPIONS, id="champions-FM4-from-3-and-5"),
        pytest.param(4, 4, 3, Segment.LOYAL, id="FM3.5-is-loyal-not-champion"),
        pytest.param(3, 5, 5, Segment.LOYAL, id="R3-is-loyal-not-champion"),
        pytest.param(3, 3, 3, Segment.LOYAL, id="loyal-at-R3-FM3"),
        pytest.param(3, 2, 3, Segment.NEEDS_ATTENTION, id="R3-FM2.5-needs-attention"),
        pytest.param(4, 1, 1, Segment.NEW, id="new-at-R4-F1"),
        pytest.param(5, 1, 5, Segment.NEW, id="new-before-loyal-at-FM3"),
        pytest.param(4, 2, 1, Segment.NEEDS_ATTENTION, id="R4-F2-low-M-needs-attention"),
        pytest.param(3, 1, 1, Segment.NEEDS_ATTENTION, id="R3-F1-is-not-new"),
        pytest.param(2, 3, 3, Segment.AT_RISK, id="at-risk-at-R2-FM3"),
        pytest.param(1, 5, 5, Segment.AT_RISK, id="at-risk-at-R1-FM5"),
        pytest.param(2, 2, 3, Segment.NEEDS_ATTENTION, id="R2-FM2.5-needs-attention"),
        pytest.param(2, 2, 2, Segment.HIBERNATING, id="hibernating-at-R2-FM2"),
        pytest.param(2, 1, 1, Segment.HIBERNATING, id="hibernating-at-R2-FM1"),
        pytest.param(1, 2, 2, Segment.LOST, id="lost-before-hibernating-at-R1-FM2"),
        pytest.param(1, 1, 1, Segment.LOST, id="lost-at-R1-FM1"),
        pytest.param(1, 2, 3, Segment.NEEDS_ATTENTION, id="R1-FM2.5-needs-attention"),
    ],
)
def test_segment_boundaries(r, f, m, segment):
    assert rfm_segment(r, f, m) == segment


def test_every_score_combination_has_exactly_one_segment_and_the_precedence_decides_overlaps():
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        matching = [rule.segment for rule in SEGMENT_RULES if rule.matches(r, f, m)]
        assert rfm_segment(r, f, m) == (matching[0] if matching else Segment.NEEDS_ATTENTION)
    assert [rule.segment for rule in SEGMENT_RULES] == [
        Segment.CHAMPIONS,
        Segment.NEW,
        Segment.LOYAL,
        Segment.AT_RISK,
        Segment.LOST,
        Segment.HIBERNATING,
    ]


@pytest.mark.parametrize("scores", [(0, 3, 3), (3, 6, 3), (3, 3, -1)])
def test_a_score_outside_1_to_5_is_refused(scores):
    with pytest.raises(ValueError, match=r"1\.\.5"):
        rfm_segment(*scores)


def test_the_sql_case_gives_the_rule_for_every_combination():
    import sqlite3

    connection = sqlite3.connect(":memory:")
    case = segment_sql("r", "f", "m")
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        (found,) = connection.execute(f"SELECT {case} FROM (SELECT ? AS r, ? AS f, ? AS m)", (r, f, m)).fetchone()  # noqa: S608
        assert found == rfm_segment(r, f, m).value, (r, f, m)
