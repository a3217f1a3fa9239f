"""The second attack review (issue 20): another user, bad bytes, odd zones, full disks.

Each numbered case of the issue is a real soreadvisor process here, attacked as
it would be: another Unix user (nobody, through ``setpriv``) plants files, the
disk is a small tmpfs filled to its last byte, stdout and stderr are
``/dev/full`` or closed, the time zone is one the C library accepts and Python
cannot use. Cases the machine does not allow are skipped with the reason.

1. what another user prepares never changes the advice (``paths.distrust``);
2. a file written for the user (``handout -o``, ``diary export -o``) is a new
   private file renamed into place (``soreadvisor.files``);
3. text in the diary that is not UTF-8 is shown with replacement marks;
4. a time zone 24 hours or more from UTC is refused in one line;
5. reading a time is linear (a CPU-time limit in the child, not wall time);
6. a saved score or massage exits 0 whatever happens to stderr after;
7. CSV neutralises formulas and is inert on a terminal; Markdown cells hold;
8. a full stdout is one line and status 1 for every command; huge numbers are
   usage errors;
9. every format character (Unicode Cf) is made visible.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import run_on_pty, screen_text, with_changes
from test_local_attacker import (
    EMERGENCY,
    as_nobody,
    err,
    fill,
    mode,
    one_error_line,
    run,
    two_users,
    warnings_of,
)
from test_local_attacker import shared as shared  # fixtures, used by name
from test_local_attacker import small_disk as small_disk

from soreadvisor.kb.store import DEFAULT_TOPIC

SOFTENED = (
    "triage:\n  signs:\n    - id: breathless\n      text: Sudden shortness of breath\n"
    "      question: Are you suddenly short of breath?\n      level: self-care\n"
    "      references: [R24]\n"
)
HOME_ONLY = {"SOREADVISOR_KB": None}


def scores_in(data: Path) -> int:
    with sqlite3.connect(data / "diary.sqlite3") as con:
        return con.execute("SELECT COUNT(*) FROM scores").fetchone()[0]


# --- 1: what another user plants never changes the advice -------------------------------------


def assert_emergency_and_one_warning(proc: subprocess.CompletedProcess, planted: Path) -> None:
    text = err(proc)
    assert proc.returncode == 0, text
    out = proc.stdout.decode()
    assert "emergency" in out.lower() and "look after this at home" not in out, out
    named = [w for w in warnings_of(proc) if str(planted) in w]
    assert len(named) == 1 and "built-in knowledge" in named[0], text


@two_users
def test_a_topic_file_another_user_planted_in_a_shared_home_does_not_change_triage(shared):
    home = shared / "home"
    planted = home / "topics" / f"{DEFAULT_TOPIC}.yaml"
    made = as_nobody(
        f"mkdir -m 777 {home} {home}/topics; cat > {planted} <<'EOF'\n{SOFTENED}EOF\n"
        f"chmod 666 {planted}"
    )
    assert made.returncode == 0, made.stderr
    env = {**HOME_ONLY, "SOREADVISOR_HOME": str(home)}
    proc = run("check", "--symptom", "breathless", env=env)
    assert_emergency_and_one_warning(proc, planted)


@two_users
def test_a_topic_file_of_another_user_in_a_folder_of_ours_is_refused_too(private_home, shared):
    home = shared / "home"
    (home / "topics").mkdir(parents=True, mode=0o755)
    os.chmod(home / "topics", 0o777)  # nobody may create in it: a folder others can change
    planted = home / "topics" / f"{DEFAULT_TOPIC}.yaml"
    made = as_nobody(f"cat > {planted} <<'EOF'\n{SOFTENED}EOF\n")
    assert made.returncode == 0, made.stderr
    env = {**HOME_ONLY, "SOREADVISOR_HOME": str(home)}
    assert_emergency_and_one_warning(run("check", "--symptom", "breathless", env=env), planted)
    # --kb (a folder the user names) follows the same rule
    proc = run("check", "--symptom", "breathless", "--kb", str(home / "topics"), env=env)
    assert_emergency_and_one_warning(proc, planted)


def test_an_own_topic_file_others_can_write_is_refused_and_a_private_one_is_used(
    private_home, tmp_path
):
    home = tmp_path / "home"
    (home / "topics").mkdir(parents=True)
    mine = home / "topics" / f"{DEFAULT_TOPIC}.yaml"
    mine.write_text(SOFTENED)
    env = {**HOME_ONLY, "SOREADVISOR_HOME": str(home)}
    os.chmod(mine, 0o666)
    assert_emergency_and_one_warning(run("check", "--symptom", "breathless", env=env), mine)
    os.chmod(mine, 0o600)  # the control: the user's own private file is theirs to use
    proc = run("check", "--symptom", "breathless", env=env)
    assert "look after this at home" in proc.stdout.decode().lower(), err(proc)
    assert warnings_of(proc) == []


def test_the_trust_rule_is_one_function_the_cache_and_the_store_both_use():
    from soreadvisor.kb import cache, store

    for module in (cache, store):
        source = Path(module.__file__).read_text()
        assert "paths.distrust(" in source or "self._trusted(" in source
        assert "st_uid" not in source and "S_IWOTH" not in source


# --- 2: a sheet or an export is a new private file, renamed into place -------------------------

SAM = ["--client", "Sam", "--condition", "diabetes"]


def sheet_to(path: Path, *extra: str, **kwargs) -> subprocess.CompletedProcess:
    return run("handout", *SAM, "--output", str(path), *extra, **kwargs)


@two_users
def test_force_never_writes_into_another_users_file(private_home, shared):
    theirs, kept = shared / "sheet.html", shared / "their-copy"
    made = as_nobody(f"echo mine > {theirs}; chmod 666 {theirs}; ln {theirs} {kept}")
    assert made.returncode == 0, made.stderr
    proc = sheet_to(theirs, "--force")
    assert proc.returncode == 0, err(proc)
    assert kept.read_text() == "mine\n"  # their file (its other name) never held Sam's sheet
    st = os.lstat(theirs)
    assert st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) == 0o600
    assert "Sam" in theirs.read_text(encoding="utf-8")


def test_force_makes_an_own_readable_sheet_private_and_leaves_a_hard_link_alone(
    private_home, tmp_path
):
    sheet, other = tmp_path / "sam.html", tmp_path / "other-name.html"
    sheet.write_text("old sheet\n")
    os.chmod(sheet, 0o644)
    os.link(sheet, other)
    proc = sheet_to(sheet, "--force")
    assert proc.returncode == 0, err(proc)
    assert mode(sheet) == 0o600 and "Sam" in sheet.read_text(encoding="utf-8")
    assert other.read_text() == "old sheet\n"


@pytest.mark.parametrize("command", ["handout", "export"])
def test_a_full_disk_leaves_the_old_file_and_no_partial_one(private_home, small_disk, command):
    def write(path: Path, *extra: str) -> subprocess.CompletedProcess:
        if command == "handout":
            return sheet_to(path, *extra)
        return run("diary", "export", "--data-dir", str(data), "-o", str(path), *extra)

    data = small_disk.parent / "data"
    data.mkdir(mode=0o700)
    for n in range(40):  # an export bigger than what is left
        note = f"note {n} " + "x" * 2000
        assert run("log", "3", "--note", note, "--data-dir", str(data)).returncode == 0
    old = small_disk / "old.out"
    old.write_bytes(b"the old file\n")
    fill(small_disk)
    before = sorted(p.name for p in small_disk.iterdir())
    refused = write(old, "--force")
    assert refused.returncode == 1 and "full" in one_error_line(refused)
    assert old.read_bytes() == b"the old file\n"
    new = small_disk / "new.out"
    failed = write(new)
    assert failed.returncode == 1 and "full" in one_error_line(failed)
    assert sorted(p.name for p in small_disk.iterdir()) == before  # no partial, no temp file
    (small_disk / "filler").unlink()
    assert write(new).returncode == 0  # the retry is not refused by a half file
    assert mode(new) == 0o600 and new.stat().st_size > 2000


def test_without_force_an_existing_file_is_refused_before_anything_is_written(
    private_home, tmp_path
):
    data = tmp_path / "data"
    assert run("log", "3", "--data-dir", str(data)).returncode == 0
    there = tmp_path / "there.csv"
    there.write_text("keep\n")
    for proc in (
        run("diary", "export", "--data-dir", str(data), "-o", str(there)),
        sheet_to(there),
    ):
        assert "--force" in one_error_line(proc)
    assert there.read_text() == "keep\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "home", "there.csv"]
    proc = run("diary", "export", "--data-dir", str(data), "-o", str(there), "--force")
    assert proc.returncode == 0 and there.read_text().startswith("kind,id,at,score")


# --- 3: text that is not UTF-8 ------------------------------------------------------------------


def latin1_diary(data: Path) -> None:
    assert run("massage", "--at", "3h ago", "--data-dir", str(data)).returncode == 0
    assert run("log", "4", "--data-dir", str(data)).returncode == 0
    with sqlite3.connect(data / "diary.sqlite3") as con:  # Latin-1 bytes stored as text
        con.execute("UPDATE scores SET note = CAST(X'63616c66e9' AS TEXT), location = note")
        con.execute("UPDATE scores SET location = CAST(X'6dfb6c6c6572' AS TEXT)")
        con.execute("UPDATE massages SET note = CAST(X'e97465' AS TEXT)")


@pytest.mark.parametrize(
    "args",
    [
        ["history"],
        ["history", "--format", "json"],
        ["history", "--format", "markdown"],
        ["diary", "export"],
        ["diary", "export", "--format", "json"],
        ["diary", "export", "--format", "markdown"],
        ["log", "5"],
    ],
)
def test_text_that_is_not_utf8_is_shown_with_marks_and_named_once(private_home, tmp_path, args):
    data = tmp_path / "data"
    latin1_diary(data)
    proc = run(*args, "--data-dir", str(data))
    text = err(proc)
    assert proc.returncode == 0, text
    named = [w for w in warnings_of(proc) if "not UTF-8" in w]
    assert len(named) == 1, text
    if args[0] != "log":
        out = proc.stdout.decode("utf-8")
        assert "calf\ufffd" in out or "calf\\ufffd" in out, out
        if "json" in args:
            json.loads(out)  # a whole document
    assert scores_in(data) == (2 if args[0] == "log" else 1)


# --- 4: time zones the C library accepts --------------------------------------------------------


@pytest.mark.parametrize("zone", ["UTC+24", "XXX-24:59"])
def test_a_zone_a_day_away_is_refused_in_one_line_before_anything_is_saved(
    private_home, tmp_path, zone
):
    data = tmp_path / "data"
    env = {"TZ": zone}
    for args in (["log", "3"], ["massage"], ["history"], ["diary", "export"], ["plan"]):
        proc = run(*args, "--data-dir", str(data), env=env) if args[0] != "plan" else None
        if proc is None:
            proc = run("plan", "--at", "3h", env=env)
        line = one_error_line(proc)
        assert "time zone" in line and zone in line, line
    assert not (data / "diary.sqlite3").exists()
    # The warning-sign screen never depends on the clock
    assert run(*EMERGENCY, env=env).returncode == 0


# --- 5: reading a time is linear ------------------------------------------------------------------


def _cpu_limit() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))


@pytest.mark.parametrize("words", [28, 20_000])
def test_reading_a_hostile_time_stays_within_a_cpu_limit(private_home, words):
    hostile = "1h " * words + "!"
    proc = subprocess.run(
        [sys.executable, "-m", "soreadvisor", "log", "3", "--at", hostile],
        env=with_changes(None),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        preexec_fn=_cpu_limit,
        timeout=600,
    )
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-300:])  # not SIGXCPU (-24)
    assert b"cannot read the time" in proc.stderr


# --- 6: the exit status says whether the data was saved --------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command", [["log", "3"], ["massage"]])
@pytest.mark.parametrize("stderr", ["closed", "full", "full-unbuffered"])
def test_a_saved_entry_exits_0_whatever_happens_to_stderr(private_home, tmp_path, command, stderr):
    data = tmp_path / "data"
    env = {"PYTHONUNBUFFERED": "1"} if stderr == "full-unbuffered" else None
    args = [sys.executable, "-m", "soreadvisor", *command, "--data-dir", str(data)]
    if stderr == "closed":
        proc = subprocess.run(
            ["sh", "-c", '"$@" 2>&-', "sh", *args], env=with_changes(env), timeout=60
        )
    else:
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(args, env=with_changes(env), stderr=full, timeout=60)
    assert proc.returncode == 0
    with sqlite3.connect(data / "diary.sqlite3") as con:
        table = "scores" if command[0] == "log" else "massages"
        assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 1


# --- 7: exports -------------------------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_an_export_to_a_full_stdout_is_one_line_and_status_1(private_home, tmp_path, fmt):
    data = tmp_path / "data"
    args = [sys.executable, "-m", "soreadvisor", "log", "3", "--data-dir", str(data)]
    assert subprocess.run(args, env=with_changes(None), timeout=60).returncode == 0
    export = [sys.executable, "-m", "soreadvisor", "diary", "export", "--format", fmt]
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [*export, "--data-dir", str(data)],
            env=with_changes(None),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert proc.returncode == 1
    lines = proc.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("soreadvisor: error: cannot write"), lines
    with sqlite3.connect(data / "diary.sqlite3") as con:  # the diary is untouched
        assert con.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 1


FORMULAS = ["=1+1", "+41", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_csv_neutralises_formula_triggers_as_owasp_advises(private_home, tmp_path):
    import csv
    import io

    data = tmp_path / "data"
    assert run("log", "3", "--data-dir", str(data)).returncode == 0
    with sqlite3.connect(data / "diary.sqlite3") as con:  # as another program may store them
        con.executemany(
            "INSERT INTO scores (at, score, location, note) VALUES (?, 3, ?, ?)",
            [("2026-01-02T10:00:00+00:00", f"{f} end", f"{f} end") for f in FORMULAS],
        )
        con.execute("DELETE FROM scores WHERE note IS NULL")
    proc = run("diary", "export", "--data-dir", str(data))
    rows = list(csv.DictReader(io.StringIO(proc.stdout.decode(), newline="")))
    notes = sorted(r["note"] for r in rows)
    assert all(n.startswith("'") for n in notes), notes
    assert sorted(n[1:] for n in notes) == sorted(f"{f} end" for f in FORMULAS)
    assert all(r["where"].startswith("'") for r in rows)


def test_csv_on_a_terminal_escapes_controls_like_the_other_formats(private_home, tmp_path):
    data = tmp_path / "data"
    note = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[2J"
    assert run("log", "3", "--note", note, "--data-dir", str(data)).returncode == 0
    status, screen = run_on_pty("diary", "export", "--data-dir", str(data))
    assert status == 0
    assert b"\x1b" not in screen and b"\x07" not in screen
    assert "\\x1b]8;;https://evil.example\\x07click" in screen_text(screen)


def test_markdown_cells_survive_pipes_in_code_spans_backticks_and_newlines(private_home, tmp_path):
    from markdown_it import MarkdownIt

    data = tmp_path / "data"
    note = "a `x|y` b | c ``` d\nsecond line ` end"
    assert run("log", "3", "--note", note, "--data-dir", str(data)).returncode == 0
    proc = run("diary", "export", "--format", "markdown", "--data-dir", str(data))
    tokens = MarkdownIt("commonmark").enable("table").parse(proc.stdout.decode())
    rows, cells = [], []
    for token in tokens:
        if token.type == "tr_open":
            cells = []
        elif token.type == "inline" and cells is not None:
            cells.append(token.content)
        elif token.type == "tr_close":
            rows.append(cells)
    assert [len(r) for r in rows] == [6, 6], rows
    rendered = MarkdownIt("commonmark").enable("table").render(proc.stdout.decode())
    assert "end" in rendered.split("<tbody>")[1]


# --- 8: a full stdout, huge numbers ------------------------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["diary", "path"],
        ["kb", "path"],
        ["profile", "path"],
        ["--version"],
        ["--help"],
        ["cope", "--help"],
        ["kb", "schema"],
    ],
)
def test_every_command_on_a_full_stdout_is_one_line_and_status_1(private_home, args):
    with open("/dev/full", "wb") as full:
        proc = run(*args, stdout=full)
    text = err(proc)
    assert proc.returncode == 1, text
    assert "Exception ignored" not in text and "internal error" not in text
    [line] = text.splitlines()
    assert line.startswith("soreadvisor: error: cannot write the answer"), line


@pytest.mark.parametrize(
    "args",
    [
        ["history", "--limit", "99999999999999999999999"],
        ["history", "--limit", "-1"],
        ["diary", "delete", "--id", "99999999999999999999999", "--yes"],
    ],
)
def test_a_huge_number_is_a_usage_error(private_home, args):
    assert run("log", "3").returncode == 0
    line = one_error_line(run(*args), code=2)
    assert "must be from" in line
    assert run("history", "--format", "json").returncode == 0


# --- 9: invisible characters ---------------------------------------------------------------


def test_every_format_character_is_made_visible():
    from soreadvisor.render import inert, safe

    format_chars = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf"]
    assert len(format_chars) > 150
    for ch in format_chars:
        assert ch not in inert(f"a{ch}b") and ch not in safe(f"a{ch}b"), hex(ord(ch))


def test_invisible_characters_in_a_note_reach_no_screen(private_home, tmp_path):
    data = tmp_path / "data"
    hidden = "\u061c\u200b\u2060\ufeff\U000e0041"
    assert run("log", "3", "--note", f"a{hidden}b", "--data-dir", str(data)).returncode == 0
    for args in (["history"], ["diary", "export", "--format", "markdown"]):
        out = run(*args, "--data-dir", str(data)).stdout.decode()
        assert not any(ch in out for ch in hidden), out
        assert all(ch.encode("unicode_escape").decode()[1:] in out for ch in hidden), out
    status, screen = run_on_pty("history", "--data-dir", str(data))
    assert status == 0 and not any(ch in screen_text(screen) for ch in hidden)


# --- also seen: a relative SOREADVISOR_HOME -----------------------------------------------------


def test_a_relative_home_is_ignored_with_one_warning_never_taken_from_the_current_folder(
    private_home, tmp_path
):
    env = {"SOREADVISOR_HOME": "relative-home", "HOME": str(tmp_path / "user")}
    env.update(dict.fromkeys(["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"]))
    proc = run("log", "3", env=env, cwd=tmp_path)
    assert proc.returncode == 0, err(proc)
    assert not (tmp_path / "relative-home").exists()
    [warning] = warnings_of(proc)
    assert "'relative-home' is not an absolute path" in warning
    assert (tmp_path / "user" / ".local" / "share" / "soreadvisor" / "diary.sqlite3").exists()


# --- also seen: deleting the diary on a full disk ---------------------------------------------


def test_the_whole_diary_can_be_deleted_on_a_full_disk(private_home, small_disk):
    data = small_disk / "data"
    assert run("massage", "--at", "3h ago", "--data-dir", str(data)).returncode == 0
    assert run("log", "4", "--note", "private", "--data-dir", str(data)).returncode == 0
    fill(small_disk)
    proc = run("diary", "delete", "--all", "--yes", "--data-dir", str(data))
    assert proc.returncode == 0, err(proc)
    assert "1 score and 1 massage" in err(proc)
    assert list(data.iterdir()) == []  # nothing of the health data is left
    history = run("history", "--format", "json", "--data-dir", str(data))
    assert history.returncode == 0 and "private" not in history.stdout.decode()
