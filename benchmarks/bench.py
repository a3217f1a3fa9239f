"""Start-up, scaling and memory of soreadvisor, measured side by side.

    pip install '.[bench]' && python benchmarks/bench.py [--runs 15]

Every case runs as a whole process, interleaved with its baselines in each
round (after a warm-up round), and the script prints medians and the ratios
the project targets. It measures; it asserts nothing. Peak memory is each
process's maximum resident set size (from wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
BIN = Path(PY).parent
SOREADVISOR = str(BIN / "soreadvisor")
TLDR = shutil.which("tldr", path=str(BIN)) or shutil.which("tldr")


def run_pipe(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one run with stdout to a file."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark case failed ({proc.returncode}): {' '.join(argv)}")
    return elapsed, usage.ru_maxrss


def run_pty(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """The same on a pseudo-terminal (so rich output is chosen), draining it."""
    master, slave = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=slave, stderr=slave, stdin=slave, env=env)
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the child closed the terminal
            break
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    os.close(master)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark case failed: {' '.join(argv)}")
    return elapsed, usage.ru_maxrss


SMALL_TOPIC = """\
schema_version: 1
id: {id}
title: "Benchmark topic {n}"
summary: "A small generated topic for the scaling benchmark."
disclaimer: "General information, not a diagnosis."
evidence_note: "Generated."
references:
  - id: R1
    citation: "Generated reference {n}."
    verified: false
causes:
  - id: cause-a
    title: "Cause A"
    summary: "What we say."
    article_claim: "What an article said."
    evidence: {{verdict: mixed, summary: "Some.", references: [R1]}}
remedies:
  - id: remedy-a
    title: "Remedy A"
    summary: "Do this."
    how: "Like this."
    when: "Now."
    severities: [low, moderate, high]
    evidence: {{verdict: supported, summary: "Good.", references: [R1]}}
tips:
  - id: tip-a
    title: "Tip A"
    summary: "Next time."
    evidence: {{verdict: unsupported, summary: "Weak.", references: [R1]}}
"""


def make_kb(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(count):
        topic_id = f"bench-{n:04d}"
        (folder / f"{topic_id}.yaml").write_text(SMALL_TOPIC.format(id=topic_id, n=n))
    return folder


def make_tldr_page(home: Path, env: dict[str, str]) -> Path:
    """A tldr page holding the same advice as `cope --severity high`."""
    report = json.loads(
        subprocess.run(
            [SOREADVISOR, "cope", "--severity", "high", "--format", "json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    lines = ["# soreadvisor-cope", "", f"> {report['title']}.", f"> {report['disclaimer']}", ""]
    for sign in report["warning_signs"]:
        lines += [f"- Get help now if: {sign['title']}:", "", "`soreadvisor check`", ""]
    for remedy in report["remedies"]:
        lines += [
            f"- {remedy['title']}: {remedy.get('how', remedy['summary'])}:",
            "",
            "`soreadvisor cope --severity high`",
            "",
        ]
    page = home / "soreadvisor-cope.md"
    page.write_text("\n".join(lines))
    return page


def history_home(base: Path, entries: int) -> Path:
    """A data directory whose diary holds one massage and ``entries`` scores."""
    from datetime import datetime, timedelta, timezone

    from soreadvisor.diary.store import Diary

    home = base / f"diary-{entries}"
    home.mkdir()
    now = datetime.now(timezone.utc)
    start = now - timedelta(hours=entries * 0.01 + 1)
    with Diary.open(home, write=True) as diary:
        diary.add_massage(start)
        diary.add_scores(
            [(start + timedelta(hours=0.01 * (i + 1)), i % 11) for i in range(entries)]
        )
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured rounds (default 15)")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="soreadvisor-bench-"))
    env = dict(os.environ, SOREADVISOR_HOME=str(base / "home"), COLUMNS="80", TERM="xterm-256color")
    for var in ("NO_COLOR", "FORCE_COLOR", "SOREADVISOR_KB"):
        env.pop(var, None)
    small_kb, big_kb = make_kb(base / "kb-1", 1), make_kb(base / "kb-1000", 1000)
    cope = [SOREADVISOR, "cope", "--severity", "high"]

    cases: dict[str, tuple[list[str], str, dict[str, str]]] = {
        "python -c pass": ([PY, "-c", "pass"], "pipe", env),
        "python -c 'import typer'": ([PY, "-c", "import typer"], "pipe", env),
        "cope --severity high > file": (cope, "pipe", env),
        "pty: import typer, rich.console": ([PY, "-c", "import typer, rich.console"], "pty", env),
        "pty: cope --severity high (rich)": (cope, "pty", env),
        "cope, --kb of 1 topic": (cope + ["--kb", str(small_kb)], "pipe", env),
        "cope, --kb of 1,000 topics": (cope + ["--kb", str(big_kb)], "pipe", env),
        "explain > file": ([SOREADVISOR, "explain"], "pipe", env),
        "check --none > file": ([SOREADVISOR, "check", "--none"], "pipe", env),
        "plan --since 30h > file": ([SOREADVISOR, "plan", "--since", "30h"], "pipe", env),
    }
    if TLDR:
        page = make_tldr_page(base, env)
        cases["tldr --render page > file"] = ([TLDR, "--render", str(page)], "pipe", env)
    try:
        for n in (10, 10_000):
            denv = dict(env, SOREADVISOR_HOME=str(history_home(base, n)))
            cases[f"history, {n:,} entries"] = (
                [SOREADVISOR, "history", "--days", "3650"],
                "pipe",
                denv,
            )
    except ImportError:
        print("(history cases skipped: this version has no diary)")

    times: dict[str, list[float]] = {name: [] for name in cases}
    peak: dict[str, int] = {name: 0 for name in cases}
    for round_ in range(args.runs + 1):  # round 0 warms caches and is not counted
        for name, (argv, mode, case_env) in cases.items():
            elapsed, rss = (run_pty if mode == "pty" else run_pipe)(argv, case_env)
            peak[name] = max(peak[name], rss)
            if round_:
                times[name].append(elapsed)
    med = {name: statistics.median(v) * 1000 for name, v in times.items()}

    print(f"{args.runs} interleaved rounds after a warm-up; median wall time, peak RSS\n")
    for name in cases:
        print(f"  {name:38s} {med[name]:7.1f} ms  {peak[name] / 1024:5.1f} MiB")

    def ratio(label: str, case: str, baseline: str, target: float, below: bool = False) -> None:
        if case in med and baseline in med:
            r = med[case] / med[baseline]
            ok = r < target if below else r <= target
            print(
                f"  {label:58s} {r:5.2f}  (target {'<' if below else '<='} {target}) "
                f"{'ok' if ok else 'MISSED'}"
            )

    print("\nratios")
    ratio(
        "cope piped / python -c 'import typer'",
        "cope --severity high > file",
        "python -c 'import typer'",
        1.3,
    )
    ratio("cope piped / python -c pass", "cope --severity high > file", "python -c pass", 99)
    ratio(
        "cope piped / tldr --render of the same advice",
        "cope --severity high > file",
        "tldr --render page > file",
        1.0,
        below=True,
    )
    ratio(
        "cope on a pty (rich) / import typer, rich.console on a pty",
        "pty: cope --severity high (rich)",
        "pty: import typer, rich.console",
        1.3,
    )
    ratio(
        "cope with 1,000 user topics / with 1",
        "cope, --kb of 1,000 topics",
        "cope, --kb of 1 topic",
        1.1,
    )
    ratio(
        "history of 10,000 entries / of 10", "history, 10,000 entries", "history, 10 entries", 1.2
    )

    start = time.perf_counter()
    subprocess.run(
        [SOREADVISOR, "kb", "check", str(big_kb)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    took = time.perf_counter() - start
    print(
        f"  {'kb check of 1,000 topics (seconds)':58s} {took:5.2f}  (target < 3) "
        f"{'ok' if took < 3 else 'MISSED'}"
    )
    worst = max(peak[n] for n, (argv, _, _) in cases.items() if argv[0] == SOREADVISOR) / 1024
    print(
        f"  {'peak memory of any command (MiB)':58s} {worst:5.1f}  (target <= 40) "
        f"{'ok' if worst <= 40 else 'MISSED'}"
    )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
