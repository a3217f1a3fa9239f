"""The diary file: one SQLite database, private, safe with two writers at once.

``diary.sqlite3`` lives in ``paths.data_dir()`` (or ``--data-dir``). Health data
is private and ours (``paths.own_dir`` and ``paths.own_file``): the directory
is ``0700`` and under folders no other user can change; the file is made
``0600`` with an exclusive, no-follow create before SQLite touches it (SQLite
gives its ``-wal`` and ``-shm`` files the same mode). A link, another user's
file or folder is refused and never written; one of ours that others could
read is tightened. Nothing here ever leaves the machine.

Safety under real use:

- WAL mode and a busy timeout, so two ``log`` commands at once both land;
  every write is one ``BEGIN IMMEDIATE`` transaction, so a process killed
  half-way leaves the file as it was before that write.
- ``PRAGMA application_id`` marks the file as ours and ``PRAGMA user_version``
  is its schema version; ``MIGRATIONS`` brings an older file up to date.
- An existing file is first opened read-only and checked. A file that is not
  SQLite, belongs to another program, or was written by a newer soreadvisor
  gives a one-line error naming it, and is never written, truncated or deleted.

Reading survives damage: a row whose time or score cannot be read is left
out of every answer, named in a warning (handed to the caller's ``warn``, which
the CLI shows on stderr), and kept in the file; a
note, place or intensity that is not text is left out of its row. Reading
never writes: on a read-only disk, or a full one where SQLite cannot make its
shared-memory file, the file is read as immutable. Failures are told apart by
SQLite's error codes, never by its English messages.

Times are stored as UTC ISO-8601 text of fixed width (``2026-11-23T18:00:00+00:00``)
so text order is time order and the ``at`` indexes serve every window query.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from operator import attrgetter
from pathlib import Path

from .. import paths
from ..errors import UserError
from ..timeparse import EARLIEST, LATEST
from .models import INTENSITIES, SCORE_MAX, SCORE_MIN, CheckResult, Massage, Score

FILE_NAME = "diary.sqlite3"
APPLICATION_ID = 0x536F7265  # "Sore", in the database header: this file is ours
BUSY_TIMEOUT_MS = 5000

# A score row not in the form ``add_score`` writes: its time not the UTC text of
# ``to_text``, its score not a whole number on the scale, or a place or note not
# text. Only such rows need judging one by one (``_score``); a window without any
# reads the rest as they are. The ``scores_odd`` index holds exactly these rows,
# and a query finds it only with this very text: never change it.
ODD_SCORE = (
    "NOT (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
    "T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00'"
    " AND typeof(score) = 'integer' AND score BETWEEN 0 AND 10"
    " AND typeof(location) IN ('text', 'null') AND typeof(note) IN ('text', 'null'))"
)

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
    (  # 2: scores by value, so a highest, a lowest or the reference is a seek, not a scan
        "CREATE INDEX IF NOT EXISTS scores_score_at ON scores (score, at)",
    ),
    (  # 3: warning-sign check results kept: the level, what it said, the signs that counted
        "CREATE TABLE IF NOT EXISTS checks ("
        " id INTEGER PRIMARY KEY, at TEXT NOT NULL, level TEXT NOT NULL,"
        " headline TEXT, signs TEXT)",
        "CREATE INDEX IF NOT EXISTS checks_at ON checks (at)",
    ),
    (  # 4: the scores Python must judge row by row (see ODD_SCORE), found by a seek;
        # no query reads scores by value any more
        f"CREATE INDEX IF NOT EXISTS scores_odd ON scores (at) WHERE {ODD_SCORE}",
        "DROP INDEX IF EXISTS scores_score_at",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = frozenset({"massages", "scores"})  # every version has these


# Every query reads the rows whose time is text within the range input accepts
# (numbers sort before text in SQLite, blobs after it, so the range alone
# leaves them out, and the time index serves it); each row read is then judged
# (``_massage``, ``_score``; scores need it only with an odd row among them, see
# ``ODD_SCORE``). The rows out of range are named once, when the file is first
# read (``_name_bad_rows``); a row read but unusable, when read.
GOOD_AT = f"(at >= '{EARLIEST.isoformat()}' AND at <= '{LATEST.isoformat()}')"
MASSAGES = f"SELECT id, at, intensity, note FROM massages WHERE {GOOD_AT}"
CHECKS = f"SELECT id, at, level, headline, signs FROM checks WHERE {GOOD_AT}"
MAX_NAMED = 5  # bad rows named one by one; the rest are counted


class DiaryError(UserError):
    """The diary file cannot be used; the message names it and says what to do."""


def diary_path(data_dir: Path | None = None) -> Path:
    return (data_dir if data_dir is not None else paths.data_dir()) / FILE_NAME


def to_text(when: datetime) -> str:
    """An aware datetime as the stored UTC text."""
    if when.tzinfo is None:
        raise ValueError("diary times must be timezone-aware")
    return when.astimezone(timezone.utc).isoformat(timespec="seconds")


Warn = Callable[[str], None]


DEFAULT_DAYS = 7  # what `history` shows when no massage is recorded
_AT = attrgetter("at")


@dataclass
class Window:
    """What `history` shows.

    ``entries`` are the scores shown (the last ``limit`` of the window, oldest
    first) and ``total`` how many the window holds. ``episode`` is what the
    trend is about: the scores from the massage (or the window's start without
    one) to now, oldest first.
    """

    since: datetime
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

    def __init__(
        self,
        path: Path,
        con: sqlite3.Connection | None,
        writable: bool = False,
        warn: Warn | None = None,
    ):
        self.path = path
        self._con = con
        self.writable = writable
        # Rows left out, a file read as it was last closed: one line each, handed to
        # ``warn`` (the CLI shows them on stderr) or kept here. Nothing here prints.
        self.warnings: list[str] = []
        self.warn: Warn = warn or self.warnings.append
        self._named: set[tuple[str, int]] = set()
        self._scanned = False
        self._undecodable = False
        if con is not None:
            con.text_factory = self._decode

    def _decode(self, raw: bytes) -> str:
        """Stored text as UTF-8; bytes that are not (another program, a hand edit, bit
        rot) become replacement marks, named once, instead of stopping every read."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if not self._undecodable:
                self._undecodable = True
                self.warn(
                    f"the diary {str(self.path)!r} holds text that is not UTF-8; it is "
                    "shown with \ufffd marks and the file keeps it as it is"
                )
            return raw.decode("utf-8", "replace")

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(
        cls, data_dir: Path | None = None, *, write: bool = False, warn: Warn | None = None
    ) -> Diary:
        path = diary_path(data_dir)
        doing = "write" if write else "read"
        with _errors(path, doing):
            # The real folder, checked (and made) when writing; every open goes
            # through it, so a link swapped in the meantime changes nothing.
            real = Path(os.path.realpath(path.parent))
            folder = paths.own_dir(path.parent) if write else real
            file = folder / FILE_NAME
            try:
                os.close(paths.own_file(file, create=write, strict=write))
            except (FileNotFoundError, NotADirectoryError):
                return cls(path, None, warn=warn)  # reading a diary not made yet: empty
            _check_companions(file, strict=write)
            # Look before touching: read-only, and refuse anything not ours.
            probe, version, note = _probe(path, file, write)
            if not write:
                if version == 0:  # created a moment ago, tables still to come
                    probe.close()
                    return cls(path, None, warn=warn)
                diary = cls(path, probe, warn=warn)
                if note:
                    diary.warn(note)
                return diary
            probe.close()
            con = _connect(file, "rw")
            try:
                _migrate(path, con)
                _use_wal(con)
            except BaseException:
                con.close()
                raise
            return cls(path, con, writable=True, warn=warn)

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
        stored = to_text(at)
        row_id = self._insert("massages (at, intensity, note)", (stored, intensity, note))
        return Massage(row_id, datetime.fromisoformat(stored), intensity, note)

    def add_score(
        self, at: datetime, score: int, where: str | None = None, note: str | None = None
    ) -> Score:
        _check_score(score)
        stored = to_text(at)
        row_id = self._insert("scores (at, score, location, note)", (stored, score, where, note))
        return Score(row_id, datetime.fromisoformat(stored), score, where, note)

    def add_check(
        self, at: datetime, level: str, headline: str | None, signs: list[str]
    ) -> CheckResult:
        """A warning-sign check's outcome: its level id, what it said, the signs that counted
        (their words, one a line: what the person was shown, whatever the data says later)."""
        if not level:
            raise ValueError("a check result needs its level")
        stored = to_text(at)
        values = (stored, level, headline, "\n".join(signs) or None)
        row_id = self._insert("checks (at, level, headline, signs)", values)
        return CheckResult(row_id, datetime.fromisoformat(stored), level, headline, list(signs))

    def _insert(self, into: str, values: tuple) -> int:
        """One row in its own transaction; its id."""
        marks = ", ".join("?" * len(values))
        with self.transaction() as con:
            return int(con.execute(f"INSERT INTO {into} VALUES ({marks})", values).lastrowid or 0)

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
        """Remove every massage, score and check result; return how many massages and scores.

        ``secure_delete`` zeroes the freed pages and the checkpoint empties the
        write-ahead log, so the deleted health data does not linger in the file.
        """
        with self.transaction() as con:
            con.execute("PRAGMA secure_delete = ON")
            massages = con.execute("DELETE FROM massages").rowcount
            scores = con.execute("DELETE FROM scores").rowcount
            con.execute("DELETE FROM checks")
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
            if not self._scanned:
                self._scanned = True
                self._name_bad_rows()
            return self._con.execute(sql, params).fetchall()

    def _name_bad_rows(self) -> None:
        """Warn once about the rows no query reads: times out of range, through the
        time index (a few short searches)."""
        assert self._con is not None
        early, late = EARLIEST.isoformat(), LATEST.isoformat()
        for table, cols in (("massages", "id, at, NULL"), ("scores", "id, at, score")):
            sql = " UNION ALL ".join(
                f"SELECT {cols} FROM {table} WHERE {test}"
                for test in ("at < ?", "at > ?", "at IS NULL")
            )
            for row_id, at, score in self._con.execute(
                f"{sql} LIMIT ?", (early, late, MAX_NAMED + 1)
            ):
                if table == "massages":
                    ok = self._massage((row_id, at, None, None)) is not None
                else:
                    ok = self._score((row_id, at, score, None, None)) is not None
                if ok:  # readable after all, but outside what we accept
                    self._skipped(table[:-1], row_id, f"its time {_shown(at)} is out of range")

    def _note(self, kind: str, row_id: int, message: str) -> None:
        """Each row's problem once; after ``MAX_NAMED`` rows, one line for the rest."""
        if (kind, row_id) in self._named:
            return
        self._named.add((kind, row_id))
        if len(self._named) <= MAX_NAMED:
            self.warn(message)
        elif len(self._named) == MAX_NAMED + 1:
            self.warn(
                f"more rows of the diary {str(self.path)!r} cannot be read; they are "
                "left out too, and kept in the file"
            )

    def _skipped(self, kind: str, row_id: int, why: str) -> None:
        self._note(
            kind,
            row_id,
            f"skipped {kind} {row_id} of the diary {str(self.path)!r}: {why}; "
            "it is kept in the file",
        )

    def _massage(self, row: tuple) -> Massage | None:
        at = self._time("massage", row)
        if at is None:
            return None
        intensity = self._text("massage", row[0], "intensity", row[2])
        if intensity is not None and intensity not in INTENSITIES:
            self._dropped("massage", row[0], "intensity")
            intensity = None
        return Massage(row[0], at, intensity, self._text("massage", row[0], "note", row[3]))

    def _score(self, row: tuple) -> Score | None:
        row_id, _, value, where, note = row
        at = self._time("score", row)
        if at is None:
            return None
        if type(value) is not int or not SCORE_MIN <= value <= SCORE_MAX:
            self._skipped("score", row_id, f"its score {_shown(value)} is not on the scale")
            return None
        if where is not None and type(where) is not str:
            where = self._text("score", row_id, "place", where)
        if note is not None and type(note) is not str:
            note = self._text("score", row_id, "note", note)
        return Score(row_id, at, value, where, note)

    def _time(self, kind: str, row: tuple) -> datetime | None:
        try:
            at = datetime.fromisoformat(row[1])
            if at.tzinfo is None or not EARLIEST <= at <= LATEST:
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            self._skipped(kind, row[0], f"its time {_shown(row[1])} cannot be used")
            return None
        return at

    def _text(self, kind: str, row_id: int, what: str, value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        self._dropped(kind, row_id, what)
        return None

    def _dropped(self, kind: str, row_id: int, what: str) -> None:
        self._note(
            kind,
            row_id,
            f"{kind} {row_id} of the diary {str(self.path)!r} is shown without its {what}, "
            "which cannot be read; the file keeps it",
        )

    def _massages(self, sql: str, params: tuple = ()) -> list[Massage]:
        return [
            m for r in self._rows(MASSAGES + sql, params) if (m := self._massage(r)) is not None
        ]

    def _scores(self, where: str, params: tuple) -> list[Score]:
        """The readable scores of ``where`` in time order. Without odd rows among them
        (see ``ODD_SCORE``) each row is a Score as it is; with any, each is judged."""
        odd = self._rows(f"SELECT 1 FROM scores WHERE {where} AND {ODD_SCORE} LIMIT 1", params)
        sql = f"SELECT id, at, score, location, note FROM scores WHERE {where} ORDER BY at, id"
        if not odd and self._con is not None:
            parse, con = datetime.fromisoformat, self._con
            # Any failure means a row to judge: text that is not UTF-8 (OperationalError
            # with SQLite's own decoding), a time no calendar has (ValueError: 30 February).
            con.text_factory = str
            try:
                with _errors(self.path, "read"), suppress(sqlite3.OperationalError, ValueError):
                    rows = con.execute(sql, params)
                    return [Score(i, parse(at), s, w, n) for i, at, s, w, n in rows]
            finally:
                con.text_factory = self._decode
        return [s for r in self._rows(sql, params) if (s := self._score(r)) is not None]

    def latest_massage(self, at_or_before: datetime | None = None) -> Massage | None:
        if at_or_before is None:
            found = self._massages(" ORDER BY at DESC, id DESC LIMIT 1")
        else:
            found = self._massages(
                " AND at <= ? ORDER BY at DESC, id DESC LIMIT 1", (to_text(at_or_before),)
            )
        return found[0] if found else None

    def massages(self, since: datetime | None = None) -> list[Massage]:
        """Massages at or after ``since`` (all when None), oldest first."""
        if since is None:
            return self._massages(" ORDER BY at, id")
        return self._massages(" AND at >= ? ORDER BY at, id", (to_text(since),))

    def scores(self, since: datetime | None = None) -> list[Score]:
        """Scores at or after ``since`` (all when None), oldest first."""
        if since is None:
            return self._scores(GOOD_AT, ())
        return self._scores(f"{GOOD_AT} AND at >= ?", (to_text(since),))

    def _has_checks(self) -> bool:
        """Whether the file has the ``checks`` table: an older diary read (not written)
        keeps its schema, and has no check results."""
        rows = self._rows(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'checks'"
        )
        return bool(rows and rows[0][0])

    def checks(self, since: datetime | None = None) -> list[CheckResult]:
        """Saved check results at or after ``since`` (all when None), oldest first."""
        if not self._has_checks():
            return []
        if since is None:
            rows = self._rows(CHECKS + " ORDER BY at, id")
        else:
            rows = self._rows(CHECKS + " AND at >= ? ORDER BY at, id", (to_text(since),))
        return [c for r in rows if (c := self._check_result(r)) is not None]

    def _check_result(self, row: tuple) -> CheckResult | None:
        row_id, _, level, headline, signs = row
        at = self._time("check result", row)
        if at is None:
            return None
        if not isinstance(level, str) or not level:
            self._skipped("check result", row_id, "its level cannot be read")
            return None
        headline = self._text("check result", row_id, "headline", headline)
        signs = self._text("check result", row_id, "signs", signs)
        return CheckResult(row_id, at, level, headline, signs.split("\n") if signs else [])

    def counts(self) -> tuple[int, int]:
        """How many massages and scores the diary holds (every row, readable or not)."""
        rows = self._rows("SELECT (SELECT COUNT(*) FROM massages), (SELECT COUNT(*) FROM scores)")
        return (int(rows[0][0]), int(rows[0][1])) if rows else (0, 0)

    def window(self, now: datetime, days: float | None = None, limit: int | None = None) -> Window:
        """The scores since the last massage (or of the last ``days``), the last
        ``limit`` of them to show, and the episode the trend is about."""
        massage = self.latest_massage(at_or_before=now)
        if days is not None:
            since = now - timedelta(days=days)
        elif massage is not None:
            since = massage.at
        else:
            since = now - timedelta(days=DEFAULT_DAYS)
        start = massage.at if massage is not None else since
        read = self.scores(min(since, start))  # in time order: cut, not filtered
        shown = read[bisect_left(read, since, key=_AT) :]
        massages = [massage] if massage else []
        if days is not None:
            massages = self.massages_counted(since, now)
        return Window(
            since,
            massage,
            shown[-limit:] if limit else shown,
            len(shown),
            massages,
            read[bisect_left(read, start, key=_AT) : bisect_right(read, now, key=_AT)],
        )

    def massages_counted(self, since: datetime, now: datetime) -> list[Massage]:
        """The massages that scores from ``since`` to ``now`` count from: the last one
        before ``since`` and every one after it, oldest first."""
        before = self.latest_massage(at_or_before=since)
        after = [m for m in self.massages(since) if m.at <= now and m != before]
        return ([before] if before else []) + after

    def current(self, now: datetime) -> tuple[Massage | None, list[Score]]:
        """The last massage at or before ``now`` and its episode's scores, oldest
        first (the last week's without a massage)."""
        window = self.window(now)
        return window.massage, window.episode

    def everything(
        self, kinds: tuple[str, ...] = ("massages", "scores")
    ) -> Iterator[Massage | Score]:
        """Every readable massage and score (of ``kinds``) in time order, massages first
        at the same moment, read a few hundred rows at a time; each row that cannot be
        read is named in a warning instead."""
        if self._con is None:
            return
        parts = {
            "massages": "SELECT 0, id, at, intensity, note, NULL FROM massages",
            "scores": "SELECT 1, id, at, score, location, note FROM scores",
        }
        sql = " UNION ALL ".join(parts[k] for k in kinds) + " ORDER BY 3, 1, 2"
        with _errors(self.path, "read"):
            rows = self._con.execute(sql)
            while True:
                chunk = rows.fetchmany(500)
                if not chunk:
                    return
                for kind, *row in chunk:
                    entry = self._massage(tuple(row[:4])) if kind == 0 else self._score(tuple(row))
                    if entry is not None:
                        yield entry

    def delete_score(self, score_id: int) -> bool:
        """Remove one score by id (freed pages zeroed); whether there was one."""
        with self.transaction() as con:
            con.execute("PRAGMA secure_delete = ON")
            return con.execute("DELETE FROM scores WHERE id = ?", (score_id,)).rowcount == 1


def _check_score(score: object) -> None:
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError("a score must be an int")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ValueError(f"a score must be from {SCORE_MIN} to {SCORE_MAX}")


def _shown(value: object) -> str:
    """A stored value in a warning: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- the file ----------------------------------------------------------------


def _check_companions(file: Path, strict: bool) -> None:
    """SQLite's ``-wal``, ``-shm`` and ``-journal`` files hold the same health data:
    each that exists must be a plain file of ours, tightened to 0600 if need be."""
    for suffix in ("-wal", "-shm", "-journal"):
        companion = file.with_name(file.name + suffix)
        with suppress(FileNotFoundError):
            os.close(paths.own_file(companion, strict=strict))


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    uri = f"{path.absolute().as_uri()}?mode={mode}"
    con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return con


def _probe(path: Path, file: Path, write: bool) -> tuple[sqlite3.Connection, int, str]:
    """A read-only connection, the file's schema version and a warning ("" for none),
    after checking the file is ours.

    Reading a WAL file needs its shared-memory file, which SQLite makes next to
    it: on a read-only disk, or a full one, it cannot. Only reading was asked,
    so the file is then read as immutable (the state it was left in; a write
    still in its -wal file, if any, is said to be missing).
    """
    con = _connect(file, "ro")
    try:
        return con, _check(path, con), ""
    except sqlite3.OperationalError as exc:
        con.close()
        if write or not _cannot_share(exc, file):
            raise
        why = _reason(path, exc)
    note = ""
    wal = file.with_name(file.name + "-wal")
    with suppress(OSError):
        if os.stat(wal).st_size:
            note = (
                f"the diary {str(path)!r} is read as it was last closed: "
                f"{why}, so its latest changes (in {wal.name}) may be missing"
            )
    con = _connect(file, "ro&immutable=1")
    try:
        return con, _check(path, con), note
    except BaseException:
        con.close()
        raise


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
            if _code(exc) not in (None, SQLITE_BUSY, SQLITE_LOCKED):
                raise
            mode = ""
        if mode.lower() == "wal" or time.monotonic() > deadline:
            return
        time.sleep(0.01)


# -- errors ------------------------------------------------------------------


# SQLite's primary result codes (sqlite3.h). On Python 3.11+ an error carries
# the extended code in ``sqlite_errorcode``, whose low byte is the primary one;
# on 3.10 there is only the exception's type to go by.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26


def _code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _is_damage(exc: sqlite3.Error) -> bool:
    code = _code(exc)
    if code is None:  # 3.10: damage (CORRUPT, NOTADB) is the bare DatabaseError
        return type(exc) is sqlite3.DatabaseError
    return code in (SQLITE_CORRUPT, SQLITE_NOTADB)


def _no_space(path: Path) -> bool:
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def _is_full(exc: sqlite3.Error, path: Path) -> bool:
    """SQLITE_FULL, or an I/O error (making the shared-memory file) on a disk with no room."""
    code = _code(exc)
    return code == SQLITE_FULL or (code in (None, SQLITE_IOERR) and _no_space(path))


def _cannot_share(exc: sqlite3.Error, file: Path) -> bool:
    """An error of a read-only open that reading as immutable gets round."""
    code = _code(exc)
    if code is None:
        return isinstance(exc, sqlite3.OperationalError)
    return code in (SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN)


def _damaged(path: Path, what: str) -> DiaryError:
    return DiaryError(
        f"{str(path)!r} is not a soreadvisor diary ({what}); it was left untouched: "
        "move it aside to start a new diary, or use --data-dir"
    )


def _reason(path: Path, exc: BaseException) -> str:
    """Why the diary cannot be opened or written, in the words of the OS when possible."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, sqlite3.Error) and _is_full(exc, path):
        return os.strerror(errno.ENOSPC)
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return os.strerror(errno.EROFS)
    except (OSError, AttributeError):
        pass
    for target in (path, path.parent):
        if target.exists() and not os.access(target, os.W_OK):
            return os.strerror(errno.EACCES)
    return str(exc)


def _full(path: Path, doing: str) -> DiaryError:
    return DiaryError(f"the disk is full: cannot {doing} the diary {str(path)!r}")


@contextmanager
def _errors(path: Path, doing: str) -> Iterator[None]:
    """Every failure of the file as one DiaryError naming it."""
    try:
        yield
    except UserError:
        raise
    except sqlite3.DatabaseError as exc:
        if _is_damage(exc):
            raise _damaged(path, "damaged") from None
        if _code(exc) in (SQLITE_BUSY, SQLITE_LOCKED):
            raise DiaryError(
                f"the diary {str(path)!r} is busy (another soreadvisor is using it); try again"
            ) from None
        if _is_full(exc, path):
            raise _full(path, doing) from None
        raise DiaryError(
            f"cannot {doing} the diary at {str(path)!r}: {_reason(path, exc)}"
        ) from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise _full(path, doing) from None
        raise DiaryError(
            f"cannot {doing} the diary at {str(path)!r}: {_reason(path, exc)}"
        ) from None
