"""The trend and escalation rules, at and either side of each threshold.

Every threshold is read from the shipped topic's ``diary:`` section, so these
tests follow the data rather than repeat it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest

from soreadvisor.advice.trend import assess, history_report, sparkline
from soreadvisor.diary.models import Massage, Score

M = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)  # the massage
SECOND = 1 / 3600


@pytest.fixture
def rules(topic):
    assert topic.diary is not None
    return topic.diary


def episode(*points: tuple[float, int]) -> list[Score]:
    """Scores at (hours after the massage, score)."""
    return [Score(n, M + timedelta(hours=h), s) for n, (h, s) in enumerate(points, 1)]


def run(rules, *points, massage_at=M, earlier_peak=None):
    scores = episode(*points)
    now = max([s.at for s in scores], default=M) + timedelta(minutes=5)
    return assess(scores, rules, massage_at, now, earlier_peak)


def ids(result) -> list[str]:
    return [rule for rule, _ in result.escalations]


def band_steps(rules) -> tuple[int, int]:
    """A whole-point change at the flat band (still flat) and just over it."""
    at = math.floor(rules.flat_band)
    return at, at + 1


# -- trend ---------------------------------------------------------------------


def test_no_scores_and_one_score_have_no_trend(rules):
    assert run(rules).trend is None
    assert run(rules, (5, 3)).trend is None


def test_a_rise_of_exactly_the_flat_band_is_flat_and_just_over_is_worse(rules):
    at, over = band_steps(rules)
    assert run(rules, (5, 3), (10, 3 + at)).trend == "flat"
    assert run(rules, (5, 3), (10, 3 + over)).trend == "worse"


def test_a_drop_of_exactly_the_flat_band_is_flat_and_just_over_is_improving(rules):
    at, over = band_steps(rules)
    assert run(rules, (5, 6), (10, 6 - at)).trend == "flat"
    assert run(rules, (5, 6), (10, 6 - over)).trend == "improving"


def test_the_same_score_twice_is_flat(rules):
    assert run(rules, (5, 4), (10, 4)).trend == "flat"


def test_a_steady_decline_in_small_steps_is_improving(rules):
    at, _ = band_steps(rules)
    points = [(h * 6, 8 - h * at) for h in range(4)]
    assert run(rules, *points).trend == "improving"


def test_easing_from_the_peak_counts_even_after_an_early_rise(rules):
    _, over = band_steps(rules)
    assert run(rules, (2, 2), (24, 2 + 2 * over), (40, 2 + over)).trend == "improving"


def test_a_small_rise_below_the_peak_is_flat_not_improving(rules):
    at, over = band_steps(rules)
    assert run(rules, (2, 8), (24, 8 - 2 * over), (40, 8 - 2 * over + at)).trend == "flat"


def test_the_earlier_peak_of_hidden_scores_counts_for_improving(rules):
    _, over = band_steps(rules)
    recent = ((30, 5), (40, 5))
    assert run(rules, *recent).trend == "flat"
    assert run(rules, *recent, earlier_peak=5 + over).trend == "improving"


def test_scores_after_now_are_left_out(rules):
    scores = episode((5, 2), (10, 9))
    result = assess(scores, rules, M, now=M + timedelta(hours=6))
    assert result.trend is None
    assert "high_score" not in ids(result)


# -- high score ----------------------------------------------------------------


def test_high_score_fires_at_the_threshold_and_above_but_not_below(rules):
    high = rules.high_score
    assert "high_score" not in ids(run(rules, (5, high - 1)))
    assert "high_score" in ids(run(rules, (5, high)))
    if high < 10:
        assert "high_score" in ids(run(rules, (5, high + 1)))


def test_any_high_score_in_the_episode_counts_even_when_easing(rules):
    result = run(rules, (10, rules.high_score), (20, 1))
    assert result.trend == "improving"
    assert "high_score" in ids(result)


def test_a_high_score_among_hidden_earlier_scores_counts(rules):
    assert "high_score" in ids(run(rules, (10, 2), (20, 2), earlier_peak=rules.high_score))


def test_high_score_does_not_need_a_massage(rules):
    assert ids(run(rules, (5, rules.high_score), massage_at=None)) == ["high_score"]


# -- not improving -----------------------------------------------------------------


def test_not_improving_fires_at_the_threshold_but_not_a_second_before(rules):
    h = rules.not_improving_after_hours
    assert "not_improving" not in ids(run(rules, (10, 5), (h - SECOND, 5)))
    assert "not_improving" in ids(run(rules, (10, 5), (h, 5)))
    assert "not_improving" in ids(run(rules, (10, 5), (h + 1, 5)))


def test_not_improving_counts_a_worse_trend_too(rules):
    _, over = band_steps(rules)
    h = rules.not_improving_after_hours
    assert "not_improving" in ids(run(rules, (10, 2), (h, 2 + over)))


def test_improving_after_the_threshold_is_not_escalated(rules):
    _, over = band_steps(rules)
    h = rules.not_improving_after_hours
    result = run(rules, (10, 5), (h + 10, 5 - over))
    assert result.trend == "improving"
    assert result.escalations == []


def test_no_soreness_left_is_not_not_improving(rules):
    h = rules.not_improving_after_hours
    assert run(rules, (10, 0), (h + 10, 0)).escalations == []


def test_time_rules_need_a_massage(rules):
    h = max(rules.not_improving_after_hours, rules.rising_after_hours)
    _, over = band_steps(rules)
    assert run(rules, (h, 2), (h + 10, 2 + over), massage_at=None).escalations == []


# -- rising --------------------------------------------------------------------


def test_rising_fires_at_the_threshold_but_not_a_second_before(rules):
    _, over = band_steps(rules)
    h = rules.rising_after_hours
    assert "rising" not in ids(run(rules, (10, 2), (h - SECOND, 2 + over)))
    assert "rising" in ids(run(rules, (10, 2), (h, 2 + over)))
    assert "rising" in ids(run(rules, (10, 2), (h + 1, 2 + over)))


def test_a_rise_within_the_flat_band_after_the_threshold_is_not_rising(rules):
    at, _ = band_steps(rules)
    h = rules.rising_after_hours
    assert "rising" not in ids(run(rules, (10, 2), (h + 1, 2 + at)))


def test_every_escalation_uses_the_topics_message_and_points_to_check(rules):
    _, over = band_steps(rules)
    h = max(rules.not_improving_after_hours, rules.rising_after_hours)
    result = run(rules, (10, rules.high_score - over), (h, rules.high_score))
    assert ids(result) == ["high_score", "not_improving", "rising"]
    for rule, message in result.escalations:
        assert message == rules.messages[rule]
        assert "soreadvisor check" in message


# -- the chart and the report ------------------------------------------------------


def test_the_sparkline_uses_a_fixed_zero_to_ten_scale():
    assert sparkline([0, 10]) == "▁█"
    low = sparkline([3, 4])
    assert "▁" not in low and "█" not in low  # 3 and 4 are not drawn as min and max
    assert sparkline([0, 2, 5, 8, 10]) == "".join(sorted(sparkline([0, 2, 5, 8, 10])))


def test_history_report_counts_hours_from_the_massage_before_each_entry(topic):
    first, second = Massage(1, M), Massage(2, M + timedelta(days=3))
    scores = [
        Score(1, M + timedelta(hours=30), 4),
        Score(2, M + timedelta(days=3, hours=6), 5),
    ]
    now = M + timedelta(days=4)
    result = assess(scores[1:], topic.diary, second.at, now)
    report = history_report(
        topic, entries=scores, total=2, massage=second, massages=[first, second],
        days=7, assessment=result, now=now,
    )  # fmt: skip
    entries = next(s for s in report.sections if s.key == "entries").items
    assert [e.data["hours_since_massage"] for e in entries] == [30.0, 6.0]
    assert report.meta["massage"]["id"] == 2
