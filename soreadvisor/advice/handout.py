"""``handout``: the aftercare sheet a massage therapist gives a client.

The same knowledge and the same rules as ``cope`` (what is advised for this
person, what is ruled out and why), laid out for a client to take home: the
warning signs first, each list under "call ... now if you have any of these"
and followed by what to do; then what to expect, with real dates counted from
the appointment; what to do, what is not advised for them, what not to do,
what to tell the therapist next time, the myths corrected and the sources,
numbered in the order the sheet first cites them.

The sheet speaks to a client: where the topic gives a client's words beside
ours (``client_when``, ``client_how``, ``regional_how``, a phase's
``client``), the sheet says those; the notes on what we could not check stay
in ``cope`` and in the sources list.
"""

from __future__ import annotations

import datetime
import re

from ..kb.models import Cause, Region, Remedy, Severity, Topic
from ..report import Field, Item, Report, Section
from ..text import fill_in
from .common import new_report, phrase
from .cope import RemedyFit, assess_remedies, remedy_item
from .profile import Profile
from .triage import emergency_reminder, region_of, warning_sign_sections

# A phone number as people write one: digits, spaces, + ( ) - and dots.
_PHONE = re.compile(r"\+?[\d\s().-]{5,}")


class Appointment:
    """Who the sheet is for and the massage it follows (from the command line,
    or the therapist's saved details). ``intensity`` is None when not given:
    the sheet then names none."""

    def __init__(
        self,
        client: str = "",
        therapist: str = "",
        contact: str = "",
        date: datetime.date | None = None,
        intensity: str | None = None,
        practice: str = "",
    ) -> None:
        self.client = client
        self.therapist = therapist
        self.practice = practice
        self.contact = contact
        self.date = date or datetime.date.today()
        self.intensity = intensity


def handout(topic: Topic, severity: Severity, profile: Profile, appointment: Appointment) -> Report:
    report = new_report(topic, "handout", "handout.title")
    region = region_of(topic.triage, profile.region) if topic.triage else None
    report.meta.update(
        client=appointment.client,
        therapist=appointment.therapist,
        practice=appointment.practice,
        contact=appointment.contact,
        date=appointment.date.isoformat(),
        intensity=appointment.intensity,
        severity=severity,
        profile_applied=not profile.is_empty(),
    )
    report.intro = _appointment_line(topic, appointment, region)
    _warning_signs(report, topic, profile, region)
    _timeline(report, topic, appointment.date, region)
    fits = assess_remedies(topic, severity, profile)
    advised = [_sheet_item(f, topic, region) for f in fits if f.advised]
    if advised:
        legend = phrase(topic, "handout.legend")
        report.add(Section("remedies", phrase(topic, "cope.remedies"), advised, note=legend))
    ruled_out = [remedy_item(f, topic) for f in fits if not f.advised]
    if ruled_out:
        title = phrase(topic, "cope.ruled_out")
        report.add(Section("not_advised", title, ruled_out, tone="warning"))
    # A don't that repeats a remedy's caution is said once, with the remedy,
    # and not at all for a remedy the sheet leaves out (ice, with Raynaud's).
    donts = [
        Item(id=d.id, title=d.text, data={"references": d.references})
        for d in topic.donts
        if d.remedy is None
    ]
    if donts:
        report.add(Section("donts", phrase(topic, "cope.donts"), donts, tone="warning"))
    # What to tell the therapist next time (blood thinners, a recent birth,
    # osteoporosis, low platelets ...): each tip's checklist.
    checks = [
        Item(id=t.id, title=t.title, checklist=list(t.checklist)) for t in topic.tips if t.checklist
    ]
    if checks:
        report.add(Section("next_time", phrase(topic, "handout.next_time"), checks))
    myths = [m for m in _myths(topic) if m.id not in {i.id for i in advised}]
    if myths:
        report.add(Section("myths", phrase(topic, "handout.myths"), myths))
    _cite(report, topic, region)
    return report


def _cite(report: Report, topic: Topic, region: Region | None) -> None:
    """Number the sources in the order the sheet first cites them, and mark
    each cited line with its numbers (``data["marks"]``): the evidence behind
    what to do (and a region's medicine label) and why something is not
    advised for this client. The myths' corrections are not cited, to keep
    the sheet to one sheet of paper: their sources, and every other, are in
    ``sources``. A source for one region's rules (the NHS's medicine pages)
    is cited only on a sheet for that region."""
    elsewhere = {
        r.id for r in topic.references if r.region and not (region and r.region == region.id)
    }
    for section in report.sections:
        if section.key not in ("remedies", "not_advised"):
            continue
        for item in section.items:
            ids = [i for i in item.data.get("cites", item.cites) if i not in elsewhere]
            report.cite(topic.references, ids)
            numbers = {r.id: n for n, r in enumerate(report.references, 1)}
            item.data["marks"] = sorted({numbers[i] for i in ids if i in numbers})


def _sheet_item(rf: RemedyFit, topic: Topic, region: Region | None) -> Item:
    """A remedy as ``cope`` gives it (its cautions, how, when, the medicines),
    in a client's words: the evidence said once in plain words, no note on
    what we could not check, a medicine label only in its own region."""
    item = remedy_item(rf, topic)
    remedy = rf.remedy
    verdict = remedy.evidence.verdict
    item.evidence = None
    # A remedy that corrects a myth ("drink normally": water flushes out no
    # toxins) says the correction here, once; the myths list leaves it out.
    item.summary = (
        phrase(topic, f"handout.verdict_{verdict}")
        if verdict != "myth"
        else _myth(topic, remedy).title + ": " + remedy.evidence.summary
    )
    cites = list(remedy.evidence.references)
    options = {o.id: o for o in remedy.options}
    fields = []
    for f in item.fields:
        if f.key == "when" and remedy.client_when:
            f = Field(f.key, f.label, remedy.client_when)
        option = options.get(f.key)
        if option is not None:
            regional = next(
                (r for r in option.regional_how if region and r.region == region.id), None
            )
            client_how = regional.text if regional else option.client_how
            if client_how:
                f = Field(f.key, f.label, f.text.replace(" ".join(option.how.split()), client_how))
            if regional:
                cites += regional.references
        fields.append(f)
    item.fields = fields
    item.data["cites"] = cites
    return item


def format_date(topic: Topic, day: datetime.date, region: Region | None, long: bool) -> str:
    """A date as the region writes it, with the day's and month's names
    (never an ambiguous 06/12)."""
    key = "date_long" if long else "date_short"
    pattern = (getattr(region, key) if region else None) or phrase(topic, f"handout.{key}")
    months = [m.strip() for m in phrase(topic, "handout.months").split(",")]
    weekdays = [w.strip() for w in phrase(topic, "handout.weekdays").split(",")]
    return fill_in(
        pattern,
        {
            "weekday": weekdays[day.weekday()],
            "day": day.day,
            "month": months[day.month - 1],
            "year": day.year,
        },
    )


def _appointment_line(topic: Topic, appointment: Appointment, region: Region | None) -> str:
    parts = []
    if appointment.client:
        parts.append(phrase(topic, "handout.for", client=appointment.client))
    date = format_date(topic, appointment.date, region, long=True)
    if appointment.intensity:
        parts.append(phrase(topic, f"handout.massage_{appointment.intensity}", date=date))
    else:
        parts.append(phrase(topic, "handout.appointment", date=date))
    who = ", ".join(p for p in (appointment.therapist, appointment.practice) if p)
    if who:
        parts.append(phrase(topic, "handout.therapist", who=who))
    contact = appointment.contact
    if contact:
        if "@" in contact:
            key = "handout.email"
        elif _PHONE.fullmatch(contact):
            key = "handout.phone"
        else:
            key = "handout.contact"
        parts.append(phrase(topic, key, contact=contact))
    return ". ".join(parts) + "."


def _warning_signs(report: Report, topic: Topic, profile: Profile, region: Region | None) -> None:
    """The serious signs (by the level each has for this person, as ``cope`` and
    ``check`` rank them), one section per level, the most serious first, each
    headed "call ... now if you have any of these", then the list, then what
    to do (the section's note)."""
    triage = topic.triage
    sections = warning_sign_sections(topic, profile)
    if triage is None or not sections:
        return
    report.headline = emergency_reminder(triage, region)
    report.tone = "critical"
    report.meta["emergency_number"] = region.emergency_number if region else None
    levels = {lv.id: lv for lv in triage.levels}
    for section in sections:
        level = levels[section.items[0].data["level"]]
        section.tone = "critical" if level.role == "emergency" else "warning"
        report.add(section)


def _timeline(report: Report, topic: Topic, date: datetime.date, region: Region | None) -> None:
    """What to expect, each phase with the real date it begins (counted from
    the appointment) where the topic words it for the sheet."""
    timeline = topic.timeline
    if timeline is None:
        return
    phases = timeline.phases
    items = []
    for i, p in enumerate(phases):
        start = date + datetime.timedelta(days=int(p.from_hours // 24))
        end_hours = phases[i + 1].from_hours if i + 1 < len(phases) else None
        end = date + datetime.timedelta(days=int(end_hours // 24)) if end_hours else start
        if p.client:
            days = {
                "start": format_date(topic, start, region, long=False),
                "end": format_date(topic, end, region, long=False),
            }
            items.append(Item(id=p.id, title=fill_in(p.client, days), cites=list(p.references)))
        else:
            items.append(Item(id=p.id, title=p.title, summary=p.summary, cites=list(p.references)))
    if all(p.client for p in phases) and timeline.client_see_professional:
        # in a client's words, when to see someone follows what to expect
        items += [Item(title=line) for line in timeline.client_see_professional]
        report.add(Section("timeline", phrase(topic, "handout.timeline"), items))
        return
    report.add(Section("timeline", phrase(topic, "handout.timeline"), items, note=timeline.summary))
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
    things: list[Cause | Remedy] = [*topic.causes, *topic.remedies]
    return [_myth(topic, thing) for thing in things if thing.evidence.verdict == "myth"]


def _myth(topic: Topic, thing: Cause | Remedy) -> Item:
    ev = thing.evidence
    claim = ev.claim or thing.article_claim or thing.title
    return Item(
        id=thing.id,
        title=phrase(topic, "handout.myth", claim=" ".join(claim.split()).rstrip(".")),
        summary=ev.summary,
        cites=list(ev.references),
        data={"verdict": ev.verdict},
    )
