"""The diary chart: soreness scores against real time, as Rich ``Text`` lines.

One row per score (0 at the bottom, ``top`` at the top, every row labelled),
so 5 and 6 sit on different rows and 9/10 is far from 2/10; columns are real
time since the origin, in hours up to two days and in days beyond, so scores
2 h apart and 14 h apart look different. The severe-score line and a vertical
mark (the 3-day mark) are drawn and labelled; points take the colour of their
band, and points at or above the severe line take another glyph, so the chart
reads the same without colour. When several scores fall in one column the
highest is drawn (safety wins), and the newest score is always drawn too.

Pure: points in, lines out; no Console, no I/O, no environment. Only
``rich.text`` is imported, which the terminal renderer has loaded already.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from rich.text import Text

from ..text import fill_in

MIN_SPAN_HOURS = 6.0  # a first score just after the massage still gets an axis
HOURS_UP_TO = 48.0  # the x axis is in hours up to two days, in days beyond
HOUR_STEPS = (1, 2, 3, 6, 12, 24)  # each divides HOURS_UP_TO: the hours axis ends by 48
DAY_STEPS = (1, 2, 3, 7, 14, 28, 56, 91, 182, 364)
MIN_TICK_GAP = 6  # columns between tick marks, at least
MAX_PLOT = 100  # columns: a wider plot only spreads the same points thinner
MIN_PLOT_BESIDE_LABEL = 24  # narrower than this, the severe label goes under the chart
BAND_STYLES = ("bold green", "bold yellow", "bold red")  # lowest band first; more stay red

_UNICODE = {
    "point": "●",
    "severe_point": "▲",
    "y_axis": "┤",
    "corner": "└",
    "x_axis": "─",
    "tick": "┬",
    "mark_foot": "┴",
    "tick_mark": "┼",
    "severe": "╌",
    "mark": "┊",
    "cross": "┼",
    "beyond": "→",
}
_ASCII = {
    "point": "o",
    "severe_point": "X",
    "y_axis": "|",
    "corner": "+",
    "x_axis": "-",
    "tick": "+",
    "mark_foot": "+",
    "tick_mark": "+",
    "severe": "=",
    "mark": ":",
    "cross": "+",
    "beyond": "->",
}
AXIS_STYLE = "dim"
SEVERE_STYLE = "red"
MARK_STYLE = "cyan"
TITLE_STYLE = "italic"

Cell = tuple[str, str]  # a character and its style


def draw(
    points: Sequence[tuple[float, int]],
    *,
    width: int,
    top: int = 10,
    severe: int | None,
    mark_hours: float | None,
    mark_label: str = "",
    bands: Sequence[int] = (),
    words: Mapping[str, str],
    unicode: bool = True,
    series: Sequence[tuple[float, int]] | None = None,
) -> list[Text]:
    """Scores against real time as text lines, ready to print.

    ``points`` are (hours since the origin, score), oldest first; a point
    before the origin is drawn at the origin, a score outside 0..top at the
    nearest end, and a point with no finite time is left out. ``series``, when
    given, are the points instead (a section that shows some of the scores can
    chart all of them). No line is wider than ``width`` (at least 20) or ends in
    a blank. Under the chart, a key says what each mark means.
    """
    if series is not None:
        points = series
    top = max(top, 1)
    pts = [(max(h, 0.0), min(max(s, 0), top)) for h, s in points if math.isfinite(h)]
    if not pts:
        return []
    frame = _Frame(pts, width, top, severe, mark_hours, words, unicode)
    lines = [
        *_mark_label(frame, mark_label),
        *_plot(frame, pts, bands),
        *_x_axis(frame, width, words),
        *_key(frame, width, words, mark_label),
    ]
    for line in lines:  # a long mark label, a width under 20 or a huge ``top``
        line.truncate(width)
        line.rstrip()
    return lines


class _Frame:
    """Where everything goes: the plot's columns, the axes, the severe line, the mark."""

    def __init__(
        self,
        pts: Sequence[tuple[float, int]],
        width: int,
        top: int,
        severe: int | None,
        mark_hours: float | None,
        words: Mapping[str, str],
        unicode: bool,
    ):
        self.glyphs = _UNICODE if unicode else _ASCII
        self.top = top
        self.label_w = len(str(top))
        self.prefix = self.label_w + 2  # "10 ┤"
        self.severe = severe if severe is not None and 0 <= severe <= top else None
        self.severe_label = _severe_label(self.severe, top, words)
        plot = width - self.prefix
        # the severe line's label right of it when the plot keeps room, else under the chart
        room = plot - len(self.severe_label) - 1
        self.beside = bool(self.severe_label) and room >= MIN_PLOT_BESIDE_LABEL
        if self.beside:
            plot -= len(self.severe_label) + 1
        self.plot = min(max(plot, 2), MAX_PLOT)
        self.in_days, self.unit, self.step, self.end = _time_axis(pts, self.plot)
        self.mark_col: int | None = None
        self.mark_beyond = False  # the mark is later than the axis reaches
        if mark_hours is not None and math.isfinite(mark_hours) and mark_hours >= 0:
            if mark_hours <= self.end * self.unit:
                self.mark_col = self.column(mark_hours)
            else:
                self.mark_beyond = True

    def column(self, hours: float) -> int:
        return round(hours / (self.end * self.unit) * (self.plot - 1))


def _severe_label(severe: int | None, top: int, words: Mapping[str, str]) -> str:
    if severe is None:
        return ""
    key = "chart.severe" if severe < top else "chart.severe_top"
    return fill_in(words[key], {"score": severe})


def _mark_label(frame: _Frame, label: str) -> list[Text]:
    """The mark's label above its column, or, beyond the axis, at the right with an arrow."""
    if not label:
        return []
    if frame.mark_col is not None:
        start = max(min(frame.mark_col - (len(label) - 1) // 2, frame.plot - len(label)), 0)
        return [_line([(" " * (frame.prefix + start), ""), (label, MARK_STYLE)])]
    if frame.mark_beyond:
        hint = f"{label} {frame.glyphs['beyond']}"
        return [_line([(hint.rjust(frame.prefix + frame.plot), MARK_STYLE)])]
    return []


def _plot(frame: _Frame, pts: list[tuple[float, int]], bands: Sequence[int]) -> list[Text]:
    """One labelled row per score, top first, with the severe line, the mark and the
    points: the colour of their band, another glyph at or above the severe line."""
    g, top, severe = frame.glyphs, frame.top, frame.severe
    rows: list[list[Cell]] = []  # rows[0] is the top score, rows[top] is 0
    for score in range(top, -1, -1):
        fill = (g["severe"], SEVERE_STYLE) if score == severe else (" ", "")
        row = [fill] * frame.plot
        if frame.mark_col is not None:
            on_line = score == severe
            row[frame.mark_col] = (g["cross"], SEVERE_STYLE) if on_line else (g["mark"], MARK_STYLE)
        rows.append(row)
    for col, score in _shown(pts, frame.column):
        glyph = g["severe_point"] if severe is not None and score >= severe else g["point"]
        rows[top - score][col] = (glyph, _band_style(score, bands))
    lines = []
    for n, row in enumerate(rows):
        score = top - n
        label_style = SEVERE_STYLE if score == severe else AXIS_STYLE
        cells: list[Cell] = [
            (str(score).rjust(frame.label_w) + " ", label_style),
            (g["y_axis"], AXIS_STYLE),
            *row,
        ]
        if frame.beside and score == severe:
            cells.append((" " + frame.severe_label, SEVERE_STYLE))
        lines.append(_line(cells))
    return lines


def _x_axis(frame: _Frame, width: int, words: Mapping[str, str]) -> list[Text]:
    """The time axis with its ticks and the mark's foot, the tick numbers, the title."""
    g, mark_col = frame.glyphs, frame.mark_col
    tick_cols = {frame.column(t * frame.unit): t for t in _range(frame.step, frame.end)}
    axis: list[Cell] = [(" " * (frame.label_w + 1), ""), (g["corner"], AXIS_STYLE)]
    for col in range(frame.plot):
        char = g["x_axis"]
        if col == mark_col:
            char = g["tick_mark"] if col in tick_cols else g["mark_foot"]
        elif col in tick_cols:
            char = g["tick"]
        axis.append((char, MARK_STYLE if col == mark_col else AXIS_STYLE))
    labels = _tick_labels(tick_cols, width - frame.prefix + 1)
    lines = [_line(axis), _line([(" " * (frame.prefix - 1), ""), (labels, AXIS_STYLE)])]
    title = words["chart.days" if frame.in_days else "chart.hours"]
    for part in _wrap(title, width - frame.prefix):
        centred = " " * frame.prefix + part.center(frame.plot).rstrip()
        lines.append(_line([(centred, TITLE_STYLE)]))
    return lines


def _key(frame: _Frame, width: int, words: Mapping[str, str], mark_label: str) -> list[Text]:
    """Under the chart: the severe line (when not beside it), then what each mark means."""
    g, prefix = frame.glyphs, frame.prefix
    lines = []
    if frame.severe_label and not frame.beside:
        key = f"{g['severe'] * 2} {frame.severe_label}"
        lines.append(_line([(" " * prefix, ""), (key, SEVERE_STYLE)]))
    keys = [fill_in(words.get("chart.key_point", ""), {"glyph": g["point"]})]
    if frame.severe is not None:
        values = {"glyph": g["severe_point"], "score": frame.severe}
        keys.append(fill_in(words.get("chart.key_severe", ""), values))
    if mark_label and (frame.mark_col is not None or frame.mark_beyond):
        which = "chart.key_mark" if frame.mark_col is not None else "chart.key_beyond"
        glyph = g["mark"] if frame.mark_col is not None else g["beyond"]
        keys.append(fill_in(words.get(which, ""), {"glyph": glyph, "label": mark_label}))
    for entry in keys:
        for n, part in enumerate(_wrap(entry, width - prefix - 2)):
            lines.append(_line([(" " * (prefix + (2 if n else 0)) + part, AXIS_STYLE)]))
    return lines


def _time_axis(pts: Sequence[tuple[float, int]], plot: int) -> tuple[bool, float, int, int]:
    """Whether the time axis is in days (else hours), its unit in hours, the step
    between its ticks and its end (in that unit)."""
    span = max(max(h for h, _ in pts), MIN_SPAN_HOURS)
    in_days = span > HOURS_UP_TO
    unit = 24.0 if in_days else 1.0
    step, end = _ticks(span / unit, DAY_STEPS if in_days else HOUR_STEPS, plot)
    return in_days, unit, step, end


def _ticks(span: float, steps: Sequence[int], plot: int) -> tuple[int, int]:
    """The smallest step whose ticks stand MIN_TICK_GAP columns apart (and fit their
    labels), with the axis end: span rounded up to a whole number of steps."""
    for step in steps:
        end = math.ceil(span / step) * step
        gap = (plot - 1) * step / end
        if gap >= max(MIN_TICK_GAP, len(str(end)) + 1):
            return step, end
    step = steps[-1]
    return step, math.ceil(span / step) * step


def _range(step: int, end: int) -> range:
    return range(0, end + 1, step)


def _shown(pts: list[tuple[float, int]], column: Callable[[float], int]) -> list[tuple[int, int]]:
    """(column, score) to draw: the highest score of each column, and the newest."""
    highest: dict[int, int] = {}
    for hours, score in pts:
        col = column(hours)
        highest[col] = max(highest.get(col, score), score)
    shown = set(highest.items())
    shown.add((column(pts[-1][0]), pts[-1][1]))
    return sorted(shown)


def _band_style(score: int, bands: Sequence[int]) -> str:
    """The style of the highest band whose lower bound the score reaches."""
    index = sum(1 for bound in bands if score >= bound) - 1
    return "bold" if index < 0 else BAND_STYLES[min(index, len(BAND_STYLES) - 1)]


def _tick_labels(tick_cols: dict[int, int], width: int) -> str:
    """Each tick's number centred under it, within ``width``; one that would touch
    the one before is left out."""
    out = ""
    for col, value in sorted(tick_cols.items()):
        label = str(value)
        start = min(max(col + 1 - (len(label) - 1) // 2, 0), width - len(label))
        if out and start <= len(out):
            continue
        out = out.ljust(start) + label
    return out


def _wrap(words: str, width: int) -> list[str]:
    """Lines of at most ``width``, broken where the terminal renderer breaks its own
    lines; with a word wider than that, one word a line, cut."""
    from .terminal import _line_starts

    starts = _line_starts(words, width)
    if starts is None:
        return [word[:width] for word in words.split()]
    bounds = [0, *starts, len(words)]
    return [words[a:b].strip() for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


def _line(cells: Sequence[Cell]) -> Text:
    """Cells as one Text, a run of one style as one span, without trailing blanks."""
    text = Text()
    run, run_style = "", ""
    for chars, style in cells:
        if style != run_style and run:
            text.append(run, style=run_style or None)
            run = ""
        run, run_style = run + chars, style
    text.append(run, style=run_style or None)
    text.rstrip()
    return text


# -- the same chart as inline SVG (the diary report's HTML) ---------------------

SVG_WIDTH, SVG_HEIGHT = 640, 170
SVG_MARGIN = (30, 8, 12, 34)  # left, top, right, bottom: room for the labels
SVG_SERIES = 4  # distinct looks (stroke and dash) before they repeat


def svg_chart(
    groups: Sequence[tuple[str, Sequence[tuple[float, int]]]],
    *,
    top: int = 10,
    severe: int | None,
    mark_hours: float | None,
    mark_label: str = "",
    words: Mapping[str, str],
    bands: Sequence[int] = (),
) -> dict | None:
    """The geometry of the scores against time, one line per place, for a template
    to draw as SVG: numbers and labels only (the template escapes every label).

    ``groups`` are (place, points) with points as in ``draw``; None when there is
    nothing to draw. The axes follow ``draw``: hours up to two days, days beyond.
    """
    del bands  # the lines are told apart by place; severity by the severe line
    top = max(top, 1)
    cleaned = [
        (name, [(max(h, 0.0), min(max(s, 0), top)) for h, s in pts if math.isfinite(h)])
        for name, pts in groups
    ]
    cleaned = [(name, pts) for name, pts in cleaned if pts]
    if not cleaned:
        return None
    left, upper, right, bottom = SVG_MARGIN
    x0, x1 = left, SVG_WIDTH - right
    y0, y1 = upper, SVG_HEIGHT - bottom  # y0 is the top score, y1 is 0
    in_days, unit, step, end = _time_axis([p for _, pts in cleaned for p in pts], 60)
    x_max = end * unit

    def x(hours: float) -> float:
        return round(x0 + hours / x_max * (x1 - x0), 1)

    def y(score: float) -> float:
        return round(y1 - score / top * (y1 - y0), 1)

    line_severe = severe if severe is not None and 0 <= severe <= top else None
    series_out = []
    for n, (name, pts) in enumerate(cleaned):
        series_out.append(
            {
                "name": name,
                "look": n % SVG_SERIES,
                "points": " ".join(f"{x(h)},{y(s)}" for h, s in pts),
                "dots": [
                    {"x": x(h), "y": y(s), "severe": line_severe is not None and s >= line_severe}
                    for h, s in pts
                ],
            }
        )
    mark = None
    if mark_hours is not None and math.isfinite(mark_hours) and 0 <= mark_hours <= x_max:
        mark = {"x": x(mark_hours), "label": mark_label}
    severe_out = None
    if line_severe is not None:
        severe_out = {"y": y(line_severe), "label": _severe_label(line_severe, top, words)}
    return {
        "width": SVG_WIDTH,
        "height": SVG_HEIGHT,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "y_ticks": [{"y": y(s), "label": str(s)} for s in range(0, top + 1, 2 if top > 5 else 1)],
        "x_ticks": [{"x": x(t * unit), "label": str(t)} for t in _range(step, end)],
        "x_title": words["chart.days" if in_days else "chart.hours"],
        "severe": severe_out,
        "mark": mark,
        "series": series_out,
    }
