"""``plan``: where in the recovery timeline the person is, and what comes next."""

from __future__ import annotations

import math

from ..errors import UserError
from ..kb.models import Phase, Timeline, Topic
from ..report import Item, Report, Section
from .common import finish, new_report
from .profile import Profile
from .triage import emergency_line, region_of


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
    report = new_report(topic, "plan", f"{topic.title}: {_ago(hours)} after the massage")
    report.headline = f"{phase.title}: {phase.summary}"
    report.tone = "warning" if phase is timeline.phases[-1] and len(timeline.phases) > 1 else "info"
    # Rounded down, so the hours shown never pass a boundary the phase has not.
    shown = math.floor(hours * 10) / 10
    report.meta.update(hours_since=shown, phase=phase.id, phase_title=phase.title)
    report.add(
        Section("now", "What to do now", [Item(title=t) for t in phase.now], shape="strings")
    )
    report.add(Section("next", "What to expect next", [Item(title=phase.next)], shape="string"))
    get_help = list(phase.get_help_if)
    help_items = [Item(title=t) for t in get_help]
    if topic.triage is not None:
        help_items.append(
            Item(title=emergency_line(topic.triage, region_of(topic.triage, profile.region)))
        )
    report.add(Section("get_help_if", "Get help if", help_items, tone="warning", shape="strings"))
    report.cite(topic.references, phase.references)
    return finish(report, topic)


def _ago(hours: float) -> str:
    if hours < 1:
        return f"{round(hours * 60)} minutes"
    if hours < 48:
        return f"{hours:.0f} hours" if hours >= 2 else f"{hours:.1f} hours"
    return f"{hours / 24:.1f} days"
