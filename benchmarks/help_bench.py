"""``soreadvisor --help`` piped, against ``python -c "import typer"``, side by side.

    python benchmarks/help_bench.py [--runs 21]

Each round runs every case once as a whole process, in turn (after a warm-up
round), with its output to a file; the script prints each case's median and
its ratio to ``import typer``. The target is 1.3x for help piped, as for an
answer piped. It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

PY = sys.executable
CASES = {
    "python -c 'import typer'": [PY, "-c", "import typer"],
    "soreadvisor --help | cat": [PY, "-m", "soreadvisor", "--help"],
    "soreadvisor cope --help | cat": [PY, "-m", "soreadvisor", "cope", "--help"],
    "soreadvisor diary --help | cat": [PY, "-m", "soreadvisor", "diary", "--help"],
}
BASELINE = "python -c 'import typer'"


def once(argv: list[str], env: dict[str, str]) -> float:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        subprocess.run(argv, stdout=out, stderr=out, stdin=subprocess.DEVNULL, env=env, check=True)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user has it: bytecode cached
        env["SOREADVISOR_HOME"] = home
        times: dict[str, list[float]] = {name: [] for name in CASES}
        for round_ in range(runs + 1):
            for name, argv in CASES.items():
                elapsed = once(argv, env)
                if round_:  # the first round warms the caches
                    times[name].append(elapsed)
    base = statistics.median(times[BASELINE])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34} {median * 1000:6.1f} ms  {median / base:4.2f}x")


if __name__ == "__main__":
    main()
