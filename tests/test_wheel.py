"""The wheel: built, installed into a fresh virtual environment, run from another directory.

Built as a user builds it (the sdist, then the wheel from the sdist).
Slow (a build and an install), and one test. It is skipped only when no package
index can be reached (building needs hatchling). The wheel's dependencies are
pinned to the versions of the environment the test runs in, so each CI leg tries
the wheel with its own end of the ranges.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pinned_to_this_environment(folder: Path) -> Path:
    """A pip constraints file holding every distribution installed here at its version,
    so the wheel is tried with the dependencies this run tests (lowest, newest or between)."""
    pins = sorted(
        {
            f"{d.metadata['Name']}=={d.version}"
            for d in metadata.distributions()
            if d.metadata["Name"]
        }
    )
    path = folder / "constraints.txt"
    path.write_text("\n".join(p for p in pins if not p.startswith("soreadvisor==")) + "\n")
    return path


def package_index_reachable() -> bool:
    """Building and installing download packages; decided up front, not from pip's words."""
    import socket

    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        return False
    return True


def run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        pytest.fail(f"{what} failed ({proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}")
    return proc


@pytest.mark.skipif(not package_index_reachable(), reason="no package index: cannot build")
def test_the_wheel_installs_into_a_fresh_venv_and_runs_from_another_directory(tmp_path, topic):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    dist = tmp_path / "dist"
    if importlib.util.find_spec("build") is not None:  # the sdist, then the wheel from it
        cmd = [sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(REPO)]
    run(cmd, "building the wheel", env=env, timeout=600)
    (wheel,) = dist.glob("soreadvisor-*.whl")

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    topics_dir = REPO / "data" / "topics"
    shipped = [f"soreadvisor/data/topics/{p.name}" for p in topics_dir.glob("*.yaml")]
    assert shipped and set(shipped) <= set(names), "the knowledge base must be inside the wheel"
    assert not [n for n in names if n.startswith("tests/")]

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], "creating a venv", env=env, timeout=300)
    bindir = venv / "bin"
    run(
        [str(bindir / "python"), "-m", "pip", "install", "--quiet", "--constraint"]
        + [str(pinned_to_this_environment(tmp_path)), str(wheel)],
        "installing the wheel",
        env=env,
        timeout=600,
    )

    elsewhere = Path("/tmp")  # the issue: `cd /tmp && soreadvisor explain`
    app = str(bindir / "soreadvisor")

    where = run(
        [str(bindir / "python"), "-c", "import soreadvisor; print(soreadvisor.__file__)"],
        "importing",
        cwd=tmp_path,
        env=env,
        timeout=60,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), f"imported from {where}, not from the wheel"

    explain = run([app, "explain"], "soreadvisor explain", cwd=elsewhere, env=env, timeout=60)
    assert explain.stderr == ""
    assert "\x1b" not in explain.stdout
    for cause in topic.causes:
        assert cause.title in explain.stdout

    cope = run(
        [app, "cope", "--severity", "high", "--format", "json"],
        "soreadvisor cope",
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    doc = json.loads(cope.stdout)
    assert {r["id"] for r in doc["remedies"]} == {
        r.id for r in topic.remedies if "high" in r.severities
    }

    check = run(
        [
            app,
            "check",
            "--symptom",
            "one-leg-swelling",
            "--symptom",
            "breathless",
            "--format",
            "json",
        ],
        "soreadvisor check",
        cwd=elsewhere,
        env=env,
        timeout=60,
    )
    assert json.loads(check.stdout)["level"] == "emergency"

    version = run(
        [str(bindir / "python"), "-m", "soreadvisor", "--version"],
        "python -m",
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert version.stdout.split()[0] == "soreadvisor"
