"""Start-up, scaling and memory of soreadvisor at the sizes we design for, side by side.

    python benchmarks/bench.py [--runs 15]

Every case runs as a whole process, interleaved with its baselines in each
round (after a warm-up round), and the script prints medians, peak memory and
the ratios the project targets. It measures; it asserts nothing. Peak memory
is each process's maximum resident set size (from wait4).

The sizes: a knowledge directory of 50 topics, a diary of 10,000 scores (ten a
day for three years). The first run after an install is measured on a real
one: the project is built as a wheel and installed into a fresh venv with the
dependency versions of this one; a second venv holds the same wheel with the
newest Typer, which our pin (``typer<0.29``) keeps out, so the ratio of the two
says when the pin can be lifted. Building needs a package index; without one
those cases are skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

PY = sys.executable
SOREADVISOR = str(Path(PY).parent / "soreadvisor")
REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / "foot-massage-leg-soreness.yaml"

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


def run_pipe(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB) of one run with its output to a file."""
    fd, report = tempfile.mkstemp(prefix="bench-")
    os.close(fd)
    with tempfile.TemporaryFile() as out:
        subprocess.run(
            [PY, "-S", "-c", LAUNCHER, report, *argv],
            env=env,
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            check=True,
        )
    with open(report) as fh:
        elapsed, rss, code = fh.read().split()
    os.unlink(report)
    if int(code) != 0:
        raise SystemExit(f"benchmark case failed ({code}): {' '.join(argv)}")
    return float(elapsed), int(rss)


def make_kb(folder: Path, count: int) -> Path:
    """``count`` full copies of the shipped topic under new ids (a user's own topics)."""
    folder.mkdir(parents=True)
    text = SHIPPED.read_text(encoding="utf-8")
    for n in range(count):
        topic_id = f"real-{n:04d}"
        body = text.replace("id: foot-massage-leg-soreness", f"id: {topic_id}", 1)
        (folder / f"{topic_id}.yaml").write_text(body, encoding="utf-8")
    return folder


def history_data(base: Path, scores: int, weekly: bool = False) -> Path:
    """An XDG data home whose diary holds ``scores`` scores, ten a day: all since one
    massage (the worst case: `history` reads them all), or with a massage every week."""
    from datetime import datetime, timedelta, timezone

    from soreadvisor.diary.store import Diary

    home = base / f"diary-{scores}-{weekly}"
    now = datetime.now(timezone.utc)
    start = now - timedelta(hours=scores * 2.4 + 1)
    with Diary.open(home / "soreadvisor", write=True) as diary:
        for week in range(scores // 70 + 1 if weekly else 1):
            diary.add_massage(start + timedelta(days=7 * week))
        diary.add_scores([(start + timedelta(hours=2.4 * (i + 1)), i % 11) for i in range(scores)])
    return home


def _quiet(cmd: list[str], **kw: object) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)  # type: ignore[call-overload]


def install(base: Path) -> tuple[str, str] | None:
    """The wheel installed in two fresh venvs: with this venv's versions (the pinned
    Typer) and with the newest Typer. Their commands, or None when they cannot be built."""
    from importlib import metadata

    pins = base / "constraints.txt"
    pins.write_text(
        "".join(
            f"{d.metadata['Name']}=={d.version}\n"
            for d in metadata.distributions()
            if d.metadata["Name"] and d.metadata["Name"].lower() not in ("soreadvisor", "typer")
        )
    )
    pinned, newest, dist = base / "pinned", base / "newest", base / "dist"
    typer = f"typer=={metadata.version('typer')}"
    try:
        _quiet([PY, "-m", "pip", "wheel", "--no-deps", "-w", str(dist), str(REPO)])
        (wheel,) = dist.glob("soreadvisor-*.whl")
        for venv in (pinned, newest):
            _quiet([PY, "-m", "venv", str(venv)])
        pip = ["-m", "pip", "install", "--quiet", "-c", str(pins)]
        _quiet([str(pinned / "bin" / "python"), *pip, typer, str(wheel)])
        # The newest Typer is outside our range: its dependencies first, then the wheel alone.
        deps = metadata.requires("soreadvisor") or []
        runtime = [d.split(";")[0] for d in deps if "extra ==" not in d and "typer" not in d]
        _quiet([str(newest / "bin" / "python"), *pip, "--upgrade", "typer", *runtime])
        _quiet([str(newest / "bin" / "python"), *pip, "--no-deps", str(wheel)])
    except (subprocess.CalledProcessError, ValueError) as exc:
        print(f"(installed cases skipped: cannot build and install the wheel: {exc})")
        return None
    return str(pinned / "bin" / "soreadvisor"), str(newest / "bin" / "soreadvisor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured rounds (default 15)")
    parser.add_argument("--no-install", action="store_true", help="skip the installed cases")
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="soreadvisor-bench-"))
    # The platform directories, as a user has them (XDG, so nothing of the real
    # home is touched). Bytecode is written, as pip compiles an installed wheel.
    env = dict(os.environ, COLUMNS="80")
    for var in ("NO_COLOR", "FORCE_COLOR", "SOREADVISOR_KB", "SOREADVISOR_HOME"):
        env.pop(var, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        env[var] = str(base / var.lower())
    cope = ["cope", "--severity", "high"]
    kb_1, kb_50 = make_kb(base / "kb-1", 1), make_kb(base / "kb-50", 50)
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c 'import typer'": ([PY, "-c", "import typer"], env),
        "cope --severity high > file": ([SOREADVISOR, *cope], env),
        "--help > file": ([SOREADVISOR, "--help"], env),
        "topics, 1 topic": ([SOREADVISOR, "topics", "--kb", str(kb_1)], env),
        "topics, 50 topics": ([SOREADVISOR, "topics", "--kb", str(kb_50)], env),
        "kb check, 50 topics": ([SOREADVISOR, "kb", "check", str(kb_50)], env),
    }
    for n in (10, 10_000):
        denv = dict(env, XDG_DATA_HOME=str(history_data(base, n)))
        cases[f"history, {n:,} scores"] = ([SOREADVISOR, "history"], denv)
    weekly = dict(env, XDG_DATA_HOME=str(history_data(base, 10_000, weekly=True)))
    cases["history, 10,000 scores, weekly massages"] = ([SOREADVISOR, "history"], weekly)
    # Before a case runs: the state it measures.
    prepare: dict[str, Callable[[], None]] = {}
    installed = None if args.no_install else install(base)
    if installed is not None:
        pinned, newest = installed
        first = dict(env, XDG_CACHE_HOME=str(base / "first-run-cache"))
        cases["installed: cope, first run"] = ([pinned, *cope], first)
        prepare["installed: cope, first run"] = lambda: shutil.rmtree(first["XDG_CACHE_HOME"], True)
        cases["installed: cope, cached"] = ([pinned, *cope], env)
        cases["installed, newest typer: cope, cached"] = ([newest, *cope], env)

    times: dict[str, list[float]] = {name: [] for name in cases}
    peak: dict[str, int] = {name: 0 for name in cases}
    for round_ in range(args.runs + 1):  # round 0 warms caches and is not counted
        for name, (argv, case_env) in cases.items():
            if name in prepare:
                prepare[name]()
            elapsed, rss = run_pipe(argv, case_env)
            if round_:
                times[name].append(elapsed)
                peak[name] = max(peak[name], rss)
    shutil.rmtree(base, ignore_errors=True)
    med = {name: statistics.median(v) * 1000 for name, v in times.items()}

    print(f"{args.runs} interleaved rounds after a warm-up; median wall time, peak RSS\n")
    for name in cases:
        print(f"  {name:40s} {med[name]:7.1f} ms  {peak[name] / 1024:5.1f} MiB")

    print("\nratios")

    def ratio(label: str, case: str, baseline: str, target: float | None, below: bool = False):
        if case not in med or baseline not in med:
            return
        r = med[case] / med[baseline]
        verdict = ""
        if target is not None:
            ok = r < target if below else r <= target
            verdict = f"  (target {'<' if below else '<='} {target:g}) {'ok' if ok else 'MISSED'}"
        print(f"  {label:52s} {r:5.2f}{verdict}")

    typer = "python -c 'import typer'"
    ratio("cope piped / import typer", "cope --severity high > file", typer, 1.3)
    ratio("--help piped / import typer", "--help > file", typer, 1.3)
    ratio("history, 10,000 scores / 10", "history, 10,000 scores", "history, 10 scores", 1.2)
    ratio(
        "history, 10,000 scores, weekly massages / 10",
        "history, 10,000 scores, weekly massages",
        "history, 10 scores",
        1.2,
    )
    ratio("topics, 50 topics / 1", "topics, 50 topics", "topics, 1 topic", 1.5)
    ratio(
        "first run after install / cached (installed)",
        "installed: cope, first run",
        "installed: cope, cached",
        None,
    )
    ratio(
        "newest typer / our pin, cope cached (lift at <= 1.1)",
        "installed, newest typer: cope, cached",
        "installed: cope, cached",
        1.1,
    )
    if "installed: cope, first run" in med:
        saved = med["installed: cope, first run"] - med["installed: cope, cached"]
        print(f"  {'the user cache saves, per run (ms)':52s} {saved:5.0f}")
    ours = [n for n, (argv, _) in cases.items() if "soreadvisor" in argv[0]]
    worst = max(peak[n] for n in ours) / 1024
    verdict = "ok" if worst <= 40 else "MISSED"
    print(f"  {'peak memory of any command (MiB)':52s} {worst:5.1f}  (target <= 40) {verdict}")


if __name__ == "__main__":
    main()
