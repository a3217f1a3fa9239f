"""``plan``: where in the recovery timeline the person is, and what comes next."""

from __future__ import annotations

import math

from ..errors import UserError
from ..kb.models import Phase, Timeline, Topic
from ..report import Item, Report, Section
from ..timeparse import span_text
from .common import finish, new_report, phrase
from .cope import assess_remedies, cites_of, personal_lines, ruled_out
from .profile import Profile
from .triage import emergency_reminder, fill, region_of, warning_sign_sections


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


def plan(topic: Topic, hours: float, profile: Profile) -> Report:
    timeline = timeline_of(topic)
    phase = phase_at(timeline, hours)
    report = new_report(topic, "plan", "plan.title", span=span_text(hours, topic.wording))
    report.headline = f"{phase.title}: {phase.summary}"
    report.intro = timeline.summary
    report.tone = "warning" if phase is timeline.phases[-1] and len(timeline.phases) > 1 else "info"
    # Rounded down, so the hours shown never pass a boundary the phase has not.
    shown = math.floor(hours * 10) / 10
    report.meta.update(hours_since=shown, phase=phase.id, phase_title=phase.title)
    # What can be dangerous first: the warning signs, by what to do about them.
    for section in warning_sign_sections(topic, profile):
        report.add(section)
    # A step names what this person should not use, and why, by the rule cope
    # follows (personal_lines); a step whose remedy is ruled out is left out,
    # and says so and why, with no instruction for it.
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
        item = Item(id=step.remedy, title=title, warnings=personal_lines(fit), cites=cites_of(fit))
        (now if fit.advised else left_out).append(item)
        excluded += [x for x in ruled_out(fit) if x not in excluded]
    report.meta["ruled_out"] = excluded
    # JSON lists the steps as sentences: what to take care with (check with
    # a pharmacist first, who it is not for) goes with them, as plain shows it.
    report.meta["now_warnings"] = [
        {"remedy": i.id, "step": i.title, "warnings": i.warnings} for i in now if i.warnings
    ]
    report.add(Section("now", phrase(topic, "plan.now"), now, kind="sentences"))
    if left_out:
        title = phrase(topic, "plan.left_out")
        report.add(Section("left_out", title, left_out, tone="warning"))
    nxt = [Item(title=phase.next)]
    report.add(Section("next", phrase(topic, "plan.next"), nxt, kind="sentence"))
    help_items = [Item(title=t) for t in phase.get_help_if]
    if topic.triage is not None:
        # each line says what to do, an emergency one with the number
        region = region_of(topic.triage, profile.region)
        help_items = [Item(title=fill(t, topic.triage, region)) for t in phase.get_help_if]
        help_items.append(Item(title=emergency_reminder(topic.triage, region)))
    title = phrase(topic, "plan.get_help_if")
    report.add(Section("get_help_if", title, help_items, tone="warning", kind="sentences"))
    report.cite(topic.references, phase.references)
    return finish(report, topic)
