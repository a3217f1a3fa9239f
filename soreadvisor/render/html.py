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


def to_html(report: Report, template: str = "handout.html", **context: Any) -> str:
    """The page; ``context`` is what a template needs beyond the report (a chart's
    geometry), passed as it is."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(template).render(report=report, meta=report.meta, **context)
