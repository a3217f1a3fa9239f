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


def md(text: str, cell: bool = False) -> str:
    r"""Text escaped for Markdown, its code spans kept as they are; in a table
    ``cell``, a ``|`` inside a code span is escaped too (a table reads ``\|``
    there as ``|``), so no note can split the cell."""
    parts = _CODE.split(one_line(text))
    return "".join(
        (p.replace("|", r"\|") if cell else p) if n % 2 else _SPECIAL.sub(r"\\\1", p)
        for n, p in enumerate(parts)
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
    reference = "\\[{}\\] {}"
    end = [""]

    def esc(self, text: str) -> str:
        return md(text)

    def heading(self, title: str) -> list[str]:
        return [f"## {md(title)}", ""]

    def records(self, items: list[Item]) -> list[str]:
        """A table, one row per record."""
        heads = [md(f.label, cell=True) for f in items[0].fields]
        out = ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(heads)]
        for item in items:
            cells = [md(field_text(f, "markdown", self.words), cell=True) for f in item.fields]
            out.append("| " + " | ".join(cells) + " |")
        return out

    def ident(self, id: str) -> str:
        return f" (`{id}`)" if "`" not in id else f" ({md(id)})"

    def url(self, ref: Reference) -> str:
        web = ref.url and ref.url.startswith(("https://", "http://")) and " " not in ref.url
        return f" <{one_line(ref.url)}>" if web and ref.url else ""


def to_markdown(report: Report) -> str:
    return "\n".join(Markdown(report.words).lines(report))
