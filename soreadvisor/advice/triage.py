"""``check``: the warning-sign screen.

The levels, signs, rules and texts are all in the knowledge base. The rules
of the game are here: the highest level triggered wins, a combination rule
can only raise the level, and "not sure" counts as yes for the levels the
knowledge base names (emergency and urgent).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UserError, did_you_mean
from ..kb.models import Level, Region, Sign, Topic, Triage
from ..report import Item, Report, Section, Tone
from ..text import fill_in
from .common import finish, new_report, phrase
from .freetext import Reading
from .profile import Profile

ANSWERS = ("yes", "no", "unsure")


def answer_of(topic: Topic, typed: str) -> str | None:
    """``yes``, ``no`` or ``unsure`` for what was typed at a question, by the
    topic's words for each (``check.answers_*``, comma-separated); None if none."""
    said = " ".join(typed.strip().lower().split())
    for answer in ANSWERS:
        if said in (w.strip() for w in topic.wording[f"check.answers_{answer}"].split(",")):
            return answer
    return None


def triage_of(topic: Topic) -> Triage:
    if topic.triage is None:
        raise UserError(f"topic {topic.id!r} has no warning-sign screen")
    return topic.triage


# Plain classes, not @dataclass: on the path of every answer, where importing
# dataclasses and generating methods is measurable (docs/design.md).


class Reason:
    """A sign or rule that was met, and the level it gives."""

    def __init__(self, kind: str, id: str, text: str, level: str, references: list[str]):
        self.kind = kind  # "sign" or "rule"
        self.id = id
        self.text = text
        self.level = level
        self.references = references


class Assessment:
    def __init__(self, level: Level, reasons: list[Reason], clot: bool, present: set[str]):
        self.level = level
        self.reasons = reasons
        self.clot = clot
        self.present = present


def validate_signs(triage: Triage, ids: Iterable[str]) -> set[str]:
    """The sign ids given, in any case (ONE-LEG-SWELLING); an unknown one is refused."""
    from ..kb.models import word_key

    known = {word_key(s.id): s.id for s in triage.signs}
    for sid in ids:
        if word_key(sid) not in known:
            raise did_you_mean("warning sign", sid, list(known.values()))
    return {known[word_key(sid)] for sid in ids}


def assess(triage: Triage, present: set[str], profile: Profile) -> Assessment:
    """The level for the signs present: the highest any sign or rule reaches."""
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    reasons = [
        Reason("sign", s.id, s.text, s.level, s.references) for s in triage.signs if s.id in present
    ]
    for rule in triage.rules:
        groups_met = all(present.intersection(group) for group in rule.all_of)
        needs_profile = rule.medications or rule.conditions
        profile_met = not needs_profile or (
            set(rule.medications) & set(profile.medications)
            or set(rule.conditions) & set(profile.conditions)
        )
        if groups_met and profile_met:
            reasons.append(Reason("rule", rule.id, rule.text, rule.level, rule.references))
    top = max((rank[r.level] for r in reasons), default=0)
    reasons.sort(key=lambda r: -rank[r.level])
    clot = any(s.clot and s.id in present for s in triage.signs)
    return Assessment(triage.levels[top], reasons, clot, set(present))


def questions(triage: Triage) -> list[Sign]:
    """The order to ask in: the most serious signs first, then file order."""
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    return sorted(triage.signs, key=lambda s: -rank[s.level])


def sign_level(triage: Triage, sign: Sign, profile: Profile) -> Level:
    """The level this sign alone gives this person (a rule can raise it, e.g. on blood thinners)."""
    return assess(triage, {sign.id}, profile).level


def counts_as_yes(triage: Triage, sign: Sign, answer: str, profile: Profile) -> bool:
    """Yes is yes; "not sure" is yes where the sign, for this person, is serious enough."""
    if answer == "yes":
        return True
    return answer == "unsure" and (
        sign_level(triage, sign, profile).id in triage.not_sure_counts_as_yes
    )


def settle(
    triage: Triage, readings: Iterable[Reading], profile: Profile
) -> tuple[dict[str, str], list[str]]:
    """What a person's words settle: the answers that stand, and the signs still
    unanswered, the most serious first.

    A "no" read from words for a sign serious enough that "not sure" counts as
    yes (for this person) does not stand on the words alone: it waits for the
    person's own answer (``reading.confirm``), and stays unanswered until then.
    """
    answers: dict[str, str] = {}
    for r in readings:
        sign = next(s for s in triage.signs if s.id == r.sign)
        if r.answer == "no" and (
            sign_level(triage, sign, profile).id in triage.not_sure_counts_as_yes
        ):
            r.confirm = True
            continue
        answers[r.sign] = r.answer
    return answers, [s.id for s in questions(triage) if s.id not in answers]


def tally(
    triage: Triage, answers: dict[str, str], profile: Profile
) -> tuple[set[str], list[str], list[str]]:
    """The signs that count as present, those "not sure" that did not count, and
    those "not sure" that counted as yes."""
    present: set[str] = set()
    doubtful: list[str] = []
    counted: list[str] = []
    for sign in questions(triage):
        answer = answers.get(sign.id)
        if answer is None:
            continue
        if counts_as_yes(triage, sign, answer, profile):
            present.add(sign.id)
            if answer == "unsure":
                counted.append(sign.id)
        elif answer == "unsure":
            doubtful.append(sign.id)
    return present, doubtful, counted


def fill(text: str, triage: Triage, region: Region | None) -> str:
    """A triage text with ``{number}`` and ``{service}`` filled in for the region."""
    number = region.emergency_number if region else triage.generic_number
    service = region.urgent_service if region else triage.generic_service
    return fill_in(text, {"number": number, "service": service})


def level_tone(triage: Triage, level: Level) -> Tone:
    """critical for the levels that need help now or today, warning for the others
    above the lowest, info for the lowest."""
    if level.role in ("emergency", "same-day"):
        return "critical"
    return "warning" if level.id != triage.levels[0].id else "info"


def warning_sign_sections(topic: Topic, profile: Profile) -> list[Section]:
    """The signs that, for this person, need help now or today: one section per
    level, the most serious first, each headed by what to do ("call 999 now")."""
    triage = topic.triage
    if triage is None:
        return []
    region = region_of(triage, profile.region)
    levels = {s.id: sign_level(triage, s, profile) for s in triage.signs}
    out = []
    for level in reversed(triage.levels):
        if level.id not in triage.not_sure_counts_as_yes:
            continue
        signs = [s for s in triage.signs if levels[s.id].id == level.id]
        if not signs:
            continue
        action = fill(level.action, triage, region)

        def own(sign: Sign) -> str:
            # a sign with its own action ("go now") says it; the heading's
            # action is its level's
            return fill(sign.action, triage, region) if sign.action else ""

        out.append(
            Section(
                key="warning_signs",
                title=fill(level.heading or level.title, triage, region),
                note=action,
                tone="critical",
                items=[
                    Item(
                        id=s.id,
                        title=s.text,
                        short=fill(s.short, triage, region) if s.short else "",
                        summary=own(s),
                        # In JSON each sign carries what to do about it.
                        data={
                            "level": level.id,
                            "action": own(s) or action,
                            "references": s.references,
                        },
                    )
                    for s in signs
                ],
            )
        )
    return out


def pointer_section(topic: Topic, profile: Profile) -> Section | None:
    """The one line that names the warning signs and points to the check."""
    triage = topic.triage
    if triage is None:
        return None
    line = fill(triage.pointer, triage, region_of(triage, profile.region))
    return Section(
        "warning_signs_pointer",
        phrase(topic, "cope.pointer"),
        [Item(title=line)],
        tone="critical",
        kind="sentence",
    )


def emergency_reminder(triage: Triage, region: Region | None) -> str:
    return fill(triage.emergency_reminder, triage, region)


def is_highest(triage: Triage, level: Level) -> bool:
    """Whether ``level`` is the emergency one (the data names it by its role)."""
    return level.role == "emergency"


def region_from_locale(triage: Triage, env: dict[str, str]) -> tuple[Region, str] | None:
    """The region the locale's territory names (``en_GB.UTF-8`` -> uk, by the
    regions' ids and aliases), and the locale; None if it names no known region.
    The first of LC_ALL, LC_MESSAGES and LANG that is set decides, as for gettext."""
    locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    territory = locale.split(".")[0].split("@")[0].partition("_")[2].casefold()
    if not territory:
        return None
    for r in triage.regions:
        if territory == r.id or territory in (a.casefold() for a in r.aliases):
            return r, locale
    return None


def facts_that_matter(triage: Triage, present: set[str], profile: Profile) -> list[tuple[str, str]]:
    """The medicines and conditions (kind, id) that would raise this result: each
    named by a rule whose signs are all present, that gives a higher level than
    the result, and that the profile does not meet already."""
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    now = rank[assess(triage, present, profile).level.id]
    out: list[tuple[str, str]] = []
    for rule in triage.rules:
        if not (rule.medications or rule.conditions) or rank[rule.level] <= now:
            continue
        if not all(present.intersection(group) for group in rule.all_of):
            continue
        if set(rule.medications) & set(profile.medications) or set(rule.conditions) & set(
            profile.conditions
        ):
            continue
        out += [("medication", m) for m in rule.medications]
        out += [("condition", c) for c in rule.conditions]
    return list(dict.fromkeys(out))


def region_of(triage: Triage, region_id: str | None) -> Region | None:
    return next((r for r in triage.regions if r.id == region_id), None)


def check_report(
    topic: Topic,
    result: Assessment,
    profile: Profile,
    doubtful: Iterable[str] = (),
    counted_unsure: Iterable[str] = (),
    understood: Iterable[Reading] | None = None,
    not_asked: Iterable[str] = (),
) -> Report:
    """The check's answer; ``doubtful`` are signs answered "not sure" that did
    not count, ``counted_unsure`` those answered "not sure" that counted as yes
    (shown as that, never as a symptom the person has).

    With the person's own words, ``understood`` is what was read from them
    (it opens the answer, so it can be corrected) and ``not_asked`` the signs
    still unanswered: named with what to do, the most serious first.

    One message per result: an emergency leads with the number and carries
    nothing that softens it; a doubt that could change the answer is said first.
    """
    triage = triage_of(topic)
    region = region_of(triage, profile.region)
    level = result.level
    titles = {lv.id: fill(lv.title, triage, region) for lv in triage.levels}
    not_asked = set(not_asked)
    unasked = _not_asked_sections(topic, not_asked, profile) if not_asked else []
    # "look after this at home" is not known yet while signs were not asked
    unasked_lead = bool(unasked) and level.role is None
    unsure = _unsure_section(topic, triage, set(doubtful), titles)
    doubt = _doubt_above(triage, set(doubtful), level) if unsure else None
    report = new_report(topic, "check", "check.title")
    _heading(report, topic, result, region, unasked_lead, titles[doubt.level] if doubt else None)
    # The order of the answer is the safety policy: what was read from the
    # person's words (to be corrected); the signs not asked, when they could
    # change a "look after this at home"; a doubt about a sign more serious
    # than the result, before the result; the clot warning; what to do; the
    # signs not asked, after an answer that needs help today or now; why; a
    # doubt that changes nothing, last.
    sections = [
        understood is not None
        and _understood_section(topic, list(understood), set(counted_unsure), result.present),
        *(unasked if unasked_lead else []),
        unasked_lead and _result_line(topic, "check.result_not_asked", titles[level.id]),
        doubt and unsure,
        doubt and _result_line(topic, "check.result", titles[level.id]),
        result.clot and _clot_section(topic, triage, result.present),
        _actions_section(topic, triage, result, region, report.tone),
        *([] if unasked_lead else unasked),
        _reasons_section(topic, triage, result, set(counted_unsure)),
        not doubt and unsure,
    ]
    for section in sections:
        if section:
            report.add(section)
    return finish(report, topic, profile)


def _heading(
    report: Report,
    topic: Topic,
    result: Assessment,
    region: Region | None,
    unasked_lead: bool,
    doubt: str | None,
) -> None:
    """The headline, tone and meta of the result: the level's (a sign at that
    level with its own headline, "now", sets it), unless signs not asked or a
    doubt about a more serious level (``doubt``, its title) lead."""
    triage = triage_of(topic)
    level = result.level
    headline = next(
        (
            s.headline
            for s in triage.signs
            if s.id in result.present and s.level == level.id and s.headline
        ),
        level.title,
    )
    report.headline = fill(headline, triage, region)
    report.tone = level_tone(triage, level)
    if level.disclaimer:
        report.disclaimer = level.disclaimer
    report.meta.update(
        level=level.id,
        timeframe=level.timeframe,
        emergency_number=region.emergency_number if region else None,
        region=region.id if region else None,
    )
    if unasked_lead:
        report.headline = phrase(topic, "check.not_asked_lead")
        report.tone = "warning"
    if doubt:
        report.headline = fill_in(triage.unsure_lead, {"level": _lower(doubt)})
        report.tone = "warning" if report.tone == "info" else report.tone


def _result_line(topic: Topic, key: str, title: str) -> Section:
    """The result itself, in one sentence, when something else leads the answer."""
    return Section("result", phrase(topic, key), [Item(title=title)], kind="sentence")


def _unsure_section(
    topic: Topic, triage: Triage, doubtful: set[str], titles: dict[str, str]
) -> Section | None:
    """The signs answered "not sure" that did not count: never silently dropped."""
    unsure = [s for s in triage.signs if s.id in doubtful]
    if not unsure:
        return None
    return Section(
        "unsure",
        phrase(topic, "check.unsure"),
        [
            Item(
                id=s.id,
                title=s.text,
                summary=phrase(topic, "check.if_you_have_it", level=_lower(titles[s.level])),
                data={"level": s.level, "references": s.references},
            )
            for s in unsure
        ],
        tone="warning",
    )


def _doubt_above(triage: Triage, doubtful: set[str], level: Level) -> Sign | None:
    """The most serious sign answered "not sure" above the result's level, if any."""
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    above = [s for s in triage.signs if s.id in doubtful and rank[s.level] > rank[level.id]]
    return max(above, key=lambda s: rank[s.level]) if above else None


def _clot_section(topic: Topic, triage: Triage, present: set[str]) -> Section:
    """What a clot means; a sign that can look like a clot (R49) is never
    labelled a clot alone."""
    mimic = triage.clot_mimic_warning and any(s.clot_mimic for s in triage.signs if s.id in present)
    return Section(
        "clot_warning",
        phrase(topic, "check.clot_or_mimic" if mimic else "check.clot"),
        [Item(title=(triage.clot_mimic_warning if mimic else None) or triage.clot_warning)],
        tone="critical",
        kind="sentence",
    )


def _actions_section(
    topic: Topic, triage: Triage, result: Assessment, region: Region | None, tone: Tone
) -> Section:
    """What to do. The signs at the result's level with their own action ("go
    now") say it; the level's action stays for the others. Nothing from a
    lower level; then what to do if it gets worse."""
    level = result.level
    at_level = [s for s in triage.signs if s.id in result.present and s.level == level.id]
    own = list(dict.fromkeys(fill(s.action, triage, region) for s in at_level if s.action))
    others = [r for r in result.reasons if r.level == level.id and not _has_action(triage, r)]
    actions = own + ([fill(level.action, triage, region)] if others or not own else [])
    actions.append(fill(level.if_worse, triage, region))
    return Section(
        "actions",
        phrase(topic, "check.actions"),
        [Item(title=a) for a in actions],
        tone=tone,
        kind="sentences",
    )


def _reasons_section(
    topic: Topic, triage: Triage, result: Assessment, counted: set[str]
) -> Section:
    """Why: each sign and rule that set the level; a "not sure" counted as yes says so."""

    def unsure(r: Reason) -> bool:
        return r.kind == "sign" and r.id in counted

    return Section(
        "reasons",
        phrase(topic, "check.reasons"),
        [
            Item(
                id=r.id,
                title=phrase(topic, "check.counted_unsure", text=r.text) if unsure(r) else r.text,
                data={
                    "kind": r.kind,
                    "level": r.level,
                    "references": r.references,
                    **({"answer": "unsure"} if unsure(r) else {}),
                },
            )
            for r in result.reasons
        ]
        or [Item(id=None, title=triage.none_reported, data={"kind": "none"})],
    )


def generic_once(report: Report, triage: Triage) -> None:
    """The generic emergency line ("your local emergency number (for example
    112, 911 or 999)") in full the first time an answer says it, in its short
    form after that (in the order a person reads: headline, then sections)."""
    full, again = triage.generic_number, triage.generic_number_again
    if not again:
        return
    seen = [False]

    def once(text: str) -> str:
        if full not in text:
            return text
        head, sep, tail = text.partition(full)
        if not seen[0]:
            seen[0] = True
            return head + sep + tail.replace(full, again)
        return text.replace(full, again)

    report.headline = once(report.headline or "")
    for section in report.sections:
        section.title = once(section.title)
        section.note = once(section.note)
        for item in section.items:
            item.title = once(item.title)
            item.short = once(item.short)
            item.summary = once(item.summary) if item.summary else item.summary
            item.warnings = [once(w) for w in item.warnings]
            # (JSON's own "action" of each sign stays whole: a program reads
            # each item on its own)
    report.disclaimer = once(report.disclaimer)


def _understood_section(
    topic: Topic, readings: list[Reading], counted: set[str], present: set[str]
) -> Section:
    """Each sign read from the person's words: yes, no or not sure, and the words."""
    triage = triage_of(topic)
    order = {s.id: i for i, s in enumerate(questions(triage))}
    texts = {s.id: s.text for s in triage.signs}
    items = []
    for r in sorted(readings, key=lambda r: order.get(r.sign, len(order))):
        key = r.answer
        if r.answer == "unsure" and r.sign in counted:
            key = "unsure_counted"
        elif r.answer == "no" and r.sign not in present and r.confirm:
            key = "no_unconfirmed"
        answer = phrase(topic, f"check.said_{key}")
        title = phrase(
            topic, "check.understood_item", sign=texts[r.sign], answer=answer, words=r.words
        )
        items.append(
            Item(
                id=r.sign,
                title=title,
                data={"answer": r.answer, "words": r.words, "counts_as": key},
            )
        )
    if not items:
        items.append(Item(title=phrase(topic, "check.understood_nothing"), data={"answer": None}))
    return Section("understood", phrase(topic, "check.understood"), items)


def _not_asked_sections(topic: Topic, unasked: set[str], profile: Profile) -> list[Section]:
    """The signs nobody answered, by level, the most serious first, each group
    headed by what to do if you have one ("Call 999 now if you have any of these")."""
    triage = triage_of(topic)
    region = region_of(triage, profile.region)
    out = []
    for level in reversed(triage.levels):
        signs = [
            s
            for s in triage.signs
            if s.id in unasked and sign_level(triage, s, profile).id == level.id
        ]
        if not signs:
            continue
        out.append(
            Section(
                "not_asked",
                phrase(topic, "check.not_asked", level=fill(level.title, triage, region)),
                [
                    Item(
                        id=s.id,
                        title=s.text,
                        summary=fill(s.action, triage, region) if s.action else "",
                        data={
                            "level": level.id,
                            "action": fill(s.action or level.action, triage, region),
                        },
                    )
                    for s in signs
                ],
                tone="critical" if level.id in triage.not_sure_counts_as_yes else "warning",
            )
        )
    return out


def _has_action(triage: Triage, reason: Reason) -> bool:
    """Whether a reason is a sign with its own action."""
    return reason.kind == "sign" and any(s.id == reason.id and s.action for s in triage.signs)


def _lower(text: str) -> str:
    """A level's title inside a sentence: "see a doctor", "call 999 now"."""
    return text[:1].lower() + text[1:]


def list_report(topic: Topic) -> Report:
    """The warning-sign ids (for ``check --list``), most serious first."""
    triage = triage_of(topic)
    report = new_report(topic, "check", "check.list_title")
    report.add(
        Section(
            "signs",
            phrase(topic, "check.list"),
            [
                Item(
                    id=s.id,
                    title=s.text,
                    data={"question": s.question, "level": s.level},
                )
                for s in questions(triage)
            ],
            kind="index",
            ids=True,
        )
    )
    return report
