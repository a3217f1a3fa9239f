"""The saved profile: a small JSON file in the user's config directory.

It holds health facts, so it is ours and private: read only from a plain
file of ours (never through a link), written in a folder no other user can
change (``paths.own_dir``) by the one writer (``files.write_file``), so an
interrupted save never leaves half a file and a planted link is never
followed. What the facts mean is the domain's
(``advice.profile``): it hands ``load`` its reader, which holds them to what
the flags accept, and ``save`` its plain dictionary. This file knows only JSON.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from . import paths
from .errors import UserError

T = TypeVar("T")

MAX_BYTES = 64 * 1024  # a profile is a few hundred bytes; more is not one of ours


def profile_path() -> Path:
    return paths.config_dir() / "profile.json"


def load(read: Callable[[object], T]) -> T:
    """The saved facts as ``read`` makes them (a ValueError or TypeError from it
    means a damaged file); ``read({})`` when none is saved."""
    path = profile_path()
    raw = read_private(path, "the profile")
    if raw is None:
        return read({})
    import json  # only when there is a profile: most runs have none to read

    try:
        if len(raw) > MAX_BYTES:
            raise ValueError("too large")
        profile = read(json.loads(raw.decode("utf-8")))
    except (ValueError, TypeError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise UserError(
            f"the profile {str(path)!r} is damaged; fix it or run `soreadvisor profile clear`"
        ) from None
    return profile


def save(profile: Mapping[str, object]) -> Path:
    """``profile`` (a plain dict of the facts) saved as the profile."""
    return write_private(profile_path(), dict(profile), "the profile")


def read_private(path: Path, what: str) -> bytes | None:
    """A small private file of ours (never read through a link), or None when
    there is none; up to MAX_BYTES + 1 bytes, so the caller can refuse more."""
    try:
        fd = paths.own_file(path, strict=False)
    except (FileNotFoundError, NotADirectoryError):  # ENOENT, ENOTDIR: it cannot be there
        return None
    except OSError as exc:
        raise UserError(f"cannot read {what} {str(path)!r}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "rb") as fh:
            return fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read {what} {str(path)!r}: {exc.strerror}") from None


def write_private(path: Path, data: object, what: str) -> Path:
    """``data`` as JSON in a folder only we can change, by the one writer
    (``files.write_file``: a fresh 0600 file, flushed, renamed over the old)."""
    import json

    from .files import write_file

    try:
        folder = paths.own_dir(path.parent)
    except OSError as exc:
        raise UserError(f"cannot save {what} to {str(path)!r}: {exc.strerror}") from None
    write_file(folder / path.name, json.dumps(data, indent=2) + "\n", force=True)
    return path


def clear() -> bool:
    try:
        profile_path().unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise UserError(f"cannot remove the profile: {exc.strerror}") from None
    return True
