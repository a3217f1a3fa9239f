"""Shared fixtures: every test runs with a private, empty home and no colour env."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from soreadvisor.kb.models import Topic
from soreadvisor.kb.store import DEFAULT_TOPIC, KnowledgeBase, validate_files

# A safety net for anything that runs before the per-test home is set.
os.environ["SOREADVISOR_HOME"] = tempfile.mkdtemp(prefix="soreadvisor-tests-")

REPO = Path(__file__).resolve().parent.parent
ANSI = "\x1b"
# The program's own words as shipped in English (data/wording/en.yaml), read without the loader.
WORDS: dict[str, str] = yaml.safe_load((REPO / "data" / "wording" / "en.yaml").read_bytes())[
    "wording"
]


def said(words: dict[str, str], key: str, **values: object) -> str:
    """The wording ``key`` with its placeholders filled in, as a reader of the
    YAML would fill them (independently of ``advice.common.phrase``)."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), words[key])


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SOREADVISOR_HOME points at a fresh directory; colour and KB env are cleared."""
    home = tmp_path / "home"
    monkeypatch.setenv("SOREADVISOR_HOME", str(home))
    for var in ("SOREADVISOR_KB", "SOREADVISOR_DEBUG", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    # A long answer on a terminal goes through the pager: a test that wants
    # one sets PAGER itself (less would wait for a key that never comes).
    monkeypatch.setenv("PAGER", "cat")
    # A locale names no region unless a test says so (check takes the region
    # from LC_ALL / LC_MESSAGES / LANG): answers do not depend on the machine.
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    return home


@pytest.fixture(scope="session")
def topic() -> Topic:
    """The shipped topic, validated straight from data/ (no cache involved)."""
    kb = KnowledgeBase(None, REPO / "data" / "topics")
    loaded, problems = validate_files(DEFAULT_TOPIC, kb.sources(DEFAULT_TOPIC))
    assert loaded is not None, problems
    return loaded


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run soreadvisor in-process, as `soreadvisor ARGS` with stdout captured (not a tty)."""
    from soreadvisor.cli import main

    def run(*args: str) -> Result:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def sh():
    """Run soreadvisor as a real process with piped stdout/stderr."""

    def run(
        *args: str, env: dict[str, str] | None = None, input: str | None = None, timeout: float = 60
    ) -> Result:
        full_env = dict(os.environ, **(env or {}))
        proc = subprocess.run(
            [sys.executable, "-m", "soreadvisor", *args],
            capture_output=True,
            text=True,
            env=full_env,
            input=input,
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def india_time():
    """Local time is UTC+05:30 (a POSIX TZ string: no tz database needed)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "IST-5:30"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


# --- on a real terminal ------------------------------------------------------------------


def with_changes(env: dict[str, str | None] | None) -> dict[str, str]:
    """os.environ with ``env`` laid over it; a value of None removes the variable."""
    full = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return full


def become_soreadvisor(args: list[str], env: dict[str, str]) -> None:
    """In a forked child: exec `python -m soreadvisor ARGS`, with SIGINT at its default.
    A test run in the background of a shell without job control inherits SIGINT
    ignored, and an ignored signal stays ignored across exec: Ctrl-C would do nothing."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(sys.executable, [sys.executable, "-m", "soreadvisor", *args], env)
    finally:
        os._exit(127)


def reap(pid: int) -> int:
    """The child's exit status; a child still running is killed first (never hang)."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if not done:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def run_on_pty(
    *args: str, env: dict[str, str | None] | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    """Run soreadvisor with a pseudo-terminal as stdin, stdout and stderr, to the end:
    its exit code and everything the terminal showed (``\\r\\n`` as the pty sends it).
    ``env`` changes os.environ for the child (None removes a variable)."""
    pid, fd = pty.fork()
    if pid == 0:
        become_soreadvisor(list(args), with_changes(env))
    chunks, deadline = [], time.monotonic() + timeout
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                pytest.fail(f"soreadvisor {' '.join(args)} did not finish on a terminal")
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        try:
            code = reap(pid)
        finally:
            os.close(fd)
    return code, b"".join(chunks)


def screen_text(data: bytes) -> str:
    """What a pty showed, as text with plain newlines."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n")


# An independent reading of the Caution schema (models.Caution), shared by the
# tests of cope and of the safety review: a caution with selectors applies when
# the profile has one of its conditions or medications, or all of its
# all_medications, is at least that many weeks pregnant, or is older than
# age_over. A no_profile caution has no selector: it never "applies" here.
def caution_applies(caution, profile) -> bool:
    weeks, age = profile.pregnant_weeks, profile.age
    return bool(
        set(caution.conditions) & set(profile.conditions)
        or set(caution.medications) & set(profile.medications)
        or (caution.all_medications and set(caution.all_medications) <= set(profile.medications))
        or (
            caution.pregnant_from_weeks is not None
            and weeks is not None
            and weeks >= caution.pregnant_from_weeks
        )
        or (caution.age_over is not None and age is not None and age > caution.age_over)
    )


def cautions_rule_out(cautions, profile) -> bool:
    return any(c.level == "avoid" and caution_applies(c, profile) for c in cautions)


def cautions_warn(cautions, profile) -> bool:
    """A caution for this person that does not rule it out ("check with a pharmacist")."""
    return any(c.level != "avoid" and caution_applies(c, profile) for c in cautions)


def remedy_ruled_out(remedy, profile) -> bool:
    """Out as a whole: by a caution of its own, or because every option is out."""
    return cautions_rule_out(remedy.cautions, profile) or (
        bool(remedy.options) and all(cautions_rule_out(o.cautions, profile) for o in remedy.options)
    )


class PtySession:
    """soreadvisor with a pty for stdin/stderr and a pipe for stdout."""

    def __init__(
        self,
        *args: str,
        separate_stdout: bool = True,
        rows: int | None = None,
        columns: int = 100,
        env: dict[str, str | None] | None = None,
    ):
        """``rows`` and ``columns``: the terminal's size (COLUMNS says the width
        without a size); ``env`` changes the environment (None removes)."""
        env = with_changes({"TERM": "xterm-256color", "COLUMNS": str(columns), **(env or {})})
        read_end, write_end = os.pipe() if separate_stdout else (None, None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                if rows is not None:  # the size a terminal window of rows x columns has
                    import fcntl
                    import struct
                    import termios

                    size = struct.pack("HHHH", rows, columns, 0, 0)
                    fcntl.ioctl(0, termios.TIOCSWINSZ, size)
                # Started from a shell without job control, SIGINT arrives
                # ignored; Ctrl-C must reach soreadvisor as it would for a user.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if write_end is not None:
                    os.dup2(write_end, 1)
                    os.close(write_end)
                    os.close(read_end)
                os.execve(sys.executable, [sys.executable, "-m", "soreadvisor", *args], env)
            finally:
                os._exit(127)
        if write_end is not None:
            os.close(write_end)
        self.out_fd = read_end
        self.screen = ""  # everything the terminal showed
        self.pos = 0  # how far expect() has read
        self.stdout = b""
        self.closed = False
        self.status: int | None = None

    def _pump(self, timeout: float) -> None:
        fds = [fd for fd in (self.fd, self.out_fd) if fd is not None]
        if self.closed:
            fds = [fd for fd in fds if fd != self.fd]
        if not fds:
            time.sleep(min(timeout, 0.05))
            return
        ready, _, _ = select.select(fds, [], [], timeout)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child is gone
                data = b""
            if fd == self.fd:
                if data:
                    self.screen += data.decode("utf-8", "replace").replace("\r\n", "\n")
                else:
                    self.closed = True
            elif data:
                self.stdout += data
            else:
                os.close(self.out_fd)
                self.out_fd = None

    def expect(self, pattern: str, timeout: float = 15) -> re.Match:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.screen, self.pos)
            if match:
                self.pos = match.end()
                return match
            if self.closed or time.monotonic() > deadline:
                raise AssertionError(f"never saw {pattern!r}; the terminal showed:\n{self.screen}")
            self._pump(min(0.2, max(0.0, deadline - time.monotonic())))

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def wait(self, timeout: float = 15) -> int:
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"still running; the terminal showed:\n{self.screen}")
            self._pump(0.05)
        while self.out_fd is not None or not self.closed:  # drain what is left
            before = (len(self.screen), len(self.stdout))
            self._pump(0.1)
            if (len(self.screen), len(self.stdout)) == before:
                break
        return self.status

    def result(self) -> dict:
        return json.loads(self.stdout.decode())

    def close(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for fd in (self.fd, self.out_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)


# Runs the CLI as the entry point does, and writes sys.modules out at exit
# (to MODULES_OUT): which modules a run imports (test_startup).
PROBE = """
import atexit, os, sys
def dump():
    with open(os.environ["MODULES_OUT"], "w") as fh:
        fh.write("\\n".join(sys.modules))
atexit.register(dump)
from soreadvisor.cli import main
main()
"""


# -- golden files ----------------------------------------------------------------
# Checked-in renderings under tests/golden/, read as a reader sees them, so a
# wording change shows up in review as a diff of the screen. Regenerate them all
# with one command: SOREADVISOR_UPDATE_GOLDEN=1 python -m pytest -q -k golden
GOLDEN = REPO / "tests" / "golden"


def assert_golden(name: str, text: str) -> None:
    """``text`` must equal tests/golden/NAME (written instead, when updating)."""
    path = GOLDEN / name
    if os.environ.get("SOREADVISOR_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {name}: regenerate (see above)"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from the golden file; if the change is wanted, regenerate with "
        "SOREADVISOR_UPDATE_GOLDEN=1 python -m pytest -q -k golden and review the diff"
    )


@pytest.fixture
def session(private_home):
    """``session(*args, **kwargs)`` starts a PtySession (closed after the test), with
    the topic cached first in this test's home so the prompts come quickly."""
    from soreadvisor.kb.store import KnowledgeBase

    KnowledgeBase.from_env().load()
    started: list[PtySession] = []

    def start(*args: str, **kwargs) -> PtySession:
        s = PtySession(*args, **kwargs)
        started.append(s)
        return s

    yield start
    for s in started:
        s.close()
