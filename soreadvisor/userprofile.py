"""The saved profile: a small JSON file in the user's config directory.

It holds health facts, so it is written readable by its owner only, and
atomically, so an interrupted save never leaves half a file.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import paths
from .advice.profile import Profile
from .errors import UserError


def profile_path() -> Path:
    return paths.config_dir() / "profile.json"


def load() -> Profile:
    path = profile_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # ENOENT, ENOTDIR: it cannot be there
        return Profile()
    except OSError as exc:
        raise UserError(f"cannot read the profile {str(path)!r}: {exc.strerror}") from None
    import json  # only when there is a profile: most runs have none to read

    try:
        data = json.loads(raw)
        known = set(Profile.FIELDS)
        if not isinstance(data, dict) or set(data) - known:
            raise ValueError
        profile = Profile(**data)
        ok = (
            all(isinstance(x, str) for x in profile.conditions + profile.medications)
            and all(v is None or isinstance(v, int) for v in (profile.age, profile.pregnant_weeks))
            and (profile.region is None or isinstance(profile.region, str))
        )
        if not ok:
            raise ValueError
    except (ValueError, TypeError):
        raise UserError(
            f"the profile {str(path)!r} is damaged; fix it or run `soreadvisor profile clear`"
        ) from None
    return profile


def save(profile: Profile) -> Path:
    import json

    path = profile_path()
    try:
        paths.private_dir(path.parent)
        tmp = path.with_name(f".profile.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(profile.as_dict(), fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot save the profile to {str(path)!r}: {exc.strerror}") from None
    return path


def clear() -> bool:
    try:
        profile_path().unlink()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise UserError(f"cannot remove the profile: {exc.strerror}") from None
    return True
