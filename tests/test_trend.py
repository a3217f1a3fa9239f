"""The trend and escalation rules, at and either side of each threshold.

Every threshold is read from the shipped topic's ``diary:`` section, so these
tests follow the data rather than repeat it.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from conftest import WORDS

from soreadvisor.advice.trend import assess, history_report
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


def run(rules, *points, massage_at=M):
    scores = episode(*points)
    now = max([s.at for s in scores], default=M) + timedelta(minutes=5)
    return assess(scores, rules, massage_at, now, WORDS)


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


def test_a_steady_rise_in_steps_within_the_band_is_worse(rules):
    """The reviewer's series: each step is within the band, the whole climb is not."""
    at, over = band_steps(rules)
    assert at >= 1, "the band must allow a whole-point step for this case"
    points = [(49 + 2 * i, 3 + i * at) for i in range(5)]  # 3, 4, 5, 6, 7 with a band of 1
    assert run(rules, *points).trend == "worse"
    assert run(rules, *points[:2]).trend == "flat"  # one step alone is within the band


def test_a_steady_decline_in_small_steps_is_improving(rules):
    at, _ = band_steps(rules)
    points = [(h * 6, 8 - h * at) for h in range(4)]
    assert run(rules, *points).trend == "improving"


def test_the_trend_counts_from_the_last_score_outside_the_band(rules):
    """A rise then a plateau is still worse; a long plateau within the band is flat."""
    at, over = band_steps(rules)
    low, high = 2, 2 + 2 * over
    assert run(rules, (2, low), (10, high), (20, high - at), (30, high - at)).trend == "worse"
    assert run(rules, (2, high), (10, high - at), (20, high), (30, high - at)).trend == "flat"


def test_easing_from_the_peak_counts_even_after_an_early_rise(rules):
    _, over = band_steps(rules)
    assert run(rules, (2, 2), (24, 2 + 2 * over), (40, 2 + over)).trend == "improving"


def test_a_second_rise_after_easing_is_worse_not_improving(rules):
    """Below the first peak, but climbing again from the low: the last change is a rise."""
    _, over = band_steps(rules)
    peak, low = 2 + 3 * over, 2
    assert run(rules, (5, peak), (20, low), (30, low + over)).trend == "worse"


def test_easing_from_a_second_peak_is_improving_however_low_it_went_before(rules):
    at, over = band_steps(rules)
    top = 2 + 3 * over
    points = [(5, top), (10, 2), (20, top - at), (30, top - at - over)]
    assert run(rules, *points).trend == "improving"
    # down from the second peak by only the band: against the rise before, so flat
    assert run(rules, *points[:3], (30, top - 2 * at)).trend == "flat"


def test_a_small_rise_below_the_peak_is_flat_not_improving(rules):
    at, over = band_steps(rules)
    assert run(rules, (2, 8), (24, 8 - 2 * over), (40, 8 - 2 * over + at)).trend == "flat"


def test_a_small_dip_after_a_rise_is_flat_not_worse(rules):
    at, over = band_steps(rules)
    assert run(rules, (2, 2), (24, 2 + 2 * over), (40, 2 + 2 * over - at)).trend == "flat"


def test_the_order_of_the_scores_given_does_not_matter(rules):
    _, over = band_steps(rules)
    points = [(2, 2), (24, 2 + 2 * over), (40, 2 + over)]
    scores = episode(*points)
    now = M + timedelta(hours=41)
    assert assess(scores[::-1], rules, M, now, WORDS) == assess(scores, rules, M, now, WORDS)


def test_scores_after_now_are_left_out(rules):
    scores = episode((5, 2), (10, 9))
    result = assess(scores, rules, M, now=M + timedelta(hours=6), words=WORDS)
    assert result.trend is None
    assert "high_score" not in ids(result)


def test_scores_before_the_massage_belong_to_another_episode(rules):
    scores = episode((-5, rules.high_score), (5, 2), (10, 2))
    result = assess(scores, rules, M, now=M + timedelta(hours=11), words=WORDS)
    assert result.trend == "flat" and result.escalations == []


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


def test_high_score_does_not_need_a_massage(rules):
    assert ids(run(rules, (5, rules.high_score), massage_at=None)) == ["high_score"]


# -- still sore after the lasting mark (TRIAGE: pain beyond 3 days is "soon") ----------


def test_lasting_fires_at_the_threshold_but_not_a_second_before(rules):
    h = rules.lasting_after_hours
    assert "lasting" not in ids(run(rules, (10, 5), (h - SECOND, 5)))
    assert "lasting" in ids(run(rules, (10, 5), (h, 5)))
    assert "lasting" in ids(run(rules, (10, 5), (h + 1, 5)))


def test_a_single_score_after_the_threshold_is_lasting(rules):
    """The reviewer's case: one 7/10 (severe too), five days after the massage, nothing else."""
    h = rules.lasting_after_hours
    assert ids(run(rules, (5 * 24, 7))) == ["high_score", "lasting"]
    assert "lasting" not in ids(run(rules, (h - SECOND, 4)))
    assert ids(run(rules, (h, 4))) == ["lasting"]
    assert ids(run(rules, (h + 1, 1))) == ["lasting"]
    assert run(rules, (h + 1, 0)).escalations == []  # no soreness left


@pytest.mark.parametrize("shape", ["worse", "flat", "improving"])
def test_still_sore_after_the_threshold_is_lasting_whatever_the_trend(rules, shape):
    """Easing does not excuse soreness that is still there at the mark."""
    at, over = band_steps(rules)
    h = rules.lasting_after_hours
    latest = {"worse": 5 + over, "flat": 5 - at, "improving": 5 - over}[shape]
    result = run(rules, (10, 5), (h + 10, latest))
    assert result.trend == shape
    assert "lasting" in ids(result)


def test_a_long_plateau_after_an_early_drop_is_lasting(rules):
    """7, then 3 every day: "improving" from the 7, but no better for days."""
    result = run(rules, (10, 7), *[(24 * d, 3) for d in range(1, 6)])
    assert result.trend == "improving"
    assert "lasting" in ids(result)


def plateau(rules, top: int, low: int, last_at: float):
    """``top`` 10 h after the massage, then ``low`` once a day and at ``last_at`` hours."""
    days = [(24.0 * d, low) for d in range(1, 30) if 24 * d < last_at]
    return run(rules, (10, top), *days, (last_at, low))


@pytest.mark.parametrize(
    "offset, fires",
    [(-1, False), (-SECOND, False), (0, True), (SECOND, True), (48, True)],
    ids=["an-hour-before", "a-second-before", "at-the-mark", "a-second-after", "two-days-after"],
)
def test_a_plateau_after_a_real_drop_is_lasting_from_the_mark_on(rules, offset, fires):
    """6, then 2 every day: the trend stays "improving" (from the 6) however long
    the 2 lasts, so the time rule alone must catch it, at the mark and not before."""
    assert rules.high_score > 6 and rules.flat_band < 6 - 2  # a real drop, not a high score
    result = plateau(rules, 6, 2, rules.lasting_after_hours + offset)
    assert result.trend == "improving"
    assert ids(result) == (["lasting"] if fires else [])


@pytest.mark.parametrize("offset", [-SECOND, 0, 48])
def test_a_plateau_at_zero_is_never_lasting(rules, offset):
    """No soreness left: nothing to be seen for, however long after the massage."""
    after_a_drop = plateau(rules, 6, 0, rules.lasting_after_hours + offset)
    assert after_a_drop.trend == "improving" and after_a_drop.escalations == []
    all_along = plateau(rules, 0, 0, rules.lasting_after_hours + offset)
    assert all_along.trend == "flat" and all_along.escalations == []


@pytest.mark.parametrize("wobble", [False, True], ids=["level", "wobbling-within-the-band"])
def test_a_plateau_with_no_real_drop_is_lasting_from_the_mark_on(rules, wobble):
    """3 every day (or 3, 2, 3, 2 with a band of 1): flat, and still sore at the mark."""
    at, _ = band_steps(rules)
    h = rules.lasting_after_hours
    for offset, fires in ((-SECOND, False), (0, True), (24, True)):
        last = h + offset
        hours = [24.0 * d for d in range(1, 30) if 24 * d < last] + [last]
        points = [(10.0, 3)] + [(t, 3 - at * (wobble and i % 2 == 0)) for i, t in enumerate(hours)]
        result = run(rules, *points)
        assert result.trend == "flat", points
        assert ids(result) == (["lasting"] if fires else []), points


def test_no_soreness_left_at_the_threshold_is_not_lasting(rules):
    h = rules.lasting_after_hours
    assert run(rules, (10, 0), (h + 10, 0)).escalations == []
    assert run(rules, (10, 6), (h - 1, 2), (h + 10, 0)).escalations == []


def test_time_rules_need_a_massage(rules):
    h = max(rules.lasting_after_hours, rules.rising_after_hours)
    _, over = band_steps(rules)
    assert run(rules, (h, 2), (h + 10, 2 + over), massage_at=None).escalations == []
    assert run(rules, (h + 10, 5), massage_at=None).escalations == []


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


def test_a_gradual_rise_after_the_threshold_is_rising_and_worse(rules):
    """The reviewer's case: massage 70 h ago, then 3, 4, 5, 6, 7 from 49 h to 57 h."""
    at, _ = band_steps(rules)
    h = rules.rising_after_hours
    points = [(h + 1 + 2 * i, 3 + i * at) for i in range(5)]
    scores = episode(*points)
    result = assess(scores, rules, M, now=M + timedelta(hours=70), words=WORDS)
    assert result.trend == "worse"
    assert "rising" in ids(result)


def test_rising_counts_from_the_lowest_score_after_the_mark(rules):
    at, over = band_steps(rules)
    h = rules.rising_after_hours
    # down after the mark, then back up by just over the band
    assert "rising" in ids(run(rules, (10, 6), (h + 1, 3), (h + 5, 3 + over)))
    # ... and by exactly the band
    assert "rising" not in ids(run(rules, (10, 6), (h + 1, 3), (h + 5, 3 + at)))


def test_rising_starts_from_the_last_score_before_the_mark(rules):
    at, over = band_steps(rules)
    h = rules.rising_after_hours
    # the starting point just before the mark; an older low before it does not count
    assert "rising" in ids(run(rules, (h - 10, 3), (h - SECOND, 3), (h, 3 + over)))
    assert "rising" not in ids(run(rules, (h - 10, 1), (h - SECOND, 3), (h, 3 + at)))


def test_a_rise_before_the_mark_alone_is_not_rising(rules):
    _, over = band_steps(rules)
    h = rules.rising_after_hours
    # it rose before the mark and has stayed since
    result = run(rules, (10, 2), (h - 1, 2 + over), (h + 10, 2 + over))
    assert "rising" not in ids(result)


def test_every_escalation_uses_the_topics_message_and_points_to_check(rules):
    _, over = band_steps(rules)
    h = max(rules.lasting_after_hours, rules.rising_after_hours)
    result = run(rules, (10, rules.high_score - over), (h, rules.high_score))
    assert ids(result) == ["high_score", "lasting", "rising"]
    for _, message in result.escalations:
        assert "soreadvisor check" in message and "{" not in message
    said = dict(result.escalations)
    assert str(rules.high_score) in said["high_score"]
    assert said["lasting"] == rules.messages["lasting"].replace(
        "{lasting_after}", f"{int(rules.lasting_after_hours // 24)} days"
    )


def test_a_warning_shows_its_threshold_as_the_rules_say_it(rules):
    """The words follow the numbers: change a threshold and the message changes."""
    import dataclasses

    changed = dataclasses.replace(rules, lasting_after_hours=96, high_score=9)
    result = run(changed, (10, 5), (96, 9))
    said = dict(result.escalations)
    assert "4 days" in said["lasting"] and "3 days" not in said["lasting"]
    assert "9 or more" in said["high_score"]
    odd = dataclasses.replace(rules, lasting_after_hours=36)
    assert "36 h" in dict(run(odd, (36, 5)).escalations)["lasting"]


# -- the chart and the report ------------------------------------------------------


def test_history_report_counts_hours_from_the_massage_before_each_entry(topic):
    first, second = Massage(1, M), Massage(2, M + timedelta(days=3))
    scores = [
        Score(1, M + timedelta(hours=30), 4),
        Score(2, M + timedelta(days=3, hours=6), 5),
    ]
    now = M + timedelta(days=4)
    result = assess(scores[1:], topic.diary, second.at, now, WORDS)
    report = history_report(
        topic, entries=scores, total=2, massage=second, massages=[first, second],
        days=7, assessment=result, now=now,
    )  # fmt: skip
    entries = [i for s in report.sections if s.key == "entries" for i in s.items]
    assert [e.data["hours_since_massage"] for e in entries] == [30.0, 6.0]
    assert report.meta["massage"]["id"] == 2


def test_a_trend_message_may_name_a_threshold_too(topic):
    import dataclasses

    messages = {**topic.diary.messages, "flat": "The same; {high_score} or more needs a check."}
    rules = dataclasses.replace(topic.diary, messages=messages)
    scores = episode((1, 5), (2, 5))
    now = M + timedelta(hours=3)
    report = history_report(
        dataclasses.replace(topic, diary=rules), entries=scores, total=2, massage=Massage(1, M),
        massages=[Massage(1, M)], days=7, assessment=assess(scores, rules, M, now, WORDS), now=now,
    )  # fmt: skip
    said = next(s for s in report.sections if s.key == "trend_message").items[0].title
    assert said == f"The same; {rules.high_score} or more needs a check."
