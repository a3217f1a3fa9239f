"""JSON: one object per run, documented in the README."""

from __future__ import annotations

import json
from typing import Any

from ..report import JSON_SCHEMA_VERSION, Item, Report
from ..text import controls


def _fields(obj: Any) -> dict[str, Any]:
    """A knowledge model's fields (models may be unpickled without being dataclasses yet)."""
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "title": item.title, "summary": item.summary}
    if item.evidence is not None:
        out["evidence"] = _fields(item.evidence)
    for f in item.fields:
        out[f.key] = f.value.isoformat() if hasattr(f.value, "isoformat") else f.text
    if item.checklist:
        out["checklist"] = item.checklist
    if item.warnings:
        out["warnings"] = item.warnings
    if item.cautions:
        out["cautions"] = item.cautions
    out.update(item.data)
    return out


def to_dict(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": report.command,
        "topic": report.topic,
        "title": report.title,
        "disclaimer": report.disclaimer,
    }
    if report.headline:
        doc["headline"] = report.headline
    if report.intro:
        doc["intro"] = report.intro
    doc.update(report.meta)
    for section in report.sections:
        if section.note:  # sections that share a key share its first note
            doc.setdefault("notes", {}).setdefault(section.key, section.note)
        if section.kind == "sentence":
            doc[section.key] = section.items[0].title if section.items else None
        elif section.kind == "sentences":
            doc[section.key] = [*doc.get(section.key, []), *(i.title for i in section.items)]
        else:  # joined to a list of the same key (a section's, or the meta's), never changing it
            doc[section.key] = [*doc.get(section.key, []), *(_item(i) for i in section.items)]
    doc["references"] = [_fields(r) for r in report.references]
    return doc


# json.dumps escapes C0 controls but leaves DEL, the C1 controls (e.g. U+009B,
# CSI), the line separators and direction marks raw: the terminal rule
# (text.CONTROLS) catches them, and as they can only occur inside strings,
# \u escapes keep the JSON exact. The newlines of the indentation stay.


def to_json(report: Report, ascii_only: bool = False) -> str:
    """The report as JSON; ``ascii_only`` escapes non-ASCII losslessly (\\uXXXX)."""
    text = json.dumps(to_dict(report), indent=2, ensure_ascii=ascii_only) + "\n"
    return controls("\n").sub(lambda m: f"\\u{ord(m.group()):04x}", text)
