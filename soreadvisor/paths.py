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
import it at run time (its cost is in docs/design.md).
"""

from __future__ import annotations

import functools
import os
import sys
from contextlib import suppress
from pathlib import Path

from .errors import UserError

APP = "soreadvisor"

# kind: (XDG variable, default under the home directory)
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _portable_home() -> Path | None:
    """``SOREADVISOR_HOME``, or None when unset, empty or relative.

    A relative value is ignored, as the XDG spec says of its own variables and
    as a relative HOME is here: it would put the diary wherever the command
    happens to run (a shared folder, say). A warning says so, once a run.
    """
    home = os.environ.get("SOREADVISOR_HOME")
    if not home:
        return None
    path = Path(home).expanduser()
    if not path.is_absolute():
        _warn_relative(home)
        return None
    return path


@functools.cache
def _warn_relative(value: str) -> None:
    from .render import say

    say(
        f"soreadvisor: warning: SOREADVISOR_HOME={value!r} is not an absolute path; "
        "it is ignored and the usual folders are used (see `soreadvisor diary path`)"
    )


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
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)
    return path


class UnsafePlace(UserError):
    """A folder or file that another user could read or swap: refused, never written."""


def _me() -> int | None:
    """Our effective user id; None where there are no Unix owners (Windows)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None


def own_dir(path: Path, *, create: bool = True) -> Path:
    """The folder for health data (the diary, the profile): ``path`` resolved, made
    ``0700`` if missing (and its missing parents with it), and checked.

    Every folder on the way must belong to us or to root and be writable by no
    one else (a sticky folder such as /tmp is fine on the way, as others cannot
    remove what is ours in it): so no other user can rename, replace or plant
    anything between this check and our use. The folder itself must be ours;
    if others may read or write it, it is tightened to ``0700``. Anything else
    is refused with one sentence naming the folder. The real path is returned:
    open files through it, so a link swapped later changes nothing.
    """
    me = _me()
    real = Path(os.path.realpath(path))
    missing = []
    existing = real
    while not existing.exists() and existing != existing.parent:
        missing.append(existing)
        existing = existing.parent
    if me is not None:
        for folder in reversed([existing, *existing.parents]):
            _check_folder(folder, me, last=folder == real, fix=create)
    if not create:
        return real
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:  # made a moment ago, by us or by someone: look again
            pass
        else:
            os.chmod(folder, 0o700)  # a umask may have taken bits we need
        if me is not None:
            _check_folder(folder, me, last=folder == real, fix=True)
    return real


def _check_folder(folder: Path, me: int, last: bool, fix: bool) -> None:
    import errno
    import stat

    st = os.stat(folder)
    where = str(folder)
    if not stat.S_ISDIR(st.st_mode):  # the caller says what could not be made there
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), where)
    if last:
        if st.st_uid != me:
            raise UnsafePlace(
                f"the folder {where!r} belongs to another user; soreadvisor keeps health "
                "data only in a folder of your own (set SOREADVISOR_HOME or --data-dir)"
            )
        if st.st_mode & 0o077 and fix:
            os.chmod(folder, 0o700)
        return
    why = _open_to_others(folder, st, me)
    if why:
        raise UnsafePlace(f"{why}; soreadvisor keeps health data only under folders of your own")


def _open_to_others(folder: Path, st: os.stat_result, me: int) -> str | None:
    """Why another user could swap what is inside ``folder``, or None: it belongs to
    someone other than us or root, or others may write in it (not sticky, as /tmp is)."""
    import stat

    where = str(folder)
    if st.st_uid not in (me, 0):
        return f"the folder {where!r} belongs to another user, who could swap what is inside"
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        return (
            f"the folder {where!r} can be changed by other users, who could swap what is "
            f"inside (chmod go-w {where!r} to make it yours alone)"
        )
    return None


def distrust(
    path: Path, *, folder: bool = False, seen: dict[str, str | None] | None = None
) -> str | None:
    """Why ``path`` may not change the advice (a clause: "it belongs to another user"),
    or None when it may: THE trust rule for everything read that can change advice
    (topic files, wording overlays, caches).

    The same rule as for the diary and the profile: the file (or with ``folder``
    the folder) belongs to us or to root and no one else may write to it, and
    every folder above it belongs to us or root and is writable by no one else
    (a sticky folder such as /tmp is fine on the way: no one can remove or swap
    what is ours in it). A link is followed to where it leads and that is what
    is checked. A file that is not there is not refused here (the caller finds
    it missing). Always None where there are no Unix owners (Windows).

    ``seen`` keeps what was found of each folder for one caller's run (a
    folder of 100,000 files is looked at once, not 100,000 times).
    """
    import stat

    me = _me()
    if me is None:
        return None
    seen = {} if seen is None else seen
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(path)
            st, above = os.stat(real), os.path.dirname(real)
        else:
            above = _real_folder(os.path.dirname(os.path.abspath(path)), seen)
    except OSError:
        return None
    if st.st_uid not in (me, 0):
        return "it belongs to another user"
    if st.st_mode & 0o022 and not (folder and st.st_mode & stat.S_ISVTX):
        return f"other users can change it (chmod go-w {str(path)!r} to make it yours alone)"
    key = f"chain:{above}"
    if key not in seen:
        seen[key] = _chain(Path(above), me)
    return seen[key]


def _chain(folder: Path, me: int) -> str | None:
    """Why someone else could change ``folder`` or a folder above it, or None."""
    for each in (folder, *folder.parents):
        try:
            why = _open_to_others(each, os.stat(each), me)
        except OSError:
            return None
        if why:
            return why
    return None


def _real_folder(folder: str, seen: dict[str, str | None]) -> str:
    key = f"real:{folder}"
    if key not in seen:
        seen[key] = os.path.realpath(folder)
    return seen[key] or folder


def own_file(path: Path, *, create: bool = False, strict: bool = True) -> int:
    """A descriptor of the file at ``path``, opened read-only without following a link
    (made empty, ``0600``, with an exclusive create when missing and ``create``).

    A link, a file that is not a regular file, or one of another user's is
    refused with one sentence; one of ours that others may read is tightened to
    ``0600`` (when that fails, on a read-only disk say, only a ``strict`` caller
    hears of it). FileNotFoundError when missing and not ``create``.
    """
    import errno
    import stat

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    flags = os.O_RDONLY | nofollow | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    if not nofollow and os.path.islink(path):
        raise _link(path)
    fd = -1
    if create:
        with suppress(FileExistsError):  # there already (made a moment ago?): look at it
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    if fd < 0:
        try:
            fd = os.open(path, flags)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
                raise _link(path) from None
            raise
    try:
        st = os.fstat(fd)
        where = str(path)
        if not stat.S_ISREG(st.st_mode):
            raise UnsafePlace(f"{where!r} is not a regular file; it was left untouched")
        me = _me()
        if me is not None and st.st_uid != me:
            raise UnsafePlace(
                f"{where!r} belongs to another user, who could read what soreadvisor writes "
                "there; it was left untouched: move it aside, or use a folder of your own"
            )
        if me is not None and st.st_mode & 0o077:
            try:
                os.fchmod(fd, 0o600)
            except OSError:
                if strict:
                    raise
    except BaseException:
        os.close(fd)
        raise
    return fd


def _link(path: Path) -> UnsafePlace:
    return UnsafePlace(
        f"{str(path)!r} is a symbolic link; soreadvisor never writes health data through "
        "one (it could lead anywhere): it was left untouched, move it aside"
    )
