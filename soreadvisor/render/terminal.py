"""Rich output for a terminal: a headline bar, verdict badges, colour.

Knowledge text only ever enters Rich as ``Text`` objects (never as markup),
after ``safe()``, so ``[link=...]``, ``:emoji:`` or escape sequences in a
file are shown literally.

Lines are wrapped here, with hanging indents, and printed in one call with
soft wrapping: laying out a Rich table per bullet cost more than the rest of
the run put together (measured with cProfile). The wrap breaks where Rich's
would (a test checks it against ``Text.wrap``) at a fraction of the cost.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text

from ..report import Item, Report, Section
from . import encodable, one_line

VERDICT_STYLE = {
    "supported": "bold white on green",
    "mixed": "bold black on yellow",
    "unsupported": "bold white on red",
    "myth": "bold white on magenta",
}
TONE_STYLE = {"info": "bold cyan", "warning": "bold yellow", "critical": "bold red"}
MIN_WIDTH = 20


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """Rich would exit 1 here; let emit() end the run as for every other format (141)."""
        raise BrokenPipeError


class _Page:
    """Text lines for a console of a given width, wrapped with hanging indents."""

    def __init__(self, console: Console, stream: TextIO):
        self.console = console
        self.stream = stream
        self.width = max(console.width, MIN_WIDTH)
        self.lines: list[Text] = []

    def add(
        self,
        text: Text | str,
        style: str = "",
        indent: int = 0,
        marker: str = "",
        marker_style: str = "",
    ) -> None:
        body = text if isinstance(text, Text) else Text(self.t(text), style=style)
        width = max(self.width - indent, 10)
        starts = _line_starts(body.plain, width)
        wrapped = body.wrap(self.console, width) if starts is None else body.divide(starts)
        for n, line in enumerate(wrapped):
            line.rstrip()
            lead = marker.ljust(indent) if n == 0 and marker else " " * indent
            self.lines.append(Text(lead, style=marker_style) + line if lead else line)

    def t(self, text: str) -> str:
        """Knowledge text: inert, on one line, in characters the stream can carry."""
        return encodable(one_line(text), self.stream)

    def blank(self) -> None:
        self.lines.append(Text())


_WORD = re.compile(r"\s*\S+\s*")  # a word with the blanks around it, as Rich splits


def _line_starts(plain: str, width: int) -> list[int] | None:
    """Where each wrapped line after the first starts: Rich's greedy word wrap.

    The same breaks as ``Text.wrap``, at a fraction of its cost (it also splits
    lines, justifies and truncates, none of which one-line text needs). None
    when Rich has more to do: a word wider than the line (Rich folds it), a
    tab or a line break.
    """
    if "\t" in plain or "\n" in plain:
        return None
    starts: list[int] = []
    used = 0
    for match in _WORD.finditer(plain):
        word = match.group()
        bare = word.rstrip()
        size = len(bare) if bare.isascii() and bare.isprintable() else cell_len(bare)
        if size > width:
            return None
        if used and used + size > width:
            starts.append(match.start())
            used = 0
        blanks = word[len(bare) :]
        used += size + (len(blanks) if blanks.isascii() else cell_len(blanks))
    return starts


def _item(page: _Page, item: Item, tone: str) -> None:
    head = Text(page.t(item.title), style="bold")
    if item.evidence:
        head.append(" ")
        head.append(f" {item.evidence.verdict} ", style=VERDICT_STYLE[item.evidence.verdict])
    page.add(head, indent=2, marker=page.t("•"), marker_style=TONE_STYLE[tone])
    if item.summary:
        page.add(item.summary, indent=2)
    for warning in item.warnings:
        page.add(
            Text(page.t(warning), style="yellow"),
            indent=4,
            marker="  !",
            marker_style="bold yellow",
        )
    for f in item.fields:
        page.add(Text.assemble((page.t(f.label) + ": ", "bold"), page.t(f.text)), indent=2)
    for bullet in item.bullets:
        page.add(bullet, indent=4, marker="  " + page.t("–"), marker_style="dim")
    if item.evidence:
        ev = item.evidence
        page.add(
            Text.assemble(
                ("Evidence: ", "bold dim"),
                (page.t(ev.summary), "italic"),
                (f" [{', '.join(ev.references)}]", "dim"),
            ),
            indent=2,
        )


# Chart characters, for a stream that cannot carry block elements.
_PLAIN_BLOCKS = str.maketrans("▁▂▃▄▅▆▇█·─", "_.,-=+*#.-")


def _chart(page: _Page, text: str) -> str:
    """A table cell or chart line, with ASCII blocks where the stream needs them."""
    if encodable("█▁", page.stream) != "█▁":
        text = text.translate(_PLAIN_BLOCKS)
    return page.t(text)


def _table(page: _Page, section: Section) -> None:
    """The items as rows of ``cells`` under ``columns``, fitted to the width:
    the widest columns give way first, cut with an ellipsis; on a terminal too
    narrow for that, one wrapped "column: cell" line per row."""
    heads = [page.t(h) for h in section.columns]
    rows = [[_chart(page, c) for c in item.cells] for item in section.items]
    widths = [
        max(cell_len(r[n]) if n < len(r) else 0 for r in [heads, *rows]) for n in range(len(heads))
    ]
    gap = 2
    while sum(widths) + gap * (len(widths) - 1) > page.width and max(widths) > 6:
        widths[widths.index(max(widths))] -= 1
    if sum(widths) + gap * (len(widths) - 1) > page.width:  # too narrow for columns
        for r in rows:
            pairs = "; ".join(f"{h}: {c}" for h, c in zip(heads, r, strict=False) if c)
            page.add(pairs, indent=2, marker=page.t("•"))
        return

    def line(cells: list[str], style: str = "") -> Text:
        out = Text(style=style)
        for n, width in enumerate(widths):
            cell = Text(cells[n] if n < len(cells) else "")
            cell.truncate(width, overflow="ellipsis", pad=n < len(widths) - 1)
            out.append_text(cell)
            if n < len(widths) - 1:
                out.append(" " * gap)
        out.rstrip()
        return out

    page.lines.append(line(heads, "bold"))
    rule = min(sum(widths) + gap * (len(widths) - 1), page.width)
    page.lines.append(Text(_chart(page, "─" * rule), style="dim"))
    page.lines.extend(line(r) for r in rows)


def print_rich(report: Report, stream: TextIO, color: bool) -> None:
    console = _Console(
        file=stream,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=not color,
        # Rich finds no colours on TERM=dumb; --color always still wants them.
        color_system=("standard" if os.environ.get("TERM") == "dumb" else "auto")
        if color
        else None,
        force_terminal=color or None,
    )
    if console.width < MIN_WIDTH:  # COLUMNS=0 would print nothing at all
        console.width = MIN_WIDTH
    page = _Page(console, stream)
    page.add(report.title, style="bold underline")
    if report.headline:
        page.add(
            Text(page.t(report.headline), style=TONE_STYLE[report.tone]),
            indent=2,
            marker=page.t("▌"),
            marker_style=TONE_STYLE[report.tone],
        )
    if report.show_disclaimer:
        page.add(report.disclaimer, style="dim italic")
    if report.intro:
        page.blank()
        page.add(report.intro)
    for section in report.sections:
        page.blank()
        page.add(section.title, style=f"{TONE_STYLE[section.tone]} underline")
        if section.note:
            page.add(section.note, style="italic")
        if section.columns and section.items:
            _table(page, section)
        else:
            for item in section.items:
                _item(page, item, section.tone)
        if section.chart:
            page.add(_chart(page, section.chart), style=TONE_STYLE[section.tone])
    if report.references:
        page.blank()
        page.add("Sources", style="bold cyan underline")
        width = len(str(len(report.references))) + 2
        for n, ref in enumerate(report.references, 1):
            line = Text(f"[{ref.id}] ", style="dim")
            line.append(page.t(ref.citation))
            if not ref.verified:
                line.append(" (unverified)", style="yellow")
            if ref.url:
                line.append(" " + page.t(ref.url), style="dim underline")
            if ref.note:
                line.append(" " + page.t(ref.note), style="italic dim")
            page.add(line, indent=width, marker=f"{n}.", marker_style="dim")
    # The lines as segments, printed in one call: joining them into one Text
    # for Rich to split again cost more than building them.
    console.print(Segments(_segments(page.lines, console)), soft_wrap=True, end="")


def _segments(lines: list[Text], console: Console) -> Iterator[Segment]:
    newline = Segment.line()
    for line in lines:
        if line.spans:
            yield from line.render(console)
        elif line.plain:  # Text.render leaves out the style of a line without spans
            yield Segment(line.plain, console.get_style(line.style))
        yield newline
