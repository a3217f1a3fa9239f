"""Pieces every advice report shares."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import did_you_mean
from ..kb.models import Topic
from ..report import Report
from ..text import fill_in

if TYPE_CHECKING:
    from .profile import Profile


def phrase(topic: Topic, key: str, /, **values: object) -> str:
    """The topic's wording for ``key`` (data/wording/), placeholders filled in."""
    return worded(topic.wording, key, **values)


def worded(wording: dict[str, str], key: str, /, **values: object) -> str:
    """``wording[key]`` with its placeholders filled in."""
    return fill_in(wording[key], values)


def new_report(topic: Topic, command: str, key: str, **values: object) -> Report:
    """A report titled by the wording ``key``; it carries the topic's labels."""
    report = Report(
        command=command,
        topic=topic.id,
        title=phrase(topic, key, topic=topic.title, **values),
        disclaimer=topic.disclaimer,
    )
    report.words = topic.wording
    return report


def finish(report: Report, topic: Topic, profile: Profile | None = None) -> Report:
    """Attach every reference the report cites, in order of first citation; with
    no region, the generic emergency line in full once per answer; with a region
    taken from the locale, a note that says so, under the warning lists."""
    report.cite(topic.references, report.cited_ids())
    if topic.triage is not None:
        from .triage import generic_once

        generic_once(report, topic.triage)
    note = region_note(topic, profile)
    if note:
        from ..report import Item, Section

        report.meta["region_from_locale"] = profile.locale  # type: ignore[union-attr]
        said = Section(
            "region_note", phrase(topic, "names.region"), [Item(title=note)], kind="sentence"
        )
        # under the warning lists that give the number (the first run of them
        # that an emergency one opens), else last
        sections = report.sections
        at = next((i for i, s in enumerate(sections) if s.tone == "critical"), len(sections))
        while at < len(sections) and sections[at].tone in ("critical", "warning"):
            at += 1
        sections.insert(at, said)
    return report


def region_note(topic: Topic, profile: Profile | None) -> str | None:
    """What to say when the emergency numbers are those of the region the
    locale names (no one gave or saved one): which region, and from what."""
    if profile is None or not profile.locale or topic.triage is None:
        return None
    region = next(r for r in topic.triage.regions if r.id == profile.region)
    return phrase(topic, "names.region_from_locale", region=region.name, locale=profile.locale)


def find(items: list, wanted: str, kind: str):  # type: ignore[no-untyped-def]
    for item in items:
        if item.id == wanted:
            return item
    raise did_you_mean(kind, wanted, [i.id for i in items])
