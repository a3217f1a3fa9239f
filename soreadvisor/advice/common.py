"""Pieces every advice report shares."""

from __future__ import annotations

from ..errors import did_you_mean
from ..kb.models import Topic
from ..report import Report


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
