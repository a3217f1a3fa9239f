"""A Report as one self-contained HTML page, for printing or a phone screen.

Jinja2 with autoescaping: every string reaches the page escaped by
construction, never by string building. Every value is also passed through
``one_line`` first, so no control character from a knowledge file or the
command line gets into the page. The template lives in the package
(``templates/``) and fetches nothing: inline CSS, no script, no links to load.
Jinja2 is imported here only, by the one command that writes HTML.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..report import Report
from . import field_text, label, one_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _finalize(value: Any) -> Any:
    return one_line(value) if isinstance(value, str) else value


def to_html(report: Report, **context: Any) -> str:
    """The page: the diary report's (with its chart) or the aftercare sheet's;
    ``context`` is what the sheet's template needs beyond the report (large print)."""
    import jinja2

    template = "handout.html"
    if report.command == "diary report":
        template, context = "diary_report.html", _diary_context(report)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(report=report, meta=report.meta, **context)


# What one printed page holds, in characters of the sheet's text (sources
# count at their smaller size), measured on A4 and Letter in Chromium:
# tests/test_handout.py holds this estimate to the pages it counts there (in
# large print, where a list that does not fit starts a new page, to at most
# one page more than printed: the sheet says "about").
PAGE_HOLDS = {False: 5320, True: 1700}
SOURCE_WEIGHT = 0.6  # a source's character, at 8 pt (12 in large print), beside the body's


def pages_estimate(report: Report, large_print: bool = False) -> int:
    """How many pages the sheet should print on, A4 or Letter, from how much
    text it has: no browser runs here."""
    body = len(report.title) + len(report.intro) + len(report.disclaimer)
    for section in report.sections:
        body += len(section.title) + len(section.note or "")
        for item in section.items:
            texts = [item.title, item.summary, *item.warnings, *item.cautions, *item.checklist]
            texts += [f"{f.label}: {f.text}" for f in item.fields]
            body += sum(len(t) for t in texts)
    sources = sum(len(r.citation) for r in report.references)
    return max(1, math.ceil((body + SOURCE_WEIGHT * sources) / PAGE_HOLDS[large_print]))


# How each place's line looks in the diary report's chart: colour and dash,
# told apart in grey too.
SVG_LOOKS = [("#111", "none"), ("#07a", "6 3"), ("#a50", "2 2"), ("#606", "8 2 2 2")]


def _diary_context(report: Report) -> dict[str, Any]:
    """What the diary report's page needs: its chart as inline SVG, one line per place."""
    from .chart import svg_chart

    scored = [s for s in report.sections if s.key == "scores"]
    scale = next((s.scale for s in scored if s.scale), None)
    chart = None
    key: list[str] = []
    words = report.words
    if scale is not None:
        groups = [
            (
                (s.items[0].data.get("where") or "") if len(scored) > 1 else "",
                [
                    (i.data["hours_since_massage"], i.data["score"])
                    for i in s.items
                    if i.data.get("hours_since_massage") is not None
                ],
            )
            for s in scored
            if s.items
        ]
        chart = svg_chart(groups, words=words, **scale)
        key = [label(words, "chart.key_point", glyph="●")]
        if chart and chart["severe"]:
            key.append(label(words, "chart.key_severe", glyph="▲", score=scale["severe"]))
        if chart and chart["mark"]:
            key.append(label(words, "chart.key_mark", glyph="┊", label=scale["mark_label"]))
    return dict(
        chart=chart,
        chart_before=next((s for s in scored if s.scale), None),
        chart_title=label(words, "report.chart"),
        chart_key=key,
        looks=SVG_LOOKS,
        when=lambda f: field_text(f, "markdown", words),
        sources_label=label(words, "render.sources"),
    )
