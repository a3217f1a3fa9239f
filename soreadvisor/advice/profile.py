"""Who the advice is for, and which cautions apply to them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import did_you_mean
from ..kb.models import word_key
from .common import new_report, phrase

if TYPE_CHECKING:  # only for annotations: the CLI's options import this module's bounds
    from ..kb.models import Caution, Topic
    from ..report import Report

# What a person can be: the --age and --pregnant-weeks flags take these, and a
# saved profile is held to the same (a pregnancy of 0 weeks means not pregnant).
AGE_RANGE = (0, 130)
PREGNANT_WEEKS_RANGE = (0, 45)

# Plain classes, not @dataclass: on the path of every answer, where importing
# dataclasses and generating methods is measurable (docs/design.md).


class Profile:
    """Facts about the person that change the advice; all optional."""

    FIELDS = ("conditions", "medications", "age", "pregnant_weeks", "region")

    def __init__(
        self,
        conditions: list[str] | None = None,
        medications: list[str] | None = None,
        age: int | None = None,
        pregnant_weeks: int | None = None,
        region: str | None = None,
    ):
        self.conditions = conditions if conditions is not None else []
        self.medications = medications if medications is not None else []
        self.age = age
        self.pregnant_weeks = pregnant_weeks
        self.region = region
        # The locale the region was taken from, when no one gave or saved one
        # (never saved: ``as_dict`` leaves it out).
        self.locale: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and self.as_dict() == other.as_dict()

    def __repr__(self) -> str:
        return f"Profile({self.as_dict()})"

    def is_empty(self) -> bool:
        """Nothing told of the person (a region read from the language setting was not)."""
        told = self.as_dict()
        if self.locale:
            told["region"] = None
        return told == Profile().as_dict()

    def with_run_options(
        self,
        conditions: list[str] | None = None,
        medications: list[str] | None = None,
        age: int | None = None,
        pregnant_weeks: int | None = None,
        region: str | None = None,
    ) -> Profile:
        """This profile with one run's options laid over it.

        Conditions and medications given for a run are added to the saved ones,
        never swapped for them: forgetting to repeat ``--condition raynauds``
        must not bring ice back. Age, pregnancy and region replace (a
        pregnancy of 0 weeks means not pregnant).
        """
        laid = Profile(
            conditions=list(dict.fromkeys(self.conditions + (conditions or []))),
            medications=list(dict.fromkeys(self.medications + (medications or []))),
            age=self.age if age is None else age,
            pregnant_weeks=self.pregnant_weeks
            if pregnant_weeks is None
            else (pregnant_weeks or None),
            region=self.region if region is None else region.lower(),
        )
        if region is None:
            laid.locale = self.locale
        return laid


def from_saved(data: object) -> Profile:
    """A profile from saved JSON, held to what the flags accept; ValueError if not."""
    if not isinstance(data, dict) or set(data) - set(Profile.FIELDS):
        raise ValueError("not a profile")
    for key in ("conditions", "medications"):
        ids = data.get(key)
        if ids is not None and not (
            isinstance(ids, list) and all(isinstance(x, str) and x for x in ids)
        ):
            raise ValueError(f"{key} must be a list of ids")
    for key, (low, high) in (("age", AGE_RANGE), ("pregnant_weeks", PREGNANT_WEEKS_RANGE)):
        value = data.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
        ):
            raise ValueError(f"{key} must be a whole number from {low} to {high}")
    region = data.get("region")
    if region is not None and not (isinstance(region, str) and region):
        raise ValueError("region must be an id")
    return Profile(**data)


def known_only(profile: Profile, topic: Topic) -> tuple[Profile, list[str]]:
    """``profile`` without the ids ``topic`` does not define, and those ids, named."""
    known = {
        "condition": {c.id for c in topic.conditions},
        "medication": {m.id for m in topic.medications},
    }
    stale = [f"condition {c!r}" for c in profile.conditions if c not in known["condition"]]
    stale += [f"medication {m!r}" for m in profile.medications if m not in known["medication"]]
    region = profile.region
    if region and topic.triage and region not in {r.id for r in topic.triage.regions}:
        stale.append(f"region {region!r}")
        region = None
    if not stale:
        return profile, []
    kept = Profile(
        conditions=[c for c in profile.conditions if c in known["condition"]],
        medications=[m for m in profile.medications if m in known["medication"]],
        age=profile.age,
        pregnant_weeks=profile.pregnant_weeks,
        region=region,
    )
    return kept, stale


def check_ids(profile: Profile, topic: Topic) -> None:
    """Refuse condition, medication or region ids the topic does not define."""
    for kind, ids, known in (
        ("condition", profile.conditions, [c.id for c in topic.conditions]),
        ("medication", profile.medications, [m.id for m in topic.medications]),
    ):
        for wanted in ids:
            if wanted not in known:
                raise did_you_mean(kind, wanted, known)
    if profile.region and topic.triage:
        regions = [r.id for r in topic.triage.regions]
        if profile.region not in regions:
            raise did_you_mean("region", profile.region, regions)


def resolve(kind: str, wanted: str, entries: list[Any]) -> tuple[Any, bool]:
    """The entry (a condition, medication or region) that ``wanted`` names: by
    its id in any case, or by a word the data lists for it (warfarin); True
    when it was such a word. An unknown word is refused with the close ids
    and words."""
    key = word_key(wanted)
    for entry in entries:
        if word_key(entry.id) == key:
            return entry, False
    for entry in entries:
        if any(word_key(a) == key for a in entry.aliases):
            return entry, True
    words = {a: e.id for e in entries for a in e.aliases}
    raise did_you_mean(kind, wanted, [e.id for e in entries], words)


def is_general(caution: Caution) -> bool:
    """True for a caution meant for everyone (it names nobody in particular)."""
    return not (
        caution.conditions
        or caution.medications
        or caution.all_medications
        or caution.pregnant_from_weeks is not None
        or caution.age_over is not None
        or caution.no_profile
    )


def matched_by(caution: Caution, profile: Profile, topic: Topic) -> list[str]:
    """What in the profile makes a personal caution apply, in plain words."""
    names = {n.id: n.name for n in topic.conditions + topic.medications}
    why = [names[c] for c in caution.conditions if c in profile.conditions]
    why += [names[m] for m in caution.medications if m in profile.medications]
    if caution.all_medications and set(caution.all_medications) <= set(profile.medications):
        why += [names[m] for m in caution.all_medications if names[m] not in why]
    weeks = profile.pregnant_weeks
    if (
        caution.pregnant_from_weeks is not None
        and weeks is not None
        and (weeks >= caution.pregnant_from_weeks)
    ):
        why.append(phrase(topic, "fit.pregnancy", weeks=weeks))
    if caution.age_over is not None and profile.age is not None and profile.age > caution.age_over:
        why.append(phrase(topic, "fit.age", age=profile.age))
    return why


def profile_report(topic: Topic, profile: Profile, where: str) -> Report:
    """The saved profile in plain words (ids alongside, for scripts)."""
    from ..report import Item, Section

    names = {n.id: n.name for n in topic.conditions + topic.medications}

    report = new_report(topic, "profile", "profile.title")
    report.intro = phrase(topic, "profile.stored", where=where)
    report.meta.update(
        conditions=profile.conditions,
        medications=profile.medications,
        age=profile.age,
        pregnant_weeks=profile.pregnant_weeks,
        region=profile.region,
    )
    facts = [
        Item(id=c, title=names.get(c, c), data={"kind": "condition"}) for c in profile.conditions
    ]
    facts += [
        Item(id=m, title=names.get(m, m), data={"kind": "medication"}) for m in profile.medications
    ]
    if profile.age is not None:
        age = phrase(topic, "profile.age", age=profile.age)
        facts.append(Item(id="age", title=age, data={"kind": "age"}))
    if profile.pregnant_weeks:
        facts.append(
            Item(
                id="pregnant",
                title=phrase(topic, "profile.pregnant", weeks=profile.pregnant_weeks),
                data={"kind": "pregnancy"},
            )
        )
    if profile.region:
        region = phrase(topic, "profile.region", region=profile.region)
        facts.append(Item(id="region", title=region, data={"kind": "region"}))
    report.add(
        Section(
            "facts",
            phrase(topic, "profile.facts"),
            facts or [Item(title=phrase(topic, "profile.empty"))],
        )
    )
    return report
