"""``handout``: the aftercare sheet a massage therapist gives a client.

The same knowledge and the same rules as ``cope`` (what is advised for this
person, what is ruled out and why), laid out for a client to take home:
warning signs first, then what to expect when, what to do, what is not
advised for them, what not to do, what to tell the therapist next time, the
myths corrected and the sources.
"""

from __future__ import annotations

from ..kb.models import Cause, Remedy, Severity, Topic
from ..report import Item, Report, Section
from .common import new_report, phrase
from .cope import RemedyFit, assess_remedies, remedy_item
from .profile import Profile
from .triage import emergency_reminder, fill, region_of, warning_sign_sections


class Appointment:
    """Who the sheet is for and the massage it follows (text from the command line)."""

    def __init__(
        self, client: str = "", therapist: str = "", contact: str = "", date: str = ""
    ) -> None:
        self.client = client
        self.therapist = therapist
        self.contact = contact
        self.date = date


def handout(
    topic: Topic, severity: Severity, profile: Profile, appointment: Appointment, intensity: str
) -> Report:
    report = new_report(topic, "handout", "handout.title")
    report.meta.update(
        client=appointment.client,
        therapist=appointment.therapist,
        contact=appointment.contact,
        date=appointment.date,
        intensity=intensity,
        severity=severity,
        profile_applied=not profile.is_empty(),
    )
    report.intro = _appointment_line(topic, appointment, intensity)
    _warning_signs(report, topic, profile)
    _timeline(report, topic)
    fits = assess_remedies(topic, severity, profile)
    advised = [_sheet_item(f, topic) for f in fits if f.advised]
    if advised:
        report.add(Section("remedies", phrase(topic, "cope.remedies"), advised))
    ruled_out = [_sheet_item(f, topic) for f in fits if not f.advised]
    if ruled_out:
        title = phrase(topic, "cope.ruled_out")
        report.add(Section("not_advised", title, ruled_out, tone="warning"))
    if topic.donts:
        donts = [
            Item(id=d.id, title=d.text, data={"references": d.references}) for d in topic.donts
        ]
        report.add(Section("donts", phrase(topic, "cope.donts"), donts, tone="warning"))
    # What to tell the therapist next time (blood thinners, a recent birth,
    # osteoporosis, low platelets ...): each tip's checklist.
    checks = [
        Item(id=t.id, title=t.title, checklist=list(t.checklist)) for t in topic.tips if t.checklist
    ]
    if checks:
        report.add(Section("next_time", phrase(topic, "handout.next_time"), checks))
    myths = _myths(topic)
    if myths:
        report.add(Section("myths", phrase(topic, "handout.myths"), myths))
    # A short list (a sheet has one page): the evidence behind what to do, the
    # sources of why something is not advised for this client, and of the
    # myths' corrections. Every other source is in ``sources``.
    for section in report.sections:
        for item in section.items:
            if section.key == "remedies" and item.evidence:
                report.cite(topic.references, item.evidence.references)
            elif section.key in ("not_advised", "myths"):
                report.cite(topic.references, item.cites)
    return report


def _sheet_item(rf: RemedyFit, topic: Topic) -> Item:
    """A remedy as ``cope`` gives it (its verdict, how, when, the cautions, or
    why it is not advised), without the paragraph on its evidence: one page
    has room for what to do; ``cope`` and ``explain`` say why."""
    item = remedy_item(rf, topic)
    item.summary = ""
    return item


def _appointment_line(topic: Topic, appointment: Appointment, intensity: str) -> str:
    parts = []
    if appointment.client:
        parts.append(phrase(topic, "handout.for", client=appointment.client))
    if appointment.date:
        parts.append(appointment.date)
    parts.append(phrase(topic, f"handout.massage_{intensity}"))
    if appointment.therapist or appointment.contact:
        who = " ".join(p for p in (appointment.therapist, appointment.contact) if p)
        parts.append(phrase(topic, "handout.therapist", who=who))
    return ". ".join(parts) + "."


def _warning_signs(report: Report, topic: Topic, profile: Profile) -> None:
    """The serious signs (by the level each has for this person, as ``cope`` and
    ``check`` rank them), one section per level, the most serious first, each
    headed by what to do, with its level's action and the number to call."""
    triage = topic.triage
    sections = warning_sign_sections(topic, profile)
    if triage is None or not sections:
        return
    region = region_of(triage, profile.region)
    report.headline = emergency_reminder(triage, region)
    report.tone = "critical"
    report.meta["emergency_number"] = region.emergency_number if region else None
    levels = {lv.id: lv for lv in triage.levels}
    for section in sections:
        level = levels[section.items[0].data["level"]]
        section.title = fill(level.title, triage, region)
        section.tone = "critical" if level.role == "emergency" else "warning"
        report.add(section)


def _timeline(report: Report, topic: Topic) -> None:
    timeline = topic.timeline
    if timeline is None:
        return
    phases = [
        Item(id=p.id, title=p.title, summary=p.summary, cites=list(p.references))
        for p in timeline.phases
    ]
    title = phrase(topic, "handout.timeline")
    report.add(Section("timeline", title, phases, note=timeline.summary))
    report.add(
        Section(
            "see_professional",
            phrase(topic, "cope.see_professional"),
            [Item(title=line) for line in timeline.see_professional],
            kind="sentences",
        )
    )


def _myths(topic: Topic) -> list[Item]:
    """Every claim the knowledge base calls a myth, named as one, with the correction."""
    out = []
    things: list[Cause | Remedy] = [*topic.causes, *topic.remedies]
    for thing in things:
        ev = thing.evidence
        if ev.verdict != "myth":
            continue
        claim = ev.claim or thing.article_claim or thing.title
        out.append(
            Item(
                id=thing.id,
                title=phrase(topic, "handout.myth", claim=" ".join(claim.split()).rstrip(".")),
                summary=ev.summary,
                cites=list(ev.references),
                data={"verdict": ev.verdict},
            )
        )
    return out
