"""handout: a printable aftercare sheet for a massage therapist's client."""

import sys
from typing import Annotated, Literal

import typer

from ..errors import UsageProblem
from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    GIVEN,
    Asked,
    ForceOpt,
    Format,
    Intensity,
    KbOpt,
    OutputOpt,
    TopicOpt,
    format_option,
    load_topic,
    person,
    profile_options,
)

# The massage's intensity as cope's severity: what to expect after it.
SEVERITY: dict[str, Literal["low", "moderate", "high"]] = {
    "light": "low",
    "moderate": "moderate",
    "deep": "high",
}


@app.command()
@profile_options(saved="on-request")
def handout(
    client: Annotated[
        str, typer.Option("--client", metavar="NAME", help="The client's name.")
    ] = "",
    therapist: Annotated[
        str | None, typer.Option("--therapist", metavar="NAME", help="Your name.")
    ] = None,
    practice: Annotated[
        str | None, typer.Option("--practice", metavar="NAME", help="Your practice's name.")
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", metavar="TEXT", help="Your phone number or e-mail address."),
    ] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Save --therapist, --practice and --contact for every sheet (no sheet is made).",
        ),
    ] = False,
    date: Annotated[
        str,
        typer.Option(
            "--date",
            metavar="WHEN",
            help="The appointment: today, tomorrow, yesterday or a date such as 2026-12-09 "
            "(up to a year ahead: a sheet can be made before the day).",
        ),
    ] = "now",
    intensity: Annotated[
        Intensity | None,
        typer.Option(
            "--intensity",
            "-i",
            help="How firm the massage was (not given: advice for a moderate one, none named).",
        ),
    ] = None,
    asked: Asked = GIVEN,
    large_print: Annotated[
        bool,
        typer.Option("--large-print", help="Large print (16 pt), over as many pages as needed."),
    ] = False,
    output: OutputOpt = None,
    force: ForceOpt = False,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: format_option(  # type: ignore[valid-type]
        Format.html, Format.markdown, Format.plain, help="html, markdown or plain."
    ) = Format.html,
) -> None:
    """An aftercare sheet for a client: warning signs, what to expect, what to do.

    Your own saved profile is not used unless you say --use-profile. Save your
    name, practice and contact once with --save; they go on every sheet.

    \b
    Example:
      soreadvisor handout --therapist Alex --contact "07700 900000" --save
      soreadvisor handout --client Sam --intensity deep --region uk -o sam.html
    """
    from .. import therapist as details
    from ..advice.common import phrase, region_note
    from ..advice.handout import Appointment
    from ..advice.handout import handout as build
    from ..render import is_terminal, say
    from ..timeparse import parse_day

    given = {"therapist": therapist, "practice": practice, "contact": contact}
    if save:
        if not any(given.values()):
            raise UsageProblem("--save saves --therapist, --practice or --contact: give one")
        saved = {**details.load(), **{k: v for k, v in given.items() if v is not None}}
        where = details.save(saved)
        say(phrase(load_topic(topic, kb), "handout.saved", where=str(where)))
        return
    if output is not None:  # before any work: an existing file without --force is refused
        from ..files import refuse_existing

        refuse_existing(output, force)
    mine = {**details.load(), **{k: v for k, v in given.items() if v is not None}}
    day = parse_day(date)
    t = load_topic(topic, kb)
    who = person(t, asked)
    note = region_note(t, who)
    if note:  # the therapist is told; the sheet just gives the numbers
        say(note)
    chosen = intensity.value if intensity else None
    appointment = Appointment(
        client,
        mine.get("therapist", ""),
        mine.get("contact", ""),
        day,
        chosen,
        mine.get("practice", ""),
    )
    report = build(t, SEVERITY[chosen or "moderate"], who, appointment)
    html = Format(format) is Format.html
    terminal = output is None and html and is_terminal(sys.stdout)
    from ..render import to_text

    text = to_text(report, "plain" if terminal else Format(format).value, large_print=large_print)
    if output is None:
        _to_stdout(text)
        if terminal:  # never a page of HTML on a screen: the text, and how to print it
            say(phrase(t, "handout.on_terminal"))
        return
    from ..files import write_file

    write_file(output, text, force=force)
    if not html:
        say(phrase(t, "handout.wrote_text", file=str(output)))
        return
    from ..render.html import pages_estimate

    n = pages_estimate(report, large_print)
    if n == 1:
        pages = phrase(t, "handout.one_page")
    elif n == 2 and not large_print:
        pages = phrase(t, "handout.two_pages")
    else:
        pages = phrase(t, "handout.pages", n=n)
    say(phrase(t, "handout.wrote", file=str(output), pages=pages))


def _to_stdout(text: str) -> None:
    from ..render import encodable

    # A closed pipe or a full stdout is the one output rule's (``application.run``).
    sys.stdout.write(encodable(text, sys.stdout))
    sys.stdout.flush()
