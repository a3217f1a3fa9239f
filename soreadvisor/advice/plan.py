"""``plan``: where in the recovery timeline the person is, and what comes next."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import UserError
from ..kb.models import Phase, Timeline, Topic
from ..report import Item, Report, Section, Tone
from ..timeparse import span_text
from .common import finish, new_report, phrase
from .cope import assess_remedies, cites_of, general_cautions, personal_lines, ruled_out
from .profile import Profile
from .triage import emergency_reminder, fill, region_of, warning_sign_sections

if TYPE_CHECKING:  # the diary's verdict module (with dataclasses) loads only with scores
    from .trend import DiaryVerdict


def timeline_of(topic: Topic) -> Timeline:
    if topic.timeline is None:
        raise UserError(f"topic {topic.id!r} has no recovery timeline")
    return topic.timeline


def phase_at(timeline: Timeline, hours: float) -> Phase:
    """The last phase that has started ``hours`` after the massage."""
    current = timeline.phases[0]
    for phase in timeline.phases:
        if hours >= phase.from_hours:
            current = phase
    return current


def plan(topic: Topic, hours: float, profile: Profile, diary: DiaryVerdict | None = None) -> Report:
    """``diary``: the verdict on the scores since the massage; a score to get
    checked for, or a worsening one, is the headline (as in ``history``), and
    the phase follows it instead of what soreness usually does."""
    timeline = timeline_of(topic)
    phase = phase_at(timeline, hours)
    report = new_report(topic, "plan", "plan.title", span=span_text(hours, topic.wording))
    report.headline = f"{phase.title}: {phase.summary}"
    report.intro = timeline.summary
    report.tone = "warning" if phase is timeline.phases[-1] and len(timeline.phases) > 1 else "info"
    said = _diary_headline(topic, diary)
    if said is not None:
        report.intro = report.headline
        report.headline, report.tone = said
        if topic.diary is not None:
            report.cite(topic.references, topic.diary.references)
    report.meta["diary"] = (
        None
        if diary is None
        else {"trend": diary.trend, "escalations": [e for e, _ in diary.escalations]}
    )
    # Rounded down, so the hours shown never pass a boundary the phase has not.
    shown = math.floor(hours * 10) / 10
    report.meta.update(hours_since=shown, phase=phase.id, phase_title=phase.title)
    # What can be dangerous first: the warning signs, by what to do about them.
    for section in warning_sign_sections(topic, profile):
        report.add(section)
    now, left_out, excluded = _steps(topic, phase, profile)
    report.meta["ruled_out"] = excluded
    # JSON lists the steps as sentences: what to take care with (check with
    # a pharmacist first, who it is not for) goes with them, as plain shows it.
    report.meta["now_warnings"] = [
        {"remedy": i.id, "step": i.title, "warnings": i.warnings, "cautions": i.cautions}
        for i in now
        if i.warnings or i.cautions
    ]
    report.add(Section("now", phrase(topic, "plan.now"), now, kind="sentences"))
    if left_out:
        title = phrase(topic, "plan.left_out")
        report.add(Section("left_out", title, left_out, tone="warning"))
    nxt = [Item(title=phase.next)]
    report.add(Section("next", phrase(topic, "plan.next"), nxt, kind="sentence"))
    if topic.triage is None:
        help_items = [Item(title=t) for t in phase.get_help_if]
    else:  # each line says what to do, an emergency one with the number
        region = region_of(topic.triage, profile.region)
        help_items = [Item(title=fill(t, topic.triage, region)) for t in phase.get_help_if]
        help_items.append(Item(title=emergency_reminder(topic.triage, region)))
    title = phrase(topic, "plan.get_help_if")
    report.add(Section("get_help_if", title, help_items, tone="warning", kind="sentences"))
    report.cite(topic.references, phase.references)
    return finish(report, topic, profile)


def _steps(
    topic: Topic, phase: Phase, profile: Profile
) -> tuple[list[Item], list[Item], list[dict[str, object]]]:
    """The phase's steps for this person: those to do now, those left out, and
    what is ruled out. A step names what this person should not use, and why,
    by the rule cope follows (personal_lines); a step whose remedy is ruled out
    is left out, and says so and why, with no instruction for it."""
    fits = {f.remedy.id: f for f in assess_remedies(topic, None, profile)}
    now: list[Item] = []
    left_out: list[Item] = []
    excluded: list[dict[str, object]] = []
    for step in phase.now:
        fit = fits.get(step.remedy) if step.remedy else None
        if fit is None:
            now.append(Item(title=step.text))
            continue
        # Left out: the remedy by name, never the step's instruction.
        title = step.text if fit.advised else fit.remedy.title
        # the same cautions as cope gives the remedy (compression: not on a
        # leg that may hold a clot), none for a remedy left out
        cautions = general_cautions(fit) if fit.advised else []
        item = Item(
            id=step.remedy,
            title=title,
            warnings=personal_lines(fit),
            cautions=cautions,
            cites=cites_of(fit),
        )
        (now if fit.advised else left_out).append(item)
        excluded += [x for x in ruled_out(fit) if x not in excluded]
    return now, left_out, excluded


def _diary_headline(topic: Topic, diary: DiaryVerdict | None) -> tuple[str, Tone] | None:
    """What the diary says first: its most urgent escalation, else a worsening trend."""
    if diary is None or topic.diary is None:
        return None
    if diary.escalations:
        return diary.escalations[0][1], "critical"
    if diary.trend == "worse":
        from .trend import diary_message

        return diary_message(topic.diary, "worse", topic.wording), "warning"
    return None
