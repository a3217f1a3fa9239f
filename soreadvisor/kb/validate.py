"""Validating a parsed topic: types by pydantic, meaning by the checks below.

Only used when a knowledge file is new or changed (or by ``kb check``): a
cached topic is already valid and never comes through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from ..text import PLACEHOLDER
from .models import ID_RE, SCHEMA_VERSION, Caution, Topic, materialize, word_key
from .yamlfile import Doc, Path_, Problem

Found = tuple[Path_, str]  # a problem and the path of the value it is about

# R12, or R41b for part of a reference split off (what was checked stays R41).
REF_ID_RE = re.compile(r"^(R[0-9]+[a-z]?|[a-z0-9]+(-[a-z0-9]+)*)$")


@lru_cache(maxsize=1)
def _adapter() -> Any:
    from pydantic import TypeAdapter

    materialize()
    return TypeAdapter(Topic)


def json_schema() -> dict[str, Any]:
    schema: dict[str, Any] = _adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "soreadvisor topic"
    return schema


def validate(
    doc: Doc, file: str, expected_id: str | None, english: dict[str, str] | None = None
) -> tuple[Topic | None, list[Problem]]:
    """Check a topic document; return the typed topic or every problem found.

    ``english`` is the program's words in English (data/wording/en.yaml): the
    keys a topic's ``wording`` may have, each with the placeholders its English
    text uses. Without it the wording is not checked."""
    from pydantic import ValidationError

    def at(path: Path_, message: str) -> Problem:
        return Problem(*doc.where(path, file), message)

    if not isinstance(doc.data, dict):
        return None, [at((), "a topic file must be a mapping of keys to values")]
    try:
        topic: Topic = _adapter().validate_python(doc.data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            # the path as the file named writes it, not as the merged topic has it
            where = ".".join(str(p) for p in doc.origin(loc)) or "file"
            problems.append(at(loc, f"{where}: {_plain(dict(err))}"))
        return None, problems
    problems = [at(path, msg) for path, msg in _meaning(topic, expected_id)]
    if english is not None:
        problems += [at(path, msg) for path, msg in _wording(topic.wording, english)]
    return (None if problems else topic), problems


# Our words for pydantic's error types (its ``type`` codes are stable API; its
# English ``msg`` is not, and is never shown).
_MUST_BE = {
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a mapping of keys to values",
    "dataclass_type": "must be a mapping of keys to values",
    "dataclass_exact_type": "must be a mapping of keys to values",
    "model_type": "must be a mapping of keys to values",
    "none_required": "must be empty",
}


def _plain(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "missing":
        return "required field is missing"
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # dataclasses say the latter
        return "unknown field (check the spelling; `soreadvisor kb schema` lists the fields)"
    if kind == "literal_error":  # ctx["expected"]: the allowed values, quoted
        return f"must be {err.get('ctx', {}).get('expected', 'one of the allowed values')}"
    got = type(err.get("input")).__name__
    return f"{_MUST_BE.get(kind, f'is not valid here ({kind})')}, got {got}"


def _dupes(items: Iterable[Any], path: Path_, kind: str) -> Iterator[Found]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        pattern = REF_ID_RE if kind == "reference" else ID_RE
        if not pattern.match(item.id):
            yield (*path, i, "id"), f"{kind} id {item.id!r} must be lowercase-with-dashes"
        if item.id in seen:
            yield (*path, i, "id"), f"duplicate {kind} id {item.id!r}"
        seen.add(item.id)


def _words(entries: list[Any], path: Path_, kind: str) -> Iterator[Found]:
    """Each word people type (``aliases``) names one entry: never two, nor
    another entry's id, as the command line compares them (``word_key``)."""
    owners = {word_key(e.id): e.id for e in entries}
    for i, entry in enumerate(entries):
        for j, word in enumerate(entry.aliases):
            key = word_key(word)
            owner = owners.setdefault(key, entry.id)
            if not key:
                yield (*path, i, "aliases", j), "an alias must have a letter"
            elif owner != entry.id:
                yield (*path, i, "aliases", j), f"{word!r} already names {kind} {owner!r}"


class _Known:
    """The ids a topic defines, which its other parts may name."""

    def __init__(self, t: Topic):
        self.references = {r.id for r in t.references}
        self.conditions = {c.id for c in t.conditions}
        self.medications = {m.id for m in t.medications}
        self.regions = {r.id for r in t.triage.regions} if t.triage else set()
        self.remedies = {r.id for r in t.remedies}

    def cited(self, ids: list[str], path: Path_, need_one: bool = False) -> Iterator[Found]:
        """Each reference cited is in the topic's references (and one at least, if needed)."""
        if need_one and not ids:
            yield path, "at least one reference is required"
        for j, ref in enumerate(ids):
            if ref not in self.references:
                yield (*path, j), f"unknown reference {ref!r} (not in this topic's references)"

    def profile(self, c: Any, path: Path_) -> Iterator[Found]:
        """The conditions and medications a rule or caution names are the topic's."""
        for j, cid in enumerate(c.conditions):
            if cid not in self.conditions:
                yield (*path, "conditions", j), f"unknown condition {cid!r}"
        for key in ("medications", "all_medications"):
            for j, mid in enumerate(getattr(c, key, [])):
                if mid not in self.medications:
                    yield (*path, key, j), f"unknown medication {mid!r}"

    def remedy(self, rid: str | None, path: Path_) -> Iterator[Found]:
        if rid is not None and rid not in self.remedies:
            yield path, f"unknown remedy {rid!r}"


def _meaning(t: Topic, expected_id: str | None) -> Iterator[Found]:
    """Every problem a well-typed topic can still have, in the order of its file."""
    known = _Known(t)
    yield from _identity(t, expected_id)
    yield from _ids(t, known)
    yield from _evidence(t, known)
    yield from _remedies(t, known)
    for i, dont in enumerate(t.donts):
        yield from known.cited(dont.references, ("donts", i, "references"))
        yield from known.remedy(dont.remedy, ("donts", i, "remedy"))
    if t.known:
        yield from known.cited(t.known.references, ("known", "references"))
    if t.timeline:
        yield from _timeline(t, known)
    if t.triage:
        yield from _triage(t, known)
    if t.diary:
        yield from _diary(t, known)
    if t.reminders:
        yield from _reminders(t, known)
    if t.lexicon:
        yield from _lexicon(t)


def _identity(t: Topic, expected_id: str | None) -> Iterator[Found]:
    """The schema this program reads, and an id that is the file's name."""
    if t.schema_version != SCHEMA_VERSION:
        yield ("schema_version",), f"schema_version must be {SCHEMA_VERSION}"
    if not ID_RE.match(t.id):
        yield ("id",), f"topic id {t.id!r} must be lowercase-with-dashes"
    if expected_id and t.id != expected_id:
        yield ("id",), f"topic id {t.id!r} does not match the file name {expected_id!r}"


def _ids(t: Topic, known: _Known) -> Iterator[Found]:
    """Each entry's id is well formed and its own, and so is each word typed for it."""
    yield from _dupes(t.references, ("references",), "reference")
    for i, ref in enumerate(t.references):
        if ref.region is not None and ref.region not in known.regions:
            yield ("references", i, "region"), f"unknown region {ref.region!r}"
    entries = {"causes": "cause", "remedies": "remedy", "tips": "tip", "donts": "dont"}
    named = {"conditions": "condition", "medications": "medication"}
    for section, kind in {**entries, **named}.items():
        yield from _dupes(getattr(t, section), (section,), kind)
    for section, kind in named.items():
        yield from _words(getattr(t, section), (section,), kind)


def _evidence(t: Topic, known: _Known) -> Iterator[Found]:
    """Every cause, remedy and tip cites at least one of the topic's references."""
    for section in ("causes", "remedies", "tips"):
        for i, item in enumerate(getattr(t, section)):
            path = (section, i, "evidence", "references")
            yield from known.cited(item.evidence.references, path, True)


def _remedies(t: Topic, known: _Known) -> Iterator[Found]:
    """A remedy is for some severity; its options, regions and cautions are known."""
    for i, remedy in enumerate(t.remedies):
        if not remedy.severities:
            yield ("remedies", i, "severities"), "list at least one severity"
        yield from _dupes(remedy.options, ("remedies", i, "options"), "option")
        cautions: list[tuple[Path_, Caution]] = [
            (("remedies", i, "cautions", j), c) for j, c in enumerate(remedy.cautions)
        ]
        for k, opt in enumerate(remedy.options):
            yield from known.cited(opt.references, ("remedies", i, "options", k, "references"))
            for j, regional in enumerate(opt.regional_how):
                at: Path_ = ("remedies", i, "options", k, "regional_how", j)
                yield from known.cited(regional.references, (*at, "references"))
                if regional.region not in known.regions:
                    yield (*at, "region"), f"unknown region {regional.region!r}"
            cautions += [
                (("remedies", i, "options", k, "cautions", j), c)
                for j, c in enumerate(opt.cautions)
            ]
        for path, caution in cautions:
            yield from known.cited(caution.references, (*path, "references"))
            yield from known.profile(caution, path)


def _timeline(t: Topic, known: _Known) -> Iterator[Found]:
    """Phases from hour 0 in increasing order, each with known references and remedies."""
    tl = t.timeline
    assert tl is not None
    yield from known.cited(tl.references, ("timeline", "references"))
    yield from _dupes(tl.phases, ("timeline", "phases"), "phase")
    if not tl.phases or tl.phases[0].from_hours != 0:
        yield ("timeline", "phases"), "the first phase must start at from_hours: 0"
    for i, phase in enumerate(tl.phases):
        path: Path_ = ("timeline", "phases", i)
        yield from known.cited(phase.references, (*path, "references"))
        for problem in _unknown_placeholders(phase.client or "", ("start", "end")):
            yield (*path, "client"), problem
        for j, line in enumerate(phase.get_help_if):
            for problem in _unknown_placeholders(line, ("number", "service")):
                yield (*path, "get_help_if", j), problem
        for j, step in enumerate(phase.now):
            yield from known.remedy(step.remedy, (*path, "now", j, "remedy"))
        if i and phase.from_hours <= tl.phases[i - 1].from_hours:
            yield (*path, "from_hours"), "phases must be in increasing order"


def _diary(t: Topic, known: _Known) -> Iterator[Found]:
    """A message for each trend and warning, each showing its own threshold."""
    diary = t.diary
    assert diary is not None
    yield from known.cited(diary.references, ("diary", "references"))
    needed = {"improving", "flat", "worse", "lasting", "rising", "high_score"}
    if diary.worst_score is not None:
        needed.add("worst")
        if diary.worst_within_hours is None:
            yield ("diary", "worst_within_hours"), "worst_score needs worst_within_hours"
    missing = needed - set(diary.messages)
    if missing:
        yield ("diary", "messages"), "missing messages: " + ", ".join(sorted(missing))
    yield from _diary_placeholders(diary.messages)


# A check-in's local time of day: 24-hour HH:MM.
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _lexicon(t: Topic) -> Iterator[Found]:
    lex = t.lexicon
    assert lex is not None
    signs = {s.id for s in t.triage.signs} if t.triage else set()
    for sid, phrases in lex.signs.items():
        if sid not in signs:
            yield ("lexicon", "signs", sid), f"unknown sign {sid!r}"
        for j, phrase in enumerate(phrases):
            if not re.search(r"[^\W_]", phrase):
                yield ("lexicon", "signs", sid, j), "a phrase needs at least one word"
    if not 1 <= lex.window <= 20:
        yield ("lexicon", "window"), "must be from 1 to 20 words"


def _reminders(t: Topic, known: _Known) -> Iterator[Found]:
    rem = t.reminders
    assert rem is not None
    yield from known.cited(rem.references, ("reminders", "references"))
    if not rem.checkins:
        yield ("reminders", "checkins"), "list at least one check-in"
    if not 0 < rem.minutes <= 24 * 60:
        yield ("reminders", "minutes"), "must be from 1 to 1440 (a day)"
    yield from _dupes(rem.checkins, ("reminders", "checkins"), "check-in")
    if rem.night is not None:
        for key in ("starts", "ends"):
            clock = getattr(rem.night, key)
            if not _CLOCK.match(clock):
                yield ("reminders", "night", key), f"{clock!r} is not a 24-hour time like 08:00"
    for i, checkin in enumerate(rem.checkins):
        path: Path_ = ("reminders", "checkins", i)
        if not 0 <= checkin.after_hours <= 24 * 366:
            yield (*path, "after_hours"), "must be from 0 to 8784 (a year)"
        if checkin.clock is not None and not _CLOCK.match(checkin.clock):
            yield (*path, "clock"), f"{checkin.clock!r} is not a 24-hour time like 09:00"
        for key in ("title", "look_for"):
            for problem in _unknown_placeholders(getattr(checkin, key), ("after",)):
                yield (*path, key), problem
        yield from known.cited(checkin.references, (*path, "references"), True)


# Each warning must show the number it is about, from its own field, so the
# words can never disagree with the rule: e.g. {lasting_after} for lasting.
_OWN_PLACEHOLDER = {
    "lasting": "lasting_after",
    "rising": "rising_after",
    "high_score": "high_score",
    "worst": "worst_score",
}
# Every placeholder a diary message may use.
_DIARY_PLACEHOLDERS = {*_OWN_PLACEHOLDER.values(), "worst_within"}


def _unknown_placeholders(text: str, allowed: Iterable[str], where: str = "") -> Iterator[str]:
    """A problem for each ``{name}`` in ``text`` that is not one of ``allowed``."""
    names = sorted(allowed)
    use = "use " + ", ".join(f"{{{n}}}" for n in names) if names else "it takes none"
    for name in PLACEHOLDER.findall(text):
        if name not in names:
            yield f"{where}unknown placeholder {{{name}}}; {use}"


def _diary_placeholders(messages: dict[str, str]) -> Iterator[Found]:
    known = _DIARY_PLACEHOLDERS
    allowed = ", ".join(f"{{{n}}}" for n in sorted(known))
    for key, text in messages.items():
        for problem in _unknown_placeholders(text, known):
            yield ("diary", "messages", key), problem
        if re.search(r"[{}]", PLACEHOLDER.sub("", text)):
            yield (
                ("diary", "messages", key),
                f"a {{ or }} with no partner; a placeholder is one of {allowed}",
            )
        own = _OWN_PLACEHOLDER.get(key)
        if own and f"{{{own}}}" not in text:
            message = f"the {key} message must show its threshold: {{{own}}}"
            yield ("diary", "messages", key), message


def _wording(wording: dict[str, str], english: dict[str, str]) -> Iterator[Found]:
    """Every key the program says, each with only the placeholders its English text uses."""
    for key, text in wording.items():
        if key not in english:
            yield ("wording", key), f"{key}: not a key soreadvisor uses"
            continue
        allowed = PLACEHOLDER.findall(english[key])
        for problem in _unknown_placeholders(text, allowed, f"{key}: "):
            yield ("wording", key), problem


def _triage(t: Topic, known: _Known) -> Iterator[Found]:
    tr = t.triage
    assert tr is not None
    yield from _dupes(tr.levels, ("triage", "levels"), "level")
    yield from _dupes(tr.signs, ("triage", "signs"), "sign")
    yield from _dupes(tr.rules, ("triage", "rules"), "rule")
    yield from _dupes(tr.regions, ("triage", "regions"), "region")
    for i, region in enumerate(tr.regions):
        for key, names in (
            ("date_long", ("weekday", "day", "month", "year")),
            ("date_short", ("weekday", "day", "month")),
        ):
            for problem in _unknown_placeholders(getattr(region, key) or "", names):
                yield ("triage", "regions", i, key), problem
    if not tr.levels:
        yield ("triage", "levels"), "list at least one level"
    levels = {lv.id for lv in tr.levels}
    signs = {s.id for s in tr.signs}
    for j, lid in enumerate(tr.not_sure_counts_as_yes):
        if lid not in levels:
            yield ("triage", "not_sure_counts_as_yes", j), f"unknown level {lid!r}"
    for i, sign in enumerate(tr.signs):
        if sign.level not in levels:
            yield ("triage", "signs", i, "level"), f"unknown level {sign.level!r}"
        yield from known.cited(sign.references, ("triage", "signs", i, "references"), True)
        for key in ("action", "headline", "short"):
            for problem in _unknown_placeholders(getattr(sign, key) or "", ("number", "service")):
                yield ("triage", "signs", i, key), problem
    for i, rule in enumerate(tr.rules):
        path: Path_ = ("triage", "rules", i)
        if rule.level not in levels:
            yield (*path, "level"), f"unknown level {rule.level!r}"
        if not rule.all_of or not all(rule.all_of):
            yield (*path, "all_of"), "all_of needs at least one non-empty group of signs"
        for g, group in enumerate(rule.all_of):
            for j, sid in enumerate(group):
                if sid not in signs:
                    yield (*path, "all_of", g, j), f"unknown sign {sid!r}"
        yield from known.cited(rule.references, (*path, "references"), True)
        yield from known.profile(rule, path)
    roles = [(i, lv.role) for i, lv in enumerate(tr.levels) if lv.role]
    emergency = [i for i, role in roles if role == "emergency"]
    if tr.levels and emergency != [len(tr.levels) - 1]:
        # The program shows the number to call for this level and nothing
        # that softens it: exactly one, and nothing may outrank it.
        yield (
            ("triage", "levels"),
            "the last (highest) level, and only it, must have role: emergency",
        )
    if [r for _, r in roles].count("same-day") > 1:
        yield ("triage", "levels"), "at most one level may have role: same-day"
    texts: list[tuple[Path_, str]] = [
        (("triage", "pointer"), tr.pointer),
        (("triage", "emergency_reminder"), tr.emergency_reminder),
    ]
    for i, lv in enumerate(tr.levels):
        for key in ("title", "action", "if_worse", "heading", "disclaimer"):
            text = getattr(lv, key)
            if text:
                texts.append((("triage", "levels", i, key), text))
    for path, text in texts:
        for problem in _unknown_placeholders(text, ("number", "service")):
            yield path, problem
    if "{level}" not in tr.unsure_lead:
        yield ("triage", "unsure_lead"), "the lead must say what the sign means: {level}"
