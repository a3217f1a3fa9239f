"""The therapist's own details (name, practice, contact) for the aftercare sheet.

Saved once with ``handout --save`` and put on every sheet unless the command
line gives others. A file of its own, apart from the person's health profile
(the therapist's details are not the client's health), kept by the same
private-file rules (``userprofile.read_private`` / ``write_private``).
"""

from __future__ import annotations

from pathlib import Path

from . import paths
from .errors import UserError
from .userprofile import MAX_BYTES, read_private, write_private

KEYS = ("therapist", "practice", "contact")


def therapist_path() -> Path:
    return paths.config_dir() / "therapist.json"


def load() -> dict[str, str]:
    path = therapist_path()
    raw = read_private(path, "your saved details")
    if raw is None:
        return {}
    import json

    try:
        if len(raw) > MAX_BYTES:
            raise ValueError("too large")
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not all(
            k in KEYS and isinstance(v, str) for k, v in data.items()
        ):
            raise ValueError("not ours")
    except (ValueError, RecursionError):
        raise UserError(
            f"your saved details {str(path)!r} are damaged; save them again with `handout --save`"
        ) from None
    return data


def save(details: dict[str, str]) -> Path:
    return write_private(
        therapist_path(), {k: details[k] for k in KEYS if details.get(k)}, "your details"
    )
