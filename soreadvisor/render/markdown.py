"""CommonMark: headings, bullet lists and a numbered sources list.

Knowledge text is escaped, so a ``*`` or ``[`` in a file cannot change the
structure; a code span in it (```soreadvisor check```) stays a code span.
Output is ready to append to a notes file with ``>>``.
"""

from __future__ import annotations

import re

from ..kb.models import Reference
from ..report import Item, Report
from . import field_text, one_line
from .plain import PlainText

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


class Markdown(PlainText):
    """Plain text's walk with CommonMark's pieces: headings, bullets, a table."""

    title = ["# {}", ""]
    headline = ["**{}**", ""]
    intro = ["{}", ""]
    name = "- **{}**"
    note = ["{}", ""]
    disclaimer = ["> {}", ""]
    warning = "  - ⚠ {}"
    caution = "  - ⚠ **{label}:** {}"
    field = "  - {label}: {}"
    entry = "  - {}"
    evidence = "  - {head}: **{verdict}**. {summary} ({refs})"
    end = [""]

    def esc(self, text: str) -> str:
        return md(text)

    def heading(self, title: str) -> list[str]:
        return [f"## {md(title)}", ""]

    def records(self, items: list[Item]) -> list[str]:
        """A table, one row per record."""
        heads = [md_cell(f.label) for f in items[0].fields]
        out = ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
        for item in items:
            cells = [md_cell(field_text(f, "markdown", self.words)) for f in item.fields]
            out.append("| " + " | ".join(cells) + " |")
        return out

    def ident(self, id: str) -> str:
        return f" (`{id}`)" if "`" not in id else f" ({md(id)})"

    def reference(self, ref: Reference) -> str:
        return f"\\[{md(ref.id)}\\] {md(ref.citation)}"

    def url(self, ref: Reference) -> str:
        web = ref.url and ref.url.startswith(("https://", "http://")) and " " not in ref.url
        return f" <{one_line(ref.url)}>" if web and ref.url else ""


def to_markdown(report: Report) -> str:
    return "\n".join(Markdown(report.words).lines(report))
