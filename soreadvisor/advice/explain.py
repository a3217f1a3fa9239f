"""``explain``, ``prevent``, ``sources``, ``search`` and ``topics``: what the knowledge says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import NotFound, UsageProblem
from ..kb.models import VERDICTS, Cause, Remedy, Tip, Topic
from ..report import Field, Item, Report, Section
from .common import find, finish, new_report

if TYPE_CHECKING:
    from ..kb.store import TopicEntry


def cause_item(cause: Cause, full: bool) -> Item:
    fields = [Field("article_claim", "The article says", cause.article_claim)]
    if cause.instead:
        fields.append(Field("instead", "What is known instead", cause.instead))
    return Item(
        id=cause.id,
        title=cause.title,
        summary=cause.summary,
        evidence=cause.evidence,
        fields=fields if full else fields[1:],
    )


def explain(topic: Topic, cause_id: str | None = None) -> Report:
    if cause_id:
        cause = find(topic.causes, cause_id, "cause")
        report = new_report(topic, "explain", f"{topic.title}: {cause.title}")
        report.add(Section("causes", "Cause", [cause_item(cause, full=True)]))
        return finish(report, topic)
    report = new_report(topic, "explain", f"{topic.title}: why it happens")
    report.intro = f"{topic.summary} {topic.evidence_note}"
    report.add(Section("causes", "Causes", [cause_item(c, full=False) for c in topic.causes]))
    return finish(report, topic)


def tip_item(tip: Tip) -> Item:
    fields = (
        [Field("article_claim", "The article says", tip.article_claim)] if tip.article_claim else []
    )
    return Item(
        id=tip.id,
        title=tip.title,
        summary=tip.summary,
        evidence=tip.evidence,
        fields=fields,
        bullets=tip.checklist,
        bullets_key="checklist",
    )


def prevent(topic: Topic) -> Report:
    report = new_report(topic, "prevent", f"{topic.title}: avoiding it next time")
    report.add(Section("tips", "Next time", [tip_item(t) for t in topic.tips]))
    return finish(report, topic)


def sources(topic: Topic) -> Report:
    """Every reference, numbered, and how the topic's claims are graded."""
    report = new_report(topic, "sources", f"{topic.title}: sources")
    graded: list[Cause | Remedy | Tip] = [*topic.causes, *topic.remedies, *topic.tips]
    counts = {v: 0 for v in VERDICTS}
    counts.update(Counter(item.evidence.verdict for item in graded))
    report.intro = topic.evidence_note
    report.add(
        Section(
            "verdicts",
            "Verdicts",
            [Item(id=v, title=f"{v}: {n}", data={"count": n}) for v, n in counts.items()],
        )
    )
    report.meta["verdict_counts"] = counts
    report.references = list(topic.references)
    return report


def search(topic: Topic, words: list[str]) -> Report:
    """Causes, remedies and tips that contain every word (case-insensitive)."""
    needles = [w.casefold() for w in words if w.strip()]
    if not needles:
        raise UsageProblem("give at least one word to search for")
    report = new_report(topic, "search", f"{topic.title}: search for {' '.join(words)}")
    hits: list[Item] = []
    graded: list[tuple[str, Cause | Remedy | Tip]] = [
        *(("cause", c) for c in topic.causes),
        *(("remedy", r) for r in topic.remedies),
        *(("tip", t) for t in topic.tips),
    ]
    for kind, item in graded:
        texts = (
            item.id,
            item.title,
            item.summary,
            item.evidence.summary,
            item.article_claim,
            getattr(item, "how", ""),
        )
        hay = " ".join(t for t in texts if t).casefold()
        if all(n in hay for n in needles):
            hits.append(
                Item(
                    id=item.id,
                    title=item.title,
                    summary=item.summary,
                    evidence=item.evidence,
                    data={"kind": kind},
                    line=f"{item.id}\t{kind}\t{item.title}",
                )
            )
    if not hits:
        raise NotFound(f"nothing in {topic.id!r} matches {' '.join(words)!r}")
    report.listing = True
    report.add(Section("results", "Results", hits))
    return finish(report, topic)


def topics(kb_topics: Sequence[TopicEntry], broken: dict[str, str]) -> Report:
    """The topics available (``broken`` maps ids that failed to load to why)."""
    first = kb_topics[0] if kb_topics else None
    report = Report(
        command="topics",
        topic="",
        title="soreadvisor: topics",
        disclaimer=first.disclaimer if first else "",
        show_disclaimer=first is not None,
    )
    items = [Item(id=t.id, title=t.title, line=f"{t.id}\t{t.title}") for t in kb_topics]
    items += [
        Item(id=i, title=f"(cannot load: {why})", line=f"{i}\t(cannot load: {why})")
        for i, why in broken.items()
    ]
    report.listing = True
    report.add(Section("topics", "Topics", sorted(items, key=lambda i: i.id or "")))
    return report
