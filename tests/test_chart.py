"""The diary chart: scores against real time, readable with and without colour.

Golden files (tests/golden/chart/) show the chart as a reader sees it at 60 and
100 columns; the properties check what must hold for any diary: no line wider
than the terminal, every score on its own row, the highest score of a column
and the newest score always drawn.
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import WORDS, assert_golden
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from soreadvisor.render.chart import draw

SEVERE, MARK, BANDS = 7, 72.0, (0, 4, 7)
# A realistic episode: sore on the first day, easing over the next four.
EPISODE = [(2, 3), (4, 5), (20, 6), (30, 6), (50, 4), (80, 3), (100, 2)]
# A night that went wrong: rising past the severe line within a day.
ESCALATING = [(1, 2), (3, 4), (8, 6), (14, 7), (20, 9), (26, 8)]
POINTS = "●▲oX"


def chart(points, width=60, **kw) -> list[Text]:
    args = {
        "severe": SEVERE,
        "mark_hours": MARK,
        "mark_label": "3 days",
        "bands": BANDS,
        "words": WORDS,
    }
    return draw(points, width=width, **{**args, **kw})


def plain(lines: list[Text]) -> str:
    return "".join(line.plain + "\n" for line in lines)


def rows(lines: list[Text]) -> dict[int, str]:
    """The plot rows by their score label: what is drawn right of the y axis."""
    found = {}
    for line in lines:
        m = re.match(r"^ *(\d+) [┤|](.*)$", line.plain)
        if m:
            found[int(m.group(1))] = m.group(2)
    return found


def glyphs(lines: list[Text]) -> set[tuple[int, int]]:
    """(column, score) of every point drawn."""
    return {
        (col, score)
        for score, row in rows(lines).items()
        for col, char in enumerate(row)
        if char in POINTS
    }


def style_at(line: Text, offset: int) -> str:
    styles = [str(line.style)] if line.style else []
    styles += [str(s.style) for s in line.spans if s.start <= offset < s.end]
    return " ".join(s for s in styles if s)


# A letter per style, so a golden file shows the colours under the characters.
STYLE_LETTERS = {
    "": " ",
    "dim": "d",
    "italic": "i",
    "cyan": "c",
    "red": "r",
    "bold": "b",
    "bold green": "G",
    "bold yellow": "Y",
    "bold red": "R",
}


def style_map(lines: list[Text]) -> str:
    """Each line, and under it a letter for the style of each character."""
    legend = ", ".join(f"{letter}={style}" for style, letter in STYLE_LETTERS.items() if style)
    out = [f"styles: {legend}"]
    for line in lines:
        letters = []
        for n in range(len(line.plain)):
            style = style_at(line, n)
            assert style in STYLE_LETTERS, f"a new style in the chart: {style!r}"
            letters.append(STYLE_LETTERS[style])
        out += [line.plain, "".join(letters).rstrip()]
    return "\n".join(out) + "\n"


# -- golden renderings ----------------------------------------------------------


@pytest.mark.parametrize("width", [60, 100])
def test_golden_episode(width):
    assert_golden(f"chart/episode-{width}.txt", plain(chart(EPISODE, width)))


def test_golden_episode_colours_by_band():
    assert_golden("chart/episode-60-styles.txt", style_map(chart(EPISODE, 60)))


@pytest.mark.parametrize("width", [60, 100])
def test_golden_crossing_the_severe_line(width):
    assert_golden(f"chart/escalating-{width}.txt", plain(chart(ESCALATING, width)))


def test_golden_single_point_soon_after_the_massage():
    assert_golden("chart/single-60.txt", plain(chart([(3, 5)])))


def test_golden_ascii():
    assert_golden("chart/ascii-60.txt", plain(chart(EPISODE, unicode=False)))


def test_golden_narrowest_terminal():
    assert_golden("chart/episode-20.txt", plain(chart(EPISODE, 20)))


# -- what a reader relies on ------------------------------------------------------


def test_no_scores_draw_nothing():
    assert chart([]) == []
    assert chart([(float("nan"), 5)]) == []


def test_one_row_per_score_each_labelled_top_to_bottom():
    r = rows(chart(EPISODE))
    assert list(r) == list(range(10, -1, -1))
    assert {s for _, s in glyphs(chart([(5, 5), (10, 6)]))} == {5, 6}


def test_a_score_of_nine_is_drawn_far_above_a_score_of_two():
    lines = chart([(5, 9), (10, 2)])
    numbers = [line.plain.split()[0] if line.plain.split() else "" for line in lines]
    nine = next(n for n, line in enumerate(lines) if "▲" in line.plain)
    two = next(n for n, line in enumerate(lines) if "●" in line.plain)
    assert numbers[nine] == "9" and numbers[two] == "2"
    assert two - nine == 7


def columns(lines: list[Text]) -> list[int]:
    return sorted(col for col, _ in glyphs(lines))


def test_columns_follow_real_time():
    """Scores 2 h apart sit closer together than scores 14 h apart."""
    a, b, c = columns(chart([(0, 3), (2, 4), (16, 5)]))
    assert 6 * (b - a) <= c - b <= 8 * (b - a)
    # Over the same 30 hours, a score 2 h after the first sits far from one 14 h after it.
    (_, near, _), (_, far, _) = (columns(chart([(0, 3), (gap, 4), (30, 5)])) for gap in (2, 14))
    assert far - near >= 15


def title(lines: list[Text]) -> str:
    return next(line.plain.strip() for line in lines if "since the" in line.plain)


def test_the_x_axis_is_in_hours_for_two_days_then_in_days():
    assert title(chart([(2, 3), (47, 3)])) == "hours since the massage"
    assert title(chart([(2, 3), (49, 3)])) == "days since the massage"
    since_first = {**WORDS, "chart.hours": "hours since the first score"}
    assert title(chart([(1, 3)], words=since_first)) == "hours since the first score"


def test_the_severe_line_is_drawn_and_labelled_and_severe_points_differ_without_colour():
    lines = chart(ESCALATING)
    r = rows(lines)
    assert "╌╌╌" in r[SEVERE] and r[SEVERE].endswith("severe 7+")
    for score, row in r.items():
        drawn = {c for c in row if c in POINTS}
        assert drawn <= ({"▲"} if score >= SEVERE else {"●"})
    assert "╌" in plain(chart(EPISODE, 20))  # at 20 columns the label goes under the chart
    assert "severe 7+" in plain(chart(EPISODE, 20))
    assert "severe" not in plain(chart(EPISODE, severe=None))


def test_the_three_day_mark_is_drawn_at_its_time_or_pointed_to_beyond_the_axis():
    lines = chart(EPISODE)
    assert lines[0].plain.strip() == "3 days"
    label_col = lines[0].plain.index("3 days")
    key = [n for n, line in enumerate(lines) if "after the massage" in line.plain]
    assert len(key) == 1 and lines[key[0]].plain.strip().startswith("┊ 3 days")  # explained
    mark_cols = {line.plain.index("┊") for line in lines[: key[0]] if "┊" in line.plain}
    assert len(mark_cols) == 1 and label_col <= mark_cols.pop() < label_col + len("3 days")
    early = chart([(2, 3), (20, 4)])
    assert early[0].plain.strip() == "3 days →"
    assert "┊" not in plain(early)
    assert "3 days →: 3 days after the massage, later than" in " ".join(plain(early).split())
    assert not chart([(2, 3)], mark_hours=None)[0].plain.strip().startswith("3 days")


def test_points_take_the_colour_of_their_band():
    lines = chart([(2, 1), (10, 5), (20, 8)], severe=None)
    colour = {}
    for line in lines:
        if re.match(r"^ *\d+ ┤", line.plain):
            for n, char in enumerate(line.plain):
                if char in POINTS:
                    colour[line.plain.split()[0]] = style_at(line, n)
    assert colour == {"1": "bold green", "5": "bold yellow", "8": "bold red"}
    unbanded = next(line for line in chart([(2, 3)], bands=()) if "●" in line.plain)
    assert style_at(unbanded, unbanded.plain.index("●")) == "bold"


def test_several_scores_in_one_column_show_the_highest_and_the_newest():
    assert {s for _, s in glyphs(chart([(10, 3), (10.01, 8), (10.02, 5)]))} == {8, 5}
    assert {s for _, s in glyphs(chart([(10, 8), (10.01, 3), (10.02, 9)]))} == {9}


def test_points_outside_the_scale_are_drawn_at_its_ends():
    drawn = glyphs(chart([(-3, 4), (5, 14), (8, -2)]))
    assert {s for _, s in drawn} == {4, 10, 0}
    assert min(c for c, s in drawn if s == 4) == 0  # before the massage: at the origin


def test_ascii_only_when_the_stream_cannot_carry_box_drawing():
    for width in (20, 60, 100):
        assert plain(chart(ESCALATING, width, unicode=False)).isascii()


@pytest.mark.parametrize("width", [20, 60, 100])
def test_printed_without_colour_it_is_the_plain_text_unwrapped(width):
    """NO_COLOR: the console prints exactly the characters, one line each, no escapes."""
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, color_system=None)
    lines = chart(ESCALATING, width)
    for line in lines:
        console.print(line)
    assert out.getvalue() == plain(lines)


# -- properties --------------------------------------------------------------------

hours = st.floats(min_value=-50, max_value=2000, allow_nan=False)
point = st.tuples(hours, st.integers(min_value=-3, max_value=14))


@st.composite
def charts(draw_, same_hours: bool = False):
    top = draw_(st.integers(min_value=1, max_value=12))
    pts = draw_(st.lists(point, min_size=1, max_size=40))
    if same_hours:
        at = pts[0][0]
        pts = [(at, s) for _, s in pts]
    pts.sort(key=lambda p: p[0])  # oldest first
    kwargs = dict(
        width=draw_(st.integers(min_value=20, max_value=200)),
        top=top,
        severe=draw_(st.none() | st.integers(min_value=-1, max_value=top + 1)),
        mark_hours=draw_(st.none() | hours),
        mark_label=draw_(st.sampled_from(["", "3 days", "a rather long label for a mark"])),
        bands=sorted(draw_(st.sets(st.integers(min_value=0, max_value=top), max_size=4))),
        unicode=draw_(st.booleans()),
        words=WORDS,
    )
    return pts, top, kwargs


@settings(max_examples=300, deadline=None)
@given(charts())
def test_no_line_is_wider_than_the_terminal_or_ends_in_a_blank(case):
    pts, _, kwargs = case
    for line in draw(pts, **kwargs):
        assert cell_len(line.plain) <= kwargs["width"]
        assert line.plain == line.plain.rstrip()


@settings(max_examples=300, deadline=None)
@given(charts())
def test_every_point_is_on_the_row_of_its_score_and_the_highest_and_newest_are_drawn(case):
    pts, top, kwargs = case
    lines = draw(pts, **kwargs)
    scores = [min(max(s, 0), top) for _, s in pts]
    assert list(rows(lines)) == list(range(top, -1, -1))  # higher scores on higher rows
    drawn = glyphs(lines)
    assert {s for _, s in drawn} <= set(scores)
    assert max(scores) in {s for _, s in drawn}
    last_col = max(c for c, _ in drawn)  # oldest first: the newest is in the last column
    assert (last_col, scores[-1]) in drawn


@settings(max_examples=200, deadline=None)
@given(charts(same_hours=True))
def test_in_one_column_a_lower_score_never_hides_a_higher_one(case):
    pts, top, kwargs = case
    scores = [min(max(s, 0), top) for _, s in pts]
    drawn = glyphs(draw(pts, **kwargs))
    assert len({c for c, _ in drawn}) == 1
    assert {s for _, s in drawn} == {max(scores), scores[-1]}


@pytest.mark.parametrize("width", range(20, 41))
def test_under_the_chart_a_number_stays_with_the_word_after_it(width):
    """The key wraps as the rest of the screen does: never "after 3" / "days"."""
    lines = plain(chart(EPISODE, width, mark_label="after about 3 days")).splitlines()
    worded = [line for line in lines if re.search(r"[a-z]", line)]
    assert worded and not [line for line in worded if re.search(r"\s\d+$", line)]
