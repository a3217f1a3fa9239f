"""Start-up: an everyday run imports only what its answer needs.

Not timed (benchmarks/bench.py measures); these check the structure the
figures rest on. ``python -X importtime`` lists every module a real run
imports, on stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Each costs milliseconds to import and is never needed for a cached, piped answer.
HEAVY = ("rich", "yaml", "pydantic", "platformdirs", "sqlite3", "json", "tempfile")


def imported(*args: str, env: dict[str, str]) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "soreadvisor", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.fixture
def user_env(tmp_path, private_home) -> dict[str, str]:
    """A user as they are: platform folders (XDG), not SOREADVISOR_HOME."""
    env = {k: v for k, v in os.environ.items() if k != "SOREADVISOR_HOME"}
    env["HOME"] = str(tmp_path / "me")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env.pop(var, None)
    return env


@pytest.mark.parametrize(
    "args",
    [
        ("cope", "--severity", "high"),
        ("explain",),
        ("check", "--none"),
        ("plan", "--since", "30h"),
    ],
)
def test_a_cached_piped_answer_imports_no_heavy_module(user_env, args):
    imported(*args, env=user_env)  # the first run validates the YAML and caches it
    modules = imported(*args, env=user_env)
    assert "soreadvisor.kb.store" in modules  # the listing is real
    roots = {name.split(".")[0] for name in modules}
    assert not roots & set(HEAVY), sorted(roots & set(HEAVY))


def test_a_cached_piped_answer_imports_no_other_command(user_env):
    imported("cope", env=user_env)
    modules = imported("cope", env=user_env)
    assert "soreadvisor.advice.cope" in modules
    assert not {"soreadvisor.diary", "soreadvisor.kb.validate", "soreadvisor.advice.plan"} & modules


def test_the_first_run_validates_and_later_runs_do_not(user_env):
    first = imported("cope", env=user_env)
    assert "pydantic" in {name.split(".")[0] for name in first}
    assert "soreadvisor.kb.validate" not in imported("cope", env=user_env)
