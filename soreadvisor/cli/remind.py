"""remind: check-ins after a massage, as an iCalendar file for the person's calendar.

The calendar goes to ``-o FILE``, or to stdout in a pipe; on a terminal,
where raw iCalendar would only scroll past, the check-ins are listed instead
(and --format lists them in any format).
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageProblem, UserError
from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    GIVEN,
    Asked,
    Color,
    ColorOpt,
    DataDirOpt,
    ForceOpt,
    Format,
    KbOpt,
    TopicOpt,
    emit,
    format_option,
    load_topic,
    person,
    profile_options,
    warning,
)


@app.command()
@profile_options()
def remind(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="WHEN",
            help="When the massage was: '2h ago', 'yesterday 18:00', 18:00, 6pm or an ISO "
            "date-time. Default: the last massage in your diary.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write the calendar (.ics) here."),
    ] = None,
    force: ForceOpt = False,
    asked: Asked = GIVEN,
    data_dir: DataDirOpt = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: format_option(  # type: ignore[valid-type]
        Format.auto,
        Format.rich,
        Format.plain,
        Format.markdown,
        Format.json,
        help="auto = the calendar (.ics) in a pipe, the list of check-ins on a terminal; "
        "rich, plain, markdown or json: the list.",
    ) = Format.auto,
    color: ColorOpt = Color.auto,
) -> None:
    """Check-ins for your calendar after a massage: when to look again, what to look for.

    Writes an iCalendar file (.ics) for your calendar app: a check-in at each
    time the topic gives (the built-in one: the next morning, 2 days and 3 days
    after), each with the warning signs that mean not to wait. Importing it
    again for the same massage adds nothing twice.

    \b
    Example:
      soreadvisor remind --at 'yesterday 18:00' --region uk -o soreness.ics
    """
    from datetime import datetime, timezone

    from ..advice.remind import listing, plan_checkins, reminders_of
    from ..render import is_terminal, say

    t = load_topic(topic, kb)
    reminders = reminders_of(t)
    who = person(t, asked)
    now = datetime.now(timezone.utc)
    massage_at = _massage(at, data_dir, now)
    planned, passed = plan_checkins(t, massage_at, who, now)
    format = Format(format)
    if output is not None and format is not Format.auto:
        raise UsageProblem("-o writes the calendar file; --format is for the list: give one")
    if output is None and (format is not Format.auto or is_terminal(sys.stdout)):
        emit(listing(t, massage_at, planned, passed, who), format, color)
        return
    from ..advice.trend import when_text

    if not planned:
        raise UserError(
            f"all {passed} check-ins after the massage of {when_text(massage_at, t.wording)} "
            "have passed; "
            "nothing to put in a calendar"
        )
    from ..advice.common import region_note
    from ..render.ical import to_ics
    from ..text import fill_in

    note = region_note(t, who)
    if note:  # the list says it; the calendar's check-ins just give the numbers
        say(note)
    data = to_ics(planned, reminders.minutes, now)
    if output is None:
        _to_stdout(data)
        return
    from ..files import write_file

    write_file(output, data, force=force)
    words, n = t.wording, len(planned)
    checkins = fill_in(words["remind.wrote_one" if n == 1 else "remind.wrote_many"], {"n": n})
    gone = fill_in(words["remind.wrote_passed"], {"n": passed}) if passed else ""
    times = "; ".join(when_text(p.at, words) for p in planned)
    say(
        fill_in(
            words["remind.wrote"],
            {"checkins": checkins + gone, "file": repr(str(output)), "times": times},
        )
    )


def _massage(at: str | None, data_dir: Path | None, now):  # type: ignore[no-untyped-def]
    """When the massage was: --at, else the current episode's in the diary."""
    from ..timeparse import check_zone, parse_when

    check_zone()
    if at is not None:
        return min(parse_when(at, now), now)  # input allows a minute ahead: that is now
    from ..diary.store import Diary

    with Diary.open(data_dir, warn=warning) as diary:
        massage, _ = diary.current(now)
    if massage is None:
        raise UsageProblem(
            "no massage in your diary: pass --at (e.g. --at 'yesterday 18:00') "
            "or record one with `soreadvisor massage`"
        )
    return massage.at


def _to_stdout(data: bytes) -> None:
    """The .ics bytes as they are (UTF-8, CRLF), whatever the locale: a file for another
    program. A closed pipe or a full stdout is the one output rule's (``application.run``)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
