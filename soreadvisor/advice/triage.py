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
from ..report import Item, Report, Section
from .common import finish, new_report
from .profile import Profile

ANSWERS = {
    "y": "yes",
    "yes": "yes",
    "n": "no",
    "no": "no",
    "?": "unsure",
    "s": "unsure",
    "u": "unsure",
    "unsure": "unsure",
    "not sure": "unsure",
    "maybe": "unsure",
    "dont know": "unsure",
    "don't know": "unsure",
}


def triage_of(topic: Topic) -> Triage:
    if topic.triage is None:
        raise UserError(f"topic {topic.id!r} has no warning-sign screen")
    return topic.triage


# Plain classes, not @dataclass: generating dataclass methods costs about a
# millisecond per class on every start-up (python -X importtime).


class Reason:
    """A sign or rule that was met, and the level it gives."""

    def __init__(self, kind: str, id: str, text: str, level: str, references: list[str]):
        self.kind = kind  # "sign" or "rule"
        self.id = id
        self.text = text
        self.level = level
        self.references = references


class Assessment:
    def __init__(self, level: Level, reasons: list[Reason], clot: bool):
        self.level = level
        self.reasons = reasons
        self.clot = clot


def validate_signs(triage: Triage, ids: Iterable[str]) -> set[str]:
    known = [s.id for s in triage.signs]
    for sid in ids:
        if sid not in known:
            raise did_you_mean("warning sign", sid, known)
    return set(ids)


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
    return Assessment(triage.levels[top], reasons, clot)


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


def warning_signs_section(topic: Topic, profile: Profile, prominent: bool) -> Section | None:
    """The short list of signs that, for this person, need help now or today."""
    triage = topic.triage
    if triage is None:
        return None
    serious = set(triage.not_sure_counts_as_yes)
    rank = {lv.id: i for i, lv in enumerate(triage.levels)}
    levels = {s.id: sign_level(triage, s, profile) for s in triage.signs}
    signs = sorted(
        (s for s in triage.signs if levels[s.id].id in serious),
        key=lambda s: -rank[levels[s.id].id],
    )
    return Section(
        key="warning_signs",
        title="Get help now if you have any of these" if prominent else "Warning signs",
        note=triage.check_prompt,
        tone="critical" if prominent else "warning",
        items=[
            Item(id=s.id, title=s.text, data={"level": levels[s.id].id, "references": s.references})
            for s in signs
        ],
    )


def is_highest(triage: Triage, level: Level) -> bool:
    return level.id == triage.levels[-1].id


def region_of(triage: Triage, region_id: str | None) -> Region | None:
    return next((r for r in triage.regions if r.id == region_id), None)


def emergency_line(triage: Triage, region: Region | None) -> str:
    if region is None:
        return triage.generic_emergency
    return f"Emergency number ({region.name}): {region.emergency_number}."


def urgent_line(triage: Triage, region: Region | None) -> str:
    if region is None:
        return triage.generic_urgent
    return f"Same-day help ({region.name}): {region.urgent_service}."


def check_report(
    topic: Topic, result: Assessment, profile: Profile, doubtful: Iterable[str] = ()
) -> Report:
    """The check's answer; ``doubtful`` are signs answered "not sure" that did not count."""
    triage = triage_of(topic)
    region = region_of(triage, profile.region)
    level = result.level
    rank = [lv.id for lv in triage.levels].index(level.id)
    top = len(triage.levels) - 1
    report = new_report(topic, "check", f"{topic.title}: warning-sign check")
    report.headline = level.title
    report.intro = f"Time frame: {level.timeframe}."
    report.tone = "critical" if rank >= top - 1 and rank > 0 else ("warning" if rank else "info")
    report.meta.update(
        level=level.id,
        timeframe=level.timeframe,
        emergency_number=region.emergency_number if region else None,
        region=region.id if region else None,
    )
    if result.clot:
        report.add(
            Section(
                "clot_warning",
                "Possible clot",
                [Item(title=triage.clot_warning)],
                tone="critical",
                shape="string",
            )
        )
    actions = [level.action]
    if level.id == triage.levels[-1].id:
        actions.append(emergency_line(triage, region))
    elif rank == top - 1:
        actions.append(urgent_line(triage, region))
    actions.append(level.if_worse)
    if rank < top:  # the number to call should it get worse
        actions.append(emergency_line(triage, region))
    report.add(
        Section(
            "actions",
            "What to do",
            [Item(title=a) for a in actions],
            tone=report.tone,
            shape="strings",
        )
    )
    report.add(
        Section(
            "reasons",
            "Why",
            [
                Item(
                    id=r.id,
                    title=r.text,
                    data={"kind": r.kind, "level": r.level, "references": r.references},
                )
                for r in result.reasons
            ]
            or [Item(id=None, title="No warning signs were reported.", data={"kind": "none"})],
        )
    )
    unsure = [s for s in triage.signs if s.id in set(doubtful)]
    if unsure:  # not counted, but never silently dropped
        levels = {lv.id: lv for lv in triage.levels}
        report.add(
            Section(
                "unsure",
                "You were not sure about",
                [
                    Item(
                        id=s.id,
                        title=s.text,
                        summary=f"If you do have it: {levels[s.level].title.lower()}.",
                        data={"level": s.level, "references": s.references},
                    )
                    for s in unsure
                ],
                tone="warning",
            )
        )
    return finish(report, topic)


def list_report(topic: Topic) -> Report:
    """The warning-sign ids (for ``check --list``), most serious first."""
    triage = triage_of(topic)
    report = new_report(topic, "check", f"{topic.title}: warning signs")
    report.listing = True
    report.add(
        Section(
            "signs",
            "Warning signs",
            [
                Item(
                    id=s.id,
                    title=s.text,
                    line=s.id,
                    data={"question": s.question, "level": s.level},
                )
                for s in questions(triage)
            ],
        )
    )
    return report
