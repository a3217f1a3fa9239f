"""``search``: everything a person may type, found by whole words and ranked.

Causes, remedies, tips, warning signs, conditions and medicines are searched.
A query word matches a word of an entry when both reduce to the same simple
stem (``bruise`` ~ ``bruising``, ``breathless`` ~ ``breathlessness``), never
inside another word (``ice`` is not in ``notice``). Words the knowledge base
lists as synonyms (``dvt`` -> ``clot``) count as the word. Every query word
must match; entries rank by where they match: id or title, then summary, then
the rest of their text. A warning sign found says what to do about it: its
own action ("go now"), its level's action where that level needs help now or
today (call the emergency number, get help today), or else the knowledge's
note (see a doctor or pharmacist within a few days).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..errors import NotFound, UsageProblem
from ..kb.models import Topic
from ..report import Item, Section
from .common import finish, new_report, phrase

_WORD = re.compile(r"[^\W_]+")

# Where a word matched, as a weight: the entry's name outranks its summary,
# which outranks the rest of its text.
NAME, SUMMARY, BODY = 3, 2, 1


def stem(word: str) -> str:
    """A crude stem, enough for the plurals and -ing/-ed/-ness forms people type."""
    w = word.casefold()
    if len(w) > 6 and w.endswith("ness"):
        w = w[:-4]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if len(w) - len(suffix) >= 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stopped -> stop
            break
    if len(w) > 2 and w.endswith("e"):
        w = w[:-1]
    return w


def stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text)}


class Entry:
    """One searchable thing: its texts by weight, and how it is shown."""

    def __init__(self, kind: str, order: int, item: Item, texts: dict[int, Iterable[str]]):
        self.kind = kind
        self.order = order
        self.item = item
        self.words = {
            weight: stems(" ".join(t for t in parts if t)) for weight, parts in texts.items()
        }

    def weight(self, wanted: set[str]) -> int:
        """The best place any of ``wanted`` (a word and its synonyms) occurs; 0 if none."""
        return max((w for w, words in self.words.items() if wanted & words), default=0)


def _entries(topic: Topic) -> Iterator[Entry]:
    # Signs first: among equal matches, a warning sign is the one to see.
    triage = topic.triage
    if triage is not None:
        from .triage import fill

        levels = {lv.id: lv for lv in triage.levels}
        note = topic.search.sign_note if topic.search else fill(triage.pointer, triage, None)
        for sign in triage.signs:
            level = levels.get(sign.level)
            # what to do about it, never "run a command": the sign's own action,
            # or its level's where that needs help now or today
            urgent = level is not None and level.role is not None
            pointer = fill(level.action, triage, None) if urgent and level else note
            if sign.action:
                pointer = fill(sign.action, triage, None)
            item = Item(
                id=sign.id,
                title=sign.text,
                warnings=[pointer],
                data={"kind": "sign", "level": sign.level, "references": sign.references},
            )
            body = [triage.clot_warning] if sign.clot else []
            yield Entry(
                "sign", 0, item, {NAME: [sign.id, sign.text], SUMMARY: [sign.question], BODY: body}
            )
    for cause in topic.causes:
        yield Entry(
            "cause",
            1,
            _graded(cause, "cause"),
            {
                NAME: [cause.id, cause.title],
                SUMMARY: [cause.summary],
                BODY: [cause.article_claim, cause.instead or "", cause.evidence.summary],
            },
        )
    for remedy in topic.remedies:
        body = [remedy.how, remedy.when, remedy.article_claim or "", remedy.evidence.summary]
        body += [c.text for c in remedy.cautions]
        for option in remedy.options:
            body += [option.id, option.title, option.how, *(c.text for c in option.cautions)]
        yield Entry(
            "remedy",
            2,
            _graded(remedy, "remedy"),
            {NAME: [remedy.id, remedy.title], SUMMARY: [remedy.summary], BODY: body},
        )
    for tip in topic.tips:
        yield Entry(
            "tip",
            3,
            _graded(tip, "tip"),
            {
                NAME: [tip.id, tip.title],
                SUMMARY: [tip.summary],
                BODY: [tip.article_claim or "", tip.evidence.summary, *tip.checklist],
            },
        )
    for kind, order, named in (
        ("condition", 4, topic.conditions),
        ("medication", 5, topic.medications),
    ):
        for n in named:
            item = Item(id=n.id, title=n.name, data={"kind": kind})
            yield Entry(kind, order, item, {NAME: [n.id, n.name]})


def _graded(entry, kind: str) -> Item:  # type: ignore[no-untyped-def]
    return Item(
        id=entry.id,
        title=entry.title,
        summary=entry.summary,
        evidence=entry.evidence,
        data={"kind": kind},
    )


def search(topic: Topic, words: list[str]):  # type: ignore[no-untyped-def]
    """Every entry that has each of ``words`` (or a synonym), best placed first."""
    query = [w for text in words for w in _WORD.findall(text)]
    if not query:
        raise UsageProblem("give at least one word to search for")
    synonyms = {stem(k): v for k, v in topic.search.synonyms.items()} if topic.search else {}
    wanted = [
        {stem(q), *(s for alt in synonyms.get(stem(q), []) for s in stems(alt))} for q in query
    ]
    ranked: list[tuple[int, int, int, Item]] = []
    for n, entry in enumerate(_entries(topic)):
        weights = [entry.weight(w) for w in wanted]
        if all(weights):
            ranked.append((-sum(weights), entry.order, n, entry.item))
    shown = " ".join(words)
    if not ranked:
        raise NotFound(f"nothing in {topic.id!r} matches {shown!r}")
    report = new_report(topic, "search", "search.title", words=shown)
    report.add(
        Section(
            "results",
            phrase(topic, "search.results"),
            [item for *_, item in sorted(ranked)],
            kind="index",
            ids=True,
        )
    )
    return finish(report, topic)
