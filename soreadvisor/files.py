"""Writing a file for the user (a handout, an export, a calendar file): one way.

``write_file(path, data, force=False)`` is all a command needs::

    from soreadvisor.files import write_file
    write_file(Path("sam.html"), text, force=force)   # str (as UTF-8) or bytes

``replacing(path, force)`` is the same as a context manager, for writing as
data comes (a long export): it yields a binary file, and what was written
takes the file's place only when the block ends without an exception.

What it guarantees, the same as for the diary:

- the content goes to a new private (0600) temporary file in the target's
  folder, is flushed to the disk (fsync), and is then renamed onto the name
  in one step: a reader, a crash or a full disk never leaves half a file,
  and a failed write leaves the old file as it was and no temporary file;
- without ``force`` an existing name (a file, a link, anything) is refused
  before anything is written, and a name that appears meanwhile is not
  replaced either (the new file is linked in, which cannot overwrite);
- with ``force`` the name is replaced, never written through: another
  user's file, a hard link's other names and a symbolic link's target are
  left untouched, and the new file is ours and private whatever the old one
  was. A folder or a device at the name is refused.

Every failure is a ``UserError`` (one line that names the file).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from .errors import UserError


def write_file(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` as described in the module's doc."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path, force=force) as fh:
        fh.write(raw)


def refuse_existing(path: Path, force: bool) -> None:
    """Raise the error ``replacing`` would, for a name that cannot be written, before
    any work is done (a command can call it before it builds what it will write)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _cannot(path, exc) from None
    if not force:
        raise UserError(f"{str(path)!r} already exists; add --force to replace it")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise UserError(f"{str(path)!r} is not a regular file; it was not replaced")


@contextmanager
def replacing(path: Path, *, force: bool = False) -> Iterator[BinaryIO]:
    """A private temporary file beside ``path`` that becomes ``path`` when the block ends."""
    import tempfile

    refuse_existing(path, force)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot(path, exc) from None
    done = False
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)  # the name, not the file it named, is replaced
        else:
            _link_in(tmp, path)
        done = True
        _sync_folder(folder)
    except FileExistsError:
        raise UserError(f"{str(path)!r} already exists; add --force to replace it") from None
    except OSError as exc:
        raise _cannot(path, exc, kept=force) from None
    finally:
        if not done:
            with suppress(OSError):
                os.unlink(tmp)


def _link_in(tmp: str, path: Path) -> None:
    """Give the finished file its name only if the name is free (a hard link cannot
    overwrite), then drop the temporary name; where the system has no hard links,
    a rename after one more look."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            raise
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
        os.rename(tmp, path)
        return
    os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can)."""
    with suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _cannot(path: Path, exc: OSError, kept: bool = False) -> UserError:
    why = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
    after = "; the file that was there is unchanged" if kept and os.path.lexists(path) else ""
    return UserError(f"cannot write {str(path)!r}: {why}{after}")
