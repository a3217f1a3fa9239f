"""Property-based: random knowledge files and random command lines.

The only outcomes allowed are a correct answer (exit 0, with output; JSON that
parses; no raw control character from a file reaching the terminal) or a clear
error: a non-zero exit that is not 70 (internal error), nothing on stdout and
one line on stderr (`kb check`: one ``file:line:column: message`` line per
problem on stdout, a count on stderr; a group named alone: its help, exit 2).
Never a traceback.

In-process (the `cli` fixture) for speed; every example gets its own directory,
so the topic cache (keyed on path, size and mtime) never serves a stale file.
Left out of the pools: what a shell cannot pass (a NUL in an argument), a known
bug pinned elsewhere as xfail (--note/--where bytes that are not UTF-8), and paths
outside the scratch directory, so a drawn `--data-dir` never writes anywhere else.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import re
from pathlib import Path

import pytest
import typer
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from soreadvisor.cli import app
from soreadvisor.kb.store import DEFAULT_TOPIC

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"
BASE = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")
SGR = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_fresh = itertools.count()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A scratch current directory (relative paths from the fuzz land here) and HOME;
    SOREADVISOR_DEBUG, which a drawn --debug sets, is restored afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SOREADVISOR_DEBUG", "")
    return tmp_path


def fresh_file(root: Path, name: str, content: bytes) -> Path:
    folder = root / f"example-{next(_fresh)}"
    folder.mkdir()
    path = folder / f"{name}.yaml"
    path.write_bytes(content)
    return path


# --- the allowed outcomes -----------------------------------------------------------


def lines_of(text: str) -> list[str]:
    """Lines as a terminal shows them: split at newlines only (not at U+2028 and kin)."""
    return text.rstrip("\n").split("\n") if text else []


def assert_answer_or_clear_error(result, fmt: str | None = None) -> None:
    event(f"exit {result.code}")
    everything = result.out + result.err
    assert "Traceback" not in everything, everything[-2000:]
    assert result.code != 70, result.err
    if result.code == 0:
        assert result.out.strip(), "an answer has output"
        if fmt == "json":
            json.loads(result.out)
            assert not CONTROL.search(result.out.replace("\n", ""))
        elif fmt is not None:
            bare = SGR.sub("", result.out)
            assert "\x1b" not in bare
            assert not CONTROL.search(bare.replace("\t", "")), repr(CONTROL.search(bare))
        return
    assert result.out == "", result.out[:500]
    lines = lines_of(result.err)
    assert len(lines) == 1, result.err
    assert lines[0].startswith("soreadvisor: error: "), lines[0]
    assert not CONTROL.search(lines[0]), repr(lines[0])


def assert_kb_check_outcome(result) -> None:
    event(f"kb check exit {result.code}")
    assert "Traceback" not in result.out + result.err
    assert result.code in (0, 1), (result.code, result.err)
    if result.code == 0:
        assert result.out == ""
        assert result.err == "ok: 1 topic valid\n"
        return
    lines = lines_of(result.out)
    assert lines and all(PROBLEM.match(line) for line in lines), result.out[:2000]
    assert not CONTROL.search(result.out.replace("\n", "")), repr(result.out[:2000])
    assert lines_of(result.err) == [
        f"{len(lines)} problem{'' if len(lines) == 1 else 's'} in 1 topic"
    ], result.err


# --- random knowledge files -----------------------------------------------------------------


def paths_of(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_of(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths_of(value, (*path, i))


def at(path):
    node = BASE
    for step in path:
        node = node[step]
    return node


PATHS = [p for p in paths_of(BASE) if p]
PROSE = [p for p in PATHS if isinstance(at(p), str) and " " in at(p)]
SHOWN = [p for p in PROSE if len(p) <= 3]  # titles and summaries most reports show

SPECIAL = list(
    "\x00\x01\x07\x08\t\n\r\x0b\x1b\x7f\x80\x85\x8d\x90\x9b\x9c\x9d\x9f"
    "\u2028\u202e\ufeff[]/:\\\"'&*!#%{}|>-?@`,"
) + ["[link=https://x]", "[/]", ":smile:", "\x1b[31m", "\x1b]52;c;aGk=\x07", "😄", "é"]


def pieces(min_size: int = 0, max_size: int = 8, extra: list[str] | None = None):
    """Text made of hostile fragments and any characters."""
    fragment = st.one_of(st.sampled_from(SPECIAL + (extra or [])), st.characters())
    return st.lists(fragment, min_size=min_size, max_size=max_size).map("".join)


noise = pieces(1, 6)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    noise,
    st.sampled_from(["", "high", "R2", "emergency", "0", "yes", "no", "null", "2026-01-01", "x y"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def tree_op(kinds: list[str]):
    return st.tuples(
        st.sampled_from(kinds), st.integers(0, 10**6), values, noise, st.integers(0, 10_000)
    )


# Half the files only carry hostile text (and mostly stay valid, so it gets rendered);
# the other half are also broken in structure.
tree_ops = st.one_of(
    st.lists(tree_op(["noise"]), min_size=1, max_size=8),
    st.lists(tree_op(["noise", "drop", "retype", "duplicate"]), min_size=1, max_size=6),
)
text_ops = st.lists(
    st.tuples(
        st.sampled_from(["repeat-line", "drop-line", "insert"]), st.integers(0, 10**6), noise
    ),
    max_size=3,
)


def mutate(data: dict, ops) -> dict:
    data = copy.deepcopy(data)
    for kind, index, value, extra, pos in ops:
        # hostile text goes into prose, where knowledge text is; the rest anywhere
        prose = SHOWN if index % 2 else PROSE
        path = prose[index % len(prose)] if kind == "noise" else PATHS[index % len(PATHS)]
        try:
            parent = data
            for step in path[:-1]:
                parent = parent[step]
            key = path[-1]
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier step removed or retyped it
        if kind == "drop":
            del parent[key]
        elif kind == "retype":
            parent[key] = value
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(current))
        elif kind == "noise" and isinstance(current, str):
            at = pos % (len(current) + 1)
            parent[key] = current[:at] + extra + current[at:]
        else:
            parent[key] = extra
    return data


def mutate_text(text: str, ops) -> str:
    lines = text.split("\n")
    for kind, pos, extra in ops:
        i = pos % len(lines)
        if kind == "repeat-line":  # a duplicate key, a doubled list item
            lines.insert(i, lines[i])
        elif kind == "drop-line" and len(lines) > 1:
            del lines[i]
        else:
            line = lines[i]
            at = pos % (len(line) + 1)
            lines[i] = line[:at] + extra + line[at:]
    return "\n".join(lines)


ADVICE = [
    ["explain"],
    ["explain", "lactic-acid"],
    ["cope", "--severity", "high", "--no-profile"],
    ["cope", "--condition", "raynauds", "--no-profile"],
    ["prevent"],
    ["sources"],
    ["search", "ice"],
    ["check", "--none", "--no-profile"],
    ["check", "--symptom", "one-leg-swelling", "--no-profile"],
    ["check", "--list"],
    ["plan", "--since", "30h", "--no-profile"],
    ["history"],
    ["topics"],
    ["profile", "show"],
]


@settings(FUZZ, max_examples=40)
@given(
    name=st.sampled_from(["fuzz-topic", DEFAULT_TOPIC]),
    tree=tree_ops,
    text=st.one_of(st.just([]), text_ops),
    command=st.sampled_from(ADVICE),
)
def test_a_mutated_topic_gives_an_answer_or_clear_errors(cli, workdir, name, tree, text, command):
    data = dict(BASE, id=name)
    raw = mutate_text(yaml.safe_dump(mutate(data, tree), allow_unicode=True, sort_keys=False), text)
    path = fresh_file(workdir, name, raw.encode("utf-8", "surrogatepass"))
    assert_kb_check_outcome(cli("kb", "check", str(path)))
    args = [*command, "--kb", str(path), "--color", "always"]
    if command[0] != "topics":
        args += ["--topic", name]
    for fmt in ("rich", "plain", "markdown", "json"):  # validated once, then cached
        assert_answer_or_clear_error(cli(*args, "--format", fmt), fmt)


YAMLISH = pieces(0, 120, extra=list("{}[]:-,&*!|>'\"#%@` \n\t?") + ["\n  ", ": ", "- "])


@settings(FUZZ, max_examples=60)
@given(
    content=st.one_of(
        YAMLISH.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=200)
    )
)
def test_random_bytes_as_a_topic_give_clear_errors(cli, workdir, content):
    path = fresh_file(workdir, "fuzz-topic", content)
    assert_kb_check_outcome(cli("kb", "check", str(path)))
    assert_answer_or_clear_error(
        cli("cope", "--kb", str(path), "--topic", "fuzz-topic", "--format", "plain"), "plain"
    )


# --- random command lines ----------------------------------------------------------------------


def command_tree():
    """Every command path with its own options (name, takes a value, choices), from the
    real app, and every option name of the whole app."""
    commands: dict[tuple[str, ...], list[tuple[str, bool, list[str]]]] = {}
    everywhere: set[str] = set()

    def walk(cmd, path):
        own = []
        for param in getattr(cmd, "params", []):
            names = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
            names = [n for n in names if n.startswith("-") and n not in NEVER]
            # (a Typer past our pin has no Click type here: VALUES holds the words anyway)
            choices = [str(c) for c in getattr(getattr(param, "type", None), "choices", [])]
            own += [(n, not getattr(param, "is_flag", False), choices) for n in names]
        everywhere.update(name for name, _, _ in own)
        sub = getattr(cmd, "commands", None)
        if sub:
            if path:
                commands[tuple(path)] = own
            for name, child in sub.items():
                walk(child, [*path, name])
        else:
            commands[tuple(path)] = own

    walk(typer.main.get_command(app), [])
    return commands, sorted(everywhere)


# --install-completion and --show-completion write to shell rc files; handout --force would
# replace any file drawn for --output (the shipped topic among them).
NEVER = {"--install-completion", "--show-completion", "--force"}
COMMANDS, OPTIONS = command_tree()
IDS = sorted(
    {
        x["id"]
        for section in ("causes", "remedies", "tips", "conditions", "medications")
        for x in BASE[section]
    }
    | {s["id"] for s in BASE["triage"]["signs"]}
)
WORDS = ["low", "moderate", "high", "light", "deep", "auto", "rich", "plain", "json", "csv"]
NUMBERS = ["-1", "0", "5", "6/10", "10", "11", "130", "1e9", "nan", "0.5"]
TIMES = ["now", "2h ago", "30h", "yesterday 18:00", "2026-11-23T09:30", "tomorrow", "25:00"]
# No directory outside the scratch cwd: `--data-dir /` would write a diary there (the
# shipped file and /dev/null cannot hold one).
PATHS_ = [".", "missing-file", "topics", "data-dir", "x.yaml", str(SHIPPED), "/dev/null"]
VALUES = [*IDS, DEFAULT_TOPIC, *WORDS, "uk", "zz", *NUMBERS, *TIMES, *PATHS_]
# No NUL: a real argv cannot hold one (execve takes C strings). No surrogates (bytes
# that are not UTF-8): a known bug for --note/--where, pinned in test_hostile_env.
junk = pieces(0, 6).filter(
    lambda t: not t.startswith(("/", "~")) and ".." not in t and "\x00" not in t
)
value = st.one_of(st.sampled_from(VALUES), junk)
token = st.one_of(st.sampled_from(OPTIONS), value)


@st.composite
def command_lines(draw) -> list[str]:
    """Mostly a real command with its own options and plausible values; now and then
    anything at all."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.lists(token, max_size=6))
    path = draw(st.sampled_from(sorted(COMMANDS)))
    own = COMMANDS[path]
    argv = list(path)
    for _ in range(draw(st.integers(0, 5))):
        if own and draw(st.integers(0, 3)):
            name, takes_value, choices = draw(st.sampled_from(own))
            argv.append(name)
            if takes_value:
                argv.append(
                    draw(st.sampled_from(choices) if choices and draw(st.booleans()) else value)
                )
        else:
            argv.append(draw(token))
    return argv


@settings(FUZZ, max_examples=200)
@given(argv=command_lines())
def test_random_command_lines_give_an_answer_or_a_clear_error(cli, workdir, argv):
    os.environ["SOREADVISOR_DEBUG"] = ""  # an earlier example may have said --debug
    result = cli(*argv)
    event(f"exit {result.code}")
    everything = result.out + result.err
    assert "Traceback" not in everything, (argv, everything[-2000:])
    assert result.code != 70, (argv, result.err)
    if result.code == 0:
        return
    if result.code == 2 and not result.err.strip():  # a group named alone: its help
        assert "Usage:" in result.out, (argv, result.out[:500])
        return
    if argv[:2] == ["kb", "check"] and result.code == 1 and result.out:
        assert all(PROBLEM.match(line) for line in lines_of(result.out)), result.out[:2000]
        assert len(lines_of(result.err)) == 1, result.err
        return
    assert result.out == "", (argv, result.out[:500])
    assert len(lines_of(result.err)) == 1, (argv, result.err)
    assert result.err.startswith("soreadvisor: error: "), (argv, result.err)
