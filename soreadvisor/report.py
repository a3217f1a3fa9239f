"""The neutral document every command builds and every format renders.

A command turns knowledge into one Report; ``render`` turns the Report into
rich, plain, markdown or JSON text. Because all formats read the same Report,
they never disagree, and a new command gets every format for free.
"""

from __future__ import annotations

from typing import Any, Literal

from .kb.models import Evidence, Reference

Tone = Literal["info", "warning", "critical"]
# What a section holds, which each renderer shows its own way: ``list``
# (entries with details), ``sentences`` / ``sentence`` (plain statements),
# ``records`` (rows of the same fields, e.g. diary scores) and ``index``
# (entries looked up by id: check --list, topics, search).
Kind = Literal["list", "sentences", "sentence", "records", "index"]

JSON_SCHEMA_VERSION = 1


# Written out rather than @dataclass: every run builds a report (docs/design.md
# has the figure).


class Field:
    """A labelled line of an item ("How", "When"); ``key`` names it in JSON.

    ``value`` is content a renderer formats its own way (a ``datetime``);
    ``text`` is shown as it is. A ``detail`` is left out of a compact
    screen (a terminal's answer without ``--details``); every other format
    shows it.
    """

    def __init__(
        self, key: str, label: str, text: str = "", value: Any = None, detail: bool = False
    ):
        self.key = key
        self.label = label
        self.text = text
        self.value = value
        self.detail = detail


class Item:
    """One entry of a section: a cause, a remedy, a warning sign, a diary score."""

    def __init__(
        self,
        title: str,
        id: str | None = None,
        summary: str = "",
        evidence: Evidence | None = None,
        fields: list[Field] | None = None,
        checklist: list[str] | None = None,
        warnings: list[str] | None = None,
        cautions: list[str] | None = None,
        data: dict[str, Any] | None = None,
        cites: list[str] | None = None,
        short: str = "",
        detail: bool = False,
    ):
        self.title = title
        # Left out of a compact screen: it repeats what the screen shows.
        self.detail = detail
        # The title in a few words, for a compact screen (a warning sign's
        # list must fit one); every other format shows the title.
        self.short = short
        self.id = id
        self.summary = summary
        self.evidence = evidence
        self.fields = fields if fields is not None else []
        self.checklist = checklist if checklist is not None else []
        self.warnings = warnings if warnings is not None else []  # for this person
        self.cautions = cautions if cautions is not None else []  # for everyone
        self.data = data if data is not None else {}
        self.cites = cites if cites is not None else []  # references behind its other lines


class Section:
    """A titled group of items. ``key`` is its name in JSON; sections with one key
    join up. ``kind`` says what it holds (see ``Kind``); ``ids`` that its ids are
    something the reader types; ``compact`` that on a compact screen (a
    terminal's answer without ``--details``) its items show their title, how
    and every caution and warning, and leave their summary, evidence and
    detail fields to the other formats; ``scale`` that its items' ``data["score"]`` are
    scores on a scale (top, severe score, a mark in hours, bands) to chart
    against ``data["hours_since_massage"]``.
    """

    def __init__(
        self,
        key: str,
        title: str,
        items: list[Item] | None = None,
        tone: Tone = "info",
        kind: Kind = "list",
        note: str = "",
        scale: dict[str, Any] | None = None,
        ids: bool = False,
        compact: bool = False,
    ):
        self.compact = compact
        self.key = key
        self.title = title
        self.items = items if items is not None else []
        self.tone: Tone = tone
        self.kind: Kind = kind
        self.note = note
        self.scale = scale
        self.ids = ids


class Report:
    """What one command says: a title, sections of items, references, JSON extras."""

    def __init__(
        self,
        command: str,
        topic: str,
        title: str,
        disclaimer: str,
        headline: str = "",
        tone: Tone = "info",
        intro: str = "",
        show_disclaimer: bool = True,
        full_references: bool = False,
    ):
        self.command = command
        self.topic = topic
        self.title = title
        self.disclaimer = disclaimer
        self.headline = headline
        self.tone: Tone = tone
        self.intro = intro
        self.show_disclaimer = show_disclaimer
        # The references are what was asked for (``sources``), not a footer.
        self.full_references = full_references
        self.sections: list[Section] = []
        self.references: list[Reference] = []
        self.meta: dict[str, Any] = {}  # extra top-level JSON keys
        # The labels a renderer puts around the knowledge ("Caution", "Sources"):
        # the topic's wording, keys "render.*".
        self.words: dict[str, str] = {}

    @property
    def is_index(self) -> bool:
        """Only entries to look up by id: plain text is one line per entry, nothing else."""
        return bool(self.sections) and all(s.kind == "index" for s in self.sections)

    def add(self, section: Section) -> Section:
        self.sections.append(section)
        return section

    def cite(self, topic_refs: list[Reference], ids: list[str]) -> None:
        """Add references (once each, in the order first cited) to the footer."""
        have = {r.id for r in self.references}
        by_id = {r.id: r for r in topic_refs}
        for ref_id in ids:
            if ref_id not in have and ref_id in by_id:
                self.references.append(by_id[ref_id])
                have.add(ref_id)

    def cited_ids(self) -> list[str]:
        """Every reference id the report's items cite, in order."""
        ids: list[str] = []
        for section in self.sections:
            for item in section.items:
                if item.evidence:
                    ids += item.evidence.references
                ids += item.data.get("references", [])
                ids += item.cites
        return ids
