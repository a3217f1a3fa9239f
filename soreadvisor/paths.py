"""Where soreadvisor keeps things on this machine.

``SOREADVISOR_HOME`` puts everything (profile, custom knowledge, diary, cache)
under one directory: the tests always use it, and so can a user who wants a
portable or throw-away setup. Otherwise platform conventions apply, via
platformdirs (XDG on Linux, ~/Library on macOS, AppData on Windows).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "soreadvisor"


def _home() -> Path | None:
    home = os.environ.get("SOREADVISOR_HOME")
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    """Profile and custom knowledge (files the user may edit)."""
    home = _home()
    if home:
        return home
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def data_dir() -> Path:
    """The diary (health data: private)."""
    home = _home()
    if home:
        return home
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def cache_dir() -> Path:
    """Validated knowledge, safe to delete at any time."""
    home = _home()
    if home:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def user_kb_dir() -> Path:
    return config_dir() / "topics"


def builtin_topics_dir() -> Path:
    """The shipped topics: inside the wheel, or ``data/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    inside = here / "data" / "topics"
    return inside if inside.is_dir() else here.parent / "data" / "topics"


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents for its owner only; leave existing ones."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):  # parents we create are private too
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o700)
    return path
