"""kb path, kb check, kb schema: working on custom knowledge."""

from pathlib import Path
from typing import Annotated

import typer

from .application import app
from .options import KbOpt

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
) -> None:
    """Validate knowledge files; print each problem as file:line:column: message.

    Exits 1 if there is any problem.

    \b
    Example:
      soreadvisor kb check ~/my-topics
    """
    from ..kb.store import KnowledgeBase

    count, problems = KnowledgeBase.from_env(kb).check(path)
    for problem in problems:
        typer.echo(str(problem))
    files = "topic" if count == 1 else "topics"
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {count} {files}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {count} {files} valid", err=True)


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
