"""check, plan and profile: the warning-sign screen and the person behind the advice."""

import sys
from typing import Annotated

import typer

from ..errors import UsageProblem
from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    AgeOpt,
    Color,
    ColorOpt,
    ConditionOpt,
    DetailsOpt,
    Format,
    FormatOpt,
    KbOpt,
    MedicationOpt,
    NoPagerOpt,
    NoProfileOpt,
    PregnantOpt,
    RegionOpt,
    SourcesOpt,
    TopicOpt,
    completes,
    emit,
    load_topic,
    person,
)


@app.command()
def check(
    symptom: Annotated[
        list[str] | None,
        typer.Option(
            "--symptom",
            metavar="ID",
            autocompletion=completes("sign"),
            help="A warning-sign id you have (repeat for more).",
        ),
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="You have none of the warning signs.")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the warning-sign ids.")] = False,
    condition: ConditionOpt = None,
    medication: MedicationOpt = None,
    age: AgeOpt = None,
    pregnant_weeks: PregnantOpt = None,
    region: RegionOpt = None,
    no_profile: NoProfileOpt = False,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    save: Annotated[  # issue 24: the one option of the diary's hook (logic in cli/diary.py)
        bool | None,
        typer.Option(
            "--save/--no-save",
            help="Keep the result in your diary (asked on a terminal when a massage is recent).",
        ),
    ] = None,
) -> None:
    """Screen for warning signs: a clot, muscle breakdown or an infection.

    With no options on a terminal it asks one question at a time, the most
    serious first, and stops at the first emergency answer.

    \b
    Example:
      soreadvisor check --symptom one-leg-swelling --symptom breathless
    """
    from ..advice import triage

    t = load_topic(topic, kb)
    if list_:
        emit(triage.list_report(t), format, color, sources)
        return
    if symptom and none:
        raise UsageProblem("use either --symptom or --none, not both")
    tr = triage.triage_of(t)
    who = person(
        t, condition, medication, age, pregnant_weeks, region, no_profile, must_answer=True
    )
    doubtful: list[str] = []
    counted: list[str] = []
    if symptom or none:
        present = triage.validate_signs(tr, symptom or [])
    elif sys.stdin is not None and sys.stdin.isatty():
        present, doubtful, counted = _interview(t, who)
    else:
        raise UsageProblem(
            "no terminal to ask questions on: pass --symptom ID (repeatable) or --none; "
            "`soreadvisor check --list` shows the ids"
        )
    result = triage.assess(tr, present, who)
    report = triage.check_report(t, result, who, doubtful, counted)
    emit(report, format, color, sources)
    from .diary import save_check_result  # issue 24: the diary's hook, one call

    save_check_result(t, result, report, save)


def _interview(t, who) -> tuple[set[str], list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Ask each warning sign in turn on the terminal; stop at an emergency.

    Returns the signs that count as present, those answered "not sure" that
    did not count (they are still named in the result), and those answered
    "not sure" that counted as yes (named as such).
    """
    from ..advice import triage
    from ..advice.common import phrase
    from ..render import one_line, say

    tr = triage.triage_of(t)
    signs = triage.questions(tr)
    say(phrase(t, "check.how_to_answer"))
    present: set[str] = set()
    doubtful: list[str] = []
    counted: list[str] = []
    try:
        for n, sign in enumerate(signs, 1):
            while True:  # the question is knowledge text: inert, on one line
                question = one_line(sign.question)
                asked = phrase(t, "check.question", n=n, of=len(signs), question=question)
                say(asked + " ", end="")
                line = sys.stdin.readline()
                if not line:  # end of input: leave as quietly as Ctrl-C
                    say("")
                    raise typer.Exit(130)
                answer = triage.answer_of(t, line)
                if answer:
                    break
                say(phrase(t, "check.answer_again"))
            if triage.counts_as_yes(tr, sign, answer, who):
                present.add(sign.id)
                if answer == "unsure":
                    counted.append(sign.id)
                if triage.is_highest(tr, triage.assess(tr, present, who).level):
                    say(phrase(t, "check.stopping"), end="\n\n")
                    break
            elif answer == "unsure":
                doubtful.append(sign.id)
    except KeyboardInterrupt:
        # Wherever Ctrl-C lands (in the read, or just before it while the
        # question is already on the screen), end the line, then leave (130).
        say("")
        raise
    return present, doubtful, counted


# The diary's file name in the data folder (diary.store.FILE_NAME; a test
# holds them together): plan looks for it without loading the diary module.
DIARY_FILE = "diary.sqlite3"


@app.command()
def plan(
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            "--since",
            metavar="WHEN",
            help="When the massage was: 6h, 30m, 2d, '2h ago', 'yesterday 18:00' or an ISO "
            "date-time (--since is the same). Default: the last massage in your diary.",
        ),
    ] = None,
    condition: ConditionOpt = None,
    medication: MedicationOpt = None,
    age: AgeOpt = None,
    pregnant_weeks: PregnantOpt = None,
    region: RegionOpt = None,
    no_profile: NoProfileOpt = False,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    details: DetailsOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """Where you are in the recovery: what to do now, what comes next, when to get help.

    A severe or worsening score in your diary since the massage comes first.

    \b
    Example:
      soreadvisor plan --at 30h
    """
    from datetime import datetime, timedelta, timezone

    from ..advice.plan import plan as build
    from ..errors import UserError
    from ..paths import data_dir
    from ..timeparse import check_zone, hours_between, parse_when
    from .options import warning

    check_zone()
    t = load_topic(topic, kb)
    who = person(t, condition, medication, age, pregnant_weeks, region, no_profile)
    now = datetime.now(timezone.utc)
    last = current = None
    episode: list = []
    # The diary: the last massage, and the scores since, which the plan reads.
    # Given --at, a plan needs no diary: none is opened (nor its module, with
    # sqlite3, loaded) unless there is one, and one that cannot be read is told.
    if at is None or (data_dir() / DIARY_FILE).exists():
        from ..diary.store import Diary

        try:
            with Diary.open(warn=warning) as diary:
                massage = diary.latest_massage()
                last = massage.at if massage else None
                current, episode = diary.current(now)
        except UserError as exc:
            if at is None:
                raise
            warning(f"{exc}; planning without your diary scores")
    if at is not None:
        start = parse_when(at, now)
    else:
        if last is None:
            raise UsageProblem(
                "no massage in your diary: pass --at (e.g. --at 6h) "
                "or record one with `soreadvisor massage`"
            )
        if last > now + timedelta(minutes=1):  # a clock that was wrong, or an edited file
            from ..advice.trend import when_text

            raise UserError(
                f"the last massage in your diary is in the future ({when_text(last)}); "
                "check the computer's clock, or pass --at or --since (e.g. --at 6h)"
            )
        start = last
    start = min(start, now)  # input allows a minute ahead: that is just now
    scores = None
    if t.diary is not None and episode:
        from ..advice.trend import assess

        scores = assess(episode, t.diary, current.at if current else start, now)
    report = build(t, hours_between(start, now), who, scores)
    emit(report, format, color, sources, details=details, no_pager=no_pager)


profile_app = typer.Typer(
    help="Your saved profile: conditions, medicines, age, pregnancy, region.\n\n"
    "\b\nExample:\n  soreadvisor profile set --condition raynauds --region uk",
)
app.add_typer(profile_app, name="profile")


@profile_app.command("set")
def profile_set(
    condition: ConditionOpt = None,
    medication: MedicationOpt = None,
    age: AgeOpt = None,
    pregnant_weeks: PregnantOpt = None,
    region: RegionOpt = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
) -> None:
    """Save facts about you; options you leave out keep their saved value.

    \b
    Example:
      soreadvisor profile set --condition raynauds --medication anticoagulant --region uk
    """
    from ..userprofile import save

    if not (condition or medication or region) and age is None and pregnant_weeks is None:
        raise UsageProblem(
            "nothing to set: give --condition, --medication, --age, --pregnant-weeks or --region"
        )
    who = person(load_topic(topic, kb), condition, medication, age, pregnant_weeks, region)
    path = save(who)
    typer.echo(f"Saved to {path}", err=True)


@profile_app.command("show")
def profile_show(
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
) -> None:
    """Show the saved profile.

    \b
    Example:
      soreadvisor profile show --format json
    """
    from ..advice.profile import profile_report
    from ..userprofile import load, profile_path

    emit(profile_report(load_topic(topic, kb), load(), str(profile_path())), format, color)


@profile_app.command("clear")
def profile_clear() -> None:
    """Delete the saved profile.

    \b
    Example:
      soreadvisor profile clear
    """
    from ..userprofile import clear

    typer.echo("Profile cleared." if clear() else "There was no saved profile.", err=True)


@profile_app.command("path")
def profile_path_cmd() -> None:
    """Print where the profile is stored.

    \b
    Example:
      soreadvisor profile path
    """
    from ..userprofile import profile_path

    typer.echo(str(profile_path()))
