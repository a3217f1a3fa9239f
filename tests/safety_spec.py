"""The safety spec, read from docs/safety.md: its tables of levels, warning
signs and combinations, and the vignette counts it states. The tests check the
knowledge base and the triage engine against this one copy.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "safety.md"
VIGNETTES_FILE = REPO / "tests" / "vignettes.yaml"


def _section(text: str, heading: str) -> str:
    """The text under ``## heading`` up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"docs/safety.md has no section {heading!r}"
    return match.group(1)


def table(heading: str) -> list[dict[str, str]]:
    """The first Markdown table under ``## heading``, one dict per row."""
    lines = [ln for ln in _section(DOC.read_text("utf-8"), heading).splitlines()]
    rows = [ln for ln in lines if ln.startswith("|")]
    assert len(rows) > 2, f"no table under {heading!r}"

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip().strip("|").split("|")]

    header = cells(rows[0])
    assert set(cells(rows[1])) <= {"---"}, "the second line of a table is its rule"
    return [dict(zip(header, cells(r), strict=True)) for r in rows[2:]]


def ids_in(cell: str) -> list[str]:
    """The `ids` written in a table cell, in order."""
    return re.findall(r"`([^`]+)`", cell)


def refs_in(cell: str) -> list[str]:
    return re.findall(r"R\d+[a-z]?", cell)


LEVELS = [ids_in(row["level"])[0] for row in table("Levels")]
RANK = {level: i for i, level in enumerate(LEVELS)}
SIGNS = {ids_in(row["id"])[0]: row["level"] for row in table("Warning signs")}
SIGN_REFS = {ids_in(row["id"])[0]: refs_in(row["references"]) for row in table("Warning signs")}


class Combination:
    """A row of the combinations table."""

    def __init__(self, row: dict[str, str]):
        self.id = ids_in(row["rule"])[0]
        self.groups = [ids_in(group) for group in row["signs"].split(" + ")]
        profile = row["profile"]
        self.medications = ids_in(profile) if "medication" in profile else []
        self.conditions = ids_in(profile) if "condition" in profile else []
        self.level = row["level"]
        self.references = refs_in(row["references"])

    def fires(self, signs: set[str], medications=(), conditions=()) -> bool:
        if not all(signs & set(group) for group in self.groups):
            return False
        needs = self.medications or self.conditions
        return not needs or bool(
            set(self.medications) & set(medications) or set(self.conditions) & set(conditions)
        )


COMBINATIONS = [Combination(row) for row in table("Combinations")]


def spec_level(signs: set[str], medications=(), conditions=()) -> str:
    """The minimum level the spec asks for, from its tables alone."""
    rank = max((RANK[SIGNS[s]] for s in signs), default=0)
    for combo in COMBINATIONS:
        if combo.fires(signs, medications, conditions):
            rank = max(rank, RANK[combo.level])
    return LEVELS[rank]


def vignettes() -> list[dict]:
    return yaml.safe_load(VIGNETTES_FILE.read_text("utf-8"))


def stated_vignette_counts() -> tuple[int, int]:
    """(vignettes, emergencies) as docs/safety.md states them in words."""
    text = _section(DOC.read_text("utf-8"), "Vignettes")
    match = re.search(r"There are (\d+) vignettes, (\d+) of them emergencies", text)
    assert match, "docs/safety.md must state how many vignettes and emergencies there are"
    return int(match.group(1)), int(match.group(2))
