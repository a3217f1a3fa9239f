"""--help follows the rules of the answers: plain in a pipe and on a dumb terminal,
Rich's panels on a terminal (without colour under NO_COLOR), nothing cut at 60
columns, readable metavars, and no Rich imported when help is piped.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer
from conftest import run_on_pty, screen_text

from soreadvisor.cli import app

BOXES = re.compile("[\u2500-\u257f]")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|4[0-9])(?:;[0-9;]*)?m")


def paths() -> list[list[str]]:
    out: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        out.append(path)
        for name, child in getattr(cmd, "commands", {}).items():
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


PATHS = paths()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "soreadvisor")
def test_piped_help_is_plain_text_without_boxes_padding_or_type_names(cli, path):
    result = cli(*path, "--help")
    assert result.code == 0
    text = result.out
    assert not BOXES.search(text) and "\x1b" not in text
    assert not [line for line in text.splitlines() if line != line.rstrip()], "trailing spaces"
    for bad in ("<str>", "<int", "<float>", "x<=", "<folder>", "<path>", "\u2026"):
        assert bad not in text, bad


def test_piped_help_lists_each_command_whole_not_cut_with_dots(cli):
    text = " ".join(cli("--help").out.split())
    assert "..." not in text.replace("[ARGS]...", "")
    assert "each cause and what the evidence says" in text


def test_help_on_a_terminal_has_panels_but_plain_on_a_dumb_one(private_home):
    code, rich = run_on_pty("cope", "--help", env={"COLUMNS": "100", "TERM": "xterm-256color"})
    assert code == 0 and BOXES.search(screen_text(rich))
    code, dumb = run_on_pty("cope", "--help", env={"COLUMNS": "100", "TERM": "dumb"})
    text = screen_text(dumb)
    assert code == 0 and not BOXES.search(text) and "--severity" in text


def test_no_color_takes_the_colour_out_of_help_and_nothing_else(private_home):
    env = {"COLUMNS": "100", "TERM": "xterm-256color", "FORCE_COLOR": None}
    _, coloured = run_on_pty("cope", "--help", env=env)
    assert COLOUR.search(screen_text(coloured)), "colour on a terminal"
    _, plain = run_on_pty("cope", "--help", env={**env, "NO_COLOR": "1"})
    text = screen_text(plain)
    assert BOXES.search(text) and not COLOUR.search(text)


@pytest.mark.parametrize("columns", ["60", "72"])
def test_at_narrow_widths_no_option_name_is_cut(private_home, columns):
    code, screen = run_on_pty("cope", "--help", env={"COLUMNS": columns})
    text = screen_text(screen)
    assert code == 0 and "\u2026" not in text
    cope = typer.main.get_command(app).commands["cope"]
    for param in cope.params:
        for opt in param.opts:
            assert re.search(rf"{re.escape(opt)}(?![\w-])", text), opt
    assert max(len(line) for line in text.splitlines()) <= int(columns)


def test_piped_help_imports_no_rich_markdown_it_or_pygments():
    code = (
        "import sys\n"
        "from soreadvisor.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('rich', 'markdown_it', 'pygments'))\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Usage" in proc.stdout
    assert proc.stderr == "[]"


def test_the_region_help_names_no_region_of_the_shipped_topic(cli, topic):
    text = cli("cope", "--help").out
    line = " ".join(text.split()).split("--region ID")[1].split("--no-profile")[0]
    assert not any(re.search(rf"\b{r.id}\b", line) for r in topic.triage.regions), line
