"""The neutral document every command builds and every format renders.

A command turns knowledge into one Report; ``render`` turns the Report into
rich, plain, markdown or JSON text. Because all formats read the same Report,
they never disagree, and a new command gets every format for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .kb.models import Evidence, Reference

Tone = Literal["info", "warning", "critical"]
Shape = Literal["items", "strings", "string"]

JSON_SCHEMA_VERSION = 1


@dataclass
class Field:
    """A labelled line of an item ("How", "When"); ``key`` names it in JSON."""

    key: str
    label: str
    text: str


@dataclass
class Item:
    title: str
    id: str | None = None
    summary: str = ""
    evidence: Evidence | None = None
    fields: list[Field] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    bullets_key: str = "bullets"
    line: str = ""  # the item as one line, for listings in plain text
    cells: list[str] = field(default_factory=list)  # its row when the section has columns


@dataclass
class Section:
    """A titled list. ``key`` is its name in JSON; sections with one key join up.

    ``shape`` says how JSON shows it: ``items`` (objects), ``strings`` (a list
    of the item titles) or ``string`` (the first title alone).
    """

    key: str
    title: str
    items: list[Item] = field(default_factory=list)
    tone: Tone = "info"
    shape: Shape = "items"
    note: str = ""
    # On a terminal (rich) only: the items as a table with these headings (one
    # row of ``Item.cells`` each), and a line drawn after them, e.g. a sparkline.
    columns: list[str] = field(default_factory=list)
    chart: str = ""


@dataclass
class Report:
    command: str
    topic: str
    title: str
    disclaimer: str
    headline: str = ""
    tone: Tone = "info"
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    show_disclaimer: bool = True
    listing: bool = False  # plain text: one line per item, nothing else

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
        return ids
