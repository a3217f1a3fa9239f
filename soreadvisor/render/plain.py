"""Plain text: no escape codes, no box drawing, no padding, no hard wrapping.

Every paragraph is one line, so it pastes cleanly into notes and each list
entry can be picked out with grep.
"""

from __future__ import annotations

from ..kb.models import Evidence, Reference
from ..report import Item, Report, Section
from . import evidence_head, field_text, label, one_line, verdict_word


class PlainText:
    """A report as lines, in the order every line format follows, with plain
    text's pieces; ``markdown.Markdown`` gives its own pieces to the same walk."""

    # An item's lines, each filled with escaped text.
    warning = "  ! {}"
    caution = "  ! {label}: {}"
    field = "  {label}: {}"
    entry = "  * {}"
    # What closes a section (and the sources).
    end: list[str] = []

    def __init__(self, words: dict[str, str]):
        self.words = words

    def esc(self, text: str) -> str:
        return one_line(text)

    def word(self, key: str) -> str:
        """A label of the program's words (``render.*``), escaped."""
        return self.esc(label(self.words, key))

    def lines(self, report: Report) -> list[str]:
        out = self.top(report)
        for section in report.sections:
            out += self.heading(section.title)
            if section.note:
                out += self.note(section.note)
            if section.kind == "records":
                out += self.records(section.items)
            else:
                for item in section.items:
                    out += self.item(item, section)
            out += self.end
        if report.show_disclaimer:
            out += self.disclaimer(report.disclaimer)
        if report.references:
            out += self.heading(label(self.words, "render.sources"))
            unverified = self.word("render.unverified")
            note = self.word("render.note")
            for n, ref in enumerate(report.references, 1):
                flag = f" {unverified}" if not ref.verified else ""
                said = f" {note} {self.esc(ref.note)}" if ref.note else ""
                out.append(f"{n}. {self.reference(ref)}{flag}{self.url(ref)}{said}")
            out += self.end
        return out

    def item(self, item: Item, section: Section) -> list[str]:
        caution = self.word("render.caution")
        out = [self.head(item, section)]
        out += [self.warning.format(self.esc(w)) for w in item.warnings]
        out += [self.caution.format(self.esc(c), label=caution) for c in item.cautions]
        out += [self.field.format(self.esc(f.text), label=self.esc(f.label)) for f in item.fields]
        out += [self.entry.format(self.esc(e)) for e in item.checklist]
        if item.evidence:
            out.append(self.evidence(item.evidence))
        return out

    def top(self, report: Report) -> list[str]:
        out = [self.esc(report.title)]
        if report.headline:
            out.append(self.esc(report.headline))
        if report.intro:
            out += ["", self.esc(report.intro)]
        return out

    def heading(self, title: str) -> list[str]:
        return ["", self.esc(title).upper()]

    def note(self, text: str) -> list[str]:
        return [self.esc(text)]

    def records(self, items: list[Item]) -> list[str]:
        """The labels, then one line each, fields in place."""
        if not items:
            return []
        out = [" | ".join(self.esc(f.label) for f in items[0].fields)]
        for item in items:
            cells = [self.esc(field_text(f, "plain", self.words)) or "-" for f in item.fields]
            out.append(" | ".join(cells))
        return out

    def head(self, item: Item, section: Section) -> str:
        head = self.esc(item.title)
        if section.ids and item.id:
            head += f" ({item.id})"
        if item.summary:
            head += f": {self.esc(item.summary)}"
        return f"- {head}"

    def evidence(self, ev: Evidence) -> str:
        """``Evidence on “the claim”: verdict. What the studies show [R1, R2]``."""
        head = self.esc(evidence_head(self.words, ev.claim))
        verdict = self.esc(verdict_word(self.words, ev.verdict))
        return f"  {head}: {verdict}. {self.esc(ev.summary)} [{', '.join(ev.references)}]"

    def disclaimer(self, text: str) -> list[str]:
        return ["", self.esc(text)]

    def reference(self, ref: Reference) -> str:
        return f"[{ref.id}] {self.esc(ref.citation)}"

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
