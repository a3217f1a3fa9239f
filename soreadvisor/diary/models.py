"""What the diary holds: massage sessions and soreness scores (times in aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

INTENSITIES = ("light", "moderate", "deep")
SCORE_MIN, SCORE_MAX = 0, 10  # the 0-10 numeric rating scale


@dataclass(frozen=True)
class Massage:
    id: int
    at: datetime
    intensity: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Score:
    id: int
    at: datetime
    score: int
    where: str | None = None
    note: str | None = None
