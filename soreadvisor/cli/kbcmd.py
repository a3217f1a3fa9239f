"""kb path, kb check, kb schema: working on custom knowledge."""

import os
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from .application import app
from .options import Color, ColorOpt, Format, FormatOpt, KbOpt, emit, warning

kb_app = typer.Typer(
    help="Custom knowledge: where it lives, checking it, its schema.\n\n"
    "\b\nExample:\n  soreadvisor kb check $(soreadvisor kb path)",
)
app.add_typer(kb_app, name="kb")


@kb_app.command("path")
def kb_path(kb: KbOpt = None) -> None:
    """Print the directory for your own topics and overrides (<topic-id>.yaml).

    \b
    Example:
      soreadvisor kb path
    """
    from ..kb.store import KnowledgeBase

    base = KnowledgeBase.from_env(kb)
    typer.echo(str(base.user_path))


@kb_app.command("check")
def kb_check(
    path: Annotated[
        Path | None, typer.Argument(help="A file or directory (default: every topic).")
    ] = None,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
) -> None:
    """Validate knowledge files; print each problem as file:line:column: message.

    Exits 1 if there is any problem.

    \b
    Example:
      soreadvisor kb check ~/my-topics
    """
    from ..advice.explain import check_report
    from ..kb.store import KnowledgeBase
    from ..render import say

    base = KnowledgeBase.from_env(kb)
    bar = _Bar()
    try:
        count, problems = base.check(path, progress=bar)
    finally:
        bar.close()
        for message in base.warnings:
            warning(message)
    report = check_report(count, problems, base.program_words())
    emit(report, format, color)
    say(report.headline)
    if problems:
        raise typer.Exit(1)


class _Bar:
    """A progress bar on stderr, shown only on a terminal and only for a long check:
    once half a second has gone and the whole will take two or more."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown: Any = None  # a rich Progress, once shown
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.shown is None:
            elapsed = time.monotonic() - self.started
            if done >= total or elapsed < 0.5 or elapsed * total / done < 2:
                return
            from ..render import is_terminal

            if not is_terminal(sys.stderr) or os.environ.get("TERM") == "dumb":
                return
            from rich.console import Console
            from rich.progress import Progress

            self.shown = Progress(console=Console(file=sys.stderr), transient=True)
            self.shown.start()
            self.task = self.shown.add_task("Checking topics", total=total)
        self.shown.update(self.task, completed=done)

    def close(self) -> None:
        if self.shown is not None:
            self.shown.stop()


@kb_app.command("schema")
def kb_schema() -> None:
    """Print the JSON Schema of a topic file, for editor completion.

    \b
    Example:
      soreadvisor kb schema > topic.schema.json
    """
    import json

    from ..kb.validate import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))
