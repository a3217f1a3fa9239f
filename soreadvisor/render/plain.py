"""Plain text: no escape codes, no box drawing, no padding, no hard wrapping.

Every paragraph is one line, so it pastes cleanly into notes and each list
entry can be picked out with grep.
"""

from __future__ import annotations

from ..kb.models import Reference
from ..report import Item, Report, Section
from . import evidence_head, field_text, label, one_line, verdict_word


class PlainText:
    """A report as lines, in the order every line format follows, with plain
    text's pieces; ``markdown.Markdown`` gives its own pieces to the same walk."""

    # Templates, each ``{}`` filled with escaped text; a list is a block of lines.
    title = ["{}"]
    headline = ["{}"]
    intro = ["", "{}"]
    name = "- {}"
    note = ["{}"]
    disclaimer = ["", "{}"]
    warning = "  ! {}"
    caution = "  ! {label}: {}"
    field = "  {label}: {}"
    entry = "  * {}"
    evidence = "  {head}: {verdict}. {summary} [{refs}]"
    reference = "[{}] {}"
    end: list[str] = []  # what closes a section (and the sources)

    def __init__(self, words: dict[str, str]):
        self.words = words
        self.caution_word = self.word("render.caution")

    def esc(self, text: str) -> str:
        return one_line(text)

    def put(self, block: list[str], text: str) -> list[str]:
        return [line.format(self.esc(text)) for line in block]

    def word(self, key: str) -> str:
        """A label of the program's words (``render.*``), escaped."""
        return self.esc(label(self.words, key))

    def lines(self, report: Report) -> list[str]:
        out = self.put(self.title, report.title)
        if report.headline:
            out += self.put(self.headline, report.headline)
        if report.intro:
            out += self.put(self.intro, report.intro)
        for section in report.sections:
            out += self.heading(section.title)
            if section.note:
                out += self.put(self.note, section.note)
            if section.kind == "records":
                out += self.records(section.items) if section.items else []
            else:
                for item in section.items:
                    out += self.item(item, section)
            out += self.end
        if report.show_disclaimer:
            out += self.put(self.disclaimer, report.disclaimer)
        if report.references:
            out += self.heading(label(self.words, "render.sources"))
            unverified = self.word("render.unverified")
            note = self.word("render.note")
            for n, ref in enumerate(report.references, 1):
                flag = f" {unverified}" if not ref.verified else ""
                said = f" {note} {self.esc(ref.note)}" if ref.note else ""
                cited = self.reference.format(self.esc(ref.id), self.esc(ref.citation))
                out.append(f"{n}. {cited}{flag}{self.url(ref)}{said}")
            out += self.end
        return out

    def item(self, item: Item, section: Section) -> list[str]:
        out = [self.head(item, section)]
        out += [self.warning.format(self.esc(w)) for w in item.warnings]
        out += [self.caution.format(self.esc(c), label=self.caution_word) for c in item.cautions]
        out += [self.field.format(self.esc(f.text), label=self.esc(f.label)) for f in item.fields]
        out += [self.entry.format(self.esc(e)) for e in item.checklist]
        ev = item.evidence
        if ev:
            out.append(
                self.evidence.format(
                    head=self.esc(evidence_head(self.words, ev.claim)),
                    verdict=self.esc(verdict_word(self.words, ev.verdict)),
                    summary=self.esc(ev.summary),
                    refs=", ".join(self.esc(r) for r in ev.references),
                )
            )
        return out

    def heading(self, title: str) -> list[str]:
        return ["", self.esc(title).upper()]

    def records(self, items: list[Item]) -> list[str]:
        """The labels, then one line each, fields in place."""
        out = [" | ".join(self.esc(f.label) for f in items[0].fields)]
        for item in items:
            cells = [self.esc(field_text(f, "plain", self.words)) or "-" for f in item.fields]
            out.append(" | ".join(cells))
        return out

    def head(self, item: Item, section: Section) -> str:
        head = self.name.format(self.esc(item.title))
        if section.ids and item.id:
            head += self.ident(item.id)
        if item.summary:
            head += f": {self.esc(item.summary)}"
        return head

    def ident(self, id: str) -> str:
        return f" ({id})"

    def url(self, ref: Reference) -> str:
        return f" {self.esc(ref.url)}" if ref.url else ""


def to_plain(report: Report) -> str:
    if report.is_index:  # one tab-separated line per entry: id, kind, title, what to do
        items = [i for section in report.sections for i in section.items]
        return "".join(index_line(i) + "\n" for i in items)
    return "\n".join(PlainText(report.words).lines(report)) + "\n"


def index_line(item: Item) -> str:
    parts = [item.id or "", item.data.get("kind") or "", item.title, *item.warnings]
    return "\t".join(one_line(p) for p in parts if p)
