"""Options every command shares, and the small steps each command repeats."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..advice.profile import AGE_RANGE, PREGNANT_WEEKS_RANGE


class Format(str, Enum):
    """Every output format, for every command: the one registry. Which of them a
    command takes is its ``--format`` option's (``format_option``); a Report is
    written in any of the first six by ``render``; the diary's export writes
    CSV and JSON itself, and remind's calendar is an iCalendar file."""

    auto = "auto"
    rich = "rich"
    plain = "plain"
    markdown = "markdown"
    json = "json"
    html = "html"
    csv = "csv"


def format_option(*taken: Format, help: str) -> Any:
    """The ``--format`` option of a command that takes the formats ``taken``: a
    choice among them (help, completion and a did-you-mean list only these),
    whose value names the registry's ``Format`` (``Format(value)``)."""
    choice = Enum("Formats", {f.name: f.value for f in taken}, type=str)  # type: ignore[misc]
    return Annotated[choice, typer.Option("--format", "-f", help=help, case_sensitive=False)]


class Color(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class Intensity(str, Enum):
    """How firm the massage was (the diary's ``INTENSITIES``)."""

    light = "light"
    moderate = "moderate"
    deep = "deep"


class SeverityChoice(str, Enum):
    low = "low"
    moderate = "moderate"
    high = "high"


def _ids(kind: str, topic) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The ids of one kind in a topic, each with its title (shells that show help do)."""
    if kind == "cause":
        return [(c.id, c.title) for c in topic.causes]
    if kind == "condition":
        return [(c.id, c.name) for c in topic.conditions]
    if kind == "medication":
        return [(m.id, m.name) for m in topic.medications]
    triage = topic.triage
    if triage is None:
        return []
    if kind == "sign":
        return [(s.id, s.text) for s in triage.signs]
    return [(r.id, r.name) for r in triage.regions]


def _blurb(title: str) -> str:
    """A title as a completion's description: one short line (Typer wraps a long one
    onto lines of its own, which fish and PowerShell would read as more ids), and
    no brackets, which Typer reads as Rich markup."""
    text = " ".join(title.translate({ord("["): "(", ord("]"): ")"}).split())
    return text if len(text) <= 50 else text[:49].rstrip() + "\u2026"


def completes(kind: str):  # type: ignore[no-untyped-def]
    """Tab completion of ``kind`` ids, read from the knowledge base the command
    would use (its --topic and --kb so far). Completion never fails a shell: a
    broken knowledge base completes nothing, with nothing on stderr."""

    def complete(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
        import contextlib
        import io

        from ..kb.store import DEFAULT_TOPIC, KnowledgeBase

        try:
            with contextlib.redirect_stderr(io.StringIO()):
                kb = ctx.params.get("kb")
                base = KnowledgeBase.from_env(kb if isinstance(kb, Path) else None)
                if kind == "topic":
                    found = [(t, "") for t in base.topic_ids()]
                else:
                    topic = ctx.params.get("topic")
                    found = _ids(
                        kind, base.load(topic if isinstance(topic, str) else DEFAULT_TOPIC)
                    )
        except Exception:  # whatever is wrong is told when the command runs
            return []
        return [(i, _blurb(title)) for i, title in found if i.startswith(incomplete)]

    return complete


FormatOpt = format_option(
    Format.auto,
    Format.rich,
    Format.plain,
    Format.markdown,
    Format.json,
    help="auto = rich on a terminal, plain in a pipe.",
)
ColorOpt = Annotated[
    Color, typer.Option("--color", help="Colour in rich output (NO_COLOR is honoured).")
]
# No default shown: a long id cannot wrap, and Rich's help would cut it.
TopicOpt = Annotated[
    str,
    typer.Option(
        "--topic",
        "-t",
        metavar="ID",
        show_default=False,
        autocompletion=completes("topic"),
        help="Topic id (default: the built-in topic); see `soreadvisor topics`.",
    ),
]


def _lang(value: str) -> str:
    """A language the program has words in (a colon-separated list: the first there wins)."""
    from .. import language, paths

    folder = paths.builtin_topics_dir().parent / "wording"
    there = sorted(f.stem for f in folder.glob("*.yaml"))
    if not any(code in there for code in language.codes(value.split(":"))):
        raise typer.BadParameter(
            f"{value!r} is not a language soreadvisor has words in (it has: {', '.join(there)})"
        )
    return value


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        parser=_lang,
        metavar="CODE",
        help="The language to answer in (default: LANGUAGE, LC_ALL, LC_MESSAGES, LANG; "
        "else English).",
    ),
]


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
        metavar="PATH",
        help="Custom knowledge file or directory (instead of the user directory).",
        envvar="SOREADVISOR_KB",
        show_envvar=True,
    ),
]


def _data_dir(value: str) -> Path:
    """An empty --data-dir (an unset shell variable) is an error, not the current directory."""
    if not value:
        raise typer.BadParameter("is empty; give the folder the diary lives in")
    return Path(value)


# Every command that writes a file for the user (handout, diary export, diary
# report, remind) takes these two, written by soreadvisor.files.
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file (default stdout)."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]


DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        parser=_data_dir,
        metavar="FOLDER",
        help="Where the diary lives (default: SOREADVISOR_HOME, else your data directory).",
    ),
]


# Profile facts, declared once here and added to every command that fits its
# advice to the person (``profile_options``): they override the saved profile
# for this run only.
ConditionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--condition",
        "-c",
        metavar="NAME",
        autocompletion=completes("condition"),
        help="A condition you have, by id or name (diabetes, eczema); repeat for more. "
        "Tab completes the ids; an unknown name lists them or the closest.",
    ),
]
MedicationOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--medication",
        "-m",
        metavar="NAME",
        autocompletion=completes("medication"),
        help="A medicine you take, by id or name (warfarin, sertraline); repeat for more. "
        "Tab completes the ids; an unknown name lists them or the closest.",
    ),
]


def within(low: int, high: int):  # type: ignore[no-untyped-def]
    """A bound checked by us, so help shows AGE rather than Click's range notation."""

    def check(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"must be from {low} to {high}, not {value}")
        return value

    return check


# The bounds live with the profile, which checks a saved file against the same ones.
AgeOpt = Annotated[
    int | None,
    typer.Option(
        "--age",
        metavar="AGE",
        callback=within(*AGE_RANGE),
        help=f"Your age in years ({AGE_RANGE[0]}-{AGE_RANGE[1]}).",
    ),
]
PregnantOpt = Annotated[
    int | None,
    typer.Option(
        "--pregnant-weeks",
        metavar="WEEKS",
        callback=within(*PREGNANT_WEEKS_RANGE),
        help="Weeks of pregnancy, if pregnant "
        f"({PREGNANT_WEEKS_RANGE[0]}-{PREGNANT_WEEKS_RANGE[1]}).",
    ),
]
# The regions are the topic's: help names none (a custom topic has its own);
# completion offers them, and an unknown one is refused with the valid ids.
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region",
        metavar="ID",
        autocompletion=completes("region"),
        help="Your region, for its emergency numbers, by id or another name for it; "
        "an unknown one lists the known ones.",
    ),
]
# Whether the saved profile counts: for the person asking (cope, check, plan,
# remind) it does unless --no-profile; on a client's sheet (handout) only with
# --use-profile; `profile set` always lays the options over it.
_SAVED = {
    "unless-no-profile": (
        "no_profile",
        Annotated[
            bool, typer.Option("--no-profile", help="Ignore the saved profile for this run.")
        ],
        lambda flag: not flag,
    ),
    "on-request": (
        "use_profile",
        Annotated[
            bool,
            typer.Option(
                "--use-profile/--no-profile",
                help="Also apply your saved profile (off: the sheet is about the client, not you).",
            ),
        ],
        lambda flag: flag,
    ),
}
_FACTS = (
    ("condition", ConditionOpt),
    ("medication", MedicationOpt),
    ("age", AgeOpt),
    ("pregnant_weeks", PregnantOpt),
    ("region", RegionOpt),
)


class Asked:
    """The profile facts given on the command line for one run, as typed (names
    or ids), and whether the saved profile counts."""

    __slots__ = ("conditions", "medications", "age", "pregnant_weeks", "region", "use_saved")

    def __init__(
        self,
        conditions: list[str] | None = None,
        medications: list[str] | None = None,
        age: int | None = None,
        pregnant_weeks: int | None = None,
        region: str | None = None,
        use_saved: bool = True,
    ):
        self.conditions = conditions or []
        self.medications = medications or []
        self.age = age
        self.pregnant_weeks = pregnant_weeks
        self.region = region
        self.use_saved = use_saved

    def is_empty(self) -> bool:
        """No fact given (whether the saved profile counts aside)."""
        return not (self.conditions or self.medications or self.region) and (
            self.age is None and self.pregnant_weeks is None
        )


# The default of a command's ``asked`` parameter, which ``profile_options``
# replaces with the options themselves: never seen by the command.
GIVEN: Any = None


def profile_options(saved: str | None = "unless-no-profile"):  # type: ignore[no-untyped-def]
    """Give a command the profile options, declared once above, in place of its
    ``asked`` parameter, and hand it what was given as one ``Asked``. ``saved``
    says which flag decides whether the saved profile counts (``_SAVED``; None:
    no flag, it always does)."""
    import functools
    import inspect

    flag = _SAVED[saved] if saved else None

    def decorate(command):  # type: ignore[no-untyped-def]
        signature = inspect.signature(command)
        params = list(signature.parameters.values())
        at = [p.name for p in params].index("asked")
        keyword = inspect.Parameter.KEYWORD_ONLY
        added = [inspect.Parameter(n, keyword, default=None, annotation=a) for n, a in _FACTS]
        if flag:
            added.append(inspect.Parameter(flag[0], keyword, default=False, annotation=flag[1]))
        params[at : at + 1] = added
        params = [p.replace(kind=keyword) for p in params]

        @functools.wraps(command)
        def run(**given: Any) -> Any:
            asked = Asked(
                given.pop("condition"),
                given.pop("medication"),
                given.pop("age"),
                given.pop("pregnant_weeks"),
                given.pop("region"),
                flag[2](given.pop(flag[0])) if flag else True,
            )
            return command(asked=asked, **given)

        run.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in params}
        return run

    return decorate


SourcesOpt = Annotated[
    bool,
    typer.Option(
        "--sources", help="On a terminal, list every reference (other formats always do)."
    ),
]


NoPagerOpt = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="On a terminal, write a long answer straight out instead of through "
        "$PAGER (default: less -FRX).",
    ),
]
DetailsOpt = Annotated[
    bool,
    typer.Option(
        "--details",
        help="On a terminal, show each remedy whole: its summary, when and the evidence "
        "(other formats always do).",
    ),
]


def emit(  # type: ignore[no-untyped-def]
    report,
    fmt: Format,
    color: Color,
    sources: bool = False,
    *,
    details: bool = False,
    no_pager: bool = False,
) -> None:
    """Write the report to stdout (a closed pipe or a failed write is the one
    output rule's, ``application.run``)."""
    from ..render import render

    render(
        report, Format(fmt).value, color.value, sources=sources, details=details, pager=not no_pager
    )
    sys.stdout.flush()


def quiet_stdout() -> None:
    """After a closed pipe or a failed write, stdout is silenced (see ``render.silence``)."""
    from ..render import silence

    silence(sys.stdout)


def load_topic(topic: str, kb: Path | None):  # type: ignore[no-untyped-def]
    from ..kb.store import KnowledgeBase

    base = KnowledgeBase.from_env(kb)
    try:
        return base.load(topic)
    finally:
        for message in base.warnings:
            warning(message)


def program_words() -> dict[str, str]:
    """The program's words in the language asked for, for a command with no topic
    of its own: the default topic's, from the cache (reading the words' YAML
    imports the YAML reader: docs/design.md), or as shipped when that topic does
    not load (a confirmation never waits on it)."""
    from .. import paths
    from ..errors import UserError
    from ..kb.store import KnowledgeBase

    base = KnowledgeBase(None, paths.builtin_topics_dir())
    try:
        return base.load().wording
    except UserError:
        return base.program_words()


def warning(message: str) -> None:
    """Something passed over that did not stop the answer, as one line on stderr."""
    from ..render import say

    say(f"soreadvisor: warning: {message}")


def person(topic, asked: Asked, *, must_answer: bool = False, from_locale: bool = True):  # type: ignore[no-untyped-def]
    """The saved profile with this run's options laid over it, checked against the topic.

    An id given for this run that the topic does not know is an error. A saved
    one (from a topic file since removed, say) is named in a warning and left
    out for this run: a stale profile must never stand between a person and
    the advice. With ``must_answer`` (the warning-sign screen) a saved profile
    that cannot be read at all is passed over the same way. With no region
    given or saved, the one the locale's territory names is taken
    (``from_locale``), and the profile says so (``Profile.locale``).
    """
    from ..advice.profile import Profile, check_ids, from_saved, known_only
    from ..errors import UserError
    from ..render import say
    from ..userprofile import load

    saved = Profile()
    if asked.use_saved:
        try:
            saved = load(from_saved)
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
    regions = topic.triage.regions if topic.triage else []
    region = asked.region
    if region is not None:
        region = _named(topic, "region", region, regions)
    profile = saved.with_run_options(
        [_named(topic, "condition", w, topic.conditions) for w in asked.conditions],
        [_named(topic, "medication", w, topic.medications) for w in asked.medications],
        asked.age,
        asked.pregnant_weeks,
        region,
    )
    check_ids(profile, topic)
    if from_locale and profile.region is None and topic.triage is not None:
        import os

        from ..advice.triage import region_from_locale

        found = region_from_locale(topic.triage, dict(os.environ))
        if found:
            profile = profile.with_run_options(region=found[0].id)
            profile.locale = found[1]
    return profile


def _named(topic, kind: str, word: str, entries: list) -> str:  # type: ignore[no-untyped-def]
    """The id ``word`` names; a name the data lists for it (warfarin) is
    taken for its id, and the person is told what it was taken as."""
    from ..advice.common import phrase
    from ..advice.profile import resolve
    from ..render import say

    entry, by_name = resolve(kind, word, entries)
    if by_name:
        say(phrase(topic, "names.taken_as", word=word, name=entry.name, id=entry.id))
    return entry.id
