"""Where soreadvisor keeps things on this machine.

``SOREADVISOR_HOME`` puts everything (profile, custom knowledge, diary, cache)
under one directory: the tests always use it, and so can a user who wants a
portable or throw-away setup. Otherwise each platform's convention applies:

- Linux and other Unix: the XDG Base Directory spec (``$XDG_CONFIG_HOME`` or
  ``~/.config``, ``$XDG_DATA_HOME`` or ``~/.local/share``, ``$XDG_CACHE_HOME``
  or ``~/.cache``; a relative value is ignored, as the spec says);
- macOS: ``~/Library/Application Support`` and ``~/Library/Caches``;
- Windows: ``%LOCALAPPDATA%`` (the cache in a ``Cache`` folder inside it).

These are the folders platformdirs gives (a test compares them). We do not
import it: it cost 5-7 ms of every run, a quarter of what we add to Typer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP = "soreadvisor"

# kind: (XDG variable, default under the home directory)
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _portable_home() -> Path | None:
    home = os.environ.get("SOREADVISOR_HOME")
    return Path(home).expanduser() if home else None


def _user_home() -> Path:
    """The home directory; a HOME that is empty or relative counts as unset."""
    home = os.environ.get("HOME", "")
    if sys.platform != "win32" and not os.path.isabs(home):
        try:
            import pwd

            return Path(pwd.getpwuid(os.getuid()).pw_dir)
        except (ImportError, KeyError):  # no account entry (a container's random user)
            pass
    try:
        return Path.home()
    except RuntimeError:
        from .errors import UserError

        raise UserError(
            "cannot tell where your home directory is; set HOME, or SOREADVISOR_HOME "
            "to a folder soreadvisor may use"
        ) from None


def platform_dir(kind: str) -> Path:
    """This platform's ``config``, ``data`` or ``cache`` directory for soreadvisor."""
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(_user_home() / "AppData" / "Local")
        return Path(local, APP, "Cache") if kind == "cache" else Path(local, APP)
    if sys.platform == "darwin":
        folder = "Caches" if kind == "cache" else "Application Support"
        return _user_home() / "Library" / folder / APP
    variable, default = _XDG[kind]
    value = os.environ.get(variable, "")
    return Path(value if os.path.isabs(value) else _user_home() / default, APP)


def config_dir() -> Path:
    """Profile and custom knowledge (files the user may edit)."""
    return _portable_home() or platform_dir("config")


def data_dir() -> Path:
    """The diary (health data: private)."""
    return _portable_home() or platform_dir("data")


def cache_dir() -> Path:
    """Validated knowledge, safe to delete at any time."""
    home = _portable_home()
    return home / "cache" if home else platform_dir("cache")


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
