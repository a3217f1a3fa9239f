"""What the diary holds: massage sessions, soreness scores and check results (aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

INTENSITIES = ("light", "moderate", "deep")
SCORE_MIN, SCORE_MAX = 0, 10  # the 0-10 numeric rating scale


@dataclass(slots=True)
class Massage:
    id: int
    at: datetime
    intensity: str | None = None
    note: str | None = None


# Not frozen: a frozen dataclass sets each field through object.__setattr__,
# four times the cost, and `history` builds one Score per row of the episode.
@dataclass(slots=True)
class Score:
    id: int
    at: datetime
    score: int
    where: str | None = None
    note: str | None = None


@dataclass(slots=True)
class CheckResult:
    """A warning-sign check as it was answered: ``level`` is the triage level's id,
    ``headline`` what the result said, ``signs`` the words of what counted."""

    id: int
    at: datetime
    level: str
    headline: str | None = None
    signs: list[str] = field(default_factory=list)
