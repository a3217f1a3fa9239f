"""Reading when something happened: ``6h``, ``2h ago``, ``yesterday 18:00``, ISO.

Everything returns an aware UTC datetime. A time without a zone is local
time (a time the clocks skipped is refused). A moment in the future is
refused: soreness cannot start tomorrow; so is one before 1970 (``EARLIEST``).

Accepted forms:

- ``now``
- a duration, meaning that long ago: ``6h``, ``30m``, ``2d``, ``1h30m``,
  ``2h ago``, ``90 minutes ago``, ``1 day ago``
- a day and/or a clock time, local: ``today``, ``yesterday``,
  ``yesterday 18:00``, ``today at 9:30``, ``18:00``, ``6pm``, ``yesterday 6:30pm``
- an ISO 8601 date or date-time: ``2026-11-23``, ``2026-11-23 18:00``,
  ``2026-11-23T18:00:00+01:00``, ``2026-11-23T17:00Z``
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

from .errors import UsageProblem, UserError
from .text import fill_in

_UNITS = {
    "m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes",
    "minutes": "minutes",
    "h": "hours", "hr": "hours", "hrs": "hours", "hour": "hours", "hours": "hours",
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
}  # fmt: skip
# One amount and unit, matched again and again from where the last ended: no
# pattern repeats a group with optional parts, so reading is linear in the text
# (a repeated group could backtrack exponentially on "1h 1h ... 1h !").
_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?", re.I)
_CLOCK = r"(\d{1,2})(?::(\d{2}))?(?:\s*([ap])\.?m\.?)?"
_DAY_TIME = re.compile(rf"^\s*(today|yesterday)(?:\s+(?:at\s+)?{_CLOCK})?\s*$", re.I)
_TIME_ONLY = re.compile(rf"^\s*(?:at\s+)?{_CLOCK}\s*$", re.I)

# The times a diary takes and gives back. Before the first days of 1970 a local
# time cannot be had everywhere (Windows refuses negative timestamps, and a
# time near year 1 turns into year 0 in a zone west of Greenwich); the far end
# leaves every zone room. Input is refused outside, and so is a stored row.
EARLIEST = datetime(1970, 1, 2, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)

HELP = "use e.g. 6h, 30m, 2d, '2h ago', 'yesterday 18:00' or 2026-11-23T09:30"


def check_zone() -> None:
    """Refuse, in one line, a local time zone Python cannot use.

    The C library takes offsets up to 24:59:59 (``TZ=UTC+24``, ``TZ=XXX-24:59``);
    Python's time zones stop short of 24 hours, so every local time would fail.
    Called before a diary command reads or saves anything.
    """
    import os

    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError, OSError):
        zone = os.environ.get("TZ")
        named = f" (TZ={zone!r})" if zone is not None else ""
        raise UserError(
            f"the time zone{named} is 24 hours or more from UTC, which soreadvisor cannot "
            "use for the diary; set TZ to a real zone such as 'Europe/London' or 'UTC'"
        ) from None


def parse_duration(text: str) -> timedelta | None:
    """``6h``, ``1d12h``, ``30m``, ``2h ago``, ``90 minutes ago`` as a timedelta, else None."""
    parts, end = [], 0
    while (m := _PART.match(text, end)) is not None:
        parts.append(m.groups())
        end = m.end()
    if not parts or text[end:].strip().lower() not in ("", "ago"):
        return None
    total = timedelta()
    for amount, unit in parts:
        name = _UNITS.get(unit.lower())
        if name is None:
            return None
        try:
            total += timedelta(**{name: float(amount)})
        except OverflowError:
            raise UsageProblem(f"{text!r} is too long ago; {HELP}") from None
    return total


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """A point in time (UTC) from what a person would type."""
    now = now or datetime.now(timezone.utc)
    raw = text.strip()
    if not raw:
        raise UsageProblem(f"no time given; {HELP}")
    if raw.lower() == "now":
        return now
    span = parse_duration(raw)
    if span is not None:
        try:
            when = now - span
        except OverflowError:
            raise UsageProblem(f"{text!r} is too long ago; {HELP}") from None
    else:
        when = _clock_time(raw, text, now) or _iso(raw, text)
    if when < EARLIEST:
        raise UsageProblem(f"{text!r} is too long ago (the earliest is 1970-01-02 UTC); {HELP}")
    if when > now + timedelta(minutes=1):
        if _TIME_ONLY.match(raw):
            raise UsageProblem(f"{text!r} today is still to come; did you mean 'yesterday {raw}'?")
        raise UsageProblem(f"{text!r} is in the future; {HELP}")
    return when


_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
DAY_HELP = "use today, tomorrow, yesterday or a date such as 2026-11-23"


def parse_day(text: str, now: datetime | None = None) -> date:
    """A local calendar day, which may be to come (an appointment, unlike
    soreness, can be tomorrow): ``today``, ``tomorrow``, ``yesterday``, a date
    ``YYYY-MM-DD`` from ``EARLIEST`` to a year ahead, or the day of a moment
    ``parse_when`` reads (``now``, ``2d``)."""
    now = now or datetime.now(timezone.utc)
    today = now.astimezone().date()
    word = " ".join(text.split()).casefold()
    if word in _DAYS:
        return today + timedelta(days=_DAYS[word])
    m = _DATE.match(text)
    if m is None:
        try:
            return parse_when(text, now).astimezone().date()
        except UsageProblem:
            raise UsageProblem(f"{text!r} is not a day soreadvisor can read; {DAY_HELP}") from None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise UsageProblem(f"{text!r} is not a date; {DAY_HELP}") from None
    if day < EARLIEST.date():
        raise UsageProblem(f"{text!r} is before {EARLIEST.year}; {DAY_HELP}")
    if day > today + timedelta(days=366):
        raise UsageProblem(f"{text!r} is more than a year away; {DAY_HELP}")
    return day


def _clock_time(raw: str, text: str, now: datetime) -> datetime | None:
    """``today``, ``yesterday 18:00``, ``6pm``, ``18:00``: local day and time, else None."""
    m = _DAY_TIME.match(raw)
    if m:
        day_word, hour, minute, half = m.groups()
    else:
        m = _TIME_ONLY.match(raw)
        # A bare number is not a time: it needs a colon or am/pm.
        if not m or (m.group(2) is None and m.group(3) is None):
            return None
        day_word, (hour, minute, half) = "today", m.groups()
    local_now = now.astimezone()
    day = local_now.date() - timedelta(days=1 if day_word.lower() == "yesterday" else 0)
    if hour is None:
        h, mi = local_now.hour, local_now.minute
    else:
        h, mi = int(hour), int(minute or 0)
        if half:
            if not 1 <= h <= 12:
                raise UsageProblem(f"{text!r} is not a time of day; {HELP}")
            h = h % 12 + (12 if half.lower() == "p" else 0)
    if h > 23 or mi > 59:
        raise UsageProblem(f"{text!r} is not a time of day; {HELP}")
    return _local(datetime(day.year, day.month, day.day, h, mi), text)


def _local(naive: datetime, text: str) -> datetime:
    """A local wall-clock time as UTC. A time the clocks skipped (spring
    forward) is refused rather than moved by an hour; one they passed twice
    (fall back) is the first of the two."""
    aware = naive.astimezone()
    if aware.replace(tzinfo=None) != naive:
        raise UsageProblem(
            f"{text!r} did not happen here: the clocks went forward over it; "
            "give a time an hour earlier or later"
        )
    return aware.astimezone(timezone.utc)


def _iso(raw: str, text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise UsageProblem(f"cannot read the time {text!r}; {HELP}") from None
    try:
        if parsed.tzinfo is None:
            return _local(parsed, text)
        return parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError, OSError):
        raise UsageProblem(f"cannot use the time {text!r}; {HELP}") from None


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def span_text(hours: float, words: Mapping[str, str]) -> str:
    """``under a minute``, ``1 min``, ``45 min``, ``6 h``, ``6.5 h``, ``30 h``, ``3 days``,
    ``3.5 days`` (in ``words``, the program's words: ``time.*``); rounded down, so a
    plan at 47.9 h never says 48."""
    if hours < 1:
        minutes = max(math.floor(hours * 60), 0)
        if minutes == 0:
            return words["time.under_a_minute"]
        return fill_in(words["time.minutes"], {"n": minutes})
    if hours < 10:
        return fill_in(words["time.hours"], {"n": f"{math.floor(hours * 10) / 10:g}"})
    if hours < 48:
        return fill_in(words["time.hours"], {"n": math.floor(hours)})
    return fill_in(words["time.days_many"], {"n": f"{math.floor(hours / 24 * 10) / 10:g}"})


def days_text(hours: float, words: Mapping[str, str]) -> str:
    """``3 days``, ``1 day``, ``36 h``: whole days as days, anything else as span_text."""
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return fill_in(words["time.days_one" if days == 1 else "time.days_many"], {"n": days})
    return span_text(hours, words)


def moment_text(at: datetime, words: Mapping[str, str], key: str = "time.moment") -> str:
    """A moment in local time as ``words[key]`` writes it (``Mon 24 Nov 2026 18:00``):
    the names of days and months are words too, never the C library's English."""
    local = at.astimezone()
    weekdays = [w.strip() for w in words["time.weekdays"].split(",")]
    months = [m.strip() for m in words["time.months"].split(",")]
    values = {
        "weekday": weekdays[local.weekday()] if len(weekdays) == 7 else "",
        "day": f"{local.day:02d}",
        "month": months[local.month - 1] if len(months) == 12 else f"{local.month:02d}",
        "year": local.year,
        "time": f"{local.hour:02d}:{local.minute:02d}",
    }
    return " ".join(fill_in(words[key], values).split())
