"""What the diary holds: massage sessions and soreness scores (times in aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass
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
