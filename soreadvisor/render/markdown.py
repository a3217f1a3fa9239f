"""CommonMark: headings, bullet lists and a numbered sources list.

Knowledge text is escaped, so a ``*`` or ``[`` in a file cannot change the
structure; a code span in it (```soreadvisor check```) stays a code span.
Output is ready to append to a notes file with ``>>``.
"""

from __future__ import annotations

import re

from ..report import Report
from . import evidence_head, field_text, label, one_line, verdict_word

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~])")
# A code span: one backtick, text without one, one backtick.
_CODE = re.compile(r"(`[^`]+`)")


def md(text: str) -> str:
    """Text escaped for Markdown, its code spans kept as they are."""
    parts = _CODE.split(one_line(text))
    return "".join(p if n % 2 else _SPECIAL.sub(r"\\\1", p) for n, p in enumerate(parts))


def md_cell(text: str) -> str:
    r"""``md`` for a table cell: a ``|`` inside a code span is escaped too (a table
    reads ``\|`` there as ``|``), so no note can split the cell."""
    parts = _CODE.split(one_line(text))
    return "".join(
        p.replace("|", r"\|") if n % 2 else _SPECIAL.sub(r"\\\1", p) for n, p in enumerate(parts)
    )


def to_markdown(report: Report) -> str:
    out: list[str] = [f"# {md(report.title)}", ""]
    if report.headline:
        out += [f"**{md(report.headline)}**", ""]
    if report.intro:
        out += [md(report.intro), ""]
    for section in report.sections:
        out += [f"## {md(section.title)}", ""]
        if section.note:
            out += [md(section.note), ""]
        if section.kind == "records" and section.items:  # a table, one row per record
            heads = [md_cell(f.label) for f in section.items[0].fields]
            out += ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
            for item in section.items:
                cells = [md_cell(field_text(f, "markdown", report.words)) for f in item.fields]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
            continue
        for item in section.items:
            head = f"**{md(item.title)}**"
            if section.ids and item.id:
                head += f" (`{item.id}`)" if "`" not in item.id else f" ({md(item.id)})"
            if item.summary:
                head += f": {md(item.summary)}"
            out.append(f"- {head}")
            for warning in item.warnings:
                out.append(f"  - ⚠ {md(warning)}")
            for caution in item.cautions:
                out.append(f"  - ⚠ **{md(label(report.words, 'render.caution'))}:** {md(caution)}")
            for f in item.fields:
                out.append(f"  - {md(f.label)}: {md(f.text)}")
            for entry in item.checklist:
                out.append(f"  - {md(entry)}")
            if item.evidence:
                ev = item.evidence
                refs = ", ".join(md(r) for r in ev.references)
                head = md(evidence_head(report.words, ev.claim))
                verdict = md(verdict_word(report.words, ev.verdict))
                out.append(f"  - {head}: **{verdict}**. {md(ev.summary)} ({refs})")
        out.append("")
    if report.show_disclaimer:
        out += [f"> {md(report.disclaimer)}", ""]
    if report.references:
        out += [f"## {md(label(report.words, 'render.sources'))}", ""]
        unverified = md(label(report.words, "render.unverified"))
        note_label = md(label(report.words, "render.note"))
        for n, ref in enumerate(report.references, 1):
            flag = f" {unverified}" if not ref.verified else ""
            web = ref.url and ref.url.startswith(("https://", "http://")) and " " not in ref.url
            url = f" <{one_line(ref.url)}>" if web and ref.url else ""
            note = f" {note_label} {md(ref.note)}" if ref.note else ""
            out.append(f"{n}. \\[{md(ref.id)}\\] {md(ref.citation)}{flag}{url}{note}")
        out.append("")
    return "\n".join(out)
