"""Another user on the same machine, and a machine that works against us (issue 11).

Each attack is what it would be for real: another Unix user (``setpriv`` to
nobody, when we run as root and may) prepares files and folders, the victim is
a real soreadvisor process; links are planted while a real process is about to
save; the disk is a 200 KiB tmpfs filled to the last byte, or remounted
read-only. Cases the machine does not allow are skipped with the reason.

What is guaranteed (and pinned here):

- health data (diary, profile, their companions and temporary files) is only
  ever written to a plain file of ours, in a folder of ours that no other user
  can change, under folders only we or root can change; a link, another
  user's file or folder is refused with one line and left untouched; a file or
  folder of ours that others could read is tightened;
- a saved profile naming something the topic no longer knows never stands
  between a person and the warning-sign screen;
- no string from a knowledge file reaches the terminal able to drive it, on
  stderr and in the questions of ``check`` too;
- a damaged row, a read-only or full disk never stops ``history`` or
  ``diary export``; a full disk is said to be full;
- no silent loss and no internal error for an export under a narrow
  encoding, a full stdout, a damaged profile, an empty ``--data-dir``, or a
  massage dated in the future.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import PtySession, become_soreadvisor, with_changes

from soreadvisor.kb.store import DEFAULT_TOPIC

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"
NOBODY = 65534
SETPRIV = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
EMERGENCY = ["check", "--symptom", "breathless", "--symptom", "one-leg-swelling"]


def run(
    *args: str, env: dict[str, str | None] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """soreadvisor as a real process: stdin closed, text out and err captured."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "soreadvisor", *args],
        env=with_changes(env),
        stdin=subprocess.DEVNULL,
        timeout=60,
        **kwargs,
    )


def err(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8", "replace")


def one_error_line(proc: subprocess.CompletedProcess, code: int = 1) -> str:
    """The one line of a refusal: the exit code asked for, nothing on stdout, no traceback."""
    text = err(proc)
    assert proc.returncode == code, (proc.returncode, text)
    assert proc.stdout == b"", proc.stdout[:300]
    assert "Traceback" not in text
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("soreadvisor: error: "), lines[0]
    return lines[0]


def warnings_of(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in err(proc).splitlines() if line.startswith("soreadvisor: warning: ")]


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def everything_in(folder: Path) -> bytes:
    """Every file's bytes, but for the topic cache (knowledge, not health data)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return b"".join(p.read_bytes() for p in files if "cache" not in p.relative_to(folder).parts)


# --- another user --------------------------------------------------------------------------


def _can_be_nobody() -> str | None:
    """Why we cannot act as another user here, or None when we can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "acting as another user needs root"
    if shutil.which("setpriv") is None:
        return "setpriv is not installed"
    probe = subprocess.run(
        [*SETPRIV, "id", "-u"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0 or probe.stdout.strip() != str(NOBODY):
        return f"setpriv cannot switch to uid {NOBODY}: {probe.stderr.strip()}"
    return None


NOT_NOBODY = _can_be_nobody()
two_users = pytest.mark.skipif(NOT_NOBODY is not None, reason=NOT_NOBODY or "")


def as_nobody(script: str) -> subprocess.CompletedProcess:
    """A shell script run by another user (nobody), as the attacker."""
    return subprocess.run(
        [*SETPRIV, "sh", "-ec", script],
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/"},
        timeout=60,
    )


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder like /tmp: anyone may create in it, no one may remove another's files."""
    folder = Path(tempfile.mkdtemp(prefix="soreadvisor-shared-", dir="/tmp"))
    os.chmod(folder, 0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


# --- 2: health data never goes into someone else's file --------------------------------------


@two_users
def test_a_diary_another_user_planted_in_a_shared_home_is_refused_and_learns_nothing(shared):
    home = shared / "sa"  # SOREADVISOR_HOME=/tmp/sa, prepared by someone else
    planted = as_nobody(
        f"mkdir -m 777 {home}; : > {home}/diary.sqlite3; chmod 666 {home}/diary.sqlite3"
    )
    assert planted.returncode == 0, planted.stderr
    proc = run("log", "5", "--note", "secret-ache", env={"SOREADVISOR_HOME": str(home)})
    line = one_error_line(proc)
    assert str(home) in line and "another user" in line
    assert (home / "diary.sqlite3").stat().st_size == 0
    assert b"secret-ache" not in everything_in(home)
    assert as_nobody(f"cat {home}/* 2>/dev/null || true").stdout == ""


@two_users
def test_a_folder_another_user_made_for_the_profile_gets_no_health_facts(shared):
    home = shared / "sa"
    assert as_nobody(f"mkdir -m 777 {home}").returncode == 0
    proc = run("profile", "set", "--condition", "raynauds", env={"SOREADVISOR_HOME": str(home)})
    assert "another user" in one_error_line(proc)
    assert not list(home.glob("*profile*"))  # (the topic cache is not health data)
    assert b"raynauds" not in everything_in(home)


@two_users
def test_a_diary_that_belongs_to_another_user_is_not_read_either(shared, tmp_path):
    theirs = shared / "theirs"
    theirs.mkdir()
    run("log", "9", "--data-dir", str(theirs))  # a real diary, then handed to them
    for path in [theirs, *theirs.iterdir()]:
        os.chown(path, NOBODY, NOBODY)
    line = one_error_line(run("history", "--data-dir", str(theirs)))
    assert "belongs to another user" in line


def test_a_link_at_the_diary_path_is_refused_and_its_target_left_empty(tmp_path):
    data, target = tmp_path / "data", tmp_path / "elsewhere.sqlite3"
    data.mkdir(mode=0o700)
    target.touch()
    (data / "diary.sqlite3").symlink_to(target)
    line = one_error_line(run("log", "5", "--note", "secret", "--data-dir", str(data)))
    assert "symbolic link" in line
    assert target.stat().st_size == 0
    assert (data / "diary.sqlite3").is_symlink()


def test_a_link_at_the_profile_path_is_not_read(private_home, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text('{"conditions": ["raynauds"]}')
    private_home.mkdir(mode=0o700)
    (private_home / "profile.json").symlink_to(target)
    assert "symbolic link" in one_error_line(run("profile", "show", "--format", "json"))


def test_an_own_diary_readable_by_others_is_tightened_to_0600(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "diary.sqlite3").touch(mode=0o644)
    os.chmod(data / "diary.sqlite3", 0o644)
    assert run("log", "5", "--data-dir", str(data)).returncode == 0
    assert mode(data / "diary.sqlite3") == 0o600


def test_an_own_home_open_to_everyone_is_tightened_to_0700(tmp_path):
    home = tmp_path / "sa"
    home.mkdir()
    os.chmod(home, 0o777)
    env = {"SOREADVISOR_HOME": str(home)}
    assert run("log", "5", env=env).returncode == 0
    assert run("profile", "set", "--region", "uk", env=env).returncode == 0
    assert mode(home) == 0o700
    assert mode(home / "diary.sqlite3") == 0o600 and mode(home / "profile.json") == 0o600


def test_a_folder_on_the_way_that_others_may_change_is_refused(tmp_path):
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    os.chmod(open_folder, 0o777)  # not sticky: anyone could rename what is inside
    line = one_error_line(run("log", "5", "--data-dir", str(open_folder / "mine")))
    assert "can be changed by other users" in line
    assert not (open_folder / "mine").exists()


# --- 3: a planted link never makes `profile set` overwrite a file -----------------------------


def test_a_link_planted_at_the_profile_temp_name_is_never_followed(private_home, tmp_path):
    """The temporary name used to be .profile.<pid>.tmp: guessable. A link planted
    there, for the very process about to save, must not be followed."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    private_home.mkdir(mode=0o700)
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the victim: waits until the link is in place, then saves
        os.close(go_w)
        os.read(go_r, 1)
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
        become_soreadvisor(["profile", "set", "--region", "uk"], dict(os.environ))
    os.close(go_r)
    (private_home / f".profile.{pid}.tmp").symlink_to(precious)
    os.write(go_w, b"x")
    os.close(go_w)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert precious.read_text() == "keep me\n"
    assert json.loads((private_home / "profile.json").read_text())["region"] == "uk"
    assert mode(private_home / "profile.json") == 0o600


# --- 4: a stale profile never blocks the warning-sign screen ----------------------------------


def save_profile(home: Path, data: object) -> None:
    home.mkdir(mode=0o700, exist_ok=True)
    text = data if isinstance(data, (str, bytes)) else json.dumps(data)
    path = home / "profile.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    os.chmod(path, 0o600)


def test_a_saved_condition_from_a_removed_topic_file_does_not_block_check(private_home):
    save_profile(private_home, {"conditions": ["from-a-removed-file"], "medications": ["gone"]})
    proc = run(*EMERGENCY, "--format", "json")
    assert proc.returncode == 0, err(proc)
    assert json.loads(proc.stdout)["level"] == "emergency"
    [warning] = warnings_of(proc)
    assert "'from-a-removed-file'" in warning and "'gone'" in warning
    assert "left out for this run" in warning


def test_a_stale_saved_id_is_left_out_of_other_advice_too_but_a_typed_one_is_an_error(
    private_home,
):
    save_profile(private_home, {"conditions": ["raynauds", "from-a-removed-file"]})
    proc = run("cope", "--format", "json")
    assert proc.returncode == 0, err(proc)
    assert len(warnings_of(proc)) == 1
    alone = run("cope", "--format", "json", "--no-profile", "--condition", "raynauds")
    assert proc.stdout == alone.stdout  # the known one still counts
    shown = json.loads(run("profile", "show", "--format", "json").stdout)
    assert shown["conditions"] == ["raynauds", "from-a-removed-file"]  # the file is as it was
    typed = run(*EMERGENCY, "--condition", "no-such-condition")
    assert typed.returncode == 1 and "unknown condition" in err(typed)


@pytest.mark.parametrize(
    "content",
    [b'{"age": true}', b'{"conditions": "\xff\xfe"}', b"[" * 100_000, b"\x00not json"],
    ids=["age-true", "not-utf8", "deeply-nested", "binary"],
)
def test_check_answers_even_when_the_saved_profile_cannot_be_used(private_home, content):
    save_profile(private_home, content)
    proc = run(*EMERGENCY, "--format", "json")
    assert proc.returncode == 0, err(proc)
    assert json.loads(proc.stdout)["level"] == "emergency"
    [warning] = warnings_of(proc)
    assert "damaged" in warning and "without your saved profile" in warning


# --- 5: knowledge text never drives the terminal -------------------------------------------

DRIVING = {
    "ESC": "\x1b",
    "BEL": "\x07",
    "CSI (C1)": "\x9b",
    "OSC (C1)": "\x9d",
    "ST (C1)": "\x9c",
    "RLO": "\u202e",
}
HOSTILE = (
    " \x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # an OSC 8 link
    " \x1b[2J\x1b[H"  # clear the screen
    " \x07 \x9b31m \x9d0;title\x9c \u202eevil"
)


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory) -> Path:
    """The shipped topic with terminal controls in its diary messages and questions."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for key in data["diary"]["messages"]:
        data["diary"]["messages"][key] += HOSTILE
    for sign in data["triage"]["signs"]:
        sign["question"] += HOSTILE
    path = tmp_path_factory.mktemp("kb") / f"{DEFAULT_TOPIC}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def assert_inert(shown: str) -> None:
    for name, char in DRIVING.items():
        assert char not in shown, f"{name} reached the terminal"
    assert "\\x1b]8;;https://evil.example" in shown  # shown, as text


def test_log_warnings_from_knowledge_text_cannot_drive_the_terminal(private_home, hostile_kb):
    proc = run("log", "9", "--kb", str(hostile_kb))
    assert proc.returncode == 0, err(proc)
    shown = err(proc)
    assert "Warning: " in shown
    assert_inert(shown)
    assert len(shown.splitlines()) == 2  # the confirmation and one warning: nothing split


def test_interactive_check_questions_cannot_drive_the_terminal(private_home, hostile_kb):
    s = PtySession("check", "--kb", str(hostile_kb), "--no-profile", separate_stdout=False)
    try:
        for _ in range(2):
            s.expect(r"\[y/n/\?\]", timeout=30)
            s.send("n\n")
        s.expect(r"\[y/n/\?\]", timeout=30)
        s.send("\x04")  # end of input: leave
        code = s.wait()
    finally:
        s.close()
    screen = s.screen
    assert code == 130, screen
    assert screen.count("[y/n/?]") >= 3
    assert_inert(screen)


def test_one_rule_for_what_reaches_a_terminal():
    """render.inert (stderr, prompts) and render.safe (reports) escape the same
    characters; safe keeps only the tabs and newlines its layout folds away."""
    from soreadvisor.render import inert, safe

    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x200E, 0x202E, 0x2066]:
        char = chr(code)
        assert char not in inert(f"a{char}b"), hex(code)
        if char not in "\t\n":
            assert safe(f"a{char}b") == inert(f"a{char}b"), hex(code)
    assert inert("line\nbreak") == "line\\nbreak"


# --- 6: reading survives damage, a read-only disk and a full one ----------------------------


def insert(data: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(data / "diary.sqlite3")
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def count(data: Path, table: str) -> int:
    con = sqlite3.connect(data / "diary.sqlite3")
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def damaged(tmp_path) -> Path:
    """A diary of three good scores and a massage, with a bad row of each kind."""
    data = tmp_path / "data"
    assert run("massage", "--at", "5h ago", "--data-dir", str(data)).returncode == 0
    for score, when in (("4", "4h ago"), ("6", "2h ago"), ("5", "1h ago")):
        assert run("log", score, "--at", when, "--data-dir", str(data)).returncode == 0
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - 1800))
    insert(data, "INSERT INTO scores (at, score) VALUES ('yesterday-ish', 3)")  # 4
    insert(data, "INSERT INTO scores (at, score) VALUES (?, 5.5)", now)  # 5
    insert(data, "INSERT INTO scores (at, score, note) VALUES (?, 2, ?)", now, b"\xff\x00")  # 6
    insert(data, "INSERT INTO massages (at) VALUES (12345)")  # massage 2
    insert(data, "INSERT INTO scores (at, score) VALUES ('0001-01-01T00:01:00+00:00', 3)")  # 7
    return data


def test_history_reads_past_bad_rows_naming_each_and_keeps_them(damaged):
    proc = run("history", "--format", "json", "--data-dir", str(damaged))
    assert proc.returncode == 0, err(proc)
    doc = json.loads(proc.stdout)
    scores = [e["score"] for e in doc["entries"]]
    assert scores[:3] == [4, 6, 5] and 2 in scores  # the blob note's score still counts
    said = " ".join(warnings_of(proc))
    for kind, row in (("score", 4), ("score", 5), ("score", 6), ("massage", 2), ("score", 7)):
        assert f"{kind} {row} of the diary" in said, (kind, row, said)
    assert "5.5" in said and "'yesterday-ish'" in said
    assert count(damaged, "scores") == 7 and count(damaged, "massages") == 2


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_export_reads_past_bad_rows_too(damaged, fmt):
    proc = run("diary", "export", "--format", fmt, "--data-dir", str(damaged))
    assert proc.returncode == 0, err(proc)
    assert len(warnings_of(proc)) == 5
    if fmt == "json":
        doc = json.loads(proc.stdout)
        assert len(doc["scores"]) == 4 and len(doc["massages"]) == 1
        assert [s["note"] for s in doc["scores"]].count(None) == 4


def test_a_time_before_1970_is_refused_at_input_and_export_still_works(tmp_path):
    data = tmp_path / "data"
    env = {"TZ": "EST5"}
    proc = run("log", "3", "--at", "0001-01-01T00:00:00-00:01", "--data-dir", str(data), env=env)
    assert "too long ago" in one_error_line(proc, 2)
    assert run("log", "3", "--data-dir", str(data), env=env).returncode == 0
    insert(data, "INSERT INTO scores (at, score) VALUES ('0001-01-01T00:01:00+00:00', 3)")
    exported = run("diary", "export", "--format", "json", "--data-dir", str(data), env=env)
    assert exported.returncode == 0, err(exported)
    assert len(json.loads(exported.stdout)["scores"]) == 1


def _mount_tmpfs(where: Path, size: str = "200k") -> str | None:
    """Mount a small tmpfs at ``where``; the reason it cannot be done, or None."""
    if shutil.which("mount") is None:
        return "no mount command"
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    return None if proc.returncode == 0 else f"cannot mount a tmpfs: {proc.stderr.strip()}"


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    where = tmp_path / "disk"
    where.mkdir(mode=0o700)
    why = _mount_tmpfs(where)
    if why:
        pytest.skip(why)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path) -> None:
    """Fill the disk to its last byte."""
    with open(disk / "filler", "wb", buffering=0) as fh:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == 28, exc
    assert os.statvfs(disk).f_bavail == 0


def logged(data: Path) -> None:
    assert run("massage", "--at", "3h ago", "--data-dir", str(data)).returncode == 0
    for score in ("4", "6"):
        assert run("log", score, "--note", "très raide", "--data-dir", str(data)).returncode == 0


def assert_reading_works(data: Path) -> None:
    history = run("history", "--format", "json", "--data-dir", str(data))
    assert history.returncode == 0, err(history)
    assert [e["score"] for e in json.loads(history.stdout)["entries"]] == [4, 6]
    for fmt in ("csv", "json", "markdown"):
        exported = run("diary", "export", "--format", fmt, "--data-dir", str(data))
        assert exported.returncode == 0, err(exported)
        assert "très raide" in exported.stdout.decode("utf-8")


def test_history_and_export_work_on_a_read_only_disk(small_disk):
    data = small_disk / "soreadvisor"
    logged(data)
    proc = subprocess.run(
        ["mount", "-o", "remount,ro", str(small_disk)], capture_output=True, text=True
    )
    if proc.returncode:
        pytest.skip(f"cannot remount read-only: {proc.stderr.strip()}")
    assert_reading_works(data)
    line = one_error_line(run("log", "5", "--data-dir", str(data)))
    assert "Read-only file system" in line, line


def test_history_and_export_work_on_a_full_disk_and_a_write_says_it_is_full(small_disk):
    data = small_disk / "soreadvisor"
    logged(data)
    fill(small_disk)
    assert_reading_works(data)
    line = one_error_line(run("log", "5", "--data-dir", str(data)))
    assert "the disk is full" in line and "I/O" not in line, line


def test_the_disk_full_message_comes_from_the_code_not_the_words(tmp_path, monkeypatch):
    """A full disk is told by SQLite's error code (and, for an I/O error, by the
    free space), whatever words the error carries."""
    from soreadvisor.diary import store

    if sys.version_info < (3, 11):
        pytest.skip("error codes on sqlite3 errors need Python 3.11")
    exc = sqlite3.OperationalError("le disque est plein")
    exc.sqlite_errorcode = store.SQLITE_FULL  # type: ignore[attr-defined]
    diary = tmp_path / "diary.sqlite3"
    with pytest.raises(store.DiaryError, match="the disk is full"), store._errors(diary, "write"):
        raise exc
    words = sqlite3.OperationalError("database or disk is full")
    words.sqlite_errorcode = store.SQLITE_CANTOPEN  # type: ignore[attr-defined]
    with pytest.raises(store.DiaryError) as caught, store._errors(diary, "write"):
        raise words
    assert "the disk is full" not in str(caught.value)


# --- 7: no silent loss, no internal error -------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_export_under_a_narrow_encoding_is_utf8_and_loses_nothing(tmp_path, encoding):
    data = tmp_path / "data"
    assert run("log", "3", "--where", "Wade – links", "--note", "très raide 😖",
               "--data-dir", str(data)).returncode == 0  # fmt: skip
    for fmt in ("csv", "json", "markdown"):
        proc = run(
            "diary", "export", "--format", fmt, "--data-dir", str(data),
            env={"PYTHONIOENCODING": encoding},
        )  # fmt: skip
        assert proc.returncode == 0 and proc.stderr == b"", err(proc)
        out = proc.stdout.decode("utf-8")  # strictly
        assert "très raide 😖" in out and "Wade – links" in out, out


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "args", [["diary", "export"], ["diary", "export", "--format", "json"], ["cope"]]
)
def test_stdout_on_a_full_device_is_a_clear_error_not_an_internal_one(private_home, args):
    run("log", "4")
    with open("/dev/full", "wb") as full:
        proc = run(*args, stdout=full)
    text = err(proc)
    assert proc.returncode == 1, text
    assert "Traceback" not in text and "internal error" not in text
    [line] = text.splitlines()
    assert "No space left on device" in line


@pytest.mark.parametrize(
    "content",
    [b'{"conditions": ["caf\xe9"]}', b"[" * 100_000, b'{"age": true}', b'{"age": -5}',
     b'{"pregnant_weeks": 1000}', b'{"age": 131}', b'{"conditions": "raynauds"}',
     b'{"region": 5}'],
    ids=["latin-1", "deeply-nested", "age-true", "age-negative", "pregnant-1000",
         "age-131", "conditions-not-a-list", "region-number"],
)  # fmt: skip
def test_a_profile_the_flags_would_refuse_is_damaged_not_an_internal_error(private_home, content):
    save_profile(private_home, content)
    for args in (["profile", "show"], ["cope"]):
        line = one_error_line(run(*args))
        assert "is damaged" in line and "profile clear" in line


def test_the_profile_bounds_are_the_flags_bounds(private_home):
    save_profile(private_home, {"age": 130, "pregnant_weeks": 45})
    assert run("profile", "show").returncode == 0
    assert run("cope", "--age", "131").returncode == 2
    assert run("cope", "--pregnant-weeks", "46").returncode == 2


@pytest.mark.parametrize(
    "args",
    [["log", "5"], ["massage"], ["history"], ["diary", "export"], ["diary", "path"],
     ["diary", "delete", "--all", "--yes"]],
)  # fmt: skip
def test_an_empty_data_dir_is_a_usage_error_not_the_current_directory(tmp_path, args):
    proc = run(*args, "--data-dir", "", cwd=tmp_path)
    line = one_error_line(proc, 2)
    assert "--data-dir" in line and "empty" in line
    assert list(tmp_path.iterdir()) == []


def test_plan_after_a_massage_dated_in_the_future_says_so_instead_of_negative_hours(
    private_home,
):
    assert run("massage", "--at", "1h ago").returncode == 0
    insert(private_home, "INSERT INTO massages (at) VALUES ('2099-01-01T00:00:00+00:00')")
    proc = run("plan")
    line = one_error_line(proc)
    assert "in the future" in line and "--since" in line
    assert not re.search(r"-\d", line.split("(")[0])
    assert run("plan", "--since", "30h").returncode == 0  # --since still answers
