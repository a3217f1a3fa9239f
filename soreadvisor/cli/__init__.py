"""The command line: ``main`` is the entry point (``soreadvisor`` and ``python -m soreadvisor``).

Importing this package imports nothing heavy: the Typer application lives in
``soreadvisor.cli.application`` and is imported inside ``main``, so a Ctrl-C
while it loads (most of a run's start-up) ends the run quietly with 130
instead of a KeyboardInterrupt traceback. ``app`` is still reachable here, as
the command modules and the tests expect.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .application import app as app


def main(argv: list[str] | None = None) -> None:
    """Run the CLI and exit: 0 ok, 1 not found / bad data, 2 usage, 130 interrupted, 141 pipe."""
    try:
        from .application import run

        run(argv)
    except KeyboardInterrupt:  # before the CLI could handle it: while importing, say
        _quiet_stdout()
        sys.exit(130)


def __getattr__(name: str) -> Any:
    if name == "app":  # with every command registered
        from .application import load_commands

        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _quiet_stdout() -> None:
    """Nothing half-written reaches the terminal after an interrupt."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
