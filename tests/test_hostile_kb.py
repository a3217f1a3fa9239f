"""Hostile knowledge files, handed over whole, as a user or a third party would.

Pinned elsewhere, not repeated here: the reader's refusals on bytes in memory
(tests/test_kb_loader.py) and the renderers on hand-built reports
(tests/test_render.py). Here the same protections are checked end to end:

- a file that could exhaust time or memory (an alias bomb, 50 MB, 10,000 levels
  of nesting, /dev/zero, a FIFO) is refused by a real process within a bounded CPU budget
  and with its peak memory measured, as one ``file:line:column`` line;
- a file that is not a topic (binary, UTF-16, empty, a list) gets a clear error;
- knowledge text with console markup, ANSI/OSC escape sequences or control
  characters reaches no terminal, through any command in any format, and neither
  does a file name or key of a broken file through an error message.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import run_on_pty
from markdown_it import MarkdownIt

from soreadvisor.kb.store import DEFAULT_TOPIC

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")
SGR = re.compile(r"\x1b\[[0-9;]*m")
# What must never reach a terminal from knowledge text: C0 controls other than
# tab and newline, DEL and the C1 controls (U+0080..U+009F, e.g. U+009B, CSI).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# No wall-time threshold (a busy machine must not fail a test): a refusal takes
# about 0.2 s of CPU here; the launcher kills a child after CPU_LIMIT seconds of
# CPU, which only a broken protection (an alias bomb walked) would reach.
CPU_LIMIT = 20
HANG_GUARD = 300.0  # seconds of wall time before a child is taken to be hanging
RSS_LIMIT_MIB = 64  # a refusal peaks at about 18 MiB; reading the 50 MB file would not fit
AS_LIMIT = 1 << 30  # a safety net, so a broken protection cannot take the machine down

# --- running a real process, timed and measured ---------------------------------------


class Measured:
    def __init__(self, code: int, out: str, err: str, seconds: float, peak_mib: float):
        self.code, self.out, self.err = code, out, err
        self.seconds, self.peak_mib = seconds, peak_mib

    def __repr__(self) -> str:
        return (
            f"Measured(code={self.code}, {self.seconds:.2f} s, {self.peak_mib:.0f} MiB, "
            f"err={self.err[-300:]!r})"
        )


# A small launcher limits its address space, runs soreadvisor as its own child and
# reports that child's peak RSS. Measuring a direct child of this test process would
# not do: Linux counts the parent's peak in a child's ru_maxrss across fork and exec.
LAUNCHER = f"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({AS_LIMIT}, {AS_LIMIT}))
resource.setrlimit(resource.RLIMIT_CPU, ({CPU_LIMIT}, {CPU_LIMIT}))
report, args = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, *args])
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as fh:
    fh.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def measured(*args: str, timeout: float = HANG_GUARD) -> Measured:
    """Run soreadvisor; return its result, wall time and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err, report = (Path(tmp) / name for name in ("out", "err", "rss"))
        start = time.monotonic()
        with out.open("wb") as out_fh, err.open("wb") as err_fh:
            proc = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(report), "-m", "soreadvisor", *args],
                stdin=subprocess.DEVNULL,
                stdout=out_fh,
                stderr=err_fh,
                start_new_session=True,
            )
            try:
                code = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"soreadvisor {' '.join(args)} still running after {timeout} s")
        return Measured(
            code,
            out.read_text("utf-8", "replace"),
            err.read_text("utf-8", "replace"),
            time.monotonic() - start,
            int(report.read_text()) / 1024,  # KiB on Linux
        )


# --- files that must be refused ---------------------------------------------------------


def alias_bomb() -> bytes:
    """Billion laughs: 10 lines that expand to 9**9 strings once aliases are followed."""
    lines = [
        "schema_version: 1",
        "id: bomb",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def write_50_mb(path: Path) -> None:
    """50 MB of plausible YAML (a topic, then comments), written in a few large blocks."""
    head = SHIPPED.read_bytes()
    block = (b"# padding padding padding padding padding padding padding padding\n") * 16384
    with path.open("wb") as fh:
        fh.write(head)
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(block)


REFUSED = {
    # case: (bytes or a writer, line of the problem, words the message must have)
    "alias-bomb": (alias_bomb(), 3, ["alias"]),
    "50-mb": (write_50_mb, 1, ["bytes", "limit"]),
    "10000-levels": (b"[" * 10_000 + b"]" * 10_000 + b"\n", 1, ["nested"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 64, 1, ["binary"]),
    "utf-16": (SHIPPED.read_text(encoding="utf-8").encode("utf-16"), 1, ["UTF-16", "UTF-8"]),
    "empty": (b"", 1, ["empty"]),
    "a-list": (b"- id: one\n- id: two\n", 1, ["mapping"]),
}


@pytest.fixture
def refused_file(tmp_path):
    def make(case: str) -> Path:
        content = REFUSED[case][0]
        path = tmp_path / "hostile" / f"{case}.yaml"
        path.parent.mkdir(exist_ok=True)
        if callable(content):
            content(path)
        else:
            path.write_bytes(content)
        return path

    return make


def assert_bounded(result: Measured) -> None:
    # killed by the CPU limit: SIGXCPU, reported as 128 + 24
    assert result.code != 128 + signal.SIGXCPU, result
    assert result.peak_mib < RSS_LIMIT_MIB, result
    assert "Traceback" not in result.err + result.out


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_hostile_file_given_with_kb_is_refused_fast_in_bounded_memory_as_one_line(
    refused_file, case
):
    path = refused_file(case)
    _, line, words = REFUSED[case]
    result = measured("explain", "--kb", str(path), "--topic", case)
    assert_bounded(result)
    assert result.code == 1, result
    assert result.out == ""
    (err,) = result.err.splitlines()
    assert err.startswith(f"soreadvisor: error: {path}:{line}:"), err
    assert all(w.lower() in err.lower() for w in words), err


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_kb_check_refuses_a_hostile_file_fast_in_bounded_memory_with_file_and_line(
    refused_file, case
):
    path = refused_file(case)
    _, line, words = REFUSED[case]
    result = measured("kb", "check", str(path))
    assert_bounded(result)
    assert result.code == 1, result
    problems = [PROBLEM.match(x) for x in result.out.splitlines()]
    assert problems and all(problems), result.out
    assert (problems[0]["file"], int(problems[0]["line"])) == (str(path), line)
    assert all(w.lower() in problems[0]["msg"].lower() for w in words), result.out
    assert result.err.splitlines() == [
        f"{len(problems)} problem{'' if len(problems) == 1 else 's'} in 1 topic"
    ]


# --- files that are not files: the reader must not open or drain them ----------------------

READ_ONE = """
import sys
from pathlib import Path
from soreadvisor.kb.yamlfile import FileProblems, read_doc
try:
    read_doc(Path(sys.argv[1]))
except FileProblems as exc:
    print(exc.problems[0])
"""


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "fifo.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_the_reader_refuses_a_device_or_fifo_without_opening_or_draining_it(fifo, special):
    path = str(fifo) if special == "fifo" else special
    # a FIFO blocks its reader, /dev/zero never ends: both must be refused up front
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, os.devnull, "-c", READ_ONE, path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=60)  # a hang guard: a blocked open never returns
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the launcher and the reader it started
        proc.communicate()
        pytest.fail(f"reading {path} did not return")
    assert out.startswith(f"{path}:1:1: ") and "regular file" in out, (out, err)
    assert err == ""


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_kb_check_of_a_device_or_fifo_is_a_clear_problem(fifo, special):
    path = str(fifo) if special == "fifo" else special
    result = measured("kb", "check", path)
    assert_bounded(result)
    assert result.code == 1, result
    assert result.out.startswith(f"{path}:1:1: ")


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_kb_check_of_a_directory_with_a_yaml_that_is_not_a_file_is_a_clear_problem(tmp_path, kind):
    folder = tmp_path / "topics"
    folder.mkdir()
    odd = folder / "odd.yaml"
    os.mkfifo(odd) if kind == "fifo" else odd.mkdir()
    result = measured("kb", "check", str(folder))
    assert_bounded(result)
    assert result.code == 1, result
    assert str(odd) in result.out


def test_an_explicit_kb_that_is_a_fifo_is_an_error_not_silently_ignored(fifo):
    result = measured("explain", "--kb", str(fifo))
    assert result.code != 0, result
    assert str(fifo) in result.err and result.out == ""


# --- knowledge text that tries to drive the terminal -------------------------------------

MARKUP = ["[link=https://x]click[/link]", "[/]", "[bold red]loud", ":smile:"]
ESCAPES = [
    "\x1b[31mred",  # ANSI CSI (colour)
    "\x1b[2J",  # clear the screen
    "\x1b]8;;https://evil.example\x1b\\hidden\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b]0;title\x07",  # OSC 0: window title
    "\x9b31m",  # C1 CSI
    "\x9d0;title\x9c",  # C1 OSC .. ST
    "\x85",  # C1 NEL
    "bell\x07 bs\x08 cr\r vt\x0b ff\x0c so\x0e esc\x1b del\x7f",
]
HOSTILE = " " + " ".join(MARKUP + ESCAPES)
HOSTILE_ID = "hostile"


def hostile_topic(path: Path) -> dict:
    """The shipped topic as a new topic, with HOSTILE appended to every prose string."""
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))

    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str) and " " in x:  # prose; ids, levels and urls have no spaces
            return x + HOSTILE
        return x

    data = walk(data)
    data["id"] = HOSTILE_ID
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("kb") / f"{HOSTILE_ID}.yaml"
    return path, hostile_topic(path)


def commands(data: dict) -> dict[str, list[str]]:
    sign = data["triage"]["signs"][0]["id"]
    return {
        "explain": ["explain"],
        "explain-cause": ["explain", data["causes"][0]["id"]],
        "cope": ["cope", "--severity", "high", "--no-profile"],
        "prevent": ["prevent"],
        "sources": ["sources"],
        "search": ["search", "click"],
        "check-list": ["check", "--list"],
        "check": ["check", "--symptom", sign, "--no-profile"],
        "plan": ["plan", "--since", "30h", "--no-profile"],
        "profile": ["profile", "show"],
    }


COMMAND_NAMES = sorted(commands(yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))))


def test_the_hostile_topic_is_a_valid_topic(cli, hostile):
    path, _ = hostile
    result = cli("kb", "check", str(path))
    assert result.code == 0, result.out + result.err


def seen(text: str) -> str:
    """What a reader sees: colour codes gone, wrapping undone."""
    return " ".join(SGR.sub("", text).split())


@pytest.mark.parametrize("fmt", ["rich", "plain"])
@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_hostile_knowledge_text_is_shown_literally_in_rich_and_plain(cli, hostile, name, fmt):
    path, data = hostile
    args = commands(data)[name]
    result = cli(
        *args, "--kb", str(path), "--topic", HOSTILE_ID, "--format", fmt, "--color", "always"
    )
    assert result.code == 0, result.err
    out = result.out
    if fmt == "rich":
        assert SGR.search(out), "the colour of our own is there"
    else:
        assert "\x1b" not in out
    bare = SGR.sub("", out)
    assert "\x1b" not in bare, "no escape sequence but our own colour codes"
    assert not CONTROL.search(bare.replace("\t", "")), repr(CONTROL.search(bare))
    if fmt == "plain" and name == "check-list":
        return  # a plain listing is one id per line: no knowledge text to look for
    text = seen(out)
    for markup in MARKUP:
        assert markup in text, markup  # neither a link, nor bold, nor swallowed
    assert "\U0001f604" not in out  # :smile: stays a word
    for visible in ("\\x1b]52;c;aGVsbG8=\\x07", "\\x1b]8;;https://evil.example", "\\x9b31m"):
        assert visible in text, visible


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_hostile_knowledge_text_is_inert_markdown(cli, hostile, name):
    path, data = hostile
    result = cli(
        *commands(data)[name], "--kb", str(path), "--topic", HOSTILE_ID, "--format", "markdown"
    )
    assert result.code == 0, result.err
    assert not CONTROL.search(result.out.replace("\t", "")) and "\x1b" not in result.out
    html = MarkdownIt("commonmark").render(result.out)
    assert 'href="https://x"' not in html and 'evil.example"' not in html
    for markup in MARKUP:
        assert markup in html, markup
    assert "\\x1b]52;c;aGVsbG8=\\x07" in html


@pytest.mark.parametrize("name", COMMAND_NAMES)
def test_hostile_knowledge_text_is_escaped_in_json_and_reads_back_exactly(cli, hostile, name):
    path, data = hostile
    result = cli(
        *commands(data)[name], "--kb", str(path), "--topic", HOSTILE_ID, "--format", "json"
    )
    assert result.code == 0, result.err
    raw = result.out
    assert not CONTROL.search(raw), f"unescaped {CONTROL.search(raw)!r} in the JSON text"
    doc = json.loads(raw)
    strings = []

    def collect(x):
        if isinstance(x, dict):
            for v in x.values():
                collect(v)
        elif isinstance(x, list):
            for v in x:
                collect(v)
        elif isinstance(x, str):
            strings.append(x)

    collect(doc)
    assert any(s.endswith(HOSTILE) for s in strings), "the text is kept exactly, escapes and all"


@pytest.mark.parametrize("name", ["explain", "cope", "sources"])
def test_on_a_real_terminal_hostile_text_sends_nothing_but_colour(hostile, name):
    path, data = hostile
    env = {"TERM": "xterm-256color", "COLUMNS": "100", "NO_COLOR": None}
    code, screen = run_on_pty(
        *commands(data)[name], "--kb", str(path), "--topic", HOSTILE_ID, env=env
    )
    assert code == 0, screen[-500:]
    text = screen.decode("utf-8")  # strict: no stray byte either
    assert SGR.search(text), "auto on a terminal is rich with colour"
    bare = SGR.sub("", text)
    assert "\x1b" not in bare and "\x07" not in bare
    assert not CONTROL.search(bare.replace("\r\n", "\n").replace("\t", ""))
    assert "[link=https://x]click[/link]" in seen(text)


# --- broken files whose names or keys carry escape sequences --------------------------------

OSC52 = "\x1b]52;c;aGVsbG8=\x07"


@pytest.fixture
def broken_hostile(tmp_path) -> Path:
    """A topic file with an unknown key carrying OSC 52, in a file named with CSI and a newline."""
    folder = tmp_path / "kb"
    folder.mkdir()
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data[f"title{OSC52}\n[bold]"] = "x"
    path = folder / "\x1b[2Jmine\n.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_kb_check_prints_one_inert_line_per_problem_even_for_a_hostile_key_and_name(
    cli, broken_hostile
):
    result = cli("kb", "check", str(broken_hostile))
    assert result.code == 1
    lines = result.out.splitlines()
    assert (
        result.err.splitlines()[-1]
        == f"{len(lines)} problem{'' if len(lines) == 1 else 's'} in 1 topic"
    )
    assert all(PROBLEM.match(line) for line in lines), lines
    assert not CONTROL.search(result.out.replace("\n", "")), repr(result.out)
    assert any("52;c;aGVsbG8=" in line for line in lines), "the key is still named"


def test_a_bad_file_with_a_hostile_key_is_one_inert_error_line(cli, tmp_path):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data[f"title{OSC52}\n"] = "x"
    path = tmp_path / f"{DEFAULT_TOPIC}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = cli("explain", "--kb", str(path))
    assert result.code == 1 and result.out == ""
    (line,) = result.err.splitlines()
    assert not CONTROL.search(line), repr(line)
    assert f"{path}:" in line


def test_an_unknown_topic_lists_hostile_file_names_inertly(cli, tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / f"{OSC52}.yaml").write_text("x: 1\n")
    result = cli("explain", "--kb", str(folder), "--topic", "zzz")
    assert result.code == 1
    assert not CONTROL.search(result.err.replace("\n", "")), repr(result.err)
