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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__, language, paths
from ..errors import UserError, did_you_mean
from .models import ID_RE, SCHEMA_VERSION, Topic

if TYPE_CHECKING:
    from .yamlfile import Doc, Problem

# The program's own words (headings, labels), one file per language in this
# folder beside the topics; merged under every topic, English first.
WORDING_DIR = "wording"
DEFAULT_TOPIC = "foot-massage-leg-soreness"
SUFFIXES = (".yaml", ".yml")


class KnowledgeError(UserError):
    """One or more problems in knowledge files, each as file:line:column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        extra = f" (and {len(problems) - 1} more; run `soreadvisor kb check`)"
        super().__init__(str(problems[0]) + (extra if len(problems) > 1 else ""))


class TopicEntry:
    """A line of ``topics``: a topic's id and title, or the problem that stops it loading."""

    def __init__(self, id: str, title: str = "", disclaimer: str = "", problem: str | None = None):
        self.id = id
        self.title = title
        self.disclaimer = disclaimer
        self.problem = problem


_WORDS = "\0wording"  # the index's entry for the program's words (never a topic id)


def _is_wording(value: object) -> bool:
    return type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items())


def _stamp(files: list[Path]) -> tuple | None:
    """Who the files are now (None when one cannot be looked at)."""
    try:
        return tuple(
            (str(f), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            for f, st in ((f, os.stat(f)) for f in files)
        )
    except OSError:
        return None


def _entry(topic_id: str, stored: Any, stamp: tuple | None) -> TopicEntry | None:
    """The stored line for files that are still ``stamp``; None when it must be read anew."""
    if stamp is None or type(stored) is not tuple or len(stored) != 3 or stored[0] != stamp:
        return None
    _, title, disclaimer = stored
    if type(title) is not str or type(disclaimer) is not str:
        return None
    return TopicEntry(topic_id, title, disclaimer)


class KnowledgeBase:
    """The built-in topics plus the user's (a directory or a single file)."""

    def __init__(
        self,
        user_path: Path | None,
        builtin_dir: Path,
        explicit: bool = False,
        languages: list[str] | None = None,
    ):
        self.user_path = user_path
        # most wanted first, English last (see ``language.preferred``)
        self.languages = language.preferred() if languages is None else languages
        self.builtin_dir = builtin_dir
        self.explicit = explicit  # the user path was given (--kb / SOREADVISOR_KB)
        # What went wrong but did not stop the answer (an unreadable user directory),
        # one line each, for the CLI layer to show: nothing here writes to stderr.
        self.warnings: list[str] = []
        self.words: dict[str, str] = {}  # the program's words, once index() has run
        self._refused: dict[Path, bool] = {}  # user files looked at by the trust rule
        self._folders: dict[str, str | None] = {}  # and their folders (paths.distrust)

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
        self.warnings.append(f"{message}; using the built-in topics")
        self.user_path = None

    def _trusted(self, path: Path) -> bool:
        """Whether a user file may change the advice (``paths.distrust``: the rule of
        the diary and profile); one that may not is named in one warning, once."""
        if path not in self._refused:
            why = paths.distrust(path, seen=self._folders)
            self._refused[path] = why is not None
            if why is not None:
                self.warnings.append(
                    f"ignored the knowledge file {str(path)!r}: {why}; "
                    "the built-in knowledge answers instead"
                )
        return not self._refused[path]

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

    def _user_files(self) -> dict[Path, bool]:
        """The user's knowledge files, each with whether it is a regular file: one
        that is not (a FIFO, a folder named ``<id>.yaml``) is there for reading to
        refuse by name. A file the trust rule refuses is left out."""
        p, kind = self.user_path, self._user_kind()
        if p is None or kind is None:
            return {}
        if kind != "dir":  # a single file; the reader refuses one that is not regular
            return {p: True} if self._trusted(p) else {}
        try:
            with os.scandir(p) as found:
                mine = {p / e.name: e.is_file() for e in found if Path(e.name).suffix in SUFFIXES}
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self._unreadable(p, exc)
            return {}
        return {
            f: regular for f, regular in sorted(mine.items()) if not regular or self._trusted(f)
        }

    def _builtin_files(self) -> list[Path]:
        return sorted(f for f in self.builtin_dir.iterdir() if f.suffix in SUFFIXES)

    def topic_ids(self) -> list[str]:
        return [topic_id for topic_id, _ in self._listed()]

    def sources(self, topic_id: str) -> list[Path]:
        """The files merged into one topic: the program's wording first, then
        the topic's own (``_topic_sources``); none when the topic has none."""
        return self._with_wording(self._topic_sources(topic_id))

    def _with_wording(self, files: list[Path]) -> list[Path]:
        return [*self.wording_files(), *files] if files else files

    def wording_files(self) -> list[Path]:
        """The words of the languages asked for that are there, English first
        (always, and complete) and the most wanted last, so it wins each key."""
        folder = self.builtin_dir.parent / WORDING_DIR
        wanted = [folder / f"{code}.yaml" for code in reversed(self.languages)]
        english = folder / f"{language.ENGLISH}.yaml"
        return [english, *(f for f in wanted if f != english and f.is_file())]

    def _topic_sources(self, topic_id: str) -> list[Path]:
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
            return found + ([user] if user.stem == topic_id and self._trusted(user) else [])
        for c in (user / f"{topic_id}{s}" for s in SUFFIXES):
            try:
                if kind_of(c) is not None and self._trusted(c):
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

    def load(self, topic_id: str = DEFAULT_TOPIC) -> Topic:
        """The topic ``topic_id``, validated (or from the cache).

        Knowledge given explicitly (``--kb`` / ``SOREADVISOR_KB``) is what the
        user asked for: a single file is the topic answered by default, and
        every file of it must load, so a broken one is an error with its
        file:line instead of being passed over.
        """
        topic_id = self._asked(topic_id)
        topic = self._load(topic_id)
        if self.explicit:
            # The index vouches for every file unchanged since it validated:
            # a look at each file, not a load; the first that does not load is
            # the error.
            self.index(strict=True)
        return topic

    def program_words(self) -> dict[str, str]:
        """The program's words as shipped, in the languages asked for, without a
        topic (for when none loads, or a command that needs none)."""
        from .yamlfile import FileProblems, read_doc

        out: dict[str, str] = {}
        try:
            for f in self.wording_files():
                out.update(_wording_of(read_doc(f)))
        except FileProblems as exc:
            raise KnowledgeError(exc.problems) from None
        return out

    def _asked(self, topic_id: str) -> str:
        """With ``--kb FILE``, the default topic is the file's own."""
        user, asked_default = self.user_path, topic_id == DEFAULT_TOPIC and self.explicit
        if asked_default and user is not None and self._user_kind() == "file":
            return user.stem
        return topic_id

    def _load(self, topic_id: str) -> Topic:
        files = self.sources(topic_id) if ID_RE.match(topic_id) else []
        if not files:
            mine = self._user_files().items()
            misnamed = [f for f, regular in mine if regular and f.stem == topic_id]
            if misnamed:  # listed by topic_ids(), but its name is not a topic id
                from .yamlfile import Problem

                message = "a topic file must be named <topic-id>.yaml, the id lowercase-with-dashes"
                raise KnowledgeError([Problem(str(misnamed[0]), 1, 1, message)])
            raise did_you_mean("topic", topic_id, self.topic_ids())
        from . import cache

        key, cache_file = _cache_key(topic_id, files)
        cached = cache.read(cache_file, key)
        if cached is not None:
            return cached
        topic, problems = validate_files(topic_id, files)
        if topic is None:
            raise KnowledgeError(problems)
        cache.write(cache_file, key, topic)
        return topic

    def index(self, *, strict: bool = False) -> list[TopicEntry]:
        """Every topic's id and title, or why it cannot load, oldest file first.

        What ``topics`` prints, and only that: an index kept with the cache
        holds each valid topic's title under the identity of its files (device,
        inode, size, modification time), so a run with nothing changed reads no
        topic, and a changed or new file loads that topic alone, without keeping
        it. A topic that cannot load is not indexed: it is read again each time.
        With ``strict``, the first topic that cannot load raises its error.
        """
        from . import cache

        listed = self._listed()  # first: a user folder that cannot be used is passed over
        index_file, key = self._index_file()
        stored = cache.read_data(index_file, key)
        if type(stored) is not dict:
            stored = {}
        entries: list[TopicEntry] = []
        fresh: dict[str, object] = {}
        # The program's words, for the listing itself: kept with the index (it
        # is keyed on the wording file), taken from a topic loaded once.
        words = stored.get(_WORDS)
        words = words if _is_wording(words) else None
        for topic_id, files in listed:
            stamp = _stamp(files)
            entry = _entry(topic_id, stored.get(topic_id), stamp)
            if entry is None:
                try:
                    topic = self._load(topic_id)
                    entry = TopicEntry(topic_id, topic.title, topic.disclaimer)
                    words = words or topic.wording
                except KnowledgeError as exc:
                    if strict:  # load(): the first topic that does not load is the error
                        raise
                    entry = TopicEntry(topic_id, problem=str(exc.problems[0]))
            entries.append(entry)
            if stamp is not None and entry.problem is None:  # a broken one is read again
                fresh[topic_id] = (stamp, entry.title, entry.disclaimer)
        if words is None:
            valid = next((e for e in entries if e.problem is None), None)
            words = self._load(valid.id).wording if valid else self.program_words()
        self.words = words
        if fresh and words:
            fresh[_WORDS] = words
        if fresh != stored:
            cache.write_data(index_file, key, fresh)
        return entries

    def _listed(self) -> list[tuple[str, list[Path]]]:
        """Every topic id with its files in merge order, from one look at each
        folder (a name that is not a topic id has none)."""
        builtin, mine = self._builtin_files(), self._user_files()
        found: dict[str, list[Path]] = {}
        for f in [*builtin, *mine]:  # built-in first, .yaml before .yml
            found.setdefault(f.stem, []).append(f)
        ids = {f.stem for f in builtin} | {f.stem for f, regular in mine.items() if regular}
        return [(i, found[i] if ID_RE.match(i) else []) for i in sorted(ids)]

    def _index_file(self) -> tuple[Path, str]:
        """The index of this pair of built-in and user folders, and its key."""
        folders = [os.path.realpath(self.builtin_dir)]
        if self.user_path is not None:
            folders.append(os.path.realpath(self.user_path))
        name = f"index-{_crc(folders)}.index"
        # Whether a topic is valid depends on the wording merged under it too.
        wording = _stamp(self.wording_files())
        return paths.cache_dir() / "topics" / name, "|".join([*_base_key(), repr(wording)])

    def check(
        self, target: Path | None = None, progress: Progress | None = None
    ) -> tuple[int, list[Problem]]:
        """Validate every topic (or those a path names); return (count, problems).

        Each file is parsed once and nothing of it is kept but its problems.
        ``progress`` is told ``(done, total)`` as topics are checked.
        """
        jobs = self._check_jobs(target)
        problems: list[Problem] = []
        for done, (topic_id, files) in enumerate(jobs, 1):
            problems += validate_files(topic_id, files)[1]
            if progress is not None:
                progress(done, len(jobs))
        return len(jobs), problems

    def _check_jobs(self, target: Path | None) -> list[tuple[str, list[Path]]]:
        """(topic id, its files in merge order) for each topic to check."""
        if target is None:
            return [(i, self.sources(i)) for i in self.topic_ids()]
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
        by_id: dict[str, list[Path]] = {}
        for f in files:  # <id>.yaml before <id>.yml
            by_id.setdefault(f.stem, []).append(f)
        # Each listed file over the built-in topic of its name, as an override is
        # read; one that cannot be read (not a regular file, a symlink loop, a
        # dangling link) is a problem with its name, and the others are checked.
        return [(i, self._with_wording(self._builtin_sources(i) + by_id[i])) for i in sorted(by_id)]


Progress = Callable[[int, int], None]


def validate_files(topic_id: str, files: list[Path]) -> tuple[Topic | None, list[Problem]]:
    """Read, merge (the program's wording, then built-in, then the user's) and
    validate the files of one topic."""
    from .validate import validate
    from .yamlfile import FileProblems, Problem, read_doc

    if not files:
        return None, [Problem(f"{topic_id}.yaml", 1, 1, "no file for this topic")]
    # The program's words come first (English, then the languages asked for),
    # all from one folder; English is the schema of every other's keys.
    words = 0
    if files[0].name == f"{language.ENGLISH}.yaml" and files[0].parent.name == WORDING_DIR:
        words = next((i for i, f in enumerate(files) if f.parent != files[0].parent), len(files))
    english: dict[str, str] | None = None
    try:
        doc = read_doc(files[0])
        if words:
            english = _wording_of(doc)
        for i, f in enumerate(files[1:], 1):
            top = read_doc(f)
            doc = merge(doc, top)
            if i == words:
                # The topic starts in its own first file, not in the words under
                # it: a missing field is reported there (or in the last file).
                doc.positions.pop((), None)
                if () in top.positions:
                    doc.positions[()] = top.positions[()]
    except FileProblems as exc:
        return None, exc.problems
    return validate(doc, str(files[-1]), topic_id, english)


def _wording_of(doc: Doc) -> dict[str, str]:
    """The ``wording`` of a file of the program's words, as text."""
    found = doc.data.get("wording") if isinstance(doc.data, dict) else None
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


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

    positions, origins = dict(base.positions), dict(base.origins)

    def move(tpath: Path_, bpath: Path_) -> None:
        n = len(bpath)
        for p in [p for p in positions if p[:n] == bpath]:
            del positions[p]
        for p in [p for p in origins if p[:n] == bpath]:
            del origins[p]
        k = len(tpath)
        for p, where in top.positions.items():
            if p[:k] == tpath:
                positions[bpath + p[k:]] = where
                if p != bpath + p[k:]:
                    origins[bpath + p[k:]] = top.origin(p)

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

    return Doc(m(base.data, top.data, (), ()), positions, origins)


def _base_key() -> list[str]:
    """What every cached topic depends on besides its files: this package and Python."""
    from .cache import FORMAT

    # The schema's own file is part of the key: a topic cached under an older
    # models.py must not come back with fields that no longer fit.
    models = Path(__file__).with_name("models.py").stat()
    return [__version__, FORMAT, str(SCHEMA_VERSION), f"{models.st_size}:{models.st_mtime_ns}"]


def _crc(names: list[str]) -> str:
    import zlib

    return f"{zlib.crc32('|'.join(names).encode()):08x}"


def _cache_key(topic_id: str, files: list[Path]) -> tuple[str, Path]:
    parts = _base_key()
    sources = [str(f.resolve()) for f in files]
    for f, where in zip(files, sources, strict=True):
        st = f.stat()
        parts.append(f"{where}:{st.st_size}:{st.st_mtime_ns}")
    # One file per topic and set of source files (a second --kb directory with
    # the same topic id gets its own); a new version of the same files replaces it.
    slot = f"{topic_id}-{_crc(sources)}"
    return "|".join(parts), paths.cache_dir() / "topics" / f"{slot}.cache"
