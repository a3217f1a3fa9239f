"""check, plan and profile: the warning-sign screen and the person behind the advice."""

import sys
from typing import Annotated

import typer

from ..errors import UsageProblem
from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    GIVEN,
    Asked,
    Color,
    ColorOpt,
    DetailsOpt,
    Format,
    FormatOpt,
    KbOpt,
    NoPagerOpt,
    SourcesOpt,
    TopicOpt,
    completes,
    emit,
    load_topic,
    person,
    profile_options,
)


@app.command()
@profile_options()
def check(
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[WORDS]...",
            help="What is wrong, in your own words (quote them, or - to read them from stdin).",
            show_default=False,
        ),
    ] = None,
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
    asked: Asked = GIVEN,
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
    serious first, and stops at the first emergency answer. Described in your
    own words, it first shows what it understood; on a terminal it then asks
    only what is still unknown, and in a pipe it lists what was not asked.

    \b
    Examples:
      soreadvisor check "my left calf is swollen and hot, no fever"
      soreadvisor check --symptom one-leg-swelling --symptom breathless
    """
    from ..advice import freetext, triage

    t = load_topic(topic, kb)
    if list_:
        emit(triage.list_report(t), format, color, sources)
        return
    if symptom and none:
        raise UsageProblem("use either --symptom or --none, not both")
    if words and (symptom or none):
        raise UsageProblem("describe it in words or use --symptom/--none, not both")
    tr = triage.triage_of(t)
    who = person(t, asked, must_answer=True)
    terminal = sys.stdin is not None and sys.stdin.isatty()
    understood = None
    not_asked: list[str] = []
    answers: dict[str, str] = {}
    if words:
        text = _read_stdin() if words == ["-"] else " ".join(words)
        understood = list(freetext.read(t, text).values())
        answers, not_asked = triage.settle(tr, understood, who)
        terminal = terminal and words != ["-"]
    if symptom or none:
        present = triage.validate_signs(tr, symptom or [])
        doubtful: list[str] = []
        counted: list[str] = []
    elif terminal:
        if understood is not None:
            _show_understood(t, understood)
        wrote = {r.sign: r.words for r in understood or [] if r.confirm}
        answers = _interview(t, who, answers, wrote)
        not_asked = []
        present, doubtful, counted = triage.tally(tr, answers, who)
        if asked.use_saved and not _profile_saved():
            who = _ask_facts(t, who, present)
            present, doubtful, counted = triage.tally(tr, answers, who)
    elif understood is not None:
        present, doubtful, counted = triage.tally(tr, answers, who)
    else:
        raise UsageProblem(
            "no terminal to ask questions on: describe it in words, or pass --symptom ID "
            "(repeatable) or --none; `soreadvisor check --list` shows the ids"
        )
    result = triage.assess(tr, present, who)
    report = triage.check_report(
        t,
        result,
        who,
        doubtful,
        counted,
        understood=understood,
        not_asked=not_asked,
    )
    emit(report, format, color, sources)
    from .diary import save_check_result  # the diary's hook, one call

    save_check_result(t, result, report, save)


def _ask_facts(t, who, present: set[str]):  # type: ignore[no-untyped-def]
    """With no saved profile, ask the medicines and conditions that would change
    this answer (blood thinners with a large bruise), until none could, then
    offer to save the yeses. "Not sure" counts as yes for the answer (safety
    wins ties) but is not saved."""
    from ..advice import triage
    from ..advice.common import phrase
    from ..advice.profile import Profile
    from ..render import one_line, say

    tr = triage.triage_of(t)
    names = {("medication", n.id): n.name for n in t.medications}
    names.update({("condition", n.id): n.name for n in t.conditions})
    sure = Profile()
    asked: set[tuple[str, str]] = set()
    while True:
        facts = [f for f in triage.facts_that_matter(tr, present, who) if f not in asked]
        if not facts:
            break
        kind, fid = facts[0]
        asked.add((kind, fid))
        name = one_line(names.get((kind, fid), fid))
        while True:
            _wrap(phrase(t, f"check.ask_{kind}", name=name), end=" ")
            line = sys.stdin.readline()
            if not line:
                say("")
                raise typer.Exit(130)
            answer = triage.answer_of(t, line)
            if answer:
                break
            say(phrase(t, "check.answer_again"))
        if answer == "no":
            continue
        fact = ([fid], []) if kind == "condition" else ([], [fid])
        who = who.with_run_options(*fact)
        if answer == "yes":
            sure = sure.with_run_options(*fact)
    if sure.conditions or sure.medications:
        _wrap(phrase(t, "check.ask_save"), end=" ")
        if triage.answer_of(t, sys.stdin.readline() or "n") == "yes":
            from ..userprofile import save

            # only what was answered: never a region taken from the locale
            say(phrase(t, "check.profile_saved", where=str(save(sure.as_dict()))))
    return who


def _profile_saved() -> bool:
    from ..userprofile import profile_path

    try:
        return profile_path().exists()
    except OSError:
        return True  # cannot tell: do not offer to write one


def _read_stdin() -> str:
    if sys.stdin is None:
        raise UsageProblem("no input to read: `-` reads your words from stdin")
    try:
        return sys.stdin.read()
    except UnicodeDecodeError:
        raise UsageProblem("your words on stdin are not readable text (UTF-8)") from None


def _show_understood(t, understood) -> None:  # type: ignore[no-untyped-def]
    """What was read from the person's words, before any question."""
    from ..advice.common import phrase
    from ..render import one_line, say

    texts = {s.id: s.text for s in t.triage.signs}
    say(phrase(t, "check.understood"))
    if not understood:
        say("  " + phrase(t, "check.understood_nothing"))
    for r in understood:
        said = "no_unconfirmed" if r.confirm else r.answer
        answer = phrase(t, f"check.said_{said}")
        item = phrase(t, "check.understood_item", sign=texts[r.sign], answer=answer, words=r.words)
        _wrap(one_line(item), indent="  ", end="\n")
    say("")


def _wrap(text: str, indent: str = "", end: str = "") -> None:
    """Say ``text`` broken at word boundaries to fit the terminal (never inside a
    word), one line at a time (``say`` keeps each line inert); ``end`` ends the last."""
    import shutil
    import textwrap

    from ..render import say

    width = max(20, shutil.get_terminal_size().columns - 1)
    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]
    for line in lines[:-1]:
        say(line)
    say(lines[-1], end=end)


def _interview(t, who, answers: dict[str, str], wrote: dict[str, str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Ask each warning sign not yet answered on the terminal, the most serious
    first, one question per yes/no (a sign in parts asks each part); ``b`` goes
    back one question; stop at an emergency. ``wrote`` holds the words of each
    "no" read from text that waits for the person's own answer (said before its
    question). Returns every answer by sign.
    """
    from ..advice import triage
    from ..advice.common import phrase
    from ..render import one_line, say

    tr = triage.triage_of(t)
    asked = [s for s in triage.questions(tr) if s.id not in answers]
    # one entry per question: (sign, its text); a sign in parts has several
    flat = [(s, q) for s in asked for q in (s.parts or [s.question])]
    said: list[str] = []  # the answer to each question asked so far, in order
    _wrap(phrase(t, "check.how_to_answer"), end="\n")

    def current() -> dict[str, str]:
        out = dict(answers)
        by_sign: dict[str, list[str]] = {}
        for (sign, _), a in zip(flat, said, strict=False):
            by_sign.setdefault(sign.id, []).append(a)
        for sid, got in by_sign.items():
            # any yes (or "not sure") to a part answers the sign
            out[sid] = max(got, key=lambda a: ("no", "unsure", "yes").index(a))
        return out

    back = {w.strip() for w in phrase(t, "check.answers_back").split(",")}
    try:
        while len(said) < len(flat):
            n = len(said) + 1
            sign = flat[n - 1][0]
            if sign.id in wrote and (n == 1 or flat[n - 2][0].id != sign.id):
                _wrap(phrase(t, "check.confirm_no", words=one_line(wrote[sign.id])), end="\n")
            question = one_line(flat[n - 1][1])  # knowledge text: inert, on one line
            prompt = phrase(t, "check.question", n=n, of=len(flat), question=question)
            _wrap(prompt, end=" ")
            line = sys.stdin.readline()
            if not line:  # end of input: leave as quietly as Ctrl-C
                say("")
                raise typer.Exit(130)
            if " ".join(line.strip().lower().split()) in back:
                if said:
                    said.pop()
                continue
            answer = triage.answer_of(t, line)
            if not answer:
                say(phrase(t, "check.answer_again"))
                continue
            said.append(answer)
            present, _, _ = triage.tally(tr, current(), who)
            if triage.is_highest(tr, triage.assess(tr, present, who).level):
                say(phrase(t, "check.stopping"), end="\n\n")
                break
    except KeyboardInterrupt:
        # Wherever Ctrl-C lands (in the read, or just before it while the
        # question is already on the screen), end the line, then leave (130).
        say("")
        raise
    return current()


# The diary's file name in the data folder (diary.store.FILE_NAME; a test
# holds them together): plan looks for it without loading the diary module.
DIARY_FILE = "diary.sqlite3"


@app.command()
@profile_options()
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
    asked: Asked = GIVEN,
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
    who = person(t, asked)
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
                f"the last massage in your diary is in the future ({when_text(last, t.wording)}); "
                "check the computer's clock, or pass --at or --since (e.g. --at 6h)"
            )
        start = last
    start = min(start, now)  # input allows a minute ahead: that is just now
    scores = None
    if t.diary is not None and episode:
        from ..advice.trend import assess

        scores = assess(episode, t.diary, current.at if current else start, now, t.wording)
    report = build(t, hours_between(start, now), who, scores)
    emit(report, format, color, sources, details=details, no_pager=no_pager)


profile_app = typer.Typer(
    help="Your saved profile: conditions, medicines, age, pregnancy, region.\n\n"
    "\b\nExample:\n  soreadvisor profile set --condition raynauds --region uk",
)
app.add_typer(profile_app, name="profile")


@profile_app.command("set")
@profile_options(saved=None)
def profile_set(
    asked: Asked = GIVEN,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
) -> None:
    """Save facts about you; options you leave out keep their saved value.

    \b
    Example:
      soreadvisor profile set --condition raynauds --medication anticoagulant --region uk
    """
    from ..advice.common import phrase
    from ..render import say
    from ..userprofile import save

    if asked.is_empty():
        raise UsageProblem(
            "nothing to set: give --condition, --medication, --age, --pregnant-weeks or --region"
        )
    t = load_topic(topic, kb)
    who = person(t, asked, from_locale=False)
    path = save(who.as_dict())
    say(phrase(t, "profile.saved", where=path))


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
    from ..advice.profile import from_saved, profile_report
    from ..userprofile import load, profile_path

    emit(
        profile_report(load_topic(topic, kb), load(from_saved), str(profile_path())), format, color
    )


@profile_app.command("clear")
def profile_clear() -> None:
    """Delete the saved profile.

    \b
    Example:
      soreadvisor profile clear
    """
    from ..render import say
    from ..userprofile import clear
    from .options import program_words

    words = program_words()
    say(words["profile.cleared" if clear() else "profile.none_to_clear"])


@profile_app.command("path")
def profile_path_cmd() -> None:
    """Print where the profile is stored.

    \b
    Example:
      soreadvisor profile path
    """
    from ..userprofile import profile_path

    typer.echo(str(profile_path()))
