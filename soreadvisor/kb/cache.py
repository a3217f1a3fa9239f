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

The wheel also ships a cache of each built-in topic, written when it is built
(``hatch_build.py`` calls ``write_shipped``) next to the topics, so that the
first run after an install reads no YAML. It is read-only and trusted only
under a key made of what the files *are* (each one's name, size and CRC-32,
since an install rewrites modification times), the package version, the
schema (its version and the CRC-32 of ``models.py``) and ``FORMAT``: a wheel
built on another Python, or a shipped file edited in place, falls back to
validating. It passes the same trust rule (root owns a system-wide install).
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

from .. import __version__
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
    return _topic(read_data(cache_file, key))


def _topic(data: Any) -> models.Topic | None:
    try:
        topic = decode(data)
    except Exception:  # not what we write: validate anew
        return None
    return topic if isinstance(topic, models.Topic) else None


def read_data(cache_file: Path, key: str) -> Any:
    """The plain data stored under ``key`` in a trusted file (``paths.distrust``), or None."""
    stored = _read_pair(cache_file)
    return stored[1] if stored is not None and stored[0] == key else None


def _read_pair(cache_file: Path) -> tuple[Any, Any] | None:
    """(key, data) from a file that passes ``paths.distrust``, or None."""
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
    return stored_key, data


def _dumps(key: str, data: Any) -> bytes:
    return marshal.dumps((key, data))


def shipped_file(topics_dir: Path, topic_id: str) -> Path:
    """Where the wheel keeps the cache of a built-in topic: beside the topics folder."""
    return topics_dir.parent / "cache" / f"{topic_id}.cache"


def shipped_key(files: list[Path]) -> str:
    """What a shipped cache must have been built from (OSError when a file cannot be read).

    CRC-32 rather than SHA-256: ``hashlib`` costs 2.5 ms to import (OpenSSL),
    on every run, while ``zlib`` is loaded anyway. The check tells an edited or
    reinstalled file from the one the cache was built from; it is not a seal
    against someone who can write the file, and a file forged to the same
    checksum would only bring back the validated topic of the wheel.
    """
    import zlib

    def what(raw: bytes) -> str:
        return f"{len(raw)}:{zlib.crc32(raw):08x}"

    schema = f"schema-{models.SCHEMA_VERSION}:{what(Path(models.__file__).read_bytes())}"
    parts = ["shipped", __version__, FORMAT, schema]
    parts += [f"{f.name}:{what(f.read_bytes())}" for f in files]
    return "|".join(parts)


def read_shipped(topics_dir: Path, topic_id: str, files: list[Path]) -> models.Topic | None:
    """The wheel's cached ``topic_id`` if it was built from exactly ``files``, or None.

    The cache file is looked at first, so a tree without one (a source
    checkout) reads none of the files to check them.
    """
    stored = _read_pair(shipped_file(topics_dir, topic_id))
    if stored is None:
        return None
    try:
        if stored[0] != shipped_key(files):
            return None
    except OSError:
        return None
    return _topic(stored[1])


def write_shipped(topics_dir: Path, out: Path) -> list[Path]:
    """Build time: validate every topic of ``topics_dir`` and cache it under ``out``.

    Each cache goes where ``shipped_file`` looks for it when ``out`` stands for
    the folder that holds the topics folder. A topic with a problem stops the
    build: raises ``KnowledgeError`` with every problem.
    """
    from .store import KnowledgeBase, KnowledgeError, validate_files

    kb = KnowledgeBase(None, topics_dir)
    written = []
    for topic_id in kb.topic_ids():
        files = kb.sources(topic_id)
        topic, problems = validate_files(topic_id, files)
        if topic is None:
            raise KnowledgeError(problems)
        target = shipped_file(out / topics_dir.name, topic_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_dumps(shipped_key(files), encode(topic)))
        target.chmod(0o644)  # knowledge, read by everyone, written by the build
        written.append(target)
    return written


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
        raw = _dumps(key, data)
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
