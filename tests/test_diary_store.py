"""The diary file: private, versioned, safe with two writers, never overwriting others' files."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import WORDS
from hypothesis import example, given, settings
from hypothesis import strategies as st

from soreadvisor.diary import store
from soreadvisor.diary.store import Diary, DiaryError, diary_path

REPO = Path(__file__).resolve().parent.parent
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def log(data: Path, *scores: int, start: datetime | None = None) -> None:
    start = start or NOW - timedelta(hours=len(scores))
    with Diary.open(data, write=True) as diary:
        for n, score in enumerate(scores):
            diary.add_score(start + timedelta(hours=n), score)


def raw(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# -- privacy -------------------------------------------------------------------


def test_a_new_diary_is_a_0700_directory_and_a_0600_file(tmp_path):
    data = tmp_path / "new" / "soreadvisor"
    log(data, 4)
    assert mode(data) == 0o700
    assert mode(data / "diary.sqlite3") == 0o600
    for side in data.glob("diary.sqlite3-*"):  # -wal and -shm hold the same data
        assert mode(side) == 0o600


def test_the_file_is_private_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        log(tmp_path / "d", 4)
    finally:
        os.umask(old)
    assert mode(tmp_path / "d" / "diary.sqlite3") == 0o600


def test_reading_a_diary_that_does_not_exist_creates_nothing(tmp_path):
    data = tmp_path / "nothing-here"
    with Diary.open(data) as diary:
        assert not diary.exists
        assert diary.scores() == [] and diary.latest_massage() is None
        assert list(diary.everything()) == []
        assert diary.window(NOW).entries == []
    assert not data.exists()


def test_soreadvisor_home_is_the_default_place(private_home):
    log(None, 3)  # type: ignore[arg-type]
    assert diary_path() == private_home / "diary.sqlite3"
    assert (private_home / "diary.sqlite3").is_file()


# -- the schema ------------------------------------------------------------------


def test_the_file_is_marked_ours_versioned_and_in_wal_mode(tmp_path):
    log(tmp_path, 4)
    path = tmp_path / "diary.sqlite3"
    assert raw(path, "PRAGMA user_version") == [(store.SCHEMA_VERSION,)]
    assert raw(path, "PRAGMA application_id") == [(store.APPLICATION_ID,)]
    assert raw(path, "PRAGMA journal_mode") == [("wal",)]


def test_times_are_stored_as_utc_iso_text(tmp_path):
    local = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_massage(local, "deep", "firm")
    [(at,)] = raw(tmp_path / "diary.sqlite3", "SELECT at FROM massages")
    assert at == "2026-11-20T12:30:00+00:00"
    with Diary.open(tmp_path) as diary:
        massage = diary.latest_massage()
    assert massage is not None and massage.at == local


def plan(data: Path, sql: str) -> str:
    """How SQLite would run ``sql`` on the diary in ``data``."""
    return " ".join(str(r) for r in raw(data / "diary.sqlite3", f"EXPLAIN QUERY PLAN {sql}"))


def test_history_queries_use_the_time_index_not_a_full_scan(tmp_path):
    log(tmp_path, 4)
    how = plan(
        tmp_path,
        "SELECT id, at, score, location, note FROM scores"
        " WHERE at >= '2026' ORDER BY at DESC, id DESC LIMIT 50",
    )
    assert "scores_at" in how and "SCAN scores" not in how.replace("USING INDEX", "")


def test_a_later_release_migrates_todays_file_and_keeps_its_data(tmp_path, monkeypatch):
    log(tmp_path, 4, 6)
    later = [*store.MIGRATIONS, ("ALTER TABLE scores ADD COLUMN side TEXT",)]
    monkeypatch.setattr(store, "MIGRATIONS", later)
    monkeypatch.setattr(store, "SCHEMA_VERSION", len(later))
    with Diary.open(tmp_path, write=True) as diary:
        assert [s.score for s in diary.scores()] == [4, 6]
    path = tmp_path / "diary.sqlite3"
    assert raw(path, "PRAGMA user_version") == [(len(later),)]
    assert "side" in [c[1] for c in raw(path, "PRAGMA table_info(scores)")]


def test_a_diary_of_schema_3_is_read_as_it_is_and_brought_up_to_date_when_written(
    tmp_path, monkeypatch
):
    """The diary of the release before: read without its odd-rows index, then given it."""
    monkeypatch.setattr(store, "MIGRATIONS", store.MIGRATIONS[:3])
    monkeypatch.setattr(store, "SCHEMA_VERSION", 3)
    log(tmp_path, 4, 6)
    monkeypatch.undo()
    path = tmp_path / "diary.sqlite3"
    indexes = "SELECT name FROM sqlite_master WHERE type = 'index'"
    assert raw(path, "PRAGMA user_version") == [(3,)]
    assert ("scores_odd",) not in raw(path, indexes)
    with Diary.open(tmp_path) as diary:  # reading never writes
        assert [s.score for s in diary.scores()] == [4, 6]
    assert raw(path, "PRAGMA user_version") == [(3,)]
    log(tmp_path, 5)
    assert ("scores_odd",) in raw(path, indexes) and ("scores_score_at",) not in raw(path, indexes)
    with Diary.open(tmp_path) as diary:
        assert sorted(s.score for s in diary.scores()) == [4, 5, 6]


def test_an_empty_file_becomes_a_diary(tmp_path):
    (tmp_path / "diary.sqlite3").touch()
    log(tmp_path, 5)
    with Diary.open(tmp_path) as diary:
        assert [s.score for s in diary.scores()] == [5]


# -- files that are not ours ----------------------------------------------------------


def _random_file(folder: Path) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    content = os.urandom(8192)
    (folder / "diary.sqlite3").write_bytes(content)
    return content


def _foreign_db(folder: Path, **pragmas: int) -> bytes:
    folder.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(folder / "diary.sqlite3")
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.execute("INSERT INTO recipes VALUES ('soup')")
    for name, value in pragmas.items():
        con.execute(f"PRAGMA {name} = {value}")
    con.commit()
    con.close()
    return (folder / "diary.sqlite3").read_bytes()


def _newer_diary(folder: Path) -> bytes:
    log(folder, 4)
    con = sqlite3.connect(folder / "diary.sqlite3")
    con.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    con.execute("PRAGMA journal_mode = DELETE")
    con.commit()
    con.close()
    return (folder / "diary.sqlite3").read_bytes()


@pytest.mark.parametrize(
    "make, words",
    [
        (_random_file, "not an SQLite database"),
        (_foreign_db, "another program"),
        (lambda f: _foreign_db(f, application_id=1234), "another program"),
        (lambda f: _foreign_db(f, user_version=3), "another program"),
        (_newer_diary, "newer soreadvisor"),
    ],
)
@pytest.mark.parametrize("write", [False, True])
def test_a_file_that_is_not_our_diary_is_refused_and_left_byte_for_byte(
    tmp_path, make, words, write
):
    folder = tmp_path / "d"
    before = make(folder)
    names = sorted(p.name for p in folder.iterdir())
    with pytest.raises(DiaryError) as caught, Diary.open(folder, write=write) as diary:
        diary.add_score(NOW, 5)
    message = str(caught.value)
    assert words in message and str(folder / "diary.sqlite3") in message
    assert "untouched" in message and "\n" not in message
    assert (folder / "diary.sqlite3").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == names  # no -wal, no -journal


def test_a_damaged_page_gives_a_clear_error_not_a_traceback(tmp_path):
    log(tmp_path, *range(11), *range(11))
    path = tmp_path / "diary.sqlite3"
    with Diary.open(tmp_path, write=True):
        pass  # the last writer checkpoints the log into the file
    page = raw(path, "PRAGMA page_size")[0][0]
    [(root,)] = raw(path, "SELECT rootpage FROM sqlite_master WHERE name = 'scores'")
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : root * page] = os.urandom(page)  # scramble the scores table
    path.write_bytes(bytes(data))
    with pytest.raises(DiaryError, match="untouched"), Diary.open(tmp_path) as diary:
        diary.scores()


# -- writes ----------------------------------------------------------------------


def test_a_write_that_fails_half_way_leaves_nothing_behind(tmp_path):
    log(tmp_path, 3)
    with (
        pytest.raises(RuntimeError),
        Diary.open(tmp_path, write=True) as diary,
        diary.transaction() as con,
    ):
        con.execute("INSERT INTO scores (at, score) VALUES (?, ?)", (store.to_text(NOW), 9))
        raise RuntimeError("interrupted")
    with Diary.open(tmp_path) as diary:
        assert [s.score for s in diary.scores()] == [3]


@pytest.mark.parametrize("bad", [-1, 11, True, 5.0, "5"])
def test_the_store_refuses_scores_off_the_scale(tmp_path, bad):
    with pytest.raises(ValueError), Diary.open(tmp_path, write=True) as diary:
        diary.add_score(NOW, bad)
    with Diary.open(tmp_path) as diary:
        assert diary.scores() == []


def test_delete_all_removes_the_data_from_the_file_itself(tmp_path, monkeypatch):
    connect = store._connect

    def insecure_by_default(path, mode):  # as SQLite is built on many systems
        con = connect(path, mode)
        con.execute("PRAGMA secure_delete = OFF")
        return con

    monkeypatch.setattr(store, "_connect", insecure_by_default)
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_massage(NOW - timedelta(hours=2), note="massage-secret-4711")
        diary.add_score(NOW, 5, "calf", "score-secret-4712")
        assert diary.delete_all() == (1, 1)
    with Diary.open(tmp_path) as diary:
        assert diary.counts() == (0, 0)
    for f in tmp_path.glob("diary.sqlite3*"):
        content = f.read_bytes()
        assert b"secret-471" not in content, f.name


# -- the history window ---------------------------------------------------------------


def test_the_window_is_the_scores_since_the_last_massage(tmp_path, topic):
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_score(NOW - timedelta(hours=50), 9)
        diary.add_massage(NOW - timedelta(hours=40))
        for h, s in ((30, 3), (20, 6), (10, 4)):
            diary.add_score(NOW - timedelta(hours=h), s)
        w = diary.window(NOW)
    assert [s.score for s in w.entries] == [3, 6, 4]
    assert w.total == 3 and [s.score for s in w.episode] == [3, 6, 4]


def test_a_limited_window_counts_what_it_does_not_show_and_the_episode_still_decides(
    tmp_path, topic
):
    from soreadvisor.advice.trend import assess

    massage_at = NOW - timedelta(hours=100)
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_massage(massage_at)
        diary.add_scores([(NOW - timedelta(hours=90 - i), 9 if i == 0 else 2) for i in range(60)])
        w = diary.window(NOW, limit=5)
        hidden_peak = assess(w.episode, topic.diary, massage_at, NOW, WORDS)
    assert len(w.entries) == 5 and w.total == 60
    assert hidden_peak.trend == "improving"  # from the hidden 9, the reference
    assert "high_score" in dict(hidden_peak.escalations)


def test_the_count_leaves_out_rows_off_the_scale(tmp_path):
    log(tmp_path, 4, 6, 5)
    con = sqlite3.connect(diary_path(tmp_path))
    con.execute("PRAGMA ignore_check_constraints = ON")  # as another tool could write it
    for bad in (5.5, "x", -1, 11, b"\x01", 0.5, 9.99):
        con.execute("INSERT INTO scores (at, score) VALUES (?, ?)", (NOW.isoformat(), bad))
    con.execute("INSERT INTO scores (at, score) VALUES ('yesterday-ish', 3)")
    con.commit()
    con.close()
    with Diary.open(tmp_path) as diary:
        assert diary.window(NOW, days=1).total == 3
        assert diary.window(NOW, days=2 / 24).total == 2
        assert len(diary.scores()) == 3
        # 8 bad rows: the first MAX_NAMED named one by one, the rest in one line
        assert len(diary.warnings) == store.MAX_NAMED + 1


def test_a_days_window_reaches_back_past_the_last_massage(tmp_path):
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_massage(NOW - timedelta(days=5))
        diary.add_score(NOW - timedelta(days=4), 7)
        diary.add_massage(NOW - timedelta(days=1))
        diary.add_score(NOW - timedelta(hours=12), 3)
        w = diary.window(NOW, days=6)
    assert [s.score for s in w.entries] == [7, 3]
    assert len(w.massages) == 2 and w.massage == w.massages[-1]


# -- the episode the store hands over is judged as the whole diary would be ---------------


def _rules_with(topic, band: float, rising: float, lasting: float):
    import dataclasses

    return dataclasses.replace(
        topic.diary,
        flat_band=band,
        rising_after_hours=rising,
        lasting_after_hours=lasting,
    )


_EXAMPLE = dict(limit=0, days=None, lasting=72)


@settings(max_examples=150, deadline=None)
@example(  # a score exactly at a rising mark that falls between whole seconds is before it
    massage_ago=60,
    points=[(40, 9), (47, 1), (48, 4), (50, 3), (51, 4)],
    band=1,
    rising=48 + 0.5 / 3600,
    **_EXAMPLE,
)
@example(  # the low after the rising mark is neither the reference nor a peak
    massage_ago=70,
    points=[(10, 5), (50, 2), (55, 6), (58, 4), (60, 4)],
    band=1,
    rising=48,
    **_EXAMPLE,
)
@example(  # a score exactly the band away is not the reference
    massage_ago=10,
    points=[(1, 1), (2, 5), (3, 5), (4, 4), (5, 4)],
    band=1,
    rising=48,
    **_EXAMPLE,
)
@given(
    massage_ago=st.integers(min_value=1, max_value=200),
    points=st.lists(
        st.tuples(
            st.integers(min_value=-20, max_value=220), st.integers(min_value=0, max_value=10)
        ),
        max_size=30,
    ),
    band=st.sampled_from([0, 0.5, 1, 1.5, 2, 3]),
    rising=st.sampled_from([0, 1, 24, 48 - 0.5 / 3600, 48, 48 + 0.5 / 3600, 50.5]),
    lasting=st.sampled_from([0, 48, 72, 71.99]),
    limit=st.integers(min_value=0, max_value=6),
    days=st.sampled_from([None, 0.5, 3, 30]),
)
def test_the_store_hands_over_the_scores_that_decide_the_assessment(
    topic, massage_ago, points, band, rising, lasting, limit, days
):
    """``assess`` of the episode the store reads equals ``assess`` of the whole diary."""
    import tempfile

    from soreadvisor.advice.trend import assess

    rules = _rules_with(topic, band, rising, lasting)
    massage_at = NOW - timedelta(hours=massage_ago)
    now = NOW + timedelta(microseconds=250_000)  # like a real clock: between whole seconds
    with tempfile.TemporaryDirectory() as folder, Diary.open(Path(folder), write=True) as diary:
        diary.add_massage(massage_at)
        # hours after the massage, some in the future and some before it; ties included
        diary.add_scores([(massage_at + timedelta(hours=h), s) for h, s in points])
        everything = diary.scores()
        window = diary.window(now, days, limit)
        from_window = assess(window.episode, rules, massage_at, now, WORDS)
        massage, episode = diary.current(now)
        current = assess(episode, rules, massage_at, now, WORDS)
    expected = assess(everything, rules, massage_at, now, WORDS)
    assert from_window == expected
    assert massage is not None and massage.at == massage_at
    assert current == expected


def test_without_a_massage_the_episode_is_the_last_week(tmp_path, topic):
    from soreadvisor.advice.trend import assess

    log(tmp_path, 9, start=NOW - timedelta(days=8))
    log(tmp_path, 3, 5, 7, start=NOW - timedelta(hours=5))
    with Diary.open(tmp_path) as diary:
        massage, episode = diary.current(NOW)
        assessment = assess(episode, topic.diary, None, NOW, WORDS)
        assert massage is None and max(s.score for s in episode) == 7  # the 9 is 8 days old
    assert assessment.trend == "worse"


# -- two processes, and a process killed ------------------------------------------------

WRITER = """
import sys, time
from datetime import datetime, timezone
from pathlib import Path
from soreadvisor.diary.store import Diary
data, tag = Path(sys.argv[1]), sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()  # the go: both are imported and waiting, however busy the machine
for i in range(200):
    with Diary.open(data, write=True) as diary:  # as each `log` command does
        diary.add_score(datetime.now(timezone.utc), i % 11, None, f"{tag}-{i}")
"""


def _python(code: str, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=REPO, **kw)


def test_two_processes_logging_200_each_at_once_all_400_land(tmp_path):
    data = tmp_path / "fresh"  # neither finds a file: both race to create it too
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    procs = [_python(WRITER, str(data), tag, **pipes) for tag in ("a", "b")]
    for p in procs:  # a barrier, not a deadline: wait until each says it is ready
        assert p.stdout.readline() == b"ready\n", p.stderr.read().decode()
    for p in procs:
        p.stdin.write(b"go\n")
        p.stdin.flush()
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    with Diary.open(data) as diary:
        notes = [s.note or "" for s in sorted(diary.scores(), key=lambda s: s.id)]
    assert sorted(notes) == sorted(f"{t}-{i}" for t in ("a", "b") for i in range(200))
    turns = sum(1 for x, y in zip(notes, notes[1:], strict=False) if x[0] != y[0])
    assert turns > 2, "the two writers did not overlap, so this tested nothing"


LOOP = """
import sys
from datetime import datetime, timezone
from pathlib import Path
from soreadvisor.diary.store import Diary
data = Path(sys.argv[1])
n = 0
while True:
    with Diary.open(data, write=True) as diary:
        diary.add_score(datetime.now(timezone.utc), n % 11, "calf", f"entry {n}")
    n += 1
    if n == 50:
        print("ready", flush=True)
"""

BIG_TRANSACTION = """
import sys, time
from pathlib import Path
from soreadvisor.diary.store import Diary, to_text
from datetime import datetime, timezone
with Diary.open(Path(sys.argv[1]), write=True) as diary:
    with diary.transaction() as con:
        at = to_text(datetime.now(timezone.utc))
        con.executemany("INSERT INTO scores (at, score) VALUES (?, 1)", [(at,)] * 20000)
        print("inside", flush=True)
        time.sleep(60)
"""


def _integrity(data: Path) -> str:
    return raw(data / "diary.sqlite3", "PRAGMA integrity_check")[0][0]


def test_a_process_killed_while_logging_leaves_a_readable_diary(tmp_path, cli):
    proc = _python(LOOP, str(tmp_path), stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with Diary.open(tmp_path) as diary:
        scores = diary.scores()
    assert len(scores) >= 50
    assert [s.note for s in scores] == [f"entry {n}" for n in range(len(scores))]
    assert _integrity(tmp_path) == "ok"
    after = cli("log", "4", "--data-dir", str(tmp_path))
    assert after.code == 0, after.err
    assert _integrity(tmp_path) == "ok"


def test_a_process_killed_inside_a_write_leaves_none_of_it(tmp_path):
    log(tmp_path, 2, 3)
    proc = _python(BIG_TRANSACTION, str(tmp_path), stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"inside"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert _integrity(tmp_path) == "ok"
    with Diary.open(tmp_path) as diary:
        assert [s.score for s in diary.scores()] == [2, 3]
    log(tmp_path, 4, start=NOW)
    with Diary.open(tmp_path) as diary:
        assert [s.score for s in diary.scores()] == [2, 3, 4]


def test_rows_in_another_form_are_read_the_same_in_time_order(tmp_path):
    """A time with a fraction of a second, a place stored as bytes, a day no calendar
    has: such rows are judged one by one, and read as the others are."""
    log(tmp_path, 4, 6, start=NOW - timedelta(hours=3))
    con = sqlite3.connect(diary_path(tmp_path))
    at = NOW - timedelta(hours=2, minutes=30, microseconds=-5)
    con.execute("INSERT INTO scores (at, score) VALUES (?, 5)", (at.isoformat(),))
    con.execute(
        "INSERT INTO scores (at, score, location) VALUES (?, 7, ?)",
        (store.to_text(NOW - timedelta(minutes=30)), b"calf"),
    )
    con.execute("INSERT INTO scores (at, score) VALUES ('2026-02-30T10:00:00+00:00', 9)")
    con.commit()
    con.close()
    with Diary.open(tmp_path) as diary:
        read = diary.scores()
        assert [s.score for s in read] == [4, 5, 6, 7]
        assert read[1].at == at and read[3].where is None
        assert len(diary.warnings) == 2  # the place not read, the day that does not exist
        assert any("2026-02-30" in w for w in diary.warnings)


# One odd row of each kind, alone among good ones: each must be judged as before
# (left out or its field dropped, and named), never read as it is.
ODD_ROWS = {
    "a fractional score": ("score", 7.5),
    "a score as text": ("score", "seven"),
    "a score off the scale": ("score", 11),
    "a note that is bytes": ("note", b"\x00\x01"),
    "a place that is bytes": ("location", b"calf"),
    "a time with another offset": ("at", "{day}T10:00:00+01:00"),
    "a time with no zone": ("at", "{day}T10:00:00"),
    "a day that does not exist": ("at", "2026-02-30T10:00:00+00:00"),
    "a note that is not UTF-8": ("note", "bad-utf8"),
}


def _judged_one_by_one(diary: Diary) -> list:
    """What judging every row (the slow path) makes of the diary's scores."""
    rows = diary._rows("SELECT id, at, score, location, note FROM scores ORDER BY at, id")
    return [s for r in rows if (s := diary._score(r)) is not None]


@pytest.mark.parametrize("kind", sorted(ODD_ROWS))
def test_an_odd_row_alone_is_judged_as_every_row_was(tmp_path, kind):
    log(tmp_path, 4, 6, 5)
    column, value = ODD_ROWS[kind]
    day = (NOW - timedelta(hours=1)).date().isoformat()
    row = {"at": (NOW - timedelta(minutes=30)).isoformat(), "score": 3, "location": None}
    row["note"] = None
    row[column] = value.format(day=day) if isinstance(value, str) else value
    con = sqlite3.connect(diary_path(tmp_path))
    con.execute("PRAGMA ignore_check_constraints = ON")  # as another tool could write it
    if value == "bad-utf8":
        sql = "INSERT INTO scores (at, score, note) VALUES (?, 3, CAST(X'FFFE' AS TEXT))"
        con.execute(sql, (row["at"],))
    else:
        con.execute(
            "INSERT INTO scores (at, score, location, note) VALUES (?, ?, ?, ?)",
            (row["at"], row["score"], row["location"], row["note"]),
        )
    con.commit()
    con.close()
    with Diary.open(tmp_path) as diary:
        read = diary.scores()
        told = list(diary.warnings)
    with Diary.open(tmp_path) as diary:
        judged = _judged_one_by_one(diary)
        assert [(s.id, s.at, s.score, s.where, s.note) for s in read] == [
            (s.id, s.at, s.score, s.where, s.note) for s in judged
        ]
        assert told == diary.warnings  # named the same way, once
    if kind == "a fractional score":
        assert 7.5 not in [s.score for s in read]  # never "7.5/10", never "7 or more"


def test_a_diary_soreadvisor_wrote_has_no_row_to_judge(tmp_path):
    """Every row add_score writes is read as it is (the fast path is the path)."""
    log(tmp_path, *range(11))
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_score(NOW, 5, where="left calf", note="after a walk, ünïcode")
    assert raw(diary_path(tmp_path), f"SELECT count(*) FROM scores WHERE {store.ODD_SCORE}") == [
        (0,)
    ]


def test_the_odd_rows_index_knows_the_scale_of_the_scores():
    from soreadvisor.diary.models import SCORE_MAX, SCORE_MIN

    assert f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}" in store.ODD_SCORE


def test_rows_to_judge_are_found_through_their_own_index(tmp_path):
    log(tmp_path, 4)
    sql = f"SELECT 1 FROM scores WHERE {store.GOOD_AT} AND at >= '2026' AND {store.ODD_SCORE}"
    assert "scores_odd" in plan(tmp_path, sql)


# -- what reading passes over is told to the caller, never printed --------------------------


def test_a_row_left_out_is_handed_to_the_caller_and_nothing_is_printed(tmp_path, capfd):
    log(tmp_path, 4, 6)
    con = sqlite3.connect(diary_path(tmp_path))
    con.execute("INSERT INTO scores (at, score) VALUES ('yesterday-ish', 3)")
    con.commit()
    con.close()
    told: list[str] = []
    with Diary.open(tmp_path, warn=told.append) as diary:
        assert [s.score for s in diary.scores()] == [4, 6]
    with Diary.open(tmp_path) as diary:  # no one to tell: kept on the diary
        diary.scores()
        kept = diary.warnings
    assert len(told) == 1 and "'yesterday-ish'" in told[0] and kept == told
    assert capfd.readouterr() == ("", "")
