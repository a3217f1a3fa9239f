"""The whole diary as CSV, JSON or Markdown, oldest first, times in local time."""

from __future__ import annotations

from typing import TextIO

from .models import Massage, Score
from .store import SCHEMA_VERSION, Diary

COLUMNS = ("kind", "id", "at", "score", "intensity", "where", "note")


def _row(entry: Massage | Score) -> dict[str, object]:
    at = entry.at.astimezone().isoformat(timespec="seconds")
    if isinstance(entry, Massage):
        return {
            "kind": "massage",
            "id": entry.id,
            "at": at,
            "score": None,
            "intensity": entry.intensity,
            "where": None,
            "note": entry.note,
        }
    return {
        "kind": "score",
        "id": entry.id,
        "at": at,
        "score": entry.score,
        "intensity": None,
        "where": entry.where,
        "note": entry.note,
    }


def export(diary: Diary, fmt: str, out: TextIO) -> None:
    rows = (_row(e) for e in diary.everything())
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif fmt == "json":
        import json

        massages, scores = [], []
        for row in rows:
            kind = row.pop("kind")
            if kind == "massage":
                row.pop("score"), row.pop("where")
                massages.append(row)
            else:
                row.pop("intensity")
                scores.append(row)
        doc = {"diary_schema_version": SCHEMA_VERSION, "massages": massages, "scores": scores}
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        from ..render.markdown import md

        heads = ("When", "What", "Score", "Intensity", "Where", "Note")
        out.write("# Soreness diary\n\n")
        out.write("| " + " | ".join(heads) + " |\n")
        out.write("|" + " --- |" * len(heads) + "\n")
        for row in rows:
            score = "" if row["score"] is None else f"{row['score']}/10"
            cells = [row["at"], row["kind"], score, row["intensity"], row["where"], row["note"]]
            out.write("| " + " | ".join(md(str(c)) if c else "" for c in cells) + " |\n")
    else:
        raise ValueError(f"unknown export format {fmt!r}")
