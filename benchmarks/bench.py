"""Start-up, scaling and memory of soreadvisor, measured side by side.

    pip install '.[bench]' && python benchmarks/bench.py [--runs 15]

Every case runs as a whole process, interleaved with its baselines in each
round (after a warm-up round), and the script prints medians and the ratios
the project targets. It measures; it asserts nothing. Peak memory is each
process's maximum resident set size (from wait4).

The first run after an install is measured on a real one: the wheel is built
(with its shipped topic cache) and ``pip install``ed into a temporary venv,
whose cached run, with the shipped cache made untrusted, is the baseline.
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
from collections.abc import Callable
from pathlib import Path

PY = sys.executable
BIN = Path(PY).parent
SOREADVISOR = str(BIN / "soreadvisor")
TLDR = shutil.which("tldr", path=str(BIN)) or shutil.which("tldr")


# Each case runs under this small launcher, which times it and reads its peak
# RSS with wait4. A child's peak RSS carries over the high-water mark of the
# memory it was started from, so children of this (bigger) script would all
# report our size; the launcher is a bare `python -S` of a few MiB.
LAUNCHER = """
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
with open(report, "w") as fh:
    fh.write(f"{elapsed} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def _launch(argv: list[str], env: dict[str, str], **streams: object) -> subprocess.Popen:
    fd, report = tempfile.mkstemp(prefix="bench-")
    os.close(fd)
    proc = subprocess.Popen([PY, "-S", "-c", LAUNCHER, report, *argv], env=env, **streams)
    proc.report = report  # type: ignore[attr-defined]
    return proc


def _result(proc: subprocess.Popen, argv: list[str]) -> tuple[float, int]:
    proc.wait()
    with open(proc.report) as fh:  # type: ignore[attr-defined]
        elapsed, rss, code = fh.read().split()
    os.unlink(proc.report)  # type: ignore[attr-defined]
    if int(code) != 0:
        raise SystemExit(f"benchmark case failed ({code}): {' '.join(argv)}")
    return float(elapsed), int(rss)


def run_pipe(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one run with its output to a file."""
    with tempfile.TemporaryFile() as out:
        proc = _launch(argv, env, stdout=out, stderr=out, stdin=subprocess.DEVNULL)
        return _result(proc, argv)


def run_pty(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """The same on a pseudo-terminal (so rich output is chosen), draining it."""
    master, slave = pty.openpty()
    proc = _launch(argv, env, stdout=slave, stderr=slave, stdin=slave)
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # EIO: the terminal closed
            break
    result = _result(proc, argv)
    os.close(master)
    return result


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


SHIPPED = (
    Path(__file__).resolve().parent.parent / "data" / "topics" / "foot-massage-leg-soreness.yaml"
)


def make_real_kb(folder: Path, count: int) -> Path:
    """``count`` full copies of the shipped topic (43 KB each) under new ids."""
    folder.mkdir(parents=True)
    text = SHIPPED.read_text(encoding="utf-8")
    for n in range(count):
        topic_id = f"real-{n:04d}"
        body = text.replace("id: foot-massage-leg-soreness", f"id: {topic_id}", 1)
        (folder / f"{topic_id}.yaml").write_text(body, encoding="utf-8")
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


def install_wheel(base: Path) -> tuple[Path, Path] | None:
    """The project built as a wheel (with its shipped topic cache) and ``pip install``ed
    into a fresh venv, with the dependency versions of this one: its command and the
    folder of its shipped cache."""
    from importlib import metadata

    repo = SHIPPED.parent.parent.parent
    pins = base / "constraints.txt"
    pins.write_text(
        "".join(
            f"{d.metadata['Name']}=={d.version}\n"
            for d in metadata.distributions()
            if d.metadata["Name"] and d.metadata["Name"] != "soreadvisor"
        )
    )
    venv, dist = base / "installed", base / "dist"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}
    try:
        for step in (
            [PY, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(repo)],
            [PY, "-m", "venv", str(venv)],
        ):
            subprocess.run(step, check=True, **quiet)  # type: ignore[call-overload]
        (wheel,) = dist.glob("soreadvisor-*.whl")
        install = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(install + ["-c", str(pins), str(wheel)], check=True, **quiet)  # type: ignore[call-overload]
    except (subprocess.CalledProcessError, ValueError) as exc:
        print(f"(first-run-after-install cases skipped: cannot build and install the wheel: {exc})")
        return None
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import soreadvisor; print(soreadvisor.__file__)"],
        cwd=base,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return venv / "bin" / "soreadvisor", Path(site).parent / "data" / "cache"


def history_home(base: Path, entries: int) -> Path:
    """A data directory whose diary holds one massage and ``entries`` scores."""
    from datetime import datetime, timedelta, timezone

    from soreadvisor.diary.store import Diary

    home = base / f"diary-{entries}"
    home.mkdir()
    data = home / "soreadvisor"
    now = datetime.now(timezone.utc)
    start = now - timedelta(hours=entries * 0.01 + 1)
    with Diary.open(data, write=True) as diary:
        diary.add_massage(start)
        diary.add_scores(
            [(start + timedelta(hours=0.01 * (i + 1)), i % 11) for i in range(entries)]
        )
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured rounds (default 15)")
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds, and no cold 1,000-topic listing"
    )
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    args = parser.parse_args()
    if args.quick:
        args.runs = min(args.runs, 3)

    base = Path(tempfile.mkdtemp(prefix="soreadvisor-bench-"))
    # The platform directories, as a user has them (XDG, so nothing of the real
    # home is touched), not one SOREADVISOR_HOME.
    env = dict(os.environ, COLUMNS="80", TERM="xterm-256color")
    # PYTHONDONTWRITEBYTECODE: a user's Python keeps the compiled modules (pip
    # compiles an installed wheel's); without them every run of the source tree
    # compiles it again, 20 ms more than an installed copy.
    for var in (
        "NO_COLOR",
        "FORCE_COLOR",
        "SOREADVISOR_KB",
        "SOREADVISOR_HOME",
        "PYTHONDONTWRITEBYTECODE",
    ):
        env.pop(var, None)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[var] = str(base / var.lower())
    small_kb, big_kb = make_kb(base / "kb-1", 1), make_kb(base / "kb-1000", 1000)
    cope = [SOREADVISOR, "cope", "--severity", "high"]

    cold = dict(env, XDG_CACHE_HOME=str(base / "cold-cache"))
    cases: dict[str, tuple[list[str], str, dict[str, str]]] = {
        "python -c pass": ([PY, "-c", "pass"], "pipe", env),
        "python -c 'import typer'": ([PY, "-c", "import typer"], "pipe", env),
        "cope --severity high > file": (cope, "pipe", env),
        "pty: import typer, rich.console": ([PY, "-c", "import typer, rich.console"], "pty", env),
        "pty: cope --severity high (rich)": (cope, "pty", env),
        # A user topic, so the answer really comes from the big directory.
        "cope, --kb of 1 topic": (
            cope + ["--kb", str(small_kb), "--topic", "bench-0000"],
            "pipe",
            env,
        ),
        "cope, --kb of 1,000 topics": (
            cope + ["--kb", str(big_kb), "--topic", "bench-0000"],
            "pipe",
            env,
        ),
        "cope, no cache at all (reads YAML)": (cope, "pipe", cold),
        "explain > file": ([SOREADVISOR, "explain"], "pipe", env),
        "check --none > file": ([SOREADVISOR, "check", "--none"], "pipe", env),
        "plan --since 30h > file": ([SOREADVISOR, "plan", "--since", "30h"], "pipe", env),
    }
    # Before a case runs: the state it measures (a cache emptied, the wheel's cache on or off).
    prepare: dict[str, Callable[[], None]] = {
        "cope, no cache at all (reads YAML)": lambda: shutil.rmtree(cold["XDG_CACHE_HOME"], True),
    }
    installed = install_wheel(base) if "install" in args.only or not args.only else None
    if installed is not None:
        # The installed command, each case with a user cache of its own; the shipped
        # cache is made group-writable (so untrusted) for the cases without it.
        command, shipped_dir = installed
        shipped = next(shipped_dir.glob("*.cache"))

        def state(trusted: bool, user_cache: str | None) -> Callable[[], None]:
            def set_up() -> None:
                shipped.chmod(0o644 if trusted else 0o664)
                if user_cache is not None:
                    shutil.rmtree(user_cache, ignore_errors=True)

            return set_up

        icope = [str(command), *cope[1:]]
        for n, (name, trusted, empty) in enumerate(
            (
                ("installed: cope, first run (shipped cache)", True, True),
                ("installed: cope, cached (no shipped cache)", False, False),
                ("installed: cope, first run (no shipped cache)", False, True),
            )
        ):
            ienv = dict(env, XDG_CACHE_HOME=str(base / f"installed-cache-{n}"))
            cases[name] = (icope, "pipe", ienv)
            prepare[name] = state(trusted, ienv["XDG_CACHE_HOME"] if empty else None)
    if TLDR:
        page = make_tldr_page(base, env)
        cases["tldr --render page > file"] = ([TLDR, "--render", str(page)], "pipe", env)
    real_1, real_1000 = make_real_kb(base / "real-1", 1), make_real_kb(base / "real-1000", 1000)
    topics = [SOREADVISOR, "topics"]
    cases["topics, 1 real topic (warm)"] = (topics + ["--kb", str(real_1)], "pipe", env)
    cases["topics, 1,000 real topics (warm)"] = (topics + ["--kb", str(real_1000)], "pipe", env)
    topics_cold = dict(env, XDG_CACHE_HOME=str(base / "topics-cold-cache"))
    if not args.quick:
        cases["topics, 1,000 real topics (cold)"] = (
            topics + ["--kb", str(real_1000)],
            "pipe",
            topics_cold,
        )
        prepare["topics, 1,000 real topics (cold)"] = lambda: shutil.rmtree(
            topics_cold["XDG_CACHE_HOME"], True
        )
    try:
        for n in (10, 10_000, 100_000):
            denv = dict(env, XDG_DATA_HOME=str(history_home(base, n)))
            history = [SOREADVISOR, "history", "--days", "3650"]
            cases[f"history, {n:,} entries"] = (history, "pipe", denv)
            cases[f"history --format json, {n:,} entries"] = (
                history + ["--format", "json"],
                "pipe",
                denv,
            )
            if n != 10_000:
                export = [SOREADVISOR, "diary", "export", "--format"]
                cases[f"diary export --format json, {n:,} entries"] = (
                    export + ["json"],
                    "pipe",
                    denv,
                )
                cases[f"diary export --format csv, {n:,} entries"] = (
                    export + ["csv"],
                    "pipe",
                    denv,
                )
    except ImportError:
        print("(history cases skipped: this version has no diary)")
    cases = {
        name: case
        for name, case in cases.items()
        if args.only in name or name.startswith(("python", "pty: import", "cope --severity"))
    }

    times: dict[str, list[float]] = {name: [] for name in cases}
    peak: dict[str, int] = {name: 0 for name in cases}
    for round_ in range(args.runs + 1):  # round 0 warms caches and is not counted
        for name, (argv, mode, case_env) in cases.items():
            if name in prepare:
                prepare[name]()
            elapsed, rss = (run_pty if mode == "pty" else run_pipe)(argv, case_env)
            if round_:
                times[name].append(elapsed)
                peak[name] = max(peak[name], rss)
    med = {name: statistics.median(v) * 1000 for name, v in times.items()}

    print(f"{args.runs} interleaved rounds after a warm-up; median wall time, peak RSS\n")
    for name in cases:
        print(f"  {name:46s} {med[name]:7.1f} ms  {peak[name] / 1024:5.1f} MiB")

    def ratio(label: str, case: str, baseline: str, target: float | None, below: bool = False):
        if case not in med or baseline not in med:
            return
        r = med[case] / med[baseline]
        if target is None:
            print(f"  {label:58s} {r:5.2f}")
            return
        ok = r < target if below else r <= target
        sign = "<" if below else "<="
        print(f"  {label:58s} {r:5.2f}  (target {sign} {target}) {'ok' if ok else 'MISSED'}")

    print("\nratios (the targets of issue 14)")
    ratio(
        "cope piped / python -c 'import typer'",
        "cope --severity high > file",
        "python -c 'import typer'",
        1.2,
    )
    ratio("cope piped / python -c pass", "cope --severity high > file", "python -c pass", None)
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
        "first run after pip install / cached, cope --severity high",
        "installed: cope, first run (shipped cache)",
        "installed: cope, cached (no shipped cache)",
        1.5,
    )
    ratio(
        "first run after install, no shipped cache / cached (before)",
        "installed: cope, first run (no shipped cache)",
        "installed: cope, cached (no shipped cache)",
        None,
    )
    ratio(
        "first run after install / cope piped in the dev venv",
        "installed: cope, first run (shipped cache)",
        "cope --severity high > file",
        None,
    )
    ratio(
        "cope with 1,000 user topics / with 1",
        "cope, --kb of 1,000 topics",
        "cope, --kb of 1 topic",
        1.1,
    )
    ratio(
        "topics, 1,000 real topics / 1 (warm)",
        "topics, 1,000 real topics (warm)",
        "topics, 1 real topic (warm)",
        1.5,
    )
    ratio(
        "topics, 1,000 real topics cold / warm (no target)",
        "topics, 1,000 real topics (cold)",
        "topics, 1,000 real topics (warm)",
        None,
    )
    for fmt in ("", " --format json"):
        for n in ("10,000", "100,000"):
            ratio(
                f"history{fmt} of {n} entries / of 10",
                f"history{fmt}, {n} entries",
                f"history{fmt}, 10 entries",
                1.2,
            )
    ratio(
        "diary export --format json / csv, 100,000 entries (time)",
        "diary export --format json, 100,000 entries",
        "diary export --format csv, 100,000 entries",
        None,
    )

    def mib(label: str, names: list[str], target: float) -> None:
        names = [n for n in names if n in peak]
        if not names:
            return
        worst = max(peak[n] for n in names) / 1024
        verdict = "ok" if worst <= target else "MISSED"
        print(f"  {label:58s} {worst:5.1f}  (target <= {target:g}) {verdict}")

    mib("peak MiB, topics at any size", [n for n in cases if n.startswith("topics")], 40)
    mib(
        "peak MiB, diary export --format json, 100,000 entries",
        ["diary export --format json, 100,000 entries"],
        40,
    )

    if not args.only or "kb check" in args.only:
        for label, folder in (("small generated", big_kb), ("real (43 KB)", real_1000)):
            start = time.perf_counter()
            subprocess.run(
                [SOREADVISOR, "kb", "check", str(folder)],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            took = time.perf_counter() - start
            name = f"kb check of 1,000 {label} topics (seconds)"
            print(f"  {name:58s} {took:5.2f}  (target <= 3) {'ok' if took <= 3 else 'MISSED'}")
    worst = max(peak[n] for n, (argv, _, _) in cases.items() if argv[0] == SOREADVISOR) / 1024
    print(
        f"  {'peak memory of any command (MiB)':58s} {worst:5.1f}  (target <= 40) "
        f"{'ok' if worst <= 40 else 'MISSED'}"
    )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
