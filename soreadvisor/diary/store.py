"""The diary file: one SQLite database, private, safe with two writers at once.

``diary.sqlite3`` lives in ``paths.data_dir()`` (or ``--data-dir``). Health data
is private: the directory is created ``0700`` and the file ``0600`` (made with
``os.open`` before SQLite touches it; SQLite gives its ``-wal`` and ``-shm``
files the same mode). Nothing here ever leaves the machine.

Safety under real use:

- WAL mode and a busy timeout, so two ``log`` commands at once both land;
  every write is one ``BEGIN IMMEDIATE`` transaction, so a process killed
  half-way leaves the file as it was before that write.
- ``PRAGMA application_id`` marks the file as ours and ``PRAGMA user_version``
  is its schema version; ``MIGRATIONS`` brings an older file up to date.
- An existing file is first opened read-only and checked. A file that is not
  SQLite, belongs to another program, or was written by a newer soreadvisor
  gives a one-line error naming it, and is never written, truncated or deleted.

Times are stored as UTC ISO-8601 text of fixed width (``2026-11-23T18:00:00+00:00``)
so text order is time order and the ``at`` indexes serve every window query.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import UserError
from .models import INTENSITIES, SCORE_MAX, SCORE_MIN, Massage, Score

if TYPE_CHECKING:
    from ..kb.models import DiaryRules as Rules

FILE_NAME = "diary.sqlite3"
APPLICATION_ID = 0x536F7265  # "Sore", in the database header: this file is ours
BUSY_TIMEOUT_MS = 5000

# One entry per schema version; never edit a released entry, append a new one.
MIGRATIONS: list[tuple[str, ...]] = [
    (  # 1: massage sessions and soreness scores, each indexed by time
        "CREATE TABLE IF NOT EXISTS massages ("
        " id INTEGER PRIMARY KEY, at TEXT NOT NULL, intensity TEXT, note TEXT)",
        "CREATE INDEX IF NOT EXISTS massages_at ON massages (at)",
        "CREATE TABLE IF NOT EXISTS scores ("
        " id INTEGER PRIMARY KEY, at TEXT NOT NULL,"
        " score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),"
        " location TEXT, note TEXT)",
        "CREATE INDEX IF NOT EXISTS scores_at ON scores (at)",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = frozenset({"massages", "scores"})


class DiaryError(UserError):
    """The diary file cannot be used; the message names it and says what to do."""


def diary_path(data_dir: Path | None = None) -> Path:
    return (data_dir if data_dir is not None else paths.data_dir()) / FILE_NAME


def to_text(when: datetime) -> str:
    """An aware datetime as the stored UTC text."""
    if when.tzinfo is None:
        raise ValueError("diary times must be timezone-aware")
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def latest_massage(data_dir: Path | None = None) -> datetime | None:
    """When the last recorded massage was (aware UTC), or None; never creates a file."""
    with Diary.open(data_dir) as diary:
        massage = diary.latest_massage()
    return massage.at if massage else None


DEFAULT_DAYS = 7  # what `history` shows when no massage is recorded


@dataclass
class Window:
    """What `history` needs, read with a few indexed queries (never the whole file).

    ``entries`` are the scores shown (the last ``limit`` of the window, oldest
    first) and ``total`` how many the window holds. The episode is the scores
    since ``massage`` (or the window when there is none); ``episode`` holds the
    few of them that decide its trend and escalations (all of them when the
    window already holds the whole episode), or nothing when no rules were given.
    """

    since: datetime
    days: float | None
    massage: Massage | None
    entries: list[Score]
    total: int
    massages: list[Massage]
    episode: list[Score]


class Diary:
    """An open diary. ``Diary.open(...)`` reads; ``Diary.open(..., write=True)`` may create.

    A diary opened for reading whose file does not exist yet is empty: every
    query returns nothing and no file is made.
    """

    def __init__(self, path: Path, con: sqlite3.Connection | None, writable: bool = False):
        self.path = path
        self._con = con
        self.writable = writable

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None, *, write: bool = False) -> Diary:
        path = diary_path(data_dir)
        doing = "write" if write else "read"
        with _errors(path, doing):
            if not _exists(path):
                if not write:
                    return cls(path, None)
                _create_private_file(path)
            # Look before touching: read-only, and refuse anything not ours.
            probe = _connect(path, "ro")
            try:
                version = _check(path, probe)
            except BaseException:
                probe.close()
                raise
            if not write:
                if version == 0:  # created a moment ago, tables still to come
                    probe.close()
                    return cls(path, None)
                return cls(path, probe)
            probe.close()
            con = _connect(path, "rw")
            try:
                _migrate(path, con)
                _use_wal(con)
            except BaseException:
                con.close()
                raise
            return cls(path, con, writable=True)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def exists(self) -> bool:
        return self._con is not None

    # -- writing -----------------------------------------------------------

    def add_massage(
        self, at: datetime, intensity: str | None = None, note: str | None = None
    ) -> Massage:
        if intensity is not None and intensity not in INTENSITIES:
            raise ValueError(f"intensity must be one of {INTENSITIES}")
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO massages (at, intensity, note) VALUES (?, ?, ?)",
                (to_text(at), intensity, note),
            )
            row_id = cur.lastrowid
        return Massage(int(row_id or 0), from_text(to_text(at)), intensity, note)

    def add_score(
        self, at: datetime, score: int, where: str | None = None, note: str | None = None
    ) -> Score:
        _check_score(score)
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO scores (at, score, location, note) VALUES (?, ?, ?, ?)",
                (to_text(at), score, where, note),
            )
            row_id = cur.lastrowid
        return Score(int(row_id or 0), from_text(to_text(at)), score, where, note)

    def add_scores(self, scores: list[tuple[datetime, int]]) -> int:
        """Many scores (time, score) in one transaction; returns how many."""
        rows = []
        for at, score in scores:
            _check_score(score)
            rows.append((to_text(at), score))
        with self.transaction() as con:
            con.executemany("INSERT INTO scores (at, score) VALUES (?, ?)", rows)
        return len(rows)

    def delete_all(self) -> tuple[int, int]:
        """Remove every massage and score; return how many of each.

        ``secure_delete`` zeroes the freed pages and the checkpoint empties the
        write-ahead log, so the deleted health data does not linger in the file.
        """
        with self.transaction() as con:
            con.execute("PRAGMA secure_delete = ON")
            massages = con.execute("DELETE FROM massages").rowcount
            scores = con.execute("DELETE FROM scores").rowcount
        with _errors(self.path, "write"):
            assert self._con is not None
            self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return massages, scores

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self._con is None or not self.writable:
            raise RuntimeError("the diary was not opened for writing")
        con = self._con
        with _errors(self.path, "write"):
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                with suppress(sqlite3.Error):
                    con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- reading -----------------------------------------------------------

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self._con is None:
            return []
        with _errors(self.path, "read"):
            return self._con.execute(sql, params).fetchall()

    def latest_massage(self, at_or_before: datetime | None = None) -> Massage | None:
        if at_or_before is None:
            rows = self._rows(
                "SELECT id, at, intensity, note FROM massages ORDER BY at DESC, id DESC LIMIT 1"
            )
        else:
            rows = self._rows(
                "SELECT id, at, intensity, note FROM massages WHERE at <= ?"
                " ORDER BY at DESC, id DESC LIMIT 1",
                (to_text(at_or_before),),
            )
        return _massage(rows[0]) if rows else None

    def massages(self, since: datetime | None = None) -> list[Massage]:
        """Massages at or after ``since`` (all when None), oldest first."""
        sql = "SELECT id, at, intensity, note FROM massages"
        params: tuple = ()
        if since is not None:
            sql, params = sql + " WHERE at >= ?", (to_text(since),)
        return [_massage(r) for r in self._rows(sql + " ORDER BY at, id", params)]

    def scores(self, since: datetime | None = None, last: int | None = None) -> list[Score]:
        """Scores at or after ``since`` (all when None), oldest first; only the
        ``last`` most recent of them when given."""
        cols = "SELECT id, at, score, location, note FROM scores"
        where = ""
        params: tuple = ()
        if since is not None:
            where, params = " WHERE at >= ?", (to_text(since),)
        if last is None:
            rows = self._rows(cols + where + " ORDER BY at, id", params)
        else:
            rows = self._rows(cols + where + " ORDER BY at DESC, id DESC LIMIT ?", (*params, last))
            rows.reverse()
        return [_score(r) for r in rows]

    def count_scores(self, since: datetime | None = None) -> int:
        if since is None:
            rows = self._rows("SELECT COUNT(*) FROM scores")
        else:
            rows = self._rows("SELECT COUNT(*) FROM scores WHERE at >= ?", (to_text(since),))
        return int(rows[0][0]) if rows else 0

    def counts(self) -> tuple[int, int]:
        """How many massages and scores the diary holds."""
        rows = self._rows("SELECT (SELECT COUNT(*) FROM massages), (SELECT COUNT(*) FROM scores)")
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    def window(
        self,
        now: datetime,
        days: float | None = None,
        limit: int | None = None,
        rules: Rules | None = None,
    ) -> Window:
        """The scores since the last massage (or of the last ``days``), the last
        ``limit`` of them to show, and (given the topic's diary rules) the scores
        that decide the episode's trend and escalations."""
        massage = self.latest_massage(at_or_before=now)
        if days is not None:
            since = now - timedelta(days=days)
        elif massage is not None:
            since = massage.at
        else:
            since = now - timedelta(days=DEFAULT_DAYS)
        entries = self.scores(since, last=limit or None)
        total = len(entries) if not limit or len(entries) < limit else self.count_scores(since)
        massages = [massage] if massage else []
        if days is not None:
            before = self.latest_massage(at_or_before=since)
            massages = ([before] if before else []) + [
                m for m in self.massages(since) if m.at <= now and m != before
            ]
        start = massage.at if massage is not None else since
        if rules is None:
            episode = []
        elif start == since and total == len(entries):  # the window is the whole episode
            episode = [s for s in entries if s.at <= now]
        else:
            episode = self.deciding_scores(start, now, rules, massage)
        return Window(since, days, massage, entries, total, massages, episode)

    def episode(self, now: datetime, rules: Rules) -> tuple[Massage | None, list[Score]]:
        """The last massage at or before ``now`` and the scores of its episode that decide."""
        massage = self.latest_massage(at_or_before=now)
        start = massage.at if massage is not None else now - timedelta(days=DEFAULT_DAYS)
        return massage, self.deciding_scores(start, now, rules, massage)

    def deciding_scores(
        self, start: datetime, now: datetime, rules: Rules, massage: Massage | None
    ) -> list[Score]:
        """The scores from ``start`` to ``now`` that decide the assessment, oldest first.

        What ``soreadvisor.advice.trend`` reads of an episode: the latest two, the
        reference (the most recent earlier score more than ``flat_band`` from the
        latest), a highest, and with a massage the last score before the rising
        mark and a lowest at or after it. A handful of indexed queries, however
        long the episode; the tests hold this to assessing every score.
        """
        cols = "SELECT id, at, score, location, note FROM scores"
        span = "at >= ? AND at <= ?"
        lo, hi = to_text(start), to_text(now)
        rows = self._rows(f"{cols} WHERE {span} ORDER BY at DESC, id DESC LIMIT 2", (lo, hi))
        last = [_score(r) for r in rows]
        if not last:
            return []
        latest = last[0]
        at = to_text(latest.at)
        picked = {s.id: s for s in last}
        queries = [
            (  # the reference
                f"{cols} WHERE {span} AND at <= ? AND (at < ? OR id < ?) AND ABS(score - ?) > ?"
                " ORDER BY at DESC, id DESC LIMIT 1",
                (lo, hi, at, at, latest.id, latest.score, rules.flat_band),
            ),
            (f"{cols} WHERE {span} ORDER BY score DESC, at, id LIMIT 1", (lo, hi)),  # a highest
        ]
        if massage is not None:
            # Stored times are whole seconds: at or after the mark is at or after its ceiling.
            rising = massage.at + timedelta(hours=rules.rising_after_hours)
            if rising.microsecond:
                rising = rising.replace(microsecond=0) + timedelta(seconds=1)
            mark = to_text(rising)
            queries += [
                (  # the starting point, just before the mark
                    f"{cols} WHERE {span} AND at < ? ORDER BY at DESC, id DESC LIMIT 1",
                    (lo, hi, mark),
                ),
                (  # a lowest at or after the mark
                    f"{cols} WHERE {span} AND at >= ? ORDER BY score, at, id LIMIT 1",
                    (lo, hi, mark),
                ),
            ]
        for sql, params in queries:
            for row in self._rows(sql, params):
                score = _score(row)
                picked[score.id] = score
        return sorted(picked.values(), key=lambda s: (s.at, s.id))

    def everything(self) -> Iterator[Massage | Score]:
        """Every massage and score in time order (massages first at the same moment)."""
        if self._con is None:
            return
        sql = (
            "SELECT 0, id, at, intensity, note, NULL FROM massages"
            " UNION ALL SELECT 1, id, at, score, note, location FROM scores"
            " ORDER BY 3, 1, 2"
        )
        with _errors(self.path, "read"):
            for kind, row_id, at, value, note, location in self._con.execute(sql):
                if kind == 0:
                    yield Massage(row_id, from_text(at), value, note)
                else:
                    yield Score(row_id, from_text(at), value, location, note)


def _check_score(score: object) -> None:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError("a score must be an int")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(f"a score must be from {SCORE_MIN} to {SCORE_MAX}")


def _massage(row: tuple) -> Massage:
    return Massage(row[0], from_text(row[1]), row[2], row[3])


def _score(row: tuple) -> Score:
    return Score(row[0], from_text(row[1]), row[2], row[3], row[4])


# -- the file ----------------------------------------------------------------


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    return True


def _create_private_file(path: Path) -> None:
    """The empty file, mode 0600, in a 0700 directory; someone else's is left alone."""
    paths.private_dir(path.parent)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return
    os.close(fd)


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.absolute().as_uri()}?mode={mode}"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return con


def _check(path: Path, con: sqlite3.Connection) -> int:
    """The file's schema version, or a DiaryError if it is not a diary we can use."""
    own = not con.in_transaction  # read all three from one snapshot, or a diary
    try:  # being created by another process at this moment looks like a stranger's
        if own:
            con.execute("BEGIN")
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if own:
            con.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if own and con.in_transaction:
            with suppress(sqlite3.Error):
                con.execute("ROLLBACK")
        if _is_damage(exc):
            raise _damaged(path, "not an SQLite database, or damaged") from None
        raise
    if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (tables or version)):
        raise _damaged(path, "an SQLite database of another program")
    if version > SCHEMA_VERSION:
        raise DiaryError(
            f"the diary {str(path)!r} was written by a newer soreadvisor (schema {version}; "
            f"this version knows up to {SCHEMA_VERSION}); upgrade soreadvisor. "
            "The file was left untouched"
        )
    if version >= 1 and not tables >= TABLES:
        raise _damaged(path, "a soreadvisor diary with missing tables")
    return int(version)


def _migrate(path: Path, con: sqlite3.Connection) -> None:
    if con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        version = _check(path, con)  # again, now that we hold the write lock
        for steps in MIGRATIONS[version:]:
            for sql in steps:
                con.execute(sql)
        con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        with suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _use_wal(con: sqlite3.Connection) -> None:
    """Switch the file to WAL (once; it is remembered in the file).

    The switch needs a moment alone with the file; if another process is busy
    the switch is retried, and failing that left to the next run.
    """
    if con.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise
            mode = ""
        if mode.lower() == "wal" or time.monotonic() > deadline:
            return
        time.sleep(0.01)


# -- errors ------------------------------------------------------------------


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("not a database", "malformed", "corrupt", "encrypted"))


def _damaged(path: Path, what: str) -> DiaryError:
    return DiaryError(
        f"{str(path)!r} is not a soreadvisor diary ({what}); it was left untouched: "
        "move it aside to start a new diary, or use --data-dir"
    )


def _reason(path: Path, exc: BaseException) -> str:
    """Why the diary cannot be opened or written, in the words of the OS when possible."""
    import errno

    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    for target in (path, path.parent):
        if target.exists() and not os.access(target, os.W_OK):
            return os.strerror(errno.EACCES)
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return os.strerror(errno.EROFS)
    except (OSError, AttributeError):
        pass
    return str(exc)


@contextmanager
def _errors(path: Path, doing: str) -> Iterator[None]:
    """Every failure of the file as one DiaryError naming it."""
    try:
        yield
    except DiaryError:
        raise
    except sqlite3.DatabaseError as exc:
        text = str(exc).lower()
        if _is_damage(exc):
            raise _damaged(path, f"damaged: {exc}") from None
        if "locked" in text or "busy" in text:
            raise DiaryError(
                f"the diary {str(path)!r} is busy (another soreadvisor is using it); try again"
            ) from None
        if "full" in text:
            raise DiaryError(f"the disk is full: cannot write the diary {str(path)!r}") from None
        raise DiaryError(
            f"cannot {doing} the diary at {str(path)!r}: {_reason(path, exc)}"
        ) from None
    except OSError as exc:
        raise DiaryError(
            f"cannot {doing} the diary at {str(path)!r}: {_reason(path, exc)}"
        ) from None
