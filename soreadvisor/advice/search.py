"""``search``: everything a person may type, found by whole words and ranked.

Causes, remedies, tips, warning signs, conditions and medicines are searched.
A query word matches a word of an entry when both reduce to the same simple
stem (``bruise`` ~ ``bruising``, ``breathless`` ~ ``breathlessness``), never
inside another word (``ice`` is not in ``notice``). Words the knowledge base
lists as synonyms (``dvt`` -> ``clot``), and for a warning sign the words of
the lexicon ``check`` reads people's words with, count as the word.

An entry matching any query word is shown: the more query words it matches,
the higher, then by where they match (id or title, then summary, then the rest
of its text). A warning sign the query touches comes first, whatever else
matches better, and says what to do about it: its own action ("go now"), its
level's action where that level needs help now or today (call the emergency
number, get help today), or else the knowledge's note (see a doctor or
pharmacist within a few days). A remedy carries every one of its cautions;
a medicine or condition says how to tell soreadvisor about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from ..errors import NotFound, UsageProblem
from ..kb.models import Cause, Caution, Remedy, Tip, Topic
from ..report import Item, Report, Section
from .common import finish, new_report, phrase
from .freetext import WORD, stem, stems

# Where a word matched, as a weight: the entry's name (and, for a warning
# sign, the words people use for it) outranks its summary, which outranks the
# rest of its text.
NAME, SUMMARY, BODY = 3, 2, 1


class Entry:
    """One searchable thing: its texts by weight, and how it is shown."""

    def __init__(self, kind: str, order: int, item: Item, texts: Mapping[int, Iterable[str]]):
        self.kind = kind
        self.order = order
        self.item = item
        self.words = {
            weight: stems(" ".join(t for t in parts if t)) for weight, parts in texts.items()
        }

    def weight(self, wanted: set[str]) -> int:
        """The best place any of ``wanted`` (a word and its synonyms) occurs; 0 if none."""
        return max((w for w, words in self.words.items() if wanted & words), default=0)


def _entries(topic: Topic, common: set[str]) -> Iterator[Entry]:
    # Signs first: among equal matches, a warning sign is the one to see.
    yield from _signs(topic, common)
    for cause in topic.causes:
        body = [cause.article_claim, cause.instead or "", cause.evidence.summary]
        yield _graded(cause, "cause", 1, body)
    for remedy in topic.remedies:
        body = [remedy.how, remedy.when, remedy.article_claim or "", remedy.evidence.summary]
        body += [c.text for c in remedy.cautions]
        for option in remedy.options:
            body += [option.id, option.title, option.how, *(c.text for c in option.cautions)]
        entry = _graded(remedy, "remedy", 2, body)
        # every caution, with whom it is for (search knows nothing of the
        # person), as loud as a sign's action: every format shows an entry's warnings
        entry.item.warnings = [_caution(topic, c) for c in remedy.cautions]
        entry.item.warnings += [
            f"{option.title}: {_caution(topic, c)}"
            for option in remedy.options
            for c in option.cautions
        ]
        yield entry
    for tip in topic.tips:
        yield _graded(
            tip, "tip", 3, [tip.article_claim or "", tip.evidence.summary, *tip.checklist]
        )
    for kind, order, named in (
        ("condition", 4, topic.conditions),
        ("medication", 5, topic.medications),
    ):
        for n in named:
            item = Item(
                id=n.id,
                title=n.name,
                warnings=[phrase(topic, f"search.as_{kind}", id=n.id)],
                data={"kind": kind},
            )
            yield Entry(kind, order, item, {NAME: [n.id, n.name]})


def _signs(topic: Topic, common: set[str]) -> Iterator[Entry]:
    """Each warning sign, found by its words and the lexicon's, with what to do
    about it (never "run a command"), as the module says."""
    triage = topic.triage
    if triage is None:
        return
    from .triage import fill

    lexicon = topic.lexicon.signs if topic.lexicon else {}
    levels = {lv.id: lv for lv in triage.levels}
    note = topic.search.sign_note if topic.search else fill(triage.pointer, triage, None)
    for sign in triage.signs:
        level = levels.get(sign.level)
        if sign.action:
            pointer = fill(sign.action, triage, None)
        elif level is not None and level.role is not None:
            pointer = fill(level.action, triage, None)
        else:
            pointer = note
        item = Item(
            id=sign.id,
            title=sign.text,
            warnings=[pointer] + ([triage.clot_warning] if sign.clot else []),
            data={"kind": "sign", "level": sign.level, "references": sign.references},
        )
        body = [triage.clot_warning] if sign.clot else []
        said = [w for p in lexicon.get(sign.id, []) for w in WORD.findall(p)]
        said = [w for w in said if stem(w) not in common]
        texts = {NAME: [sign.id, sign.text, *said], SUMMARY: [sign.question], BODY: body}
        yield Entry("sign", 0, item, texts)


def _graded(entry: Cause | Remedy | Tip, kind: str, order: int, body: list[str]) -> Entry:
    """A cause, remedy or tip: found by its name, summary and ``body``, shown with its evidence."""
    item = Item(
        id=entry.id,
        title=entry.title,
        summary=entry.summary,
        evidence=entry.evidence,
        data={"kind": kind},
    )
    return Entry(
        kind, order, item, {NAME: [entry.id, entry.title], SUMMARY: [entry.summary], BODY: body}
    )


def _caution(topic: Topic, caution: Caution) -> str:
    """A caution's text; one meant for some people says whom it is for."""
    from .profile import is_general

    if is_general(caution) or caution.no_profile:
        return caution.text
    names = {n.id: n.name for n in topic.conditions + topic.medications}
    who = [names.get(i, i) for i in caution.conditions + caution.medications]
    if caution.all_medications:  # all of them together
        taken = [names.get(i, i) for i in caution.all_medications]
        who.append(phrase(topic, "fit.and").join(taken))
    if caution.pregnant_from_weeks is not None:
        weeks = caution.pregnant_from_weeks
        who.append(
            phrase(topic, "search.pregnant_from", weeks=weeks)
            if weeks > 1
            else phrase(topic, "search.pregnant")
        )
    if caution.age_over is not None:
        who.append(phrase(topic, "search.age_over", age=caution.age_over))
    return phrase(
        topic, "search.caution_for", who=phrase(topic, "search.or").join(who), text=caution.text
    )


def search(topic: Topic, words: list[str]) -> Report:
    """Every entry that has any of ``words`` (or a synonym): warning signs first,
    then the entries matching the most words, best placed first."""
    query = [w for text in words for w in WORD.findall(text)]
    if not query:
        raise UsageProblem("give at least one word to search for")
    # words too common to find anything by ("my", "the"), unless that is all there is
    common = stems(" ".join(topic.lexicon.common)) if topic.lexicon else set()
    query = [w for w in query if stem(w) not in common] or query
    synonyms = {stem(k): v for k, v in topic.search.synonyms.items()} if topic.search else {}
    wanted = [
        {stem(q), *(s for alt in synonyms.get(stem(q), []) for s in stems(alt))} for q in query
    ]
    ranked: list[tuple[int, int, int, int, int, Item]] = []
    levels = {}
    if topic.triage is not None:
        levels = {lv.id: -i for i, lv in enumerate(topic.triage.levels)}
    for n, entry in enumerate(_entries(topic, common)):
        weights = [entry.weight(w) for w in wanted]
        matched = sum(1 for w in weights if w)
        if not matched:
            continue
        # a warning sign the query touches (by its words, not the text of its
        # warning) comes first: the best match first ("swollen calf": swelling
        # in one leg), then the most serious
        first = 0 if entry.kind == "sign" and max(weights) > BODY else 1
        level = levels.get(entry.item.data.get("level", ""), 0) if first == 0 else 0
        ranked.append((first, -matched, -sum(weights), level, entry.order * 10000 + n, entry.item))
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
