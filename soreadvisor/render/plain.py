"""Plain text: no escape codes, no box drawing, no padding, no hard wrapping.

Every paragraph is one line, so it pastes cleanly into notes and each list
entry can be picked out with grep.
"""

from __future__ import annotations

from ..report import Item, Report
from . import evidence_head, field_text, label, one_line, verdict_word


def evidence_line(item: Item, words: dict[str, str]) -> str:
    """``Evidence on “the claim”: verdict. What the studies show [R1, R2]``."""
    ev = item.evidence
    if ev is None:
        return ""
    refs = ", ".join(ev.references)
    verdict = verdict_word(words, ev.verdict)
    return f"{evidence_head(words, ev.claim)}: {verdict}. {one_line(ev.summary)} [{refs}]"


def index_line(item: Item) -> str:
    parts = [item.id or "", item.data.get("kind") or "", item.title, *item.warnings]
    return "\t".join(one_line(p) for p in parts if p)


def record_line(item: Item, words: dict[str, str]) -> str:
    return " | ".join(one_line(field_text(f, "plain", words)) or "-" for f in item.fields)


def to_plain(report: Report) -> str:
    if report.is_index:  # one tab-separated line per entry: id, kind, title, what to do
        items = [i for section in report.sections for i in section.items]
        return "".join(index_line(i) + "\n" for i in items)
    caution_label = label(report.words, "render.caution")
    lines: list[str] = [one_line(report.title)]
    if report.headline:
        lines.append(one_line(report.headline))
    if report.intro:
        lines += ["", one_line(report.intro)]
    for section in report.sections:
        lines += ["", one_line(section.title).upper()]
        if section.note:
            lines.append(one_line(section.note))
        if section.kind == "records":  # the labels, then one line each, fields in place
            if section.items:
                lines.append(" | ".join(one_line(f.label) for f in section.items[0].fields))
            lines += [record_line(i, report.words) for i in section.items]
            continue
        for item in section.items:
            head = one_line(item.title)
            if section.ids and item.id:
                head += f" ({item.id})"
            if item.summary:
                head += f": {one_line(item.summary)}"
            lines.append(f"- {head}")
            for warning in item.warnings:
                lines.append(f"  ! {one_line(warning)}")
            for caution in item.cautions:
                lines.append(f"  ! {caution_label}: {one_line(caution)}")
            for f in item.fields:
                lines.append(f"  {one_line(f.label)}: {one_line(f.text)}")
            for entry in item.checklist:
                lines.append(f"  * {one_line(entry)}")
            if item.evidence:
                lines.append(f"  {evidence_line(item, report.words)}")
    if report.show_disclaimer:
        lines += ["", one_line(report.disclaimer)]
    if report.references:
        lines += ["", label(report.words, "render.sources").upper()]
        unverified = label(report.words, "render.unverified")
        note_label = label(report.words, "render.note")
        for n, ref in enumerate(report.references, 1):
            flag = "" if ref.verified else f" {unverified}"
            url = f" {one_line(ref.url)}" if ref.url else ""
            note = f" {note_label} {one_line(ref.note)}" if ref.note else ""
            lines.append(f"{n}. [{ref.id}] {one_line(ref.citation)}{flag}{url}{note}")
    return "\n".join(lines) + "\n"
