"""``remind``: the check-ins after a massage, as moments in the person's own time.

Pure: the topic's ``reminders:`` (when, and what to look for), the massage
time and the profile in; the moments and their words out. The calendar file
itself is ``soreadvisor.render.ical``.

A check-in is ``after_hours`` after the massage; one with a ``clock`` moves on
to the first such time of day in the local zone (the zone the diary shows
times in), so "the next morning" is 09:00 on this computer's clock, whatever
the zone and its daylight saving; one due in the ``night`` waits for its end
(no alarm at 5 in the morning). The massage counts to the minute: its
seconds are dropped, so ``--at 'yesterday 18:00'`` and the diary's record of
the same massage give the same check-ins, and the same UIDs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

from ..kb.models import Checkin, Night, Reminders, Topic
from ..report import Field, Item, Report, Section
from ..text import fill_in
from ..timeparse import days_text, span_text
from .common import finish, new_report, phrase
from .profile import Profile
from .trend import iso_local, when_text
from .triage import pointer_section, warning_sign_sections


class Planned:
    """One check-in at its moment (aware UTC), with what the calendar shows."""

    def __init__(self, checkin: Checkin, at: datetime, title: str, uid: str, description: str):
        self.checkin = checkin
        self.at = at
        self.title = title
        self.uid = uid
        self.description = description


def reminders_of(topic: Topic) -> Reminders:
    from ..errors import UserError

    if topic.reminders is None or not topic.reminders.checkins:
        raise UserError(f"topic {topic.id!r} has no check-ins to remind of")
    return topic.reminders


def counted_from(massage_at: datetime) -> datetime:
    """The massage to the minute, in UTC: what every check-in and UID counts from."""
    return massage_at.astimezone(timezone.utc).replace(second=0, microsecond=0)


def moment(checkin: Checkin, massage_at: datetime, night: Night | None = None) -> datetime:
    """When ``checkin`` falls after a massage at ``massage_at`` (aware UTC): moved
    on to its ``clock`` time of day, then out of the ``night``, when given."""
    at = counted_from(massage_at) + timedelta(hours=checkin.after_hours)
    if checkin.clock is not None:
        at = _next_clock(at, checkin.clock)
    if night is not None and _in_night(at, night):
        at = _next_clock(at, night.ends)
    return at


def _minutes(clock: str) -> int:
    hour, minute = clock.split(":")
    return int(hour) * 60 + int(minute)


def _in_night(at: datetime, night: Night) -> bool:
    local = at.astimezone()
    now, starts, ends = local.hour * 60 + local.minute, _minutes(night.starts), _minutes(night.ends)
    if starts <= ends:
        return starts <= now < ends
    return now >= starts or now < ends  # across midnight


def _next_clock(start: datetime, clock: str) -> datetime:
    """The first local ``clock`` time of day at or after ``start`` (aware UTC)."""
    hour, minute = divmod(_minutes(clock), 60)
    day = start.astimezone().date()
    for _ in range(3):  # today's clock time, else tomorrow's (a skipped hour: the day after)
        # A naive time is local time to astimezone: this zone's offset on that day.
        at = datetime(day.year, day.month, day.day, hour, minute).astimezone()
        if at >= start:
            return at.astimezone(timezone.utc)
        day += timedelta(days=1)
    return start  # unreachable with a valid clock; the unmoved moment is still right


def uid(topic: Topic, checkin: Checkin, massage_at: datetime) -> str:
    """The same for the same topic, check-in and massage (to the minute), so a
    calendar that imports the file twice updates each event instead of adding
    it again. A digest: the UID does not show when the massage was."""
    key = f"{topic.id}\n{counted_from(massage_at):%Y%m%dT%H%MZ}\n{checkin.id}"
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@soreadvisor"


def with_after(checkin: Checkin, text: str, words: Mapping[str, str]) -> str:
    """A check-in's text with ``{after}`` as words: ``2 days``, ``8 h``."""
    return fill_in(text, {"after": days_text(checkin.after_hours, words)})


def description(topic: Topic, checkin: Checkin, profile: Profile) -> str:
    """What a check-in's calendar entry says: what to look for, then the warning
    signs that mean not waiting (each level headed by what to do, with the
    person's emergency number, or the generic one once), then how to log it."""
    lines = [with_after(checkin, checkin.look_for, topic.wording)]
    # Each level's action follows its list, as in cope: for an emergency it
    # says what to do while waiting (don't drive), even where the generic
    # number makes the line long.
    for section in warning_sign_sections(topic, profile):
        lines += ["", f"{section.title}:", *(f"- {i.title}" for i in section.items)]
        if section.note:
            lines.append(section.note)
    lines += ["", phrase(topic, "remind.log"), "", topic.disclaimer]
    return "\n".join(lines)


def plan_checkins(
    topic: Topic, massage_at: datetime, profile: Profile, now: datetime
) -> tuple[list[Planned], int]:
    """The check-ins still to come after ``massage_at``, in time order, and how
    many have already passed (a reminder of the past reminds of nothing)."""
    reminders = reminders_of(topic)
    planned = [
        Planned(
            checkin,
            moment(checkin, massage_at, reminders.night),
            with_after(checkin, checkin.title, topic.wording),
            uid(topic, checkin, massage_at),
            description(topic, checkin, profile),
        )
        for checkin in reminders.checkins
    ]
    planned.sort(key=lambda p: p.at)
    coming = [p for p in planned if p.at > now]
    return coming, len(planned) - len(coming)


def listing(
    topic: Topic, massage_at: datetime, planned: list[Planned], passed: int, profile: Profile
) -> Report:
    """The check-ins as a short list: the warning-sign line first, then each time."""
    report = new_report(topic, "remind", "remind.title")
    massage = counted_from(massage_at)
    report.headline = phrase(topic, "remind.massage", when=when_text(massage, topic.wording))
    report.intro = phrase(topic, "remind.save")
    report.meta["massage"] = {"at": iso_local(massage)}
    pointer = pointer_section(topic, profile)
    if pointer is not None:
        report.add(pointer)

    items = []
    for p in planned:
        hours = (p.at - massage).total_seconds() / 3600
        items.append(
            Item(
                title="",
                id=p.checkin.id,
                fields=[
                    Field("at", phrase(topic, "field.at"), value=p.at),
                    Field(
                        "hours_since_massage",
                        phrase(topic, "field.hours_since_massage"),
                        span_text(hours, topic.wording),
                    ),
                    Field("checkin", phrase(topic, "remind.checkin"), p.title),
                ],
                data={
                    "at": iso_local(p.at),
                    "hours_since_massage": round(hours, 1),
                    "look_for": with_after(p.checkin, p.checkin.look_for, topic.wording),
                    "uid": p.uid,
                },
                cites=p.checkin.references,
            )
        )
    note = ""
    if passed:
        note = phrase(topic, "remind.passed_one" if passed == 1 else "remind.passed_many", n=passed)
    title = phrase(topic, "remind.checkins")
    report.add(Section("checkins", title, items, kind="records", note=note))
    return finish(report, topic, profile)
