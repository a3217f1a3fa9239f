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
    g = _UNICODE if unicode else _ASCII
    label_w = len(str(top))
    prefix = label_w + 2  # "10 ┤"
    line_severe = severe if severe is not None and 0 <= severe <= top else None
    severe_label = ""
    if line_severe is not None:
        key = "chart.severe" if line_severe < top else "chart.severe_top"
        severe_label = fill_in(words[key], {"score": line_severe})
    plot = width - prefix
    beside = bool(severe_label) and plot - len(severe_label) - 1 >= MIN_PLOT_BESIDE_LABEL
    if beside:
        plot -= len(severe_label) + 1
    plot = min(max(plot, 2), MAX_PLOT)

    span = max(max(h for h, _ in pts), MIN_SPAN_HOURS)
    in_days = span > HOURS_UP_TO
    unit = 24.0 if in_days else 1.0
    step, end = _ticks(span / unit, DAY_STEPS if in_days else HOUR_STEPS, plot)
    x_max = end * unit

    def column(hours: float) -> int:
        return round(hours / x_max * (plot - 1))

    mark_col: int | None = None
    mark_beyond = False
    if mark_hours is not None and math.isfinite(mark_hours) and mark_hours >= 0:
        if mark_hours <= x_max:
            mark_col = column(mark_hours)
        else:
            mark_beyond = True

    # The grid: rows[0] is the top score, rows[top] is 0.
    rows: list[list[Cell]] = []
    for score in range(top, -1, -1):
        fill = (g["severe"], SEVERE_STYLE) if score == line_severe else (" ", "")
        row = [fill] * plot
        if mark_col is not None and score == line_severe:
            row[mark_col] = (g["cross"], SEVERE_STYLE)
        elif mark_col is not None:
            row[mark_col] = (g["mark"], MARK_STYLE)
        rows.append(row)
    for col, score in _shown(pts, column):
        glyph = g["point"]
        if line_severe is not None and score >= line_severe:
            glyph = g["severe_point"]
        rows[top - score][col] = (glyph, _band_style(score, bands))

    lines: list[Text] = []
    if mark_col is not None and mark_label:
        start = max(min(mark_col - (len(mark_label) - 1) // 2, plot - len(mark_label)), 0)
        lines.append(_line([(" " * (prefix + start), ""), (mark_label, MARK_STYLE)]))
    elif mark_beyond and mark_label:
        hint = f"{mark_label} {g['beyond']}"
        lines.append(_line([(hint.rjust(prefix + plot), MARK_STYLE)]))
    for n, row in enumerate(rows):
        score = top - n
        label_style = SEVERE_STYLE if score == line_severe else AXIS_STYLE
        cells: list[Cell] = [
            (str(score).rjust(label_w) + " ", label_style),
            (g["y_axis"], AXIS_STYLE),
            *row,
        ]
        if beside and score == line_severe:
            cells.append((" " + severe_label, SEVERE_STYLE))
        lines.append(_line(cells))

    tick_cols = {column(t * unit): t for t in _range(step, end)}
    axis: list[Cell] = [(" " * (label_w + 1), ""), (g["corner"], AXIS_STYLE)]
    for col in range(plot):
        char = g["x_axis"]
        if col == mark_col:
            char = g["tick_mark"] if col in tick_cols else g["mark_foot"]
        elif col in tick_cols:
            char = g["tick"]
        axis.append((char, MARK_STYLE if col == mark_col else AXIS_STYLE))
    lines.append(_line(axis))
    labels = _tick_labels(tick_cols, width - prefix + 1)
    lines.append(_line([(" " * (prefix - 1), ""), (labels, AXIS_STYLE)]))
    title = words["chart.days" if in_days else "chart.hours"]
    for part in _wrap(title, width - prefix):
        lines.append(_line([(" " * prefix + part.center(plot).rstrip(), TITLE_STYLE)]))
    if severe_label and not beside:
        key = f"{g['severe'] * 2} {severe_label}"
        lines.append(_line([(" " * prefix, ""), (key, SEVERE_STYLE)]))
    keys = [fill_in(words.get("chart.key_point", ""), {"glyph": g["point"]})]
    if line_severe is not None:
        keys.append(
            fill_in(
                words.get("chart.key_severe", ""),
                {"glyph": g["severe_point"], "score": line_severe},
            )
        )
    if mark_label and (mark_col is not None or mark_beyond):
        which = "chart.key_mark" if mark_col is not None else "chart.key_beyond"
        glyph = g["mark"] if mark_col is not None else g["beyond"]
        keys.append(fill_in(words.get(which, ""), {"glyph": glyph, "label": mark_label}))
    for entry in keys:
        for n, part in enumerate(_wrap(entry, width - prefix - 2)):
            lines.append(_line([(" " * (prefix + (2 if n else 0)) + part, AXIS_STYLE)]))
    for line in lines:  # a long mark label, a width under 20 or a huge ``top``
        line.truncate(width)
        line.rstrip()
    return lines


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
    span = max(max(h for _, pts in cleaned for h, _ in pts), MIN_SPAN_HOURS)
    in_days = span > HOURS_UP_TO
    unit = 24.0 if in_days else 1.0
    step, end = _ticks(span / unit, DAY_STEPS if in_days else HOUR_STEPS, 60)
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
        key = "chart.severe" if line_severe < top else "chart.severe_top"
        severe_out = {"y": y(line_severe), "label": fill_in(words[key], {"score": line_severe})}
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
