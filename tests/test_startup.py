"""Start-up: an everyday run imports only what its answer needs.

Not timed (benchmarks/bench.py measures); these check the structure the
figures rest on, from the modules a real run has loaded when it exits.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from conftest import PROBE

# Each costs milliseconds to import and is never needed for a cached, piped answer.
HEAVY = (
    "rich",
    "yaml",
    "pydantic",
    "platformdirs",
    "sqlite3",
    "json",
    "tempfile",
    "pickle",
    "dataclasses",
)

# Our pin, typer<0.29, is there because the Typer after it imports pydantic on
# every run. The CI's newest-typer leg runs this suite over the pin; there the
# tests below must fail, strictly: the day they pass, the pin can go.
OVER_THE_PIN = tuple(int(p) for p in metadata.version("typer").split(".")[:2]) >= (0, 29)
costs_over_the_pin = pytest.mark.xfail(
    OVER_THE_PIN, reason="Typer past our pin imports pydantic on every run", strict=True
)


@pytest.fixture
def modules_of(tmp_path, private_home):
    """Run soreadvisor as a user has it (platform folders, not SOREADVISOR_HOME)
    and return the names of the modules it had imported when it exited."""
    env = {k: v for k, v in os.environ.items() if k != "SOREADVISOR_HOME"}
    env["HOME"] = str(tmp_path / "me")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env.pop(var, None)
    out = tmp_path / "modules.txt"

    def run(*args: str) -> set[str]:
        subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            capture_output=True,
            env={**env, "MODULES_OUT": str(out)},
            check=True,
        )
        return set(out.read_text().split())

    return run


@pytest.mark.parametrize(
    "args",
    [
        ("cope", "--severity", "high"),
        ("explain",),
        ("check", "--none"),
        ("plan", "--since", "30h"),
    ],
)
@costs_over_the_pin
def test_a_cached_piped_answer_imports_no_heavy_module(modules_of, args):
    modules_of(*args)  # the first run validates the YAML and caches it
    modules = modules_of(*args)
    assert "soreadvisor.kb.store" in modules  # the listing is real
    roots = {name.split(".")[0] for name in modules}
    assert not roots & set(HEAVY), sorted(roots & set(HEAVY))


@pytest.mark.parametrize(
    ("command", "module"),
    [
        ("cope", "advice"),
        ("check", "safety"),
        ("history", "diary"),
        ("kb", "kbcmd"),
        ("remind", "remind"),
    ],
)
def test_a_run_imports_the_module_of_its_command_and_no_other(modules_of, command, module):
    modules = modules_of(command, "--help")
    shared = {"soreadvisor.cli.application", "soreadvisor.cli.options"}
    commands = {m for m in modules if m.startswith("soreadvisor.cli.")} - shared
    assert commands == {f"soreadvisor.cli.{module}"}


@pytest.mark.parametrize(
    ("args", "imported"),
    [
        (("plan", "--at", "2h"), False),
        (("remind", "--at", "2h", "--format", "plain"), False),
        (("remind", "--at", "2h"), True),  # piped: the calendar itself
    ],
)
def test_icalendar_is_imported_only_to_write_a_calendar(modules_of, args, imported):
    assert ("icalendar" in modules_of(*args)) is imported


def test_help_and_unknown_commands_see_every_command(modules_of):
    everything = {f"soreadvisor.cli.{m}" for m in ("advice", "safety", "diary", "kbcmd")}
    assert everything <= modules_of("--help")


def test_a_cached_piped_answer_imports_no_other_advice(modules_of):
    modules_of("cope")
    modules = modules_of("cope")
    assert "soreadvisor.advice.cope" in modules
    assert not {"soreadvisor.diary", "soreadvisor.kb.validate", "soreadvisor.advice.plan"} & modules


@costs_over_the_pin
def test_the_first_run_validates_and_later_runs_do_not(modules_of):
    assert "pydantic" in modules_of("cope")
    assert "pydantic" not in modules_of("cope")


def test_the_command_map_names_every_command_its_module_registers():
    """``COMMANDS`` says which module to import for a command; it must match."""
    from soreadvisor.cli import application
    from soreadvisor.cli.application import COMMANDS, _name

    app = application.load_commands()
    registered = {_name(c) for c in app.registered_commands}
    registered |= {g.name for g in app.registered_groups}
    assert sorted(n for names in COMMANDS.values() for n in names) == sorted(registered)
    folder = Path(application.__file__).parent
    for module, names in COMMANDS.items():
        text = (folder / f"{module}.py").read_text(encoding="utf-8")
        for name in names:  # each defined where the map says
            assert f"def {name}(" in text or f'name="{name}"' in text, (module, name)
