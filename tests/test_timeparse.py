"""WHEN on the command line: relative, clock and ISO forms; local time in, UTC out."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest
from conftest import WORDS

from soreadvisor.errors import UsageProblem
from soreadvisor.timeparse import EARLIEST, hours_between, parse_duration, parse_when, span_text

UTC = timezone.utc
# 20:00 UTC is 01:30 the next day in a zone at UTC+05:30.
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text, ago",
    [
        ("6h", timedelta(hours=6)),
        ("2h ago", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("90 minutes ago", timedelta(minutes=90)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1 day ago", timedelta(days=1)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1.5h", timedelta(minutes=90)),
        ("now", timedelta()),
    ],
)
def test_relative_times_count_back_from_now(text, ago):
    assert parse_when(text, NOW) == NOW - ago


def test_every_result_is_aware_utc(india_time):
    for text in ("now", "2h ago", "yesterday 18:00", "01:00", "2026-11-23T10:00", "2026-11-23"):
        when = parse_when(text, NOW)
        assert when.utcoffset() == timedelta(0), text


def test_yesterday_at_a_clock_time_is_local(india_time):
    # Local "now" is 24 Nov 01:30, so yesterday 18:00 local is 23 Nov 18:00 +05:30.
    when = parse_when("yesterday 18:00", NOW)
    assert when == datetime(2026, 11, 23, 12, 30, tzinfo=UTC)


def test_a_bare_clock_time_is_today_local(india_time):
    assert parse_when("01:00", NOW) == datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    assert parse_when("today 1am", NOW) == parse_when("01:00", NOW)


@pytest.mark.parametrize(
    "text, local_hour",
    [("6pm", 18), ("6:30pm", 18), ("12am", 0), ("12pm", 12), ("yesterday 9am", 9)],
)
def test_am_pm(text, local_hour):
    now = datetime(2026, 11, 23, 23, 59, tzinfo=UTC).astimezone()
    assert parse_when(text, now).astimezone().hour == local_hour


def test_yesterday_alone_is_this_time_yesterday():
    assert parse_when("yesterday", NOW) == NOW - timedelta(days=1)


def test_iso_with_an_offset_or_z_is_exact_and_without_one_is_local(india_time):
    assert parse_when("2026-11-23T18:00:00+01:00", NOW) == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert parse_when("2026-11-23T17:00Z", NOW) == datetime(2026, 11, 23, 17, tzinfo=UTC)
    assert parse_when("2026-11-23 10:00", NOW) == datetime(2026, 11, 23, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "tomorrow", "banana", "25:00", "10:75", "13pm", "0am", "18", "2026-13-01",
     "6 parsecs ago", "h", "-2h", "yesterday 24:00"],
)  # fmt: skip
def test_bad_input_is_a_usage_error_that_shows_examples(text):
    with pytest.raises(UsageProblem) as caught:
        parse_when(text, NOW)
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value)


def test_absurdly_long_ago_is_a_usage_error_not_a_crash():
    with pytest.raises(UsageProblem, match="too long ago"):
        parse_when("99999999d", NOW)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00-00:01", "1969-12-31T23:00:00Z", "1970-01-01", "30000d"]
)
def test_times_before_the_diary_can_hold_are_refused(text):
    """Year 1 minus a minute of offset used to be saved, and then broke every
    export west of Greenwich (year 0); before 1970, Windows has no local time."""
    with pytest.raises(UsageProblem, match="too long ago"):
        parse_when(text)


def test_the_earliest_time_is_accepted():
    assert parse_when("1970-01-02T00:00:00Z") == EARLIEST


def test_future_times_are_refused():
    with pytest.raises(UsageProblem, match="future"):
        parse_when("2026-11-23T20:05Z", NOW)
    with pytest.raises(UsageProblem, match="future"):
        parse_when("2027-01-01", NOW)


def test_a_few_seconds_of_clock_skew_are_tolerated():
    assert parse_when("2026-11-23T20:00:30Z", NOW) == NOW + timedelta(seconds=30)


def test_a_clock_time_still_to_come_today_suggests_yesterday(india_time):
    with pytest.raises(UsageProblem, match="did you mean 'yesterday 23:00'"):
        parse_when("23:00", NOW)


def test_parse_duration_is_none_for_things_that_are_not_durations():
    assert parse_duration("18:00") is None
    assert parse_duration("yesterday") is None
    assert parse_duration("6 parsecs") is None
    assert parse_duration("2h") == timedelta(hours=2)


def test_hours_between():
    assert hours_between(NOW - timedelta(hours=30), NOW) == 30


@pytest.fixture
def uk_time(monkeypatch):
    """Local time with daylight saving, as in the UK (a POSIX TZ string): in 2026
    the clocks skip 01:00-02:00 on 29 March and pass it twice on 25 October."""
    monkeypatch.setenv("TZ", "GMT0BST,M3.5.0/1,M10.5.0")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("text", ["2026-03-29 01:30", "2026-03-29T01:00"])
def test_a_time_the_clocks_skipped_is_refused_not_moved(uk_time, text):
    with pytest.raises(UsageProblem, match="clocks went forward"):
        parse_when(text, now=NOW)


def test_a_skipped_time_typed_as_yesterday_is_refused_too(uk_time):
    with pytest.raises(UsageProblem, match="clocks went forward"):
        parse_when("yesterday 1:30am", now=datetime(2026, 3, 30, 12, 0, tzinfo=UTC))


def test_times_around_the_change_are_kept_exactly(uk_time):
    assert parse_when("2026-03-29 00:59", now=NOW) == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert parse_when("2026-03-29 02:00", now=NOW) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_time_the_clocks_passed_twice_is_the_first_of_the_two(uk_time):
    assert parse_when("2026-10-25 01:30", now=NOW) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0, "under a minute"),
        (0.5 / 60, "under a minute"),
        (1 / 60, "1 min"),
        (0.75, "45 min"),
        (6, "6 h"),
        (6.55, "6.5 h"),
        (9.99, "9.9 h"),
        (30, "30 h"),
        (47.9, "47 h"),
        (48, "2 days"),
        (84, "3.5 days"),
    ],
)
def test_spans_read_naturally_and_round_down(hours, text):
    assert span_text(hours, WORDS) == text


# --- a calendar day (the aftercare sheet's appointment) ------------------------------


def test_a_day_may_be_to_come_within_a_year():
    from datetime import date

    from soreadvisor.timeparse import parse_day

    now = datetime(2026, 12, 6, 12, tzinfo=timezone.utc)
    local = now.astimezone().date()
    assert parse_day("tomorrow", now) == local + timedelta(days=1)
    assert parse_day(" Yesterday ", now) == local - timedelta(days=1)
    assert parse_day("today", now) == parse_day("now", now) == local
    assert parse_day("2027-06-01", now) == date(2027, 6, 1)
    assert parse_day("2d", now) == (now - timedelta(days=2)).astimezone().date()


@pytest.mark.parametrize(
    "text", ["9999-12-31", "0001-01-01", "1969-12-31", "2026-02-30", "20261209", "2026-W50-1", ""]
)
def test_a_day_out_of_range_or_unreadable_is_a_usage_error(text):
    from soreadvisor.timeparse import parse_day

    with pytest.raises(UsageProblem):
        parse_day(text, datetime(2026, 12, 6, 12, tzinfo=timezone.utc))
