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

from ..diary.models import SCORE_MAX, CheckResult, Massage, Score
from ..kb.models import DiaryRules, Topic
from ..report import Field, Item, Report, Section, Tone
from ..text import fill_in
from ..timeparse import days_text, moment_text, span_text
from .common import finish, new_report, phrase

TRENDS = ("improving", "flat", "worse")
ESCALATIONS = ("worst", "high_score", "lasting", "rising")  # most urgent first
_AT, _SCORE, _ID = attrgetter("at"), attrgetter("score"), attrgetter("id")


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
    episode = _episode(scores, massage_at, now)
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


def _episode(scores: Sequence[Score], massage_at: datetime | None, now: datetime) -> list[Score]:
    # by time, then by the order logged in: two stable sorts, linear on the sorted
    # lists the diary hands over (a (time, id) key is a tuple a score: 1 ms at 10,000)
    episode = sorted(scores, key=_ID)
    episode.sort(key=_AT)
    first = 0 if massage_at is None else bisect_left(episode, massage_at, key=_AT)
    return episode[first : bisect_right(episode, now, key=_AT)]


def escalation_dates(
    scores: Sequence[Score],
    rules: DiaryRules,
    massage_at: datetime | None,
    now: datetime,
    words: Mapping[str, str],
) -> dict[str, Score]:
    """For each escalation of the episode now, the score from which it has held: the
    first of the scores up to the latest at each of which ``assess`` (the one place
    the rules live) already said it, found by galloping back from the latest and
    bisecting (a few dozen assessments, not one a score: an episode may hold
    10,000). A rule that held, stopped and held again is dated by the start of a
    run it held through, never by a score at which it did not hold."""
    episode = _episode(scores, massage_at, now)
    found: dict[str, Score] = {}
    for rule, _ in assess(episode, rules, massage_at, now, words).escalations:

        def holds(k: int, rule: str = rule) -> bool:
            said = assess(episode[: k + 1], rules, massage_at, episode[k].at, words).escalations
            return any(e == rule for e, _ in said)

        # It holds at the latest (the verdict now); -1 stands for before the first score.
        hi, lo, step = len(episode) - 1, -1, 1
        while hi - step >= 0:  # gallop back while it holds
            if not holds(hi - step):
                lo = hi - step
                break
            hi, step = hi - step, step * 2
        while hi - lo > 1:  # bisect: it holds at hi, and not at lo
            mid = (lo + hi) // 2
            if holds(mid):
                hi = mid
            else:
                lo = mid
        found[rule] = episode[hi]
    return found


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


def iso_local(at: datetime) -> str:
    return at.astimezone().isoformat(timespec="seconds")


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


def _entry(score: Score, hours: float | None, topic: Topic, in_day: bool = False) -> Item:
    """One score as a record: the same fields for every score, so they line up;
    ``in_day``: under its day's heading, so its time of day is enough."""

    def label(key: str) -> str:
        return phrase(topic, f"field.{key}")

    after = "" if hours is None else span_text(hours, topic.wording)
    return Item(
        id=None,
        title="",
        fields=[
            Field("id", label("id"), str(score.id)),
            Field("at", label("at"), score.at.astimezone().strftime("%H:%M"))
            if in_day
            else Field("at", label("at"), value=score.at),
            Field("score", label("score"), f"{score.score}/{SCORE_MAX}"),
            Field("hours_since_massage", label("hours_since_massage"), after),
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


def day_text(at: datetime, words: Mapping[str, str]) -> str:
    """A day for a heading, in local time and the program's words."""
    return moment_text(at, words, "time.day")


def escalation_item(rule: str, text: str) -> dict:
    """An escalation as JSON has it (docs/json.md: ``id``, ``message``)."""
    return {"id": rule, "title": text, "summary": "", "message": text}


def scale_of(rules: DiaryRules, words: Mapping[str, str]) -> dict:
    """What the chart needs from the rules: the top, the severe line, the mark, the bands."""
    return {
        "top": SCORE_MAX,
        "severe": rules.high_score,
        "mark_hours": rules.lasting_after_hours,
        "mark_label": days_text(rules.lasting_after_hours, words),
        "bands": list(rules.bands),
    }


def check_item(check: CheckResult, topic: Topic) -> Item:
    """A saved check result as a record: when, what it said, what counted."""

    def label(key: str) -> str:
        return phrase(topic, f"field.{key}")

    said = check.headline or check.level
    signs = "; ".join(check.signs) or phrase(topic, "check.nothing_counted")
    return Item(
        title="",
        fields=[
            Field("at", label("at"), value=check.at),
            Field("result", label("result"), said),
            Field("signs", label("signs"), signs),
        ],
        data={
            "id": check.id,
            "at": iso_local(check.at),
            "level": check.level,
            "result": said,
            "signs": list(check.signs),
        },
    )


def checks_tone(topic: Topic, checks: Sequence[CheckResult]) -> Tone:
    """How loud the saved checks are: as loud as the most serious of their levels."""
    from .triage import level_tone

    triage = topic.triage
    if triage is None:
        return "info"
    levels = {lv.id: lv for lv in triage.levels}
    tones = [level_tone(triage, levels[c.level]) for c in checks if c.level in levels]
    return max(tones, key=("info", "warning", "critical").index, default="info")


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
    checks: Sequence[CheckResult] = (),
) -> Report:
    """The diary window as a Report: when to get checked first (each reason said
    once), then the trend, then the scores by day and place (charted against time
    since the massage on a terminal), then the saved check results.

    Each entry's hours count from the latest of ``massages`` at or before it.
    """
    report = new_report(topic, "history", "history.title")
    report.meta.update(
        trend=assessment.trend,
        massage=massage_dict(massage, now),
        entries_total=total,
        escalations=[escalation_item(*e) for e in assessment.escalations[:1]],
    )
    _lead(
        report, topic, assessment, _last_massage(topic, massage, now), _scope(topic, massage, days)
    )
    report.add(trend_section(topic, assessment))
    hidden = total - len(entries)
    if hidden > 0:
        key = "history.hidden_one" if hidden == 1 else "history.hidden_many"
        note = Item(title=phrase(topic, key, n=hidden))
        title = phrase(topic, "history.hidden_title")
        report.add(Section("not_shown", title, [note], kind="sentence"))
    for section in _days(topic, entries, massages):
        report.add(section)
    if checks:
        report.add(checks_section(topic, checks, "history.checks"))
    return finish(report, topic)


def _last_massage(topic: Topic, massage: Massage | None, now: datetime) -> str:
    if massage is None:
        return phrase(topic, "history.no_massage")
    words = topic.wording
    ago = span_text(hours_after(massage.at, now) or 0.0, words)
    key = "history.last_massage_how" if massage.intensity else "history.last_massage"
    how = words.get(f"intensity.{massage.intensity}", massage.intensity or "")
    return phrase(topic, key, when=when_text(massage.at, words), intensity=how, ago=ago)


def _scope(topic: Topic, massage: Massage | None, days: float | None) -> str:
    """Which scores the window holds: of the last days, since the massage, or of the week."""
    if days is not None:
        return phrase(topic, "history.scope_days", span=days_text(days * 24, topic.wording))
    if massage is not None:
        return phrase(topic, "history.scope_massage")
    return phrase(topic, "history.scope_week")


def _lead(report: Report, topic: Topic, assessment: DiaryVerdict, last: str, scope: str) -> None:
    """An escalation is the headline, above the trend: "see a doctor" first. Each is
    said once: the first as the headline, any others listed below it. Without one,
    the last massage heads the answer."""
    said = assessment.escalations
    if not said:
        report.headline, report.intro = last, scope
        return
    report.headline = said[0][1]
    report.tone = "critical"
    report.intro = f"{last} {scope}"
    if len(said) > 1:
        more = [Item(id=rule, title=text, data={"message": text}) for rule, text in said[1:]]
        title = phrase(topic, "history.escalations_more")
        report.add(Section("escalations", title, more, tone="critical"))
    if topic.diary is not None:
        report.cite(topic.references, topic.diary.references)


def trend_section(topic: Topic, assessment: DiaryVerdict) -> Section:
    """The trend named, and what it means; or why there is none."""
    rules, trend = topic.diary, assessment.trend
    title = phrase(topic, "history.trend")
    if rules is None:
        message = phrase(topic, "history.no_rules")
    elif trend is not None:
        message = diary_message(rules, trend, topic.wording)
        title = phrase(topic, "history.trend_named", trend=phrase(topic, f"trend.{trend}"))
    else:
        message = phrase(topic, "history.too_few")
    return Section("trend_message", title, [Item(title=message)], kind="sentence")


def _days(topic: Topic, entries: Sequence[Score], massages: Sequence[Massage]) -> list[Section]:
    """The scores shown, a section a day, the first with the chart's scale and points."""
    days = score_sections(topic, entries, massages, "history.day", by_day=True)
    if not days:
        empty = Section("entries", phrase(topic, "history.scores"), [], kind="records")
        empty.note = phrase(topic, "history.no_scores")
        return [empty]
    if topic.diary is not None:
        days[0].scale = {
            **scale_of(topic.diary, topic.wording),
            "series": series(entries, massages),
        }
    return days


def checks_section(topic: Topic, checks: Sequence[CheckResult], title_key: str) -> Section:
    """The saved check results, as loud as the most serious of them."""
    items = [check_item(c, topic) for c in checks]
    title = phrase(topic, title_key)
    return Section("checks", title, items, tone=checks_tone(topic, checks), kind="records")


def hours_since_start(score: Score, starts: Sequence[datetime]) -> float | None:
    """Hours from the latest massage at or before the score (``starts`` in time order)."""
    i = bisect_right(starts, score.at)
    return hours_after(starts[i - 1], score.at) if i else None


def series(entries: Sequence[Score], massages: Sequence[Massage]) -> list[tuple[float, int]]:
    """The chart's points, oldest first: hours since the massage, score."""
    starts = [m.at for m in massages]
    points = []
    for score in entries:
        hours = hours_since_start(score, starts)
        if hours is not None:
            points.append((hours, score.score))
    return points


def score_sections(
    topic: Topic,
    entries: Sequence[Score],
    massages: Sequence[Massage],
    title_key: str,
    *,
    by_day: bool,
    key: str = "entries",
) -> list[Section]:
    """The scores as record sections (one ``key`` in JSON): one per day, each in
    order of place then time (``by_day``), or one per place in time order."""
    starts = [m.at for m in massages]
    groups: dict[str, list[Score]] = {}
    for score in entries:
        group = day_text(score.at, topic.wording) if by_day else (score.where or "")
        groups.setdefault(group, []).append(score)
    sections = []
    for group, scores in groups.items():
        if by_day:
            # by place (scores without one last), each place in time order
            scores = sorted(scores, key=lambda s: (s.where is None, s.where or "", s.at, s.id))
            title = phrase(topic, title_key, day=group)
        elif group:
            title = phrase(topic, title_key, place=group)
        else:
            title = phrase(topic, title_key, place=phrase(topic, "report.no_place"))
        items = [_entry(s, hours_since_start(s, starts), topic, by_day) for s in scores]
        if not by_day:  # the heading names the place: its column would only repeat it
            for item in items:
                item.fields = [f for f in item.fields if f.key != "where"]
        sections.append(Section(key, title, items, kind="records"))
    return sections
