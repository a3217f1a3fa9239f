"""The whole diary as CSV, JSON or Markdown, oldest first, times in local time.

CSV and JSON stream: rows are read a few hundred at a time and written as
they come, so memory stays flat however long the diary. Markdown is for people:
the diary as a Report (``as_report``, in the program's words), which the
Markdown renderer writes like every other answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, TextIO

from .models import SCORE_MAX, CheckResult, Massage, Score
from .store import SCHEMA_VERSION, Diary

if TYPE_CHECKING:
    from ..report import Report

# A check result's row: its level, what it said (as the note) and the signs that counted.
COLUMNS = ("kind", "id", "at", "score", "intensity", "where", "note", "level", "signs")
JSON_FIELDS = {
    "massages": ("id", "at", "intensity", "note"),
    "scores": ("id", "at", "score", "where", "note"),
    "checks": ("id", "at", "level", "headline", "signs"),
}


def _entries(diary: Diary) -> Iterator[Massage | Score | CheckResult]:
    """Everything in time order: massages, then scores, then check results at one moment."""
    import heapq

    return heapq.merge(diary.everything(), diary.checks(), key=attrgetter("at"))


def _row(entry: Massage | Score | CheckResult) -> dict[str, object]:
    at = entry.at.astimezone().isoformat(timespec="seconds")
    if isinstance(entry, CheckResult):
        return {
            "kind": "check",
            "id": entry.id,
            "at": at,
            "score": None,
            "intensity": None,
            "where": None,
            "note": entry.headline,
            "headline": entry.headline,
            "level": entry.level,
            "signs": entry.signs,
        }
    if isinstance(entry, Massage):
        return {
            "kind": "massage",
            "id": entry.id,
            "at": at,
            "score": None,
            "intensity": entry.intensity,
            "where": None,
            "note": entry.note,
            "level": None,
            "signs": None,
        }
    return {
        "kind": "score",
        "id": entry.id,
        "at": at,
        "score": entry.score,
        "intensity": None,
        "where": entry.where,
        "note": entry.note,
        "level": None,
        "signs": None,
    }


# What a spreadsheet runs as a formula when a cell starts with it (OWASP, "CSV
# Injection"): such a text is written with a single quote before it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: ``'=1+1`` for ``=1+1`` (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export(diary: Diary, fmt: str, out: TextIO, terminal: bool = False) -> None:
    """Write the diary to ``out`` as CSV or JSON; on a ``terminal`` CSV text is made
    inert (JSON escapes by itself)."""
    if fmt == "csv":
        import csv

        from ..text import inert

        shown: Callable[[object], object] = (
            (lambda v: inert(v) if isinstance(v, str) else v) if terminal else (lambda v: v)
        )
        # Rows end in "\n"; "\r\n" given to the writer makes it quote a text
        # holding a lone "\r" too (as it does one holding "\n"), on every Python.
        writer = csv.DictWriter(_Rows(out), fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for entry in _entries(diary):
            row = _row(entry)
            row["signs"] = "; ".join(row["signs"]) if row["signs"] else None  # type: ignore[arg-type]
            writer.writerow({k: shown(neutral(row[k])) for k in COLUMNS})
    elif fmt == "json":
        _json(diary, out)
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def as_report(diary: Diary, words: Mapping[str, str]) -> Report:
    """The whole diary as a Report of records, oldest first, in ``words`` (the
    program's): a table in Markdown, its times in ISO 8601 as CSV and JSON have them."""
    from ..report import Field, Item, Report, Section

    def said(key: str, value: object) -> str:
        return "" if value is None else words.get(f"{key}.{value}", str(value))

    report = Report("diary export", "", words["history.title"], "", show_disclaimer=False)
    report.words = dict(words)
    items = []
    for row in map(_row, _entries(diary)):
        score = "" if row["score"] is None else f"{row['score']}/{SCORE_MAX}"
        note = row["note"]
        if row["kind"] == "check":  # what it said, then what counted
            signs = row["signs"] or ()
            note = "; ".join(filter(None, [str(note or ""), *map(str, signs)]))  # type: ignore[call-overload]
        cells = [
            ("at", row["at"]),
            ("kind", said("diary.kind", row["kind"])),
            ("score", score),
            ("intensity", said("intensity", row["intensity"])),
            ("where", row["where"] or ""),
            ("note", note or ""),
        ]
        fields = [Field(key, words[f"field.{key}"], str(text)) for key, text in cells]
        items.append(Item(title="", fields=fields))
    section = Section("entries", words["diary.entries"], items, kind="records")
    if not items:
        section.note = words["diary.empty"]
    report.add(section)
    return report


class _Rows:
    """The CSV writer's rows, each ended with "\n" instead of "\r\n"."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def write(self, row: str) -> object:
        return self.out.write(row[:-2] + "\n" if row.endswith("\r\n") else row)


def _json(diary: Diary, out: TextIO) -> None:
    """The JSON document, one entry at a time, byte for byte what ``json.dumps(doc,
    indent=2, ensure_ascii=False)`` of the whole would be (each value by the C encoder)."""
    import json

    text = json.JSONEncoder(ensure_ascii=False).encode

    def value(v: object) -> str:  # a list (a check's signs) laid out as indent=2 would
        if isinstance(v, list) and v:
            return json.dumps(v, indent=2, ensure_ascii=False).replace("\n", "\n      ")
        return text(v)

    out.write("{\n" + f'  "diary_schema_version": {SCHEMA_VERSION},\n')
    for kind, fields in JSON_FIELDS.items():
        out.write(f'  "{kind}": ')
        first = True
        rows = diary.checks() if kind == "checks" else diary.everything((kind,))
        for row in map(_row, rows):
            out.write("[\n" if first else ",\n")
            first = False
            body = ",\n".join(f"      {text(k)}: {value(row[k])}" for k in fields)
            out.write("    {\n" + body + "\n    }")
        out.write("[]" if first else "\n  ]")
        out.write(",\n" if kind != "checks" else "\n")
    out.write("}\n")
