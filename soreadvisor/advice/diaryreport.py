"""The diary for a doctor or pharmacist: one page about one episode.

Pure: the episode's massage, scores and saved check results in; a Report out,
which every format renders (HTML with its chart as inline SVG, a text chart on
a terminal, plain, Markdown, JSON). Every word comes from the knowledge base.
The person's conditions and medicines are in it only when they ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..diary.models import SCORE_MAX, CheckResult, Massage, Score
from ..kb.models import Topic
from ..report import Field, Item, Report, Section
from .common import finish, new_report, phrase
from .profile import Profile
from .trend import (
    DiaryVerdict,
    checks_section,
    escalation_dates,
    iso_local,
    massage_dict,
    scale_of,
    score_sections,
    trend_section,
    when_text,
)


def diary_report(
    topic: Topic,
    *,
    massage: Massage | None,
    massages: Sequence[Massage],
    scores: Sequence[Score],
    checks: Sequence[CheckResult],
    assessment: DiaryVerdict,
    since: datetime,
    now: datetime,
    profile: Profile | None = None,
) -> Report:
    """The summary: the massage, why to get checked (with the date each reason
    first held), the saved warning-sign checks, the trend, the scores by place
    (charted), the notes and, only when given, the person's conditions and
    medicines.

    ``massages`` are those the scores count from (the latest at or before each).
    """
    report = new_report(topic, "diary report", "report.title")
    words = topic.wording
    report.headline = _massage_line(topic, massage)
    report.intro = phrase(
        topic, "report.period", start=when_text(since, words), end=when_text(now, words)
    )
    report.show_disclaimer = True
    report.meta.update(
        since=iso_local(since),
        until=iso_local(now),
        massage=massage_dict(massage, now),
        trend=assessment.trend,
    )
    rules = topic.diary
    if assessment.escalations and rules is not None:
        dates = escalation_dates(scores, rules, massage.at if massage else None, now, words)
        report.add(_escalations(topic, assessment, dates))
        report.cite(topic.references, rules.references)
    # What the warning-sign checks said comes before the scores: the dangerous first.
    checked = checks_section(topic, checks, "report.checks")
    if not checks:
        checked.note = phrase(topic, "report.no_checks")
    report.add(checked)
    if checked.tone == "critical":  # a saved "get help today" or "call now" leads
        keys = [s.key for s in report.sections]
        if "escalations" in keys:
            report.sections.remove(checked)
            report.sections.insert(keys.index("escalations"), checked)
    if rules is not None and assessment.trend is not None:
        report.add(trend_section(topic, assessment))
    places = score_sections(topic, scores, massages, "report.place", by_day=False, key="scores")
    if len(places) == 1 and not scores[0].where:  # no place was given: one table
        places[0].title = phrase(topic, "report.scores")
    if not places:
        empty = Section("scores", phrase(topic, "report.scores"), [], kind="records")
        empty.note = phrase(topic, "history.no_scores")
        places = [empty]
    elif rules is not None:  # a terminal charts each place; the page, all in one chart
        for section in places:
            section.scale = scale_of(rules, words)
    for section in places:
        report.add(section)
    noted = _notes(topic, massage, scores)
    if noted:
        report.add(Section("score_notes", phrase(topic, "report.notes"), noted))
    if profile is not None:
        report.add(_profile(topic, profile))
    return finish(report, topic)


def _massage_line(topic: Topic, massage: Massage | None) -> str:
    if massage is None:
        return phrase(topic, "report.no_massage")
    when = when_text(massage.at, topic.wording)
    if not massage.intensity:
        return phrase(topic, "report.massage_plain", when=when)
    how = topic.wording.get(f"intensity.{massage.intensity}", massage.intensity)
    return phrase(topic, "report.massage", when=when, intensity=how)


def _escalations(topic: Topic, assessment: DiaryVerdict, dates: dict[str, Score]) -> Section:
    """Each reason to get checked with the score from which it has held."""
    items = []
    for rule, text in assessment.escalations:
        first = dates.get(rule)
        fields = []
        if first is not None:
            when = when_text(first.at, topic.wording)
            fields.append(Field("since", phrase(topic, "field.since"), when, value=first.at))
        data = {
            "message": text,
            "since": iso_local(first.at) if first else None,
            "score_id": first.id if first else None,
        }
        items.append(Item(id=rule, title=text, fields=fields, data=data))
    return Section("escalations", phrase(topic, "report.escalations"), items, tone="critical")


def _notes(topic: Topic, massage: Massage | None, scores: Sequence[Score]) -> list[Item]:
    """Every note in time order, each with when it was written and what it was about."""
    items = []
    if massage is not None and massage.note:
        about = phrase(topic, "report.note_of_massage")
        items.append(_note(topic, massage.at, about, massage.note, "massage", massage.id))
    for s in scores:
        if s.note:
            score = f"{s.score}/{SCORE_MAX}"
            about = score
            if s.where:
                about = phrase(topic, "report.note_of_score_at", score=score, place=s.where)
            items.append(_note(topic, s.at, about, s.note, "score", s.id))
    return items


def _note(topic: Topic, at: datetime, about: str, text: str, kind: str, row_id: int) -> Item:
    return Item(
        title=phrase(topic, "report.note", when=when_text(at, topic.wording), about=about),
        summary=text,
        data={"at": iso_local(at), "of": kind, "of_id": row_id, "note": text},
    )


def _profile(topic: Topic, profile: Profile) -> Section:
    """The conditions and medicines on file, by their names in the knowledge base."""
    none = phrase(topic, "report.none_given")

    def names(ids: list[str], known: list) -> str:  # type: ignore[type-arg]
        titles = {n.id: n.name for n in known}
        return "; ".join(titles.get(i, i) for i in ids) or none

    conditions = names(profile.conditions, topic.conditions)
    medicines = names(profile.medications, topic.medications)
    return Section(
        "profile",
        phrase(topic, "report.profile"),
        [
            Item(
                id="conditions",
                title=phrase(topic, "report.conditions"),
                summary=conditions,
                data={"ids": list(profile.conditions)},
            ),
            Item(
                id="medications",
                title=phrase(topic, "report.medicines"),
                summary=medicines,
                data={"ids": list(profile.medications)},
            ),
        ],
    )
