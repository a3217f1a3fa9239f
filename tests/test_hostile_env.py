"""A hostile environment: pipes that close, narrow encodings, odd terminals, Ctrl-C,
homes that are missing, read-only or not directories, and bugs of our own.

Real processes wherever the environment is the point (a pipe, a locale, a pty,
a signal); in-process only to plant an internal error.

Pinned elsewhere, not repeated here: `explain | head -n 1` and `| true` for a few
commands, `>&-`, NO_COLOR over FORCE_COLOR in a pipe, TERM=dumb on a terminal
(tests/test_cli.py); Ctrl-C typed at the interactive `check` (tests/test_check_pty.py);
a home under a file and a read-only home for `log` (tests/test_diary_cli.py).

Tests run as root in CI, and root ignores file permissions: each permission case
is skipped for root and also covered by a path that fails for root too (a home
under /proc, a user directory that is a symlink loop).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PtySession, run_on_pty, screen_text, with_changes
from rich.cells import cell_len

import soreadvisor.advice.cope
from soreadvisor.kb.store import DEFAULT_TOPIC

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"
SGR = re.compile(r"\x1b\[[0-9;]*m")
COLOUR_SGR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")
ROOT = os.geteuid() == 0
not_as_root = pytest.mark.skipif(ROOT, reason="root ignores file permissions")


def argv_of(*args: str) -> list[str]:
    return [sys.executable, "-m", "soreadvisor", *args]


def run(
    *args: str, env: dict[str, str | None] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """soreadvisor as a real process: stdin closed, stdout and stderr captured as bytes."""
    full = with_changes(env)
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(argv_of(*args), env=full, stdin=subprocess.DEVNULL, timeout=60, **kwargs)


def text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The single line of a failed run; stdout empty, no traceback."""
    err = text(proc.stderr)
    assert proc.returncode not in (0, 70), (proc.returncode, err)
    assert proc.stdout == b"", text(proc.stdout)[:300]
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("soreadvisor: error: "), lines[0]
    return lines[0]


@pytest.fixture
def scores(private_home):
    """A diary with a massage 30 h ago and two scores since, in this test's home."""
    from datetime import datetime, timedelta, timezone

    from soreadvisor.diary.store import Diary

    now = datetime.now(timezone.utc)
    with Diary.open(write=True) as diary:
        diary.add_massage(now - timedelta(hours=30), "deep", "first time")
        diary.add_score(now - timedelta(hours=20), 6, "calves", "stiff on the stairs")
        diary.add_score(now - timedelta(hours=2), 4)


# --- pipes -------------------------------------------------------------------------------

HEAD_CASES = {
    "cope-rich-colour": "cope --severity high --format rich --color always",
    "history": "history --format plain",
    "topics": "topics",
    "check-list-json": "check --list --format json",
    "help": "--help",
    "command-help": "cope --help",
}


@pytest.mark.parametrize("case", sorted(HEAD_CASES))
def test_piped_into_head_the_first_line_arrives_and_nothing_else_is_said(case, scores, tmp_path):
    command = f"{sys.executable} -m soreadvisor {HEAD_CASES[case]}"
    whole = subprocess.run(["bash", "-c", command], capture_output=True, timeout=60)
    assert whole.returncode == 0
    proc = subprocess.run(["bash", "-c", f"{command} | head -n 1"], capture_output=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout == whole.stdout.split(b"\n")[0] + b"\n"
    assert proc.stderr == b"", text(proc.stderr)  # whether or not the pipe closed in time


def into_a_closed_pipe(*args: str) -> tuple[int, str]:
    """Run with stdout a pipe whose reader is already gone: the first write fails."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            argv_of(*args),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    finally:
        os.close(write_end)
    return proc.returncode, text(proc.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ("cope", "--format", "rich", "--color", "always"),
        ("explain", "--format", "rich"),
        ("history", "--format", "rich"),
        ("cope", "--format", "markdown"),
        ("sources", "--format", "json"),
        ("check", "--list", "--format", "plain"),
        ("kb", "schema"),
        ("--version",),
        ("--help",),
        ("diary", "export"),
        ("kb", "path"),
    ],
    ids=" ".join,
)
def test_a_reader_already_gone_ends_the_run_quietly_with_141(args):
    code, err = into_a_closed_pipe(*args)
    assert err == ""
    assert code == 141


# --- narrow encodings -------------------------------------------------------------------------

ENCODINGS = {
    "C-locale": ({"LANG": "C", "LC_ALL": "C"}, "utf-8"),  # Python coerces C to UTF-8
    "C-locale-uncoerced": (
        {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
        "ascii",
    ),
    "PYTHONIOENCODING=ascii": ({"PYTHONIOENCODING": "ascii"}, "ascii"),
    "PYTHONIOENCODING=latin-1": ({"PYTHONIOENCODING": "latin-1"}, "latin-1"),
}
ENCODED_COMMANDS = {  # a headline, warnings and bullets; a table and a chart
    "cope": ["cope", "--severity", "high", "--no-profile"],
    "history": ["history"],
}


@pytest.mark.parametrize("fmt", ["rich", "plain", "markdown", "json"])
@pytest.mark.parametrize("command", sorted(ENCODED_COMMANDS))
@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_a_narrow_encoding_gives_readable_output_and_valid_json(cli, scores, case, command, fmt):
    env, encoding = ENCODINGS[case]
    args = [*ENCODED_COMMANDS[command], "--format", fmt]
    utf8 = cli(*args).out  # in-process, into UTF-8
    proc = run(*args, env=env)
    assert proc.returncode == 0
    assert proc.stderr == b"", text(proc.stderr)
    out = proc.stdout.decode(encoding)  # strictly: every byte is of the encoding
    if encoding == "utf-8":
        assert out == utf8
    elif fmt == "json":
        assert json.loads(out) == json.loads(utf8), "lossless \\u escapes"
    else:  # readable: stand-ins for punctuation, never a character lost to '?'
        assert out.count("?") == utf8.count("?"), out


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_a_narrow_encoding_keeps_errors_and_help_readable(case, tmp_path):
    env, encoding = ENCODINGS[case]
    missing = tmp_path / "Übungen–ünï.yaml"
    line = one_error_line(run("explain", "--kb", str(missing), env=env))
    assert "does not exist" in line
    helped = run("--help", env=env)
    assert helped.returncode == 0 and helped.stderr == b""
    assert "Usage" in helped.stdout.decode(encoding)


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_a_narrow_encoding_exports_a_diary_with_non_ascii_notes(case, scores):
    from datetime import datetime, timezone

    from soreadvisor.diary.store import Diary

    with Diary.open(write=True) as diary:
        diary.add_score(datetime.now(timezone.utc), 3, "Wade – links", "très raide")
    env, _ = ENCODINGS[case]
    for fmt in ("csv", "json", "markdown"):
        proc = run("diary", "export", "--format", fmt, env=env)
        assert proc.returncode == 0 and proc.stderr == b"", text(proc.stderr)
        out = proc.stdout.decode("utf-8")  # an export is UTF-8 whatever the locale: no '?'
        assert "très raide" in out and "Wade – links" in out
        if fmt == "json":
            assert json.loads(out)


@pytest.mark.parametrize("option", ["--note", "--where"])
def test_a_note_typed_in_a_latin_1_terminal_is_saved_or_refused_clearly(private_home, option):
    proc = subprocess.run(
        [*argv_of("log", "5"), option.encode(), b"caf\xe9 cr\xe8me"],  # Latin-1 bytes
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode != 70, text(proc.stderr)
    if proc.returncode:
        one_error_line(proc)


# --- odd terminals ------------------------------------------------------------------------------


def test_term_dumb_with_rich_asked_for_keeps_the_layout_and_sends_no_escape_codes(private_home):
    env = {"TERM": "dumb", "NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": "100"}
    code, screen = run_on_pty("cope", "--format", "rich", env=env)
    assert code == 0 and b"\x1b" not in screen
    piped = run("cope", "--format", "rich", env={"TERM": "dumb"})
    assert piped.returncode == 0 and b"\x1b" not in piped.stdout


def test_no_color_beats_force_color_on_a_terminal_too(private_home):
    env = {"TERM": "xterm-256color", "NO_COLOR": "1", "FORCE_COLOR": "1", "COLUMNS": "100"}
    code, screen = run_on_pty("cope", env=env)
    out = screen_text(screen)
    # NO_COLOR removes the colour; bold and underline stay on a terminal
    assert code == 0 and not COLOUR_SGR.search(out) and out.startswith("\x1b[1;4m")
    code, screen = run_on_pty("--help", env=env)
    assert code == 0 and not COLOUR_SGR.search(screen_text(screen)), (
        "help may be bold, never coloured"
    )


NARROW_COMMANDS = {
    "explain": ["explain"],
    "cope": ["cope", "--severity", "high", "--no-profile"],
    "prevent": ["prevent"],
    "sources": ["sources"],
    "check": ["check", "--none", "--no-profile"],
    "plan": ["plan", "--since", "30h", "--no-profile"],
    "profile": ["profile", "show"],
}


def words(out: bytes) -> str:
    """The text without colour or whitespace: what wrapping must not change."""
    return re.sub(r"\s", "", SGR.sub("", text(out)))


@pytest.mark.parametrize("command", sorted(NARROW_COMMANDS))
def test_columns_20_wraps_rich_output_to_20_cells_and_loses_nothing(cli, monkeypatch, command):
    args = [*NARROW_COMMANDS[command], "--format", "rich", "--color", "always"]
    narrow = run(*args, env={"COLUMNS": "20"})
    assert narrow.returncode == 0 and narrow.stderr == b""
    lines = SGR.sub("", text(narrow.stdout)).splitlines()
    assert max(cell_len(line) for line in lines) <= 20, max(lines, key=cell_len)
    monkeypatch.setenv("COLUMNS", "200")
    assert words(narrow.stdout) == words(cli(*args).out.encode())


def test_a_table_and_chart_fit_20_columns(scores):
    proc = run("history", "--format", "rich", env={"COLUMNS": "20"})
    assert proc.returncode == 0 and proc.stderr == b""
    assert max(cell_len(line) for line in text(proc.stdout).splitlines()) <= 20


@pytest.mark.parametrize("columns", ["0", "1", "-5", "abc", "99999999", ""])
def test_a_nonsense_columns_value_still_shows_everything(cli, columns):
    proc = run("explain", "--format", "rich", env={"COLUMNS": columns})
    assert proc.returncode == 0 and proc.stderr == b""
    usual = cli("explain", "--format", "rich").out.encode()  # COLUMNS unset: 80
    assert words(proc.stdout) == words(usual) != ""


# --- Ctrl-C -------------------------------------------------------------------------------------


def interrupt_at_the_prompt(prompt: str, how: str, *args: str) -> tuple[int, str]:
    """Start soreadvisor on a pty, wait for ``prompt``, then Ctrl-C it (typed or sent)."""
    s = PtySession(*args, separate_stdout=False)
    try:
        s.expect(re.escape(prompt), timeout=20)
        if how == "typed":
            s.send("\x03")
        else:
            os.kill(s.pid, signal.SIGINT)
        code = s.wait(timeout=10)
    finally:
        s.close()
    return code, s.screen


@pytest.mark.parametrize("how", ["typed", "sent"])
def test_ctrl_c_at_the_delete_prompt_leaves_quietly_and_deletes_nothing(scores, how):
    code, screen = interrupt_at_the_prompt("[y/N]", how, "diary", "delete", "--all")
    assert code == 130
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen
    history = run("history", "--format", "json")
    assert len(json.loads(history.stdout)["entries"]) == 2


def test_sigint_sent_to_the_interactive_check_leaves_quietly(private_home):
    code, screen = interrupt_at_the_prompt("[y/n/?]", "sent", "check", "--format", "json")
    assert code == 130
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen


# Ctrl-C while the CLI is still importing its framework (most of a run's ~0.15 s):
# a meta-path hook sends SIGINT the moment `typer` is imported, every time.
CTRL_C_DURING_IMPORT = """
import os, runpy, signal, sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

signal.signal(signal.SIGINT, signal.default_int_handler)  # as if started from a shell
sys.meta_path.insert(0, CtrlC())
sys.argv = ["soreadvisor", "cope"]
runpy.run_module("soreadvisor", run_name="__main__", alter_sys=True)
"""


def test_ctrl_c_during_start_up_leaves_quietly(private_home):
    proc = subprocess.run(
        [sys.executable, "-c", CTRL_C_DURING_IMPORT], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode in (130, -signal.SIGINT)
    assert "Traceback" not in proc.stderr and "KeyboardInterrupt" not in proc.stderr
    assert proc.stdout == ""


# --- homes that are missing, read-only, or not directories ------------------------------------

ADVICE = [
    ["cope", "--severity", "high"],
    ["check", "--none"],
    ["plan", "--since", "30h"],
    ["history"],
    ["topics"],
]


def assert_advice_works(env: dict[str, str | None]) -> None:
    for args in ADVICE:
        proc = run(*args, "--format", "plain", env=env)
        assert proc.returncode == 0, (args, text(proc.stderr))
        assert proc.stdout.strip(), args
        assert proc.stderr == b"", (args, text(proc.stderr))


def test_advice_works_when_home_does_not_exist(tmp_path):
    env: dict[str, str | None] = {"HOME": str(tmp_path / "no-such-home"), "SOREADVISOR_HOME": None}
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = None
    assert_advice_works(env)


def test_advice_works_when_soreadvisor_home_does_not_exist(tmp_path):
    assert_advice_works({"SOREADVISOR_HOME": str(tmp_path / "missing" / "deeper")})


@not_as_root
def test_a_read_only_home_still_gives_advice_and_says_why_it_cannot_save(tmp_path):
    home = tmp_path / "read-only"
    home.mkdir()
    home.chmod(0o500)
    try:
        assert_advice_works({"SOREADVISOR_HOME": str(home)})
        line = one_error_line(
            run("profile", "set", "--age", "40", env={"SOREADVISOR_HOME": str(home)})
        )
        assert "Permission denied" in line
    finally:
        home.chmod(0o700)


PROC_HOME = "/proc/soreadvisor-home"  # mkdir fails there for root too


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_a_home_nothing_can_be_written_to_still_gives_advice(private_home):
    assert_advice_works({"SOREADVISOR_HOME": PROC_HOME})


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
@pytest.mark.parametrize(
    "args,what",
    [
        (["log", "5"], f"cannot write the diary at '{PROC_HOME}/diary.sqlite3': "),
        (["massage"], f"cannot write the diary at '{PROC_HOME}/diary.sqlite3': "),
        (
            ["profile", "set", "--age", "40"],
            f"cannot save the profile to '{PROC_HOME}/profile.json': ",
        ),
    ],
)
def test_a_home_nothing_can_be_written_to_gives_one_line_saying_why(args, what):
    line = one_error_line(run(*args, env={"SOREADVISOR_HOME": PROC_HOME}))
    assert line.startswith(f"soreadvisor: error: {what}")
    assert len(line) > len(f"soreadvisor: error: {what}"), "the reason from the system"


def test_advice_works_when_home_is_a_regular_file(tmp_path):
    home = tmp_path / "a-file"
    home.write_text("not a directory\n")
    assert_advice_works({"SOREADVISOR_HOME": str(home)})


# --- an unreadable user knowledge directory -----------------------------------------------------


def warning_lines(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in text(proc.stderr).splitlines() if line]


@not_as_root
def test_an_unreadable_user_directory_warns_and_answers_from_the_built_in_topic(private_home):
    topics = private_home / "topics"
    topics.mkdir(parents=True, exist_ok=True)
    (topics / f"{DEFAULT_TOPIC}.yaml").write_text("title: mine\n")
    topics.chmod(0)
    try:
        for args in (["cope"], ["topics"]):
            proc = run(*args, "--format", "plain")
            assert proc.returncode == 0 and b"Leg soreness" in proc.stdout
            (line,) = warning_lines(proc)
            assert (
                line.startswith("soreadvisor: warning: cannot read knowledge")
                and str(topics) in line
            )
    finally:
        topics.chmod(0o700)


@pytest.fixture
def looping_user_dir(private_home) -> Path:
    """The user directory is a symlink to itself: unreadable, for root too."""
    private_home.mkdir(parents=True, exist_ok=True)
    topics = private_home / "topics"
    topics.symlink_to(topics)
    return topics


def test_a_looping_user_directory_warns_once_and_lists_the_built_in_topic(looping_user_dir):
    proc = run("topics", "--format", "plain")
    assert proc.returncode == 0
    assert text(proc.stdout).startswith(DEFAULT_TOPIC)
    (line,) = warning_lines(proc)
    assert line.startswith("soreadvisor: warning: cannot read knowledge")
    assert str(looping_user_dir) in line and "built-in" in line


def test_a_looping_user_directory_still_gives_advice(looping_user_dir):
    proc = run("cope", "--format", "plain")
    assert proc.returncode == 0 and b"Leg soreness" in proc.stdout
    assert "Traceback" not in text(proc.stderr)


def test_a_looping_user_directory_is_mentioned_when_giving_advice(looping_user_dir):
    proc = run("cope", "--format", "plain")
    assert proc.returncode == 0
    (line,) = warning_lines(proc)
    assert "cannot read knowledge" in line


# --- internal errors: one line, or the traceback with --debug -------------------------------------


@pytest.fixture
def broken_cope(monkeypatch):
    """An internal error planted in the advice (a bug, not a user mistake)."""
    monkeypatch.setenv("SOREADVISOR_DEBUG", "")  # so --debug's setting is undone afterwards

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(soreadvisor.advice.cope, "cope", boom)


def test_an_internal_error_is_one_line_exit_70_and_points_to_debug(cli, broken_cope):
    result = cli("cope")
    assert result.code == 70
    assert result.out == ""
    (line,) = result.err.splitlines()
    assert line.startswith("soreadvisor: error: internal error (RuntimeError: boom)")
    assert "--debug" in line and "Traceback" not in result.err


def test_debug_option_lets_the_traceback_through(cli, broken_cope):
    with pytest.raises(RuntimeError, match="boom"):
        cli("--debug", "cope")


def test_debug_environment_variable_lets_the_traceback_through(cli, broken_cope, monkeypatch):
    monkeypatch.setenv("SOREADVISOR_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli("cope")


PLANTED = """
import sys
import soreadvisor.advice.cope
message = sys.argv.pop(1)
def boom(*args, **kwargs):
    raise RuntimeError(message)
soreadvisor.advice.cope.cope = boom
from soreadvisor.cli import main
main(sys.argv[1:])
"""


def planted(
    message: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PLANTED, message, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, **(env or {})),
    )


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_real_process_shows_the_traceback_only_when_asked(private_home, how):
    quiet = planted("boom", "cope")
    assert quiet.returncode == 70 and "Traceback" not in quiet.stderr
    assert len(quiet.stderr.splitlines()) == 1
    if how == "option":
        loud = planted("boom", "--debug", "cope")
    else:
        loud = planted("boom", "cope", env={"SOREADVISOR_DEBUG": "1"})
    assert loud.returncode != 0
    assert "Traceback (most recent call last)" in loud.stderr
    assert loud.stderr.rstrip().endswith("RuntimeError: boom")
    assert loud.stdout == ""


def test_an_internal_error_with_a_multi_line_message_is_still_one_line(private_home):
    proc = planted("boom\nsecond line", "cope")
    assert proc.returncode == 70
    assert len(proc.stderr.splitlines()) == 1, proc.stderr


# --- every error: stderr only, one line, non-zero ----------------------------------------------


@pytest.fixture
def bad_file(tmp_path) -> Path:
    path = tmp_path / f"{DEFAULT_TOPIC}.yaml"
    path.write_text("title: x\ntitle: y\n")
    return path


ERRORS = {
    "unknown topic": ["explain", "--topic", "no-such-topic"],
    "unknown cause": ["explain", "no-such-cause"],
    "unknown sign": ["check", "--symptom", "no-such-sign"],
    "unknown condition": ["cope", "--condition", "no-such-condition"],
    "missing --kb": ["cope", "--kb", "/no/such/knowledge"],
    "bad knowledge": ["cope", "--kb", "{bad_file}"],
    "score off the scale": ["log", "eleven"],
    "unreadable time": ["log", "5", "--at", "next blue moon"],
    "no massage for plan": ["plan"],
    "impossible window": ["history", "--days", "0"],
    "no terminal for check": ["check"],
    "nothing found": ["search", "zzzqqqxxx"],
    "delete without --all": ["diary", "delete"],
    "damaged profile": ["profile", "show"],
    "damaged diary": ["history"],
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_every_error_is_one_line_on_stderr_with_a_non_zero_exit(case, private_home, bad_file):
    private_home.mkdir(parents=True, exist_ok=True)
    if case == "damaged profile":
        (private_home / "profile.json").write_text("{not json")
    if case == "damaged diary":
        (private_home / "diary.sqlite3").write_bytes(b"this is not an SQLite file" * 100)
    args = [a.format(bad_file=bad_file) for a in ERRORS[case]]
    one_error_line(run(*args))
