"""Reading when something happened: ``6h``, ``2h ago``, ``yesterday 18:00``, ISO.

Everything returns an aware UTC datetime. A time without a zone is local
time. A moment in the future is refused: soreness cannot start tomorrow.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from .errors import UsageProblem

_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "hr": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"^\s*((\d+(\.\d+)?)\s*(m|min|h|hr|d|w)\s*)+(ago)?\s*$", re.I)
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(min|m|hr|h|d|w)", re.I)
_DAY_TIME = re.compile(r"^\s*(today|yesterday)(?:\s+(\d{1,2})(?::(\d{2}))?)?\s*$", re.I)

HELP = "use e.g. 6h, 30m, 2d, '2h ago', 'yesterday 18:00' or 2026-11-23T09:30"


def parse_duration(text: str) -> timedelta | None:
    """``6h``, ``1d12h``, ``30m``, ``2h ago`` as a timedelta, else None."""
    if not _DURATION.match(text):
        return None
    total = timedelta()
    for amount, unit in _PART.findall(text):
        total += timedelta(**{_UNITS[unit.lower()]: float(amount)})
    return total


def parse_when(text: str, now: datetime | None = None) -> datetime:
    """A point in time (UTC) from what a person would type."""
    now = now or datetime.now(timezone.utc)
    raw = text.strip()
    if raw.lower() == "now":
        return now
    span = parse_duration(raw)
    if span is not None:
        return now - span
    local_now = now.astimezone()
    m = _DAY_TIME.match(raw)
    if m:
        day = local_now.date() - timedelta(days=1 if m.group(1).lower() == "yesterday" else 0)
        hour, minute = int(m.group(2) or 0), int(m.group(3) or 0)
        if m.group(2) is None:
            hour, minute = (local_now.hour, local_now.minute)
        if hour > 23 or minute > 59:
            raise UsageProblem(f"{text!r} is not a time of day; {HELP}")
        naive = datetime(day.year, day.month, day.day, hour, minute)
        when = naive.astimezone().astimezone(timezone.utc)
    else:
        try:
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            raise UsageProblem(f"cannot read the time {text!r}; {HELP}") from None
        if parsed.tzinfo is None:
            parsed = parsed.astimezone()
        when = parsed.astimezone(timezone.utc)
    if when > now + timedelta(minutes=1):
        raise UsageProblem(f"{text!r} is in the future; {HELP}")
    return when


def hours_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600
