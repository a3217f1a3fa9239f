"""Pieces every advice report shares."""

from __future__ import annotations

from ..errors import did_you_mean
from ..kb.models import Topic
from ..report import Item, Report, Section


def new_report(topic: Topic, command: str, title: str) -> Report:
    return Report(command=command, topic=topic.id, title=title, disclaimer=topic.disclaimer)


def finish(report: Report, topic: Topic) -> Report:
    """Attach every reference the report cites, in order of first citation."""
    report.cite(topic.references, report.cited_ids())
    return report


def find(items: list, wanted: str, kind: str):  # type: ignore[no-untyped-def]
    for item in items:
        if item.id == wanted:
            return item
    raise did_you_mean(kind, wanted, [i.id for i in items])


def warning_signs_section(topic: Topic, prominent: bool) -> Section | None:
    """The short list of signs that need help now or today, and where to check."""
    triage = topic.triage
    if triage is None:
        return None
    serious = set(triage.not_sure_counts_as_yes)
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    signs = sorted((s for s in triage.signs if s.level in serious), key=lambda s: -rank[s.level])
    return Section(
        key="warning_signs",
        title="Get help now if you have any of these" if prominent else "Warning signs",
        note="Not ordinary soreness. Run `soreadvisor check` to see what to do.",
        tone="critical" if prominent else "warning",
        items=[
            Item(id=s.id, title=s.text, data={"level": s.level, "references": s.references})
            for s in signs
        ],
    )
