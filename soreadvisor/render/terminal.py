"""Rich output for a terminal: a headline bar, verdict badges, colour.

Knowledge text only ever enters Rich as ``Text`` objects (never as markup),
after ``safe()``, so ``[link=...]``, ``:emoji:`` or escape sequences in a
file are shown literally.

Lines are wrapped here, with hanging indents, and printed in one call with
soft wrapping. The wrap breaks where Rich's would, but keeps a number with the
word after it (``3 h``, docs/design.md); Rich's own ``Text.wrap`` takes over
where there is more to do (a word wider than the line).
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

from ..kb.models import Evidence
from ..report import Item, Report, Section
from . import encodable, evidence_head, field_text, label, one_line, verdict_word

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
        """Rich would exit 1 here; the one output rule (``application.run``) ends the
        run as for every other format (141)."""
        raise BrokenPipeError


class _Page:
    """Text lines for a console of a given width, wrapped with hanging indents."""

    def __init__(
        self,
        console: Console,
        stream: TextIO,
        color: bool,
        words: dict[str, str],
        compact: bool,
    ):
        self.words = words  # the topic's labels (render.*)
        self.compact = compact  # what a first screen needs (see Section.compact)
        self.hidden = False  # whether compact left anything out (--details shows it)
        self.console = console
        self.stream = stream
        self.color = color
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
_NUMBER = re.compile(r"[\d.,:/]*\d")  # 3, 2.1, 14:00, 7/10: kept with the next word


def _line_starts(plain: str, width: int) -> list[int] | None:
    """Where each wrapped line after the first starts: Rich's greedy word wrap.

    The same breaks as ``Text.wrap``, but for a number kept with the word after
    it, so no unit is split from its number. None when Rich has more to do: a
    word wider than the line (Rich folds it), a tab or a line break.
    """
    if "\t" in plain or "\n" in plain:
        return None
    starts: list[int] = []
    used = 0
    # A number stays with the word after it ("3 h", "2.1 days"): the line breaks
    # before the number instead, unless the number opens the line.
    number: tuple[int, int] | None = None  # the word before, if a number: start, width
    line_start = 0
    for match in _WORD.finditer(plain):
        word = match.group()
        bare = word.rstrip()
        size = len(bare) if bare.isascii() and bare.isprintable() else cell_len(bare)
        if size > width:
            return None
        blanks = word[len(bare) :]
        step = size + (len(blanks) if blanks.isascii() else cell_len(blanks))
        if used and used + size > width:
            if number is not None and number[0] > line_start and number[1] + size <= width:
                line_start, used = number[0], number[1]
            else:
                line_start, used = match.start(), 0
            starts.append(line_start)
        number = (match.start(), step) if _NUMBER.fullmatch(bare.lstrip()) else None
        used += step
    return starts


def _item(page: _Page, item: Item, section: Section) -> None:
    tone = section.tone
    # A compact screen: the short title, and for a compact section only what
    # to do and every caution (the rest is a flag away, --details).
    brief = page.compact and section.compact
    # A short title says what to do too (a warning sign with its own action).
    short = page.compact and bool(item.short)
    head = Text(page.t(item.short if short else item.title), style="bold")
    how = next((f for f in item.fields if f.key == "how"), None) if brief else None
    if how is not None:  # the remedy and how, on one line
        head.append(": ", style="bold")
        head.append(page.t(how.text))
    if section.ids and item.id:
        head.append("  ")
        head.append(page.t(item.id), style="cyan")
    page.add(head, indent=2, marker=page.t("•"), marker_style=TONE_STYLE[tone])
    page.hidden |= bool(brief and (item.summary or item.evidence)) or short
    if item.summary and not (brief or short):
        page.add(item.summary, indent=2)
    # What this person must know, then what everyone must: as loud as the
    # instructions that follow, never dimmed.
    loud = [Text(page.t(warning), style="bold yellow") for warning in item.warnings]
    caution_word = page.t(label(page.words, "render.caution")) + ": "
    loud += [
        Text.assemble((caution_word, "bold yellow"), (page.t(caution), "yellow"))
        for caution in item.cautions
    ]
    for line in loud:
        page.add(line, indent=4, marker="  !", marker_style="bold yellow")
    for f in item.fields:
        if f is how:
            continue
        if page.compact and f.detail:
            page.hidden = True
            continue
        page.add(Text.assemble((page.t(f.label) + ": ", "bold"), page.t(f.text)), indent=2)
    for entry in item.checklist:
        page.add(entry, indent=4, marker="  " + page.t("–"))
    if item.evidence and not brief:
        page.add(_evidence(page, item.evidence), indent=2)


def _evidence(page: _Page, ev: Evidence) -> Text:
    verdict = page.t(verdict_word(page.words, ev.verdict))
    return Text.assemble(
        (page.t(evidence_head(page.words, ev.claim) + ":") + " ", "bold"),
        # A badge in colour; a word with its full stop without (NO_COLOR).
        (f" {verdict} " if page.color else f"{verdict}.", VERDICT_STYLE[ev.verdict]),
        " ",
        (page.t(ev.summary), "italic"),
        (f" [{', '.join(ev.references)}]", "dim"),
    )


def _table(page: _Page, section: Section) -> None:
    """Records as a table, one row of fields each under their labels; on a
    terminal too narrow for every cell whole, one wrapped "label: cell" line per
    row (nothing is ever cut)."""
    heads = [page.t(f.label) for f in section.items[0].fields]
    rows = [
        [page.t(field_text(f, "terminal", page.words)) for f in item.fields]
        for item in section.items
    ]
    widths = [
        max(cell_len(r[n]) if n < len(r) else 0 for r in [heads, *rows]) for n in range(len(heads))
    ]
    gap = 2
    if sum(widths) + gap * (len(widths) - 1) > page.width:
        for r in rows:
            pairs = "; ".join(f"{h}: {c}" for h, c in zip(heads, r, strict=False) if c)
            page.add(pairs, indent=2, marker=page.t("•"))
        return

    def line(cells: list[str], style: str = "") -> Text:
        padded = [c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=False)]
        out = Text((" " * gap).join(padded), style=style)
        out.rstrip()
        return out

    page.lines.append(line(heads, "bold"))
    rule = min(sum(widths) + gap * (len(widths) - 1), page.width)
    dash = "─" if encodable("─", page.stream) == "─" else "-"
    page.lines.append(Text(dash * rule, style="dim"))
    page.lines.extend(line(r) for r in rows)


def _draw_chart(page: _Page, section: Section) -> None:
    """The scores against real time since the massage (render.chart); the
    section's scale names the chart's own parameters (top, severe, mark, bands)."""
    from .chart import draw

    points = [
        (i.data["hours_since_massage"], i.data["score"])
        for i in section.items
        if i.data.get("hours_since_massage") is not None
    ]
    if not points:
        return
    unicode = encodable("█▁┊─", page.stream) == "█▁┊─"
    scale = section.scale or {}
    page.lines.extend(draw(points, width=page.width, unicode=unicode, words=page.words, **scale))
    page.blank()


def _sources(page: _Page, report: Report, full: bool, more: str) -> None:
    """The references (or how to list them); ``more`` says what else is a flag away."""
    page.blank()
    if not full:  # a screen holds the answer; the list is one command away
        n = len(report.references)
        key = "render.sources_one" if n == 1 else "render.sources_many"
        pointer = label(report.words, key, n=n)
        page.add(f"{pointer}; {more}" if more else pointer, style="bold cyan")
        return
    if more:
        page.add(more, style="bold cyan")
    page.add(label(report.words, "render.sources"), style="bold cyan underline")
    unverified = page.t(label(report.words, "render.unverified"))
    width = len(str(len(report.references))) + 2
    for n, ref in enumerate(report.references, 1):
        line = Text(f"[{ref.id}] ", style="dim")
        line.append(page.t(ref.citation))
        if not ref.verified:
            line.append(f" {unverified}", style="yellow")
        if ref.url:
            line.append(" " + page.t(ref.url), style="underline")
        if ref.note:
            line.append(" " + page.t(ref.note), style="italic")
        page.add(line, indent=width, marker=f"{n}.", marker_style="dim")


def print_rich(
    report: Report,
    stream: TextIO,
    color: bool,
    attributes: bool,
    sources: bool,
    details: bool,
    pager: bool,
) -> None:
    """``color``: colours; ``attributes``: bold, underline and italic (kept with
    NO_COLOR on a terminal); ``sources``: the whole list of references;
    ``details``: everything, where the answer is otherwise compact (see
    ``Section.compact``); ``pager``: an answer longer than the terminal goes
    through the person's pager."""
    page = _Page(_console(stream, color, attributes), stream, color, report.words, not details)
    page.add(report.title, style="bold underline")
    if report.headline:
        page.add(
            Text(page.t(report.headline), style=TONE_STYLE[report.tone]),
            indent=2,
            marker=page.t("▌"),
            marker_style=TONE_STYLE[report.tone],
        )
    if report.intro:
        page.blank()
        page.add(report.intro)
    for n, section in enumerate(report.sections):
        # On a compact screen a warning list goes right under the title.
        if not (page.compact and n == 0 and len(page.lines) == 1 and section.tone == "critical"):
            page.blank()
        page.add(section.title, style=f"{TONE_STYLE[section.tone]} underline")
        if section.note:  # what to do about a critical list is as loud as the list
            page.add(section.note, style="bold" if section.tone == "critical" else "italic")
        if section.scale and section.items:
            _draw_chart(page, section)
        if section.kind == "records" and section.items:
            _table(page, section)
        else:
            for item in section.items:
                if page.compact and item.detail:  # it repeats what is shown
                    continue
                _item(page, item, section)
    if report.show_disclaimer:
        page.blank()
        page.add(report.disclaimer, style="italic")
    more = label(report.words, "render.details") if page.hidden else ""
    if report.references:
        _sources(page, report, full=sources or report.full_references, more=more)
    elif more:
        page.blank()
        page.add(more, style="bold cyan")
    _show(page, pager)


def _console(stream: TextIO, color: bool, attributes: bool) -> Console:
    console = _Console(
        file=stream,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=not color,
        # Rich finds no colours on TERM=dumb; --color always still wants them.
        color_system=("standard" if os.environ.get("TERM") == "dumb" else "auto")
        if color or attributes
        else None,
        force_terminal=(color or attributes) or None,
    )
    if console.width < MIN_WIDTH:  # COLUMNS=0 would print nothing at all
        console.width = MIN_WIDTH
    return console


def _show(page: _Page, pager: bool) -> None:
    """The lines as segments, printed in one call; through the pager when they
    are more than the terminal's height."""
    console, stream = page.console, page.stream
    segments = Segments(_segments(page.lines, console))
    if pager and len(page.lines) > console.height:
        from . import page_through

        with console.capture() as captured:
            console.print(segments, soft_wrap=True, end="")
        text = captured.get()
        if not page_through(text, stream):
            stream.write(text)
        return
    console.print(segments, soft_wrap=True, end="")


def _segments(lines: list[Text], console: Console) -> Iterator[Segment]:
    newline = Segment.line()
    for line in lines:
        if line.spans:
            yield from line.render(console)
        elif line.plain:  # Text.render leaves out the style of a line without spans
            yield Segment(line.plain, console.get_style(line.style))
        yield newline
