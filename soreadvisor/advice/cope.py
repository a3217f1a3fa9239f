"""``cope``: what to do now, fitted to the severity and to the person."""

from __future__ import annotations

from ..kb.models import Caution, Option, Remedy, Severity, Topic
from ..report import Field, Item, Report, Section
from .common import finish, new_report, phrase
from .profile import Profile, is_general, matched_by
from .triage import pointer_section, warning_sign_sections

# Plain classes, not @dataclass: on the path of every answer (docs/design.md).


class Fit:
    """How one remedy (or option) fits a person: advised or not, and why."""

    def __init__(self) -> None:
        self.advised = True
        self.reasons: list[str] = []  # why not advised
        self.warnings: list[str] = []  # advised, with care
        self.general: list[str] = []  # cautions for everyone
        # who it is not for: said to everyone it is still advised for, since a
        # profile (or a therapist's few options) may not hold every medicine
        self.unknown: list[str] = []
        self.cites: list[str] = []  # references of the cautions above


def fit(cautions: list[Caution], profile: Profile, topic: Topic) -> Fit:
    result = Fit()
    for caution in cautions:
        if caution.no_profile:
            result.unknown.append(caution.text)
            result.cites += caution.references
            continue
        if is_general(caution):
            result.general.append(caution.text)
            result.cites += caution.references
            continue
        why = matched_by(caution, profile, topic)
        if not why:
            continue
        result.cites += caution.references
        because = phrase(topic, "fit.and").join(why)
        if caution.level == "avoid":
            result.advised = False
            result.reasons.append(phrase(topic, "fit.avoid", why=because, text=caution.text))
        else:
            result.warnings.append(phrase(topic, "fit.warn", why=because, text=caution.text))
    return result


class RemedyFit:
    def __init__(
        self,
        remedy: Remedy,
        fit: Fit,
        options: list[tuple[Option, Fit]],
        age: int | None = None,
    ):
        self.remedy = remedy
        self.fit = fit
        self.options = options
        self.age = age  # the person's, for a medicine's dose

    @property
    def advised(self) -> bool:
        if not self.fit.advised:
            return False
        return not self.options or any(f.advised for _, f in self.options)


def assess_remedies(topic: Topic, severity: Severity | None, profile: Profile) -> list[RemedyFit]:
    """The remedies that apply at ``severity`` (any, if None), in the knowledge base's order."""
    out = []
    for remedy in topic.remedies:
        if severity is not None and severity not in remedy.severities:
            continue
        options = [(o, fit(o.cautions, profile, topic)) for o in remedy.options]
        out.append(RemedyFit(remedy, fit(remedy.cautions, profile, topic), options, profile.age))
    return out


def personal_lines(rf: RemedyFit) -> list[str]:
    """What this person must be told with a remedy, the one rule for every
    command that mentions one (``cope``, ``plan``).

    For a remedy ruled out: why (its own reasons, then each option ruled out,
    by name). For an advised one: first each option ruled out, by name and
    with the reason ("Ibuprofen: Not advised because of ..."), then what to
    take care with.
    """
    out = [f"{o.title}: {' '.join(f.reasons)}" for o, f in rf.options if not f.advised]
    if not rf.advised:
        return list(rf.fit.reasons) + out
    out += rf.fit.unknown + rf.fit.warnings
    out += [f"{o.title}: {w}" for o, f in rf.options if f.advised for w in f.unknown + f.warnings]
    return out


def dose_text(option: Option, age: int | None, topic: Topic) -> str:
    """How to take a medicine, for this person's age: never an adult dose to
    someone under the option's adult age; with no age on file, the adult line
    labelled as such and then the children's line."""
    if option.adult_from_age is None or option.child_how is None:
        return option.how
    adult_age = option.adult_from_age
    if age is not None:
        return option.child_how if age < adult_age else option.how
    adults = phrase(topic, "fit.adults", age=adult_age)
    children = phrase(topic, "fit.children", age=adult_age)
    return f"{adults} {option.how} {children} {option.child_how}"


def ruled_out(rf: RemedyFit) -> list[dict[str, object]]:
    """The remedy, or else its options, that this person should not use, with why."""
    if not rf.advised:
        return [{"id": rf.remedy.id, "title": rf.remedy.title, "reasons": personal_lines(rf)}]
    return [
        {"id": o.id, "title": o.title, "remedy": rf.remedy.id, "reasons": list(f.reasons)}
        for o, f in rf.options
        if not f.advised
    ]


def cites_of(rf: RemedyFit) -> list[str]:
    """The references behind every caution that applies to this person."""
    return list(rf.fit.cites) + [c for _, f in rf.options for c in f.cites]


def general_cautions(rf: RemedyFit) -> list[str]:
    """What everyone must take care with, for a remedy this person may use: its
    own cautions, then each advised option's, by name (the one rule for every
    command that mentions a remedy)."""
    out = list(rf.fit.general)
    out += [f"{o.title}: {g}" for o, f in rf.options if f.advised for g in f.general]
    return out


def remedy_item(rf: RemedyFit, topic: Topic) -> Item:
    r = rf.remedy
    if not rf.advised:  # that it is left out and why, and no instruction for it
        reasons = personal_lines(rf)
        item = Item(
            id=r.id,
            title=r.title,
            warnings=reasons,
            data={"advised": False, "reasons": reasons},
            cites=cites_of(rf),
        )
    else:
        item = _advised_item(rf, topic)
    if rf.options:
        item.data["options"] = [
            {"id": o.id, "title": o.title, "advised": f.advised, "reasons": f.reasons}
            for o, f in rf.options
        ]
    return item


def _advised_item(rf: RemedyFit, topic: Topic) -> Item:
    """A remedy this person may use: how and when, every caution, each medicine's dose."""
    r = rf.remedy
    item = Item(
        id=r.id,
        title=r.title,
        summary=r.summary,
        evidence=r.evidence,
        fields=[
            Field("how", phrase(topic, "field.how"), r.how),
            Field("when", phrase(topic, "field.when"), r.when, detail=True),
        ],
        cautions=general_cautions(rf),
        warnings=personal_lines(rf),
        data={"advised": True, "reasons": []},
        cites=cites_of(rf),
    )
    for option, f in rf.options:
        if f.advised:
            item.cites += option.references
            # An option this person must check first shows the check (among
            # the warnings), not how much to take.
            if not f.warnings:
                # With no age on file the dose is the adults' and the
                # children's lines: a detail on a compact screen, which
                # shows no dose at all rather than one of them.
                dose = dose_text(option, rf.age, topic)
                item.fields.append(Field(option.id, option.title, dose, detail=rf.age is None))
    return item


def cope(topic: Topic, severity: Severity, profile: Profile) -> Report:
    """What to do now. What can be dangerous comes first: the warning signs
    (or, at low severity, one line that names them), then the remedies."""
    report = new_report(topic, "cope", "cope.title", severity=severity)
    report.meta["severity"] = severity
    report.meta["profile_applied"] = not profile.is_empty()
    if severity == "low":
        pointer = pointer_section(topic, profile)
        if pointer:
            report.add(pointer)
    else:
        for section in warning_sign_sections(topic, profile):
            report.add(section)
    fits = assess_remedies(topic, severity, profile)
    advised = [remedy_item(f, topic) for f in fits if f.advised]
    report.add(Section("remedies", phrase(topic, "cope.remedies"), advised, compact=True))
    ruled_out = [remedy_item(f, topic) for f in fits if not f.advised]
    if ruled_out:
        report.add(Section("remedies", phrase(topic, "cope.ruled_out"), ruled_out, tone="warning"))
    donts = _donts(topic, fits)
    if donts:
        report.add(Section("donts", phrase(topic, "cope.donts"), donts, tone="warning"))
    if severity != "low" and topic.timeline:
        report.add(
            Section(
                "see_professional",
                phrase(topic, "cope.see_professional"),
                [Item(title=line) for line in topic.timeline.see_professional],
                kind="sentences",
            )
        )
    return finish(report, topic, profile)


def _donts(topic: Topic, fits: list[RemedyFit]) -> list[Item]:
    """What not to do. A don't about a remedy ruled out for this person (wrap
    the ice, with Raynaud's) would tell them how to use it: it goes, as on the
    sheet. One about a remedy shown is a detail: its cautions say it."""
    shown = {f.remedy.id for f in fits if f.advised}
    excluded = {f.remedy.id for f in fits if not f.advised}
    return [
        Item(
            id=d.id,
            title=d.text,
            data={"references": d.references},
            detail=d.remedy is not None and d.remedy in shown,
        )
        for d in topic.donts
        if d.remedy not in excluded
    ]
