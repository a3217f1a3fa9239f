"""Finding, merging, validating and caching topics.

A topic is ``<topic-id>.yaml``. The built-in file comes first; a file of the
same name in the user directory (or ``--kb`` / ``SOREADVISOR_KB``) overrides
it entry by entry, matched on ``id`` (like tldr's custom pages); a user file
with a new name adds a topic. Only the files of the topic asked for are read.

A validated topic is cached (plain data, in the user's private cache
directory; see ``kb.cache``) under a key made of the package version, the
cache format and each source file's path, size and modification time, so the
hot path reads no YAML and imports no validation library.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, paths
from ..errors import UserError, did_you_mean
from .models import ID_RE, SCHEMA_VERSION, Topic

if TYPE_CHECKING:
    from .yamlfile import Doc, Problem

DEFAULT_TOPIC = "foot-massage-leg-soreness"
SUFFIXES = (".yaml", ".yml")


class KnowledgeError(UserError):
    """One or more problems in knowledge files, each as file:line:column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        extra = f" (and {len(problems) - 1} more; run `soreadvisor kb check`)"
        super().__init__(str(problems[0]) + (extra if len(problems) > 1 else ""))


class KnowledgeBase:
    """The built-in topics plus the user's (a directory or a single file)."""

    def __init__(self, user_path: Path | None, builtin_dir: Path, explicit: bool = False):
        self.user_path = user_path
        self.builtin_dir = builtin_dir
        self.explicit = explicit  # the user path was given (--kb / SOREADVISOR_KB)

    @classmethod
    def from_env(cls, kb: Path | None = None) -> KnowledgeBase:
        """Built-in topics plus ``kb`` (from --kb or SOREADVISOR_KB) or the user directory.

        An explicit ``kb`` must be a file or a directory that is there.
        """
        if kb is not None:
            try:
                kind = kind_of(kb)
            except OSError as exc:
                raise UserError(_cannot_read(kb, exc)) from None
            if kind is None:
                raise UserError(f"knowledge path {str(kb)!r} does not exist")
            if kind == "other":
                raise UserError(
                    f"knowledge path {str(kb)!r} is neither a regular file nor a directory"
                )
        user = kb if kb is not None else paths.user_kb_dir()
        return cls(user, paths.builtin_topics_dir(), explicit=kb is not None)

    def _unreadable(self, path: Path, exc: OSError) -> None:
        """An explicit path must be readable; the default directory only warns."""
        message = _cannot_read(path, exc)
        if self.explicit:
            raise UserError(message)
        from ..render import say

        say(f"soreadvisor: warning: {message}; using the built-in topics")
        self.user_path = None

    def _user_kind(self) -> str | None:
        """What the user path is (see ``kind_of``); None when there is none to use."""
        p = self.user_path
        if p is None:
            return None
        try:
            return kind_of(p)
        except OSError as exc:
            self._unreadable(p, exc)
            return None

    def _user_files(self) -> list[Path]:
        p, kind = self.user_path, self._user_kind()
        if p is None or kind is None:
            return []
        if kind != "dir":  # a single file; the reader refuses one that is not regular
            return [p]
        try:
            return sorted(f for f in p.iterdir() if f.suffix in SUFFIXES and f.is_file())
        except FileNotFoundError:
            return []
        except OSError as exc:
            self._unreadable(p, exc)
            return []

    def _builtin_files(self) -> list[Path]:
        return sorted(f for f in self.builtin_dir.iterdir() if f.suffix in SUFFIXES)

    def topic_ids(self) -> list[str]:
        return sorted({f.stem for f in self._builtin_files() + self._user_files()})

    def sources(self, topic_id: str) -> list[Path]:
        """The files that make up one topic, built-in first (no directory listing).

        A candidate that is there but is not a regular file (a FIFO, a device,
        a directory named ``<id>.yaml``) is among them, so that reading it
        reports the problem with its name instead of passing it over. A user
        directory that cannot be used (a symlink loop, no permission) warns
        once, or is an error when given explicitly.
        """
        found = self._builtin_sources(topic_id)
        user, kind = self.user_path, self._user_kind()
        if user is None or kind is None:
            return found
        if kind != "dir":  # a single file
            return found + ([user] if user.stem == topic_id else [])
        for c in (user / f"{topic_id}{s}" for s in SUFFIXES):
            try:
                if kind_of(c) is not None:
                    found.append(c)
            except OSError as exc:  # e.g. an unreadable user directory
                self._unreadable(c, exc)
                break
        return found

    def _builtin_sources(self, topic_id: str) -> list[Path]:
        found = []
        for c in (self.builtin_dir / f"{topic_id}{s}" for s in SUFFIXES):
            try:
                if kind_of(c) is not None:
                    found.append(c)
            except OSError as exc:
                raise UserError(_cannot_read(c, exc)) from None
        return found

    def load(self, topic_id: str = DEFAULT_TOPIC, *, others: bool = True) -> Topic:
        """The topic ``topic_id``, validated (or from the cache).

        Knowledge given explicitly (``--kb`` / ``SOREADVISOR_KB``) is what the
        user asked for: a single file is the topic answered by default, and
        with ``others`` every file of it must load, so a broken one is an
        error with its file:line instead of being passed over.
        """
        topic_id = self._asked(topic_id)
        topic = self._load(topic_id)
        if others and self.explicit:
            for other in sorted({f.stem for f in self._user_files()} - {topic_id}):
                self._load(other)
        return topic

    def _asked(self, topic_id: str) -> str:
        """With ``--kb FILE``, the default topic is the file's own."""
        user, asked_default = self.user_path, topic_id == DEFAULT_TOPIC and self.explicit
        if asked_default and user is not None and self._user_kind() == "file":
            return user.stem
        return topic_id

    def _load(self, topic_id: str) -> Topic:
        files = self.sources(topic_id) if ID_RE.match(topic_id) else []
        misnamed = [] if files else [f for f in self._user_files() if f.stem == topic_id]
        if misnamed:  # listed by topic_ids(), but its name is not a topic id
            from .yamlfile import Problem

            message = "a topic file must be named <topic-id>.yaml, the id lowercase-with-dashes"
            raise KnowledgeError([Problem(str(misnamed[0]), 1, 1, message)])
        if not files:
            raise did_you_mean("topic", topic_id, self.topic_ids())
        from . import cache

        key, cache_file = _cache_key(topic_id, files)
        cached = cache.read(cache_file, key)
        if cached is not None:
            return cached
        topic, problems = self._validate(topic_id, files)
        if topic is None:
            raise KnowledgeError(problems)
        cache.write(cache_file, key, topic)
        return topic

    def _validate(self, topic_id: str, files: list[Path]) -> tuple[Topic | None, list[Problem]]:
        from .validate import validate
        from .yamlfile import FileProblems, Problem, read_doc

        if not files:
            return None, [Problem(f"{topic_id}.yaml", 1, 1, "no file for this topic")]
        try:
            doc = read_doc(files[0])
            for f in files[1:]:
                doc = merge(doc, read_doc(f))
        except FileProblems as exc:
            return None, exc.problems
        return validate(doc, str(files[-1]), topic_id)

    def check(self, target: Path | None = None) -> tuple[int, list[Problem]]:
        """Validate every topic (or those a path names); return (count, problems)."""
        if target is None:
            ids = self.topic_ids()
            return len(ids), [p for i in ids for p in self._validate(i, self.sources(i))[1]]
        try:
            kind = kind_of(target)
            if kind is None:
                raise UserError(f"{str(target)!r} does not exist")
            # Anything but a directory is checked as a file: the reader says why
            # a device or a FIFO is not one, without opening it for long.
            if kind == "dir":
                files = sorted(f for f in target.iterdir() if f.suffix in SUFFIXES)
            else:
                files = [target]
        except OSError as exc:
            raise UserError(_cannot_read(target, exc)) from None
        ids = sorted({f.stem for f in files})
        problems: list[Problem] = []
        for topic_id in ids:
            # Each listed file over the built-in topic of its name, as an override is
            # read; one that cannot be read (not a regular file, a symlink loop, a
            # dangling link) is a problem with its name, and the others are checked.
            mine = [f for f in files if f.stem == topic_id]  # <id>.yaml before <id>.yml
            _, found = self._validate(topic_id, self._builtin_sources(topic_id) + mine)
            problems += found
        return len(ids), problems


def kind_of(path: Path) -> str | None:
    """``dir``, ``file`` (a regular one) or ``other`` (a FIFO, a device, a socket).

    None when it cannot be there: missing, under a file (ENOTDIR) or a name too
    long. Any other failure (a symlink loop, no permission) is raised, for the
    caller to report: ``Path.is_file()`` would answer False and hide it.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG):
            return None
        raise
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def _cannot_read(path: Path, exc: OSError) -> str:
    return f"cannot read knowledge {str(path)!r}: {exc.strerror or exc}"


def merge(base: Doc, top: Doc) -> Doc:
    """Overlay ``top`` on ``base``: mappings merge, id-lists merge by id, the rest is replaced."""
    from .yamlfile import Doc, Path_

    positions = dict(base.positions)

    def move(tpath: Path_, bpath: Path_) -> None:
        n = len(bpath)
        for p in [p for p in positions if p[:n] == bpath]:
            del positions[p]
        k = len(tpath)
        for p, where in top.positions.items():
            if p[:k] == tpath:
                positions[bpath + p[k:]] = where

    def by_id(items: Any) -> bool:
        return isinstance(items, list) and all(
            isinstance(e, dict) and isinstance(e.get("id"), str) for e in items
        )

    def m(b: Any, t: Any, bpath: Path_, tpath: Path_) -> Any:
        if isinstance(b, dict) and isinstance(t, dict):
            out = dict(b)
            for key, value in t.items():
                if key in b:
                    out[key] = m(b[key], value, (*bpath, key), (*tpath, key))
                else:
                    out[key] = value
                    move((*tpath, key), (*bpath, key))
            return out
        if by_id(b) and by_id(t) and b and t:
            out_list = list(b)
            index = {e["id"]: i for i, e in enumerate(b)}
            seen: set[str] = set()
            for j, entry in enumerate(t):
                # an id repeated in ``top`` is kept twice, so validation reports it
                repeated = entry["id"] in seen
                seen.add(entry["id"])
                i = len(out_list) if repeated else index.get(entry["id"], len(out_list))
                if i == len(out_list):
                    out_list.append(entry)
                else:
                    out_list[i] = entry
                move((*tpath, j), (*bpath, i))
            return out_list
        move(tpath, bpath)
        return t

    return Doc(m(base.data, top.data, (), ()), positions)


def _cache_key(topic_id: str, files: list[Path]) -> tuple[str, Path]:
    import zlib

    from .cache import FORMAT

    # The schema's own file is part of the key: a topic cached under an older
    # models.py must not come back with fields that no longer fit.
    models = Path(__file__).with_name("models.py").stat()
    parts = [__version__, FORMAT, str(SCHEMA_VERSION), f"{models.st_size}:{models.st_mtime_ns}"]
    sources = [str(f.resolve()) for f in files]
    for f, where in zip(files, sources, strict=True):
        st = f.stat()
        parts.append(f"{where}:{st.st_size}:{st.st_mtime_ns}")
    key = "|".join(parts)
    # One slot per topic and set of source files (a second --kb directory with
    # the same topic id gets its own); a new version of the same files replaces it.
    slot = f"{topic_id}-{zlib.crc32('|'.join(sources).encode()):08x}"
    name = f"{slot}-{zlib.crc32(key.encode()):08x}.cache"
    return key, paths.cache_dir() / "topics" / name
