"""handout: a printable aftercare sheet for a massage therapist's client."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

import typer

from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    AgeOpt,
    ConditionOpt,
    Format,
    KbOpt,
    MedicationOpt,
    PregnantOpt,
    RegionOpt,
    TopicOpt,
    format_option,
    load_topic,
    person,
)


class Intensity(str, Enum):
    light = "light"
    moderate = "moderate"
    deep = "deep"


# The massage's intensity as cope's severity: what to expect after it.
SEVERITY: dict[str, Literal["low", "moderate", "high"]] = {
    "light": "low",
    "moderate": "moderate",
    "deep": "high",
}


def _date(value: str) -> str:
    import datetime

    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-23") from None


@app.command()
def handout(
    client: Annotated[
        str, typer.Option("--client", metavar="NAME", help="The client's name.")
    ] = "",
    therapist: Annotated[str, typer.Option("--therapist", metavar="NAME", help="Your name.")] = "",
    contact: Annotated[
        str,
        typer.Option("--contact", metavar="TEXT", help="Your phone number or e-mail address."),
    ] = "",
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            parser=_date,
            metavar="DATE",
            help="The appointment (YYYY-MM-DD); default today.",
        ),
    ] = None,
    intensity: Annotated[
        Intensity, typer.Option("--intensity", "-i", help="How firm the massage was.")
    ] = Intensity.moderate,
    condition: ConditionOpt = None,
    medication: MedicationOpt = None,
    age: AgeOpt = None,
    pregnant_weeks: PregnantOpt = None,
    region: RegionOpt = None,
    use_profile: Annotated[
        bool,
        typer.Option(
            "--use-profile/--no-profile",
            help="Also apply your saved profile (off: the sheet is about the client, not you).",
        ),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file (default stdout)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")] = (
        False
    ),
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: format_option(  # type: ignore[valid-type]
        Format.html, Format.markdown, Format.plain, help="html, markdown or plain."
    ) = Format.html,
) -> None:
    """A one-page aftercare sheet for a client: warning signs, what to expect, what to do.

    Your own saved profile is not used unless you say --use-profile.

    \b
    Example:
      soreadvisor handout --client Sam --intensity deep --region uk -o sam.html
    """
    from ..advice.handout import Appointment
    from ..advice.handout import handout as build

    if output is not None:  # before any work: an existing file without --force is refused
        from ..files import refuse_existing

        refuse_existing(output, force)
    if date is None:
        import datetime

        date = datetime.date.today().isoformat()
    t = load_topic(topic, kb)
    who = person(t, condition, medication, age, pregnant_weeks, region, not use_profile)
    appointment = Appointment(client, therapist, contact, date)
    report = build(t, SEVERITY[intensity.value], who, appointment, intensity.value)
    from ..render import to_text

    text = to_text(report, Format(format).value)
    if output is None:
        _to_stdout(text)
    else:
        from ..files import write_file

        write_file(output, text, force=force)


def _to_stdout(text: str) -> None:
    from ..render import encodable

    # A closed pipe or a full stdout is the one output rule's (``application.run``).
    sys.stdout.write(encodable(text, sys.stdout))
    sys.stdout.flush()
