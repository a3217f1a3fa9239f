"""CommonMark: headings, bullet lists and a numbered sources list.

Knowledge text is escaped, so a ``*`` or ``[`` in a file cannot change the
structure; output is ready to append to a notes file with ``>>``.
"""

from __future__ import annotations

import re

from ..report import Report
from . import one_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~])")


def md(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", one_line(text))


def to_markdown(report: Report) -> str:
    out: list[str] = [f"# {md(report.title)}", ""]
    if report.headline:
        out += [f"**{md(report.headline)}**", ""]
    if report.show_disclaimer:
        out += [f"> {md(report.disclaimer)}", ""]
    if report.intro:
        out += [md(report.intro), ""]
    for section in report.sections:
        out += [f"## {md(section.title)}", ""]
        if section.note:
            out += [md(section.note), ""]
        for item in section.items:
            head = f"**{md(item.title)}**"
            if item.evidence:
                head += f" ({md(item.evidence.verdict)})"
            if item.summary:
                head += f": {md(item.summary)}"
            out.append(f"- {head}")
            for warning in item.warnings:
                out.append(f"  - ⚠ {md(warning)}")
            for f in item.fields:
                out.append(f"  - {md(f.label)}: {md(f.text)}")
            for bullet in item.bullets:
                out.append(f"  - {md(bullet)}")
            if item.evidence:
                ev = item.evidence
                refs = ", ".join(md(r) for r in ev.references)
                out.append(f"  - Evidence ({md(ev.verdict)}): {md(ev.summary)} ({refs})")
        out.append("")
    if report.references:
        out += ["## Sources", ""]
        for n, ref in enumerate(report.references, 1):
            flag = " (unverified)" if not ref.verified else ""
            web = ref.url and ref.url.startswith(("https://", "http://")) and " " not in ref.url
            url = f" <{one_line(ref.url)}>" if web and ref.url else ""
            note = f" Note: {md(ref.note)}" if ref.note else ""
            out.append(f"{n}. \\[{md(ref.id)}\\] {md(ref.citation)}{flag}{url}{note}")
        out.append("")
    return "\n".join(out)
