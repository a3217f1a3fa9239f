"""The diary's verdict: is the soreness easing, and is it time to get checked?

Pure: scores, the topic's ``diary:`` rules and the time in; words out. Every
threshold and sentence comes from the knowledge base.

The episode is the scores since the last massage, oldest first. Its trend
needs two scores and reads the whole series: it compares the latest score with
the *reference*, the most recent earlier score more than ``flat_band`` away
from it (every score since then is within the band of the latest, so the
reference is where the last real change started):

- **worse**: the reference is lower (a rise, however gradual: 3, 4, 5, 6, 7
  is worse), and the latest is not below the score before it;
- **improving**: the reference is higher (easing from a peak, however slowly),
  and the latest is not above the score before it;
- **flat**: no earlier score is more than ``flat_band`` away, or the last step
  goes against the change (a small bump on the way down is not "improving").

Escalations, each with its message, all pointing to ``soreadvisor check``:

- ``high_score``: any score is ``high_score`` or more;
- ``lasting``: the latest score was taken ``lasting_after_hours`` or more
  after the massage and is above 0: soreness still there by then is a reason
  to be seen, even while it eases (TRIAGE: pain beyond 3 days is "soon");
- ``rising``: among the scores taken ``rising_after_hours`` or more after the
  massage, with the last score before that mark as the starting point, the
  latest is more than ``flat_band`` above the lowest.

The time rules need a massage. Only a few scores of an episode decide all of
this (the latest two, the reference, a highest, and the last before and a
lowest after the rising mark), so the diary hands over just those for a long
episode (``soreadvisor.diary.store.Diary.episode``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..diary.models import SCORE_MAX, Massage, Score
from ..kb.models import DiaryRules, Topic
from ..report import Field, Item, Report, Section
from ..timeparse import span_text
from .common import finish, new_report

TRENDS = ("improving", "flat", "worse")
ESCALATIONS = ("high_score", "lasting", "rising")  # most urgent first


@dataclass(frozen=True)
class Assessment:
    trend: str | None  # improving, flat, worse; None with fewer than two scores
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (rule id, message)


def hours_after(massage_at: datetime | None, at: datetime) -> float | None:
    return None if massage_at is None else (at - massage_at).total_seconds() / 3600


def mark(massage_at: datetime, hours: float) -> datetime:
    """The moment ``hours`` after the massage; a score at or after it counts as after."""
    return massage_at + timedelta(hours=hours)


def reference(scores: Sequence[Score], band: float) -> Score | None:
    """The most recent score before the latest that is more than ``band`` away from it."""
    latest = scores[-1].score
    return next((s for s in reversed(scores[:-1]) if abs(s.score - latest) > band), None)


def trend_of(scores: Sequence[Score], band: float) -> str | None:
    """improving, flat or worse over the whole series (oldest first); None below two scores."""
    if len(scores) < 2:
        return None
    latest, previous = scores[-1].score, scores[-2].score
    ref = reference(scores, band)
    if ref is not None and ref.score < latest and latest >= previous:
        return "worse"
    if ref is not None and ref.score > latest and latest <= previous:
        return "improving"
    return "flat"


def rising_from(scores: Sequence[Score], since: datetime) -> list[Score]:
    """The scores at or after ``since``, with the last one before it as the starting point."""
    before = [s for s in scores if s.at < since]
    return before[-1:] + [s for s in scores if s.at >= since]


def assess(
    scores: Sequence[Score],
    rules: DiaryRules,
    massage_at: datetime | None,
    now: datetime,
) -> Assessment:
    """The trend and escalations of an episode.

    ``scores`` are the episode's scores, oldest first: all of them, or the few
    that decide (see the module's docstring). Scores before the massage (another
    episode) and after ``now`` (a clock set wrong) are left out.
    """
    scores = sorted(
        (s for s in scores if s.at <= now and (massage_at is None or s.at >= massage_at)),
        key=lambda s: (s.at, s.id),
    )
    if not scores:
        return Assessment(None)
    latest = scores[-1]
    trend = trend_of(scores, rules.flat_band)
    escalations = set()
    if max(s.score for s in scores) >= rules.high_score:
        escalations.add("high_score")
    if massage_at is not None:
        if latest.at >= mark(massage_at, rules.lasting_after_hours) and latest.score > 0:
            escalations.add("lasting")
        start = rising_from(scores, mark(massage_at, rules.rising_after_hours))
        if start and latest.score - min(s.score for s in start) > rules.flat_band:
            escalations.add("rising")
    said = [(e, diary_message(rules, e)) for e in ESCALATIONS if e in escalations]
    return Assessment(trend, said)


def thresholds(rules: DiaryRules) -> dict[str, str]:
    """The placeholders a diary message may use, as the words that fill them."""
    return {
        "{lasting_after}": _span(rules.lasting_after_hours),
        "{rising_after}": _span(rules.rising_after_hours),
        "{high_score}": str(rules.high_score),
    }


def diary_message(rules: DiaryRules, key: str) -> str:
    """A diary message (a trend or an escalation) with its thresholds filled in."""
    text = rules.messages[key]
    for placeholder, value in thresholds(rules).items():
        text = text.replace(placeholder, value)
    return text


def _span(hours: float) -> str:
    """``3 days``, ``1 day``, ``36 h``: whole days as days, anything else as span_text."""
    if hours >= 24 and hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} day" if days == 1 else f"{days} days"
    return span_text(hours)


# -- the history report ------------------------------------------------------


def local(at: datetime) -> datetime:
    return at.astimezone()


def iso_local(at: datetime) -> str:
    return local(at).isoformat(timespec="seconds")


def when_text(at: datetime) -> str:
    return local(at).strftime("%a %d %b %Y %H:%M")


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
    after = "no massage" if hours is None else f"{span_text(hours)} after the massage"
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
            f"{score.score:>2}/10",
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
    """The diary window as a Report: when to get checked first, then the trend,
    then the scores (charted against time since the massage on a terminal).

    Each entry's hours count from the latest of ``massages`` at or before it.
    """
    report = new_report(topic, "history", "Soreness diary")
    if massage is not None:
        ago = span_text(hours_after(massage.at, now) or 0.0)
        how = f", {massage.intensity}" if massage.intensity else ""
        last = f"Last massage {when_text(massage.at)}{how}: {ago} ago."
    else:
        last = "No massage recorded: add one with `soreadvisor massage --at WHEN`."
    if days is not None:
        scope = f"Scores of the last {_span(days * 24)}."
    elif massage is not None:
        scope = "Scores since the last massage."
    else:
        scope = "Scores of the last week."
    report.meta.update(
        trend=assessment.trend,
        massage=massage_dict(massage, now),
        entries_total=total,
    )
    rules = topic.diary
    # An escalation is the headline, above the trend: "see a doctor" first.
    if assessment.escalations:
        report.headline = assessment.escalations[0][1]
        report.tone = "critical"
        report.intro = f"{last} {scope}"
        report.add(
            Section(
                "escalations",
                "Get checked",
                [
                    Item(id=rule, title=text, data={"message": text})
                    for rule, text in assessment.escalations
                ],
                tone="critical",
            )
        )
        if rules is not None:
            report.cite(topic.references, rules.references)
    else:
        report.headline = last
        report.intro = scope
        report.meta["escalations"] = []  # the key is always there; nothing to show
    if rules is None:
        message = f"The topic {topic.id!r} has no diary rules, so there is no trend."
        title = "Trend"
    elif assessment.trend is not None:
        message = diary_message(rules, assessment.trend)
        title = f"Trend: {assessment.trend}"
    else:
        message = "Not enough scores for a trend yet: it needs two."
        title = "Trend"
    report.add(Section("trend_message", title, [Item(title=message)], shape="string"))

    starts = [m.at for m in massages]
    items = []
    for score in entries:
        i = bisect_right(starts, score.at)
        hours = hours_after(massages[i - 1].at, score.at) if i else None
        items.append(_entry(score, hours, now))
    hidden = total - len(entries)
    if hidden > 0:
        note = (
            f"{hidden} earlier {'score is' if hidden == 1 else 'scores are'} not shown: "
            "use --limit 0 to see all, or `soreadvisor diary export`"
        )
        report.add(Section("not_shown", "Earlier scores", [Item(title=note)], shape="string"))
    section = report.add(
        Section(
            "entries", "Scores", items, columns=["When", "After massage", "Score", "Where", "Note"]
        )
    )
    if not entries:
        section.note = "No scores yet: log one with `soreadvisor log SCORE` (0 to 10)."
    elif rules is not None:
        section.chart = {
            "top": SCORE_MAX,
            "severe": rules.high_score,
            "mark_hours": rules.lasting_after_hours,
            "mark_label": _span(rules.lasting_after_hours),
            "bands": list(rules.bands),
        }
    return finish(report, topic)
