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

- ``worst``: a score of ``worst_score`` (10, the top of the scale) taken
  within ``worst_within_hours`` of the massage: pain far worse than a massage
  explains, the warning sign ``severe-weakness`` (same day, TRIAGE);
- ``high_score``: any score is ``high_score`` or more;
- ``lasting``: the latest score was taken ``lasting_after_hours`` or more
  after the massage and is above 0: soreness still there by then is a reason
  to be seen, even while it eases (TRIAGE: pain beyond 3 days is "soon");
- ``rising``: among the scores taken ``rising_after_hours`` or more after the
  massage, with the last score before that mark as the starting point, the
  latest is more than ``flat_band`` above the lowest.

The time rules need a massage.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter

from ..diary.models import SCORE_MAX, Massage, Score
from ..kb.models import DiaryRules, Topic
from ..report import Field, Item, Report, Section
from ..text import fill_in
from ..timeparse import days_text, moment_text, span_text
from .common import finish, new_report, phrase

TRENDS = ("improving", "flat", "worse")
ESCALATIONS = ("worst", "high_score", "lasting", "rising")  # most urgent first
_AT, _SCORE, _ORDER = attrgetter("at"), attrgetter("score"), attrgetter("at", "id")


@dataclass(frozen=True)
class DiaryVerdict:
    trend: str | None  # improving, flat, worse; None with fewer than two scores
    escalations: list[tuple[str, str]] = field(default_factory=list)  # (rule id, message)


def hours_after(massage_at: datetime | None, at: datetime) -> float | None:
    return None if massage_at is None else (at - massage_at).total_seconds() / 3600


def mark(massage_at: datetime, hours: float) -> datetime:
    """The moment ``hours`` after the massage; a score at or after it counts as after."""
    return massage_at + timedelta(hours=hours)


def assess(
    scores: Sequence[Score],
    rules: DiaryRules,
    massage_at: datetime | None,
    now: datetime,
    words: Mapping[str, str],
) -> DiaryVerdict:
    """The trend and escalations of an episode: the one place these rules live.

    ``scores`` are the episode's scores, in any order: scores before the
    massage (another episode) and after ``now`` (a clock set wrong) are left
    out. "Earlier" and "latest" follow the time a score was taken, then the
    order it was logged in. ``words`` (the program's) say the spans in messages.
    """
    episode = sorted(scores, key=_ORDER)
    first = 0 if massage_at is None else bisect_left(episode, massage_at, key=_AT)
    episode = episode[first : bisect_right(episode, now, key=_AT)]
    if not episode:
        return DiaryVerdict(None)
    latest, band = episode[-1], rules.flat_band
    trend = None
    if len(episode) >= 2:
        previous = episode[-2].score
        # the reference: the most recent earlier score more than the band away
        earlier = (episode[i] for i in range(len(episode) - 2, -1, -1))
        ref = next((s for s in earlier if abs(s.score - latest.score) > band), None)
        trend = "flat"
        if ref is not None and ref.score < latest.score and latest.score >= previous:
            trend = "worse"
        elif ref is not None and ref.score > latest.score and latest.score <= previous:
            trend = "improving"
    escalations = set()
    if max(map(_SCORE, episode)) >= rules.high_score:
        escalations.add("high_score")
    if massage_at is not None and rules.worst_score is not None and rules.worst_within_hours:
        # any score that high up to the end of the window
        end = bisect_right(episode, mark(massage_at, rules.worst_within_hours), key=_AT)
        if any(s.score >= rules.worst_score for s in episode[:end]):
            # one message: "today" replaces "within a few days" for the score
            escalations.add("worst")
            escalations.discard("high_score")
    if massage_at is not None:
        if latest.at >= mark(massage_at, rules.lasting_after_hours) and latest.score > 0:
            escalations.add("lasting")
        # from the last score before the rising mark, the lowest since
        rising = bisect_left(episode, mark(massage_at, rules.rising_after_hours), key=_AT)
        if latest.score - min(map(_SCORE, episode[max(rising - 1, 0) :])) > band:
            escalations.add("rising")
    said = [(e, diary_message(rules, e, words)) for e in ESCALATIONS if e in escalations]
    return DiaryVerdict(trend, said)


def thresholds(rules: DiaryRules, words: Mapping[str, str]) -> dict[str, str]:
    """The placeholders a diary message may use, as the words that fill them."""
    return {
        "lasting_after": days_text(rules.lasting_after_hours, words),
        "rising_after": days_text(rules.rising_after_hours, words),
        "high_score": str(rules.high_score),
        "worst_score": str(rules.worst_score),
        "worst_within": days_text(rules.worst_within_hours or 0, words),
    }


def diary_message(rules: DiaryRules, key: str, words: Mapping[str, str]) -> str:
    """A diary message (a trend or an escalation) with its thresholds filled in."""
    return fill_in(rules.messages[key], thresholds(rules, words))


# -- the history report ------------------------------------------------------


def local(at: datetime) -> datetime:
    return at.astimezone()


def iso_local(at: datetime) -> str:
    return local(at).isoformat(timespec="seconds")


def when_text(at: datetime, words: Mapping[str, str]) -> str:
    """A moment for a sentence, in local time and the program's words."""
    return moment_text(at, words)


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


def _after(hours: float | None, words: Mapping[str, str]) -> str:
    return "" if hours is None else span_text(hours, words)


def _entry(score: Score, hours: float | None, topic: Topic) -> Item:
    """One score as a record: the same fields for every score, so they line up."""

    def label(key: str) -> str:
        return phrase(topic, f"field.{key}")

    return Item(
        id=None,
        title="",
        fields=[
            Field("at", label("at"), value=score.at),
            Field("score", label("score"), f"{score.score}/{SCORE_MAX}"),
            Field(
                "hours_since_massage", label("hours_since_massage"), _after(hours, topic.wording)
            ),
            Field("where", label("where"), score.where or ""),
            Field("note", label("note"), score.note or ""),
        ],
        data={
            "id": score.id,
            "at": iso_local(score.at),
            "hours_since_massage": None if hours is None else round(hours, 1),
            "score": score.score,
            "where": score.where,
            "note": score.note,
        },
    )


def history_report(
    topic: Topic,
    *,
    entries: Sequence[Score],
    total: int,
    massage: Massage | None,
    massages: Sequence[Massage],
    days: float | None,
    assessment: DiaryVerdict,
    now: datetime,
) -> Report:
    """The diary window as a Report: when to get checked first, then the trend,
    then the scores (charted against time since the massage on a terminal).

    Each entry's hours count from the latest of ``massages`` at or before it.
    """
    report = new_report(topic, "history", "history.title")
    if massage is not None:
        words = topic.wording
        ago = span_text(hours_after(massage.at, now) or 0.0, words)
        key = "history.last_massage_how" if massage.intensity else "history.last_massage"
        how = words.get(f"intensity.{massage.intensity}", massage.intensity or "")
        last = phrase(topic, key, when=when_text(massage.at, words), intensity=how, ago=ago)
    else:
        last = phrase(topic, "history.no_massage")
    if days is not None:
        scope = phrase(topic, "history.scope_days", span=days_text(days * 24, topic.wording))
    elif massage is not None:
        scope = phrase(topic, "history.scope_massage")
    else:
        scope = phrase(topic, "history.scope_week")
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
                phrase(topic, "history.escalations"),
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
    title = phrase(topic, "history.trend")
    if rules is None:
        message = phrase(topic, "history.no_rules")
    elif assessment.trend is not None:
        message = diary_message(rules, assessment.trend, topic.wording)
        trend = phrase(topic, f"trend.{assessment.trend}")
        title = phrase(topic, "history.trend_named", trend=trend)
    else:
        message = phrase(topic, "history.too_few")
    report.add(Section("trend_message", title, [Item(title=message)], kind="sentence"))

    starts = [m.at for m in massages]
    items = []
    for score in entries:
        i = bisect_right(starts, score.at)
        hours = hours_after(massages[i - 1].at, score.at) if i else None
        items.append(_entry(score, hours, topic))
    hidden = total - len(entries)
    if hidden > 0:
        key = "history.hidden_one" if hidden == 1 else "history.hidden_many"
        note = phrase(topic, key, n=hidden)
        title = phrase(topic, "history.hidden_title")
        report.add(Section("not_shown", title, [Item(title=note)], kind="sentence"))
    section = report.add(Section("entries", phrase(topic, "history.scores"), items, kind="records"))
    if not entries:
        section.note = phrase(topic, "history.no_scores")
    elif rules is not None:
        section.scale = {
            "top": SCORE_MAX,
            "severe": rules.high_score,
            "mark_hours": rules.lasting_after_hours,
            "mark_label": days_text(rules.lasting_after_hours, topic.wording),
            "bands": list(rules.bands),
        }
    return finish(report, topic)
