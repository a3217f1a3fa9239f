"""The validated-topic cache: data only, and only from a file that is ours.

A cache file is read only when it passes the trust rule of everything that can
change advice (``paths.distrust``: ours or root's, writable by no one else, in
folders no one else can change) and is a regular file, not a link; anything
else is passed over and the topic validated anew.
Its content is plain data (``marshal`` of dicts, lists, tuples, text, numbers,
booleans and None, with code objects refused where Python allows): loading it
cannot run code, whoever wrote it. Models are rebuilt from an allowlist of the
schema's classes by name, without calling any constructor.

``marshal`` is built into the interpreter (nothing to import) and its format
can change between Python versions, so the key names the interpreter too.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

from . import models

FORMAT = f"marshal-{marshal.version}-py{sys.version_info[0]}.{sys.version_info[1]}"
_SCALARS = (str, int, float, bool, type(None))
_new = object.__new__


def encode(value: Any) -> Any:
    """A model tree as plain data: a model is ``(class name, {field: value})``."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [encode(v) for v in value]
    if kind is dict:
        return {k: encode(v) for k, v in value.items()}
    if models.MODELS.get(kind.__name__) is kind:
        return (kind.__name__, {k: encode(v) for k, v in vars(value).items()})
    raise TypeError(f"cannot cache a {kind.__name__}")


def decode(value: Any) -> Any:
    """The inverse of ``encode``; ValueError for anything it would not produce."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [decode(v) for v in value]
    if kind is tuple and len(value) == 2 and type(value[1]) is dict:
        cls = models.MODELS.get(value[0]) if type(value[0]) is str else None
        if cls is None:
            raise ValueError("not a model of the schema")
        obj: Any = _new(cls)
        obj.__dict__.update({_text(k): decode(v) for k, v in value[1].items()})
        return obj
    if kind is dict:
        return {_text(k): decode(v) for k, v in value.items()}
    raise ValueError(f"not plain data: {kind.__name__}")


def _text(key: Any) -> str:
    if type(key) is not str:
        raise ValueError("a key that is not text")
    return key


def _loads(raw: bytes) -> Any:
    if sys.version_info >= (3, 13):
        return marshal.loads(raw, allow_code=False)
    return marshal.loads(raw)


def read(cache_file: Path, key: str) -> models.Topic | None:
    """The cached topic for ``key``, or None (missing, foreign, stale or damaged)."""
    try:
        topic = decode(read_data(cache_file, key))
    except Exception:  # not what we write: validate anew
        return None
    return topic if isinstance(topic, models.Topic) else None


def read_data(cache_file: Path, key: str) -> Any:
    """The plain data stored under ``key`` in a trusted file (``paths.distrust``), or None."""
    from .. import paths

    # The trust rule of all knowledge: the file and every folder above it ours
    # or root's and writable by no one else, so nothing can be swapped after.
    if paths.distrust(cache_file) is not None:
        return None
    try:
        fd = os.open(cache_file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            stored_key, data = _loads(fh.read())
    except Exception:  # truncated, not ours, or not what we write
        return None
    return data if stored_key == key else None


def write(cache_file: Path, key: str, topic: models.Topic) -> None:
    """Cache a validated topic (best effort, see ``write_data``)."""
    try:
        data = encode(topic)
    except TypeError:
        return
    write_data(cache_file, key, data)


def write_data(cache_file: Path, key: str, data: Any) -> None:
    """Best effort: a read-only, full or foreign cache folder only makes the next run slower.

    The file is written under a fresh name (an exclusive, no-follow create) and
    renamed into place, so a planted link is never followed and a reader never
    sees half a file. Its name is fixed for what it caches (the key is inside),
    so a new version replaces the old one without listing the folder.
    """
    import tempfile

    from .. import paths

    try:
        folder = paths.private_dir(cache_file.parent)
        if paths.distrust(folder, folder=True) is not None:
            return
        raw = marshal.dumps((key, data))
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{cache_file.stem}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(raw)
            os.replace(tmp, cache_file)
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, ValueError):  # ValueError: marshal met something it cannot store
        pass
