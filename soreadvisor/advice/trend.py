"""The diary's verdict: is the soreness easing, and is it time to get checked?

Pure: scores, the topic's ``diary:`` rules and the time in; words out. Every
threshold and sentence comes from the knowledge base.

The episode is the scores since the last massage. Its trend needs two scores:

- **worse**: the latest score is above the one before by more than ``flat_band``;
- **improving**: the latest is not above the one before, and is below the
  highest earlier score by more than ``flat_band`` (easing from the worst);
- **flat**: anything else.

Escalations, each with its message, all pointing to ``soreadvisor check``:

- ``high_score``: any score is ``high_score`` or more;
- ``not_improving``: the latest score was taken ``not_improving_after_hours``
  or more after the massage, is above 0, and the trend is not improving;
- ``rising``: the latest score was taken ``rising_after_hours`` or more after
  the massage, and the trend is worse.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..diary.models import SCORE_MAX, Massage, Score
from ..kb.models import DiaryRules, Topic
from ..report import Field, Item, Report, Section
from .common import finish, new_report

TRENDS = ("improving", "flat", "worse")
ESCALATIONS = ("high_score", "not_improving", "rising")  # most urgent first
SPARKS = "▁▂▃▄▅▆▇█"
CHART_WIDTH = 60  # the sparkline shows at most this many of the latest scores


@dataclass(frozen=True)
class Assessment:
    trend: str | None  # improving, flat, worse; None with fewer than two scores
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (rule id, message)


def hours_after(massage_at: datetime | None, at: datetime) -> float | None:
    return None if massage_at is None else (at - massage_at).total_seconds() / 3600


def assess(
    scores: Sequence[Score],
    rules: DiaryRules,
    massage_at: datetime | None,
    now: datetime,
    earlier_peak: int | None = None,
) -> Assessment:
    """The trend and escalations of an episode.

    ``scores`` are the episode's scores, oldest first: all of them, or only
    the latest ones with ``earlier_peak`` the highest score before them.
    Scores after ``now`` (a clock set wrong) are left out.
    """
    scores = [s for s in scores if s.at <= now]
    if not scores:
        return Assessment(None)
    highest = max(s.score for s in scores)
    if earlier_peak is not None:
        highest = max(highest, earlier_peak)
    escalations = []
    if highest >= rules.high_score:
        escalations.append("high_score")
    trend = None
    if len(scores) >= 2:
        latest, previous = scores[-1], scores[-2]
        before = [s.score for s in scores[:-1]]
        peak = max(before + ([earlier_peak] if earlier_peak is not None else []))
        if latest.score - previous.score > rules.flat_band:
            trend = "worse"
        elif latest.score <= previous.score and peak - latest.score > rules.flat_band:
            trend = "improving"
        else:
            trend = "flat"
        hours = hours_after(massage_at, latest.at)
        if hours is not None:
            if (
                hours >= rules.not_improving_after_hours
                and latest.score > 0
                and trend != "improving"
            ):
                escalations.append("not_improving")
            if hours >= rules.rising_after_hours and trend == "worse":
                escalations.append("rising")
    return Assessment(trend, [(e, rules.messages[e]) for e in ESCALATIONS if e in escalations])


def sparkline(values: Sequence[float], top: float = SCORE_MAX) -> str:
    """``▁▃▇`` for scores on a fixed 0..top scale (so 3 and 4 never look like 1 and 8)."""
    steps = len(SPARKS) - 1
    return "".join(SPARKS[round(min(max(v, 0), top) / top * steps)] for v in values)


def bar(score: int, top: int = SCORE_MAX) -> str:
    return "█" * score + "·" * (top - score)


# -- the history report ------------------------------------------------------


def local(at: datetime) -> datetime:
    return at.astimezone()


def iso_local(at: datetime) -> str:
    return local(at).isoformat(timespec="seconds")


def when_text(at: datetime) -> str:
    return local(at).strftime("%a %d %b %Y %H:%M")


def span_text(hours: float) -> str:
    """``45 min``, ``30 h``, ``3.5 days``."""
    if hours < 1:
        return f"{max(round(hours * 60), 0)} min"
    if hours < 48:
        return f"{hours:.1f} h" if hours < 10 else f"{hours:.0f} h"
    return f"{hours / 24:.1f} days"


def massage_dict(massage: Massage | None, now: datetime) -> dict | None:
    if massage is None:
        return None
    return {
        "id": massage.id,
        "at": iso_local(massage.at),
        "hours_ago": round(hours_after(massage.at, now) or 0.0, 1),
        "intensity": massage.intensity,
        "note": massage.note,
    }


def _short_when(at: datetime, now: datetime) -> str:
    """``Mon 23 Nov 18:00``; with the year when it is not this year's."""
    there = local(at)
    return there.strftime("%a %d %b %H:%M" if there.year == local(now).year else "%d %b %Y %H:%M")


def _entry(score: Score, hours: float | None, now: datetime) -> Item:
    fields = []
    if hours is not None:
        fields.append(Field("hours_since_massage", "After the massage", span_text(hours)))
    if score.where:
        fields.append(Field("where", "Where", score.where))
    if score.note:
        fields.append(Field("note", "Note", score.note))
    after = "no massage" if hours is None else f"{hours:.1f} h after massage"
    when = local(score.at).strftime("%Y-%m-%d %H:%M")
    line = " | ".join([when, f"{score.score}/10", after, score.where or "-", score.note or "-"])
    return Item(
        title=when_text(score.at),
        summary=f"{score.score}/10",
        fields=fields,
        data={
            "id": score.id,
            "at": iso_local(score.at),
            "hours_since_massage": None if hours is None else round(hours, 1),
            "score": score.score,
            "where": score.where,
            "note": score.note,
        },
        line=line,
        cells=[
            _short_when(score.at, now),
            "–" if hours is None else span_text(hours),
            f"{score.score:>2}/10 {bar(score.score)}",
            score.where or "",
            score.note or "",
        ],
    )


def history_report(
    topic: Topic,
    *,
    entries: Sequence[Score],
    total: int,
    massage: Massage | None,
    massages: Sequence[Massage],
    days: float | None,
    assessment: Assessment,
    now: datetime,
) -> Report:
    """The diary window as a Report: a table of scores, the trend, and when to get checked.

    Each entry's hours count from the latest of ``massages`` at or before it.
    In plain text it is one line per entry, then the trend, then each warning.
    """
    report = new_report(topic, "history", "Soreness diary")
    report.listing = True
    if massage is not None:
        ago = span_text(hours_after(massage.at, now) or 0.0)
        how = f", {massage.intensity}" if massage.intensity else ""
        report.headline = f"Last massage {when_text(massage.at)}{how}: {ago} ago"
    else:
        report.headline = "No massage recorded: add one with `soreadvisor massage --at WHEN`"
    if days is not None:
        report.intro = f"Scores of the last {days:g} days."
    elif massage is not None:
        report.intro = "Scores since the last massage."
    else:
        report.intro = "Scores of the last week."
    report.meta.update(
        trend=assessment.trend,
        massage=massage_dict(massage, now),
        entries_total=total,
    )

    starts = [m.at for m in massages]
    items = []
    for score in entries:
        i = bisect_right(starts, score.at)
        hours = hours_after(massages[i - 1].at, score.at) if i else None
        items.append(_entry(score, hours, now))
    hidden = total - len(entries)
    if hidden > 0:
        note = (
            f"{hidden} earlier scores are not shown: use --limit 0 to see all, "
            "or `soreadvisor diary export`"
        )
        report.add(Section("not_shown", "Earlier scores", [Item(title=note)], shape="string"))
    section = report.add(
        Section(
            "entries", "Scores", items, columns=["When", "After massage", "Score", "Where", "Note"]
        )
    )
    if entries:
        section.chart = (
            f"Scores over time: {sparkline([s.score for s in entries[-CHART_WIDTH:]])}"
            f"  (0–{SCORE_MAX}, oldest to newest)"
        )
    else:
        section.note = "No scores yet: log one with `soreadvisor log SCORE` (0 to 10)."
    rules = topic.diary
    if rules is None:
        message = f"The topic {topic.id!r} has no diary rules, so there is no trend."
        title, line = "Trend", f"Trend: none. {message}"
    elif assessment.trend is not None:
        message = rules.messages[assessment.trend]
        title, line = f"Trend: {assessment.trend}", f"Trend: {assessment.trend}. {message}"
    else:
        message = "Not enough scores for a trend yet: it needs two."
        title, line = "Trend", f"Trend: none yet. {message}"
    report.add(Section("trend_message", title, [Item(title=message, line=line)], shape="string"))

    if assessment.escalations:
        report.add(
            Section(
                "escalations",
                "Get checked",
                [
                    Item(id=rule, title=text, data={"message": text}, line=f"Warning: {text}")
                    for rule, text in assessment.escalations
                ],
                tone="critical",
            )
        )
        report.tone = "critical"
        if rules is not None:
            report.cite(topic.references, rules.references)
    else:
        report.meta["escalations"] = []  # the key is always there; nothing to show
    return finish(report, topic)
