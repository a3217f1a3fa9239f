"""Options every command shares, and the small steps each command repeats."""

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..advice.profile import AGE_RANGE, PREGNANT_WEEKS_RANGE


class Format(str, Enum):
    auto = "auto"
    rich = "rich"
    plain = "plain"
    markdown = "markdown"
    json = "json"


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class SeverityChoice(str, Enum):
    low = "low"
    moderate = "moderate"
    high = "high"


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="auto = rich on a terminal, plain in a pipe.",
        case_sensitive=False,
    ),
]
ColorOpt = Annotated[
    Color, typer.Option("--color", help="Colour in rich output (NO_COLOR is honoured).")
]
TopicOpt = Annotated[str, typer.Option("--topic", "-t", help="Topic id; see `soreadvisor topics`.")]


def _kb_path(value: str) -> Path:
    """An empty --kb (say, an unset shell variable) is an error, not the current directory."""
    if not value:
        raise typer.BadParameter("is empty; give a knowledge file or directory")
    return Path(value)


KbOpt = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        parser=_kb_path,
        metavar="<path>",
        help="Custom knowledge file or directory (instead of the user directory).",
        envvar="SOREADVISOR_KB",
        show_envvar=True,
    ),
]

# Profile facts, accepted once by cope, check and plan: they override the
# saved profile for this run only.
ConditionOpt = Annotated[
    list[str] | None, typer.Option("--condition", "-c", help="A condition id (repeat for more).")
]
MedicationOpt = Annotated[
    list[str] | None, typer.Option("--medication", "-m", help="A medication id (repeat for more).")
]
# The bounds live with the profile, which checks a saved file against the same ones.
AgeOpt = Annotated[
    int | None,
    typer.Option("--age", min=AGE_RANGE[0], max=AGE_RANGE[1], help="Your age in years."),
]
PregnantOpt = Annotated[
    int | None,
    typer.Option(
        "--pregnant-weeks",
        min=PREGNANT_WEEKS_RANGE[0],
        max=PREGNANT_WEEKS_RANGE[1],
        help="Weeks of pregnancy, if pregnant.",
    ),
]
RegionOpt = Annotated[
    str | None, typer.Option("--region", help="uk, us, ca, eu, au or nz: emergency numbers.")
]
NoProfileOpt = Annotated[
    bool, typer.Option("--no-profile", help="Ignore the saved profile for this run.")
]


def emit(report, fmt: Format, color: Color) -> None:  # type: ignore[no-untyped-def]
    """Write the report; a reader that went away (``| head``) ends the run quietly."""
    from ..errors import UserError
    from ..render import render

    try:
        render(report, fmt.value, color.value)
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        raise typer.Exit(141) from None
    except OSError as exc:  # stdout on a full disk (or /dev/full), a dead terminal
        quiet_stdout()  # the rest still buffered cannot be written either
        raise UserError(f"cannot write the answer: {exc.strerror or exc}") from None


def quiet_stdout() -> None:
    """After a closed pipe, point stdout at devnull so the exit flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def load_topic(topic: str, kb: Path | None):  # type: ignore[no-untyped-def]
    from ..kb.store import KnowledgeBase

    base = KnowledgeBase.from_env(kb)
    try:
        return base.load(topic)
    finally:
        for message in base.warnings:
            warning(message)


def warning(message: str) -> None:
    """Something passed over that did not stop the answer, as one line on stderr."""
    from ..render import say

    say(f"soreadvisor: warning: {message}")


def person(
    topic,  # type: ignore[no-untyped-def]
    condition: list[str] | None,
    medication: list[str] | None,
    age: int | None,
    pregnant_weeks: int | None,
    region: str | None,
    no_profile: bool = False,
    *,
    must_answer: bool = False,
):
    """The saved profile with this run's options laid over it, checked against the topic.

    An id given for this run that the topic does not know is an error. A saved
    one (from a topic file since removed, say) is named in a warning and left
    out for this run: a stale profile must never stand between a person and
    the advice. With ``must_answer`` (the warning-sign screen) a saved profile
    that cannot be read at all is passed over the same way.
    """
    from ..advice.profile import Profile, check_ids, known_only
    from ..errors import UserError
    from ..render import say
    from ..userprofile import load

    saved = Profile()
    if not no_profile:
        try:
            saved = load()
        except UserError as exc:
            if not must_answer:
                raise
            say(f"soreadvisor: warning: {exc}; answering without your saved profile")
    saved, stale = known_only(saved, topic)
    if stale:
        say(
            f"soreadvisor: warning: your saved profile names {', '.join(stale)}, which the "
            f"topic {topic.id!r} does not know; left out for this run "
            "(`soreadvisor profile set` or `profile clear` to tidy it)"
        )
    profile = saved.with_run_options(condition, medication, age, pregnant_weeks, region)
    check_ids(profile, topic)
    return profile
