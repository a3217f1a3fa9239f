"""``explain``, ``prevent``, ``sources``, ``topics`` and ``kb check``: what the
knowledge says, and what is wrong with it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..kb.models import VERDICTS, Cause, Remedy, Tip, Topic
from ..report import Field, Item, Report, Section
from .common import find, finish, new_report, phrase, worded

if TYPE_CHECKING:
    from ..kb.store import TopicEntry
    from ..kb.yamlfile import Problem


def cause_item(cause: Cause, full: bool, topic: Topic) -> Item:
    fields = [Field("article_claim", phrase(topic, "field.article_claim"), cause.article_claim)]
    if cause.instead:
        fields.append(Field("instead", phrase(topic, "field.instead"), cause.instead))
    return Item(
        id=cause.id,
        title=cause.title,
        summary=cause.summary,
        evidence=cause.evidence,
        fields=fields if full else fields[1:],
    )


def _article_note(topic: Topic) -> str:
    """The source article, introduced once, wherever its claims appear."""
    return topic.article.intro if topic.article else ""


def explain(topic: Topic, cause_id: str | None = None) -> Report:
    """What is known about why it happens first, then the article's claims."""
    if cause_id:
        cause = find(topic.causes, cause_id, "cause")
        report = new_report(topic, "explain", "explain.cause_title", cause=cause.title)
        report.intro = _article_note(topic)
        items = [cause_item(cause, True, topic)]
        report.add(Section("causes", phrase(topic, "explain.cause"), items, ids=True))
        return finish(report, topic)
    report = new_report(topic, "explain", "explain.title")
    if topic.known:
        report.intro = topic.known.text
        report.meta["known"] = {"text": topic.known.text, "references": topic.known.references}
    else:
        report.intro = topic.summary
    report.add(
        Section(
            "causes",
            phrase(topic, "explain.causes_in_article" if topic.article else "explain.causes"),
            [cause_item(c, False, topic) for c in topic.causes],
            note=" ".join(t for t in (_article_note(topic), topic.evidence_note) if t),
            ids=True,
        )
    )
    if topic.known:
        report.cite(topic.references, topic.known.references)
    return finish(report, topic)


def tip_item(tip: Tip, topic: Topic) -> Item:
    label = phrase(topic, "field.article_claim")
    fields = [Field("article_claim", label, tip.article_claim)] if tip.article_claim else []
    return Item(
        id=tip.id,
        title=tip.title,
        summary=tip.summary,
        evidence=tip.evidence,
        fields=fields,
        checklist=tip.checklist,
    )


def prevent(topic: Topic) -> Report:
    report = new_report(topic, "prevent", "prevent.title")
    claims = any(t.article_claim for t in topic.tips)
    report.add(
        Section(
            "tips",
            phrase(topic, "prevent.tips"),
            [tip_item(t, topic) for t in topic.tips],
            note=_article_note(topic) if claims else "",
        )
    )
    return finish(report, topic)


def sources(topic: Topic) -> Report:
    """Every reference, numbered, and how the topic's claims are graded."""
    report = new_report(topic, "sources", "sources.title")
    graded: list[Cause | Remedy | Tip] = [*topic.causes, *topic.remedies, *topic.tips]
    counts = {v: 0 for v in VERDICTS}
    counts.update(Counter(item.evidence.verdict for item in graded))
    report.intro = topic.evidence_note
    report.add(
        Section(
            "verdicts",
            phrase(topic, "sources.verdicts"),
            [Item(id=v, title=f"{v}: {n}", data={"count": n}) for v, n in counts.items()],
        )
    )
    report.meta["verdict_counts"] = counts
    report.references = list(topic.references)
    report.full_references = True
    return report


def topics(
    kb_topics: Sequence[TopicEntry], broken: dict[str, str], wording: dict[str, str]
) -> Report:
    """The topics available (``broken`` maps ids that failed to load to why),
    in ``wording`` (the program's words, as merged under a topic that loads)."""
    first = kb_topics[0] if kb_topics else None
    report = Report(
        command="topics",
        topic="",
        title=worded(wording, "topics.title"),
        disclaimer=first.disclaimer if first else "",
        show_disclaimer=first is not None,
    )
    report.words = wording
    items = [Item(id=t.id, title=t.title) for t in kb_topics]
    items += [
        Item(id=i, title=worded(wording, "topics.cannot_load", why=why))
        for i, why in broken.items()
    ]
    items.sort(key=lambda i: i.id or "")
    heading = worded(wording, "topics.heading")
    report.add(Section("topics", heading, items, kind="index", ids=True))
    return report


def check_report(count: int, problems: list[Problem], words: dict[str, str]) -> Report:
    """What ``kb check`` found, as a Report: one item per problem, file:line:column
    first (the problems themselves are a checker's one-line errors), in ``words``
    (the program's, as shipped: a topic need not load)."""
    report = Report(
        command="kb check",
        topic="",
        title=worded(words, "kb.title"),
        disclaimer="",
        headline=check_summary(count, len(problems), words),
        tone="critical" if problems else "info",
        show_disclaimer=False,
    )
    report.meta.update(topics_checked=count, valid=not problems)
    items = [
        Item(
            title=str(p),
            data={"file": p.file, "line": p.line, "column": p.column, "message": p.message},
        )
        for p in problems
    ]
    report.words = words
    title = worded(words, "kb.problems")
    report.add(Section("problems", title, items, tone="critical", kind="index"))
    return report


def check_summary(count: int, problems: int, words: dict[str, str]) -> str:
    """``ok: 1 topic valid``, ``1 problem in 1 topic``, ``13 problems in 2 topics``."""
    topics = _count(words, count, "kb.topics")
    if not problems:
        return worded(words, "kb.ok", topics=topics)
    return worded(words, "kb.found", problems=_count(words, problems, "kb.problems"), topics=topics)


def _count(words: dict[str, str], n: int, key: str) -> str:
    return worded(words, f"{key}_one" if n == 1 else f"{key}_many", n=f"{n:,}")
