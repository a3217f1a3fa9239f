"""Rich output for a terminal: a headline panel, verdict badges, colour.

Knowledge text only ever enters Rich as ``Text`` objects (never as markup),
after ``safe()``, so ``[link=...]``, ``:emoji:`` or escape sequences in a
file are shown literally.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..report import Item, Report
from . import one_line

VERDICT_STYLE = {
    "supported": "bold white on green",
    "mixed": "bold black on yellow",
    "unsupported": "bold white on red",
    "myth": "bold white on magenta",
}
TONE_STYLE = {"info": "cyan", "warning": "yellow", "critical": "bold red"}


def _t(text: str, style: str = "") -> Text:
    return Text(one_line(text), style=style)


def _hang(marker: Text, body: RenderableType) -> Table:
    """A marker with the text beside it, so wrapped lines stay indented."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(marker, body)
    return grid


def _item(item: Item, tone: str) -> RenderableType:
    head = Text()
    bullet_style = TONE_STYLE[tone] if tone != "info" else "bold"
    head.append(one_line(item.title), style="bold")
    if item.evidence:
        head.append(" ")
        head.append(f" {item.evidence.verdict} ", style=VERDICT_STYLE[item.evidence.verdict])
    parts: list[RenderableType] = [head]
    body: list[RenderableType] = []
    if item.summary:
        body.append(_t(item.summary))
    for warning in item.warnings:
        body.append(_hang(Text("!", "bold yellow"), _t(warning, "yellow")))
    for f in item.fields:
        body.append(Text.assemble((one_line(f.label) + ": ", "bold dim"), _t(f.text)))
    for bullet in item.bullets:
        body.append(_hang(Text("–", "dim"), _t(bullet)))
    if item.evidence:
        ev = item.evidence
        body.append(
            Text.assemble(
                ("Evidence: ", "bold dim"),
                _t(ev.summary, "italic"),
                (f" [{', '.join(ev.references)}]", "dim"),
            )
        )
    return _hang(Text("•", bullet_style), Group(*parts, *body))


def print_rich(report: Report, stream: TextIO, color: bool) -> None:
    console = Console(
        file=stream,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=not color,
        color_system="auto" if color else None,
        force_terminal=color or None,
    )
    p = console.print
    p(_t(report.title, "bold"))
    if report.headline:
        style = TONE_STYLE[report.tone]
        p(Panel(_t(report.headline, style), border_style=style, expand=False))
    if report.show_disclaimer:
        p(_t(report.disclaimer, "dim italic"))
    if report.intro:
        p()
        p(_t(report.intro))
    for section in report.sections:
        p()
        style = TONE_STYLE[section.tone] if section.tone != "info" else "bold cyan"
        p(_t(section.title, f"{style} underline"))
        if section.note:
            p(_t(section.note, "italic"))
        for item in section.items:
            p(_item(item, section.tone))
    if report.references:
        p()
        p(_t("Sources", "bold cyan underline"))
        for n, ref in enumerate(report.references, 1):
            line = Text(f"[{ref.id}] ", style="dim")
            line.append(one_line(ref.citation))
            if not ref.verified:
                line.append(" (unverified)", style="yellow")
            if ref.url:
                line.append(" " + one_line(ref.url), style="dim underline")
            p(_hang(Text(f"{n}.", "dim"), line))
