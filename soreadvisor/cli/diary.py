"""massage, log, history, diary: the private soreness diary (see soreadvisor.diary).

Confirmations go to stderr, so stdout holds only what was asked for.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageProblem, UserError
from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    Color,
    ColorOpt,
    DataDirOpt,
    ForceOpt,
    Format,
    FormatOpt,
    Intensity,
    KbOpt,
    NoPagerOpt,
    OutputOpt,
    SourcesOpt,
    TopicOpt,
    emit,
    format_option,
    load_topic,
    program_words,
    warning,
    within,
)

# Whole numbers on the command line are bounded, so a huge one is a usage error
# (exit 2) rather than a failure deep in SQLite: its row ids stop at 2**63 - 1.
LIMIT_MAX = 1_000_000_000
ROW_ID_MAX = 2**63 - 1
WhenOpt = Annotated[
    str,
    typer.Option(
        "--at",
        metavar="WHEN",
        help="When: now, '2h ago', 30m, 'yesterday 18:00', 18:00, 6pm or an ISO date-time.",
    ),
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", metavar="TEXT", help="A few words to remember.")
]


def _say(text: str, end: str = "\n") -> None:
    """A line for the person on stderr, made inert (notes, paths and knowledge text
    reach the terminal only through ``render.say``)."""
    from ..render import say

    say(text, end)


def _said(words: dict[str, str], key: str, **values: object) -> str:
    from ..text import fill_in

    return fill_in(words[key], values)


def _count(words: dict[str, str], n: int, kind: str) -> str:
    return _said(words, f"diary.{kind}_one" if n == 1 else f"diary.{kind}_many", n=n)


def _text(value: str | None) -> str | None:
    """Free text as stored: trimmed, and nothing rather than an empty string.

    Bytes that are not UTF-8 (a Latin-1 terminal) reach Python as surrogate
    escapes; they are kept readable with replacement marks, not refused.
    """
    value = (value or "").strip()
    value = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value or None


def _zone() -> None:
    from ..timeparse import check_zone

    check_zone()


def _when(text: str):  # type: ignore[no-untyped-def]
    from ..timeparse import parse_when

    return parse_when(text)


def _score(text: str) -> int:
    """A whole number from 0 to 10 (``6/10`` is fine too)."""
    from ..diary.models import SCORE_MAX, SCORE_MIN

    raw = text.strip()
    if raw.endswith(f"/{SCORE_MAX}"):
        raw = raw[: -len(f"/{SCORE_MAX}")].strip()
    try:
        value = int(raw, 10)
    except ValueError:
        value = None
    if value is None or not SCORE_MIN <= value <= SCORE_MAX:
        raise UsageProblem(
            f"the score must be a whole number from {SCORE_MIN} (no soreness) to {SCORE_MAX} "
            f"(worst imaginable), not {text!r}; nothing was logged"
        )
    return value


@app.command()
def massage(
    at: WhenOpt = "now",
    intensity: Annotated[
        Intensity | None,
        typer.Option("--intensity", "-i", help="How firm it was.", case_sensitive=False),
    ] = None,
    note: NoteOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Record a massage session; `plan` and `history` count from the latest one.

    Example: soreadvisor massage --at 'yesterday 18:00' --intensity deep
    """
    from ..advice.trend import when_text
    from ..diary.store import Diary

    _zone()
    when = _when(at)
    with Diary.open(data_dir, write=True, warn=warning) as diary:
        diary.add_massage(when, intensity.value if intensity else None, _text(note))
    words = program_words()
    when_said = when_text(when, words)
    if intensity:
        how = words[f"intensity.{intensity.value}"]
        _say(_said(words, "diary.recorded_how", intensity=how, when=when_said))
    else:
        _say(_said(words, "diary.recorded", when=when_said))


@app.command(context_settings={"ignore_unknown_options": True})
def log(
    score: Annotated[
        str, typer.Argument(metavar="SCORE", help="How sore, 0 (none) to 10 (worst imaginable).")
    ],
    at: WhenOpt = "now",
    where: Annotated[
        str | None,
        typer.Option("--where", "-w", metavar="PLACE", help="Where it hurts, e.g. 'left calf'."),
    ] = None,
    note: NoteOpt = None,
    data_dir: DataDirOpt = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
) -> None:
    """Log how sore you are now, on the 0-10 scale; warns at once when it is time to get checked.

    Example: soreadvisor log 6 --where calves --note 'stiff on the stairs'
    """
    from datetime import datetime, timezone

    from ..advice.trend import assess, hours_after, when_text
    from ..diary.store import Diary
    from ..timeparse import span_text

    value = _score(score)
    _zone()
    when = _when(at)
    with Diary.open(data_dir, write=True, warn=warning) as diary:
        logged = diary.add_score(when, value, _text(where), _text(note))
        now = datetime.now(timezone.utc)
        massage = diary.latest_massage(at_or_before=now)
        words = program_words()
        when_said = when_text(when, words)
        if massage is not None and massage.at <= when:
            after = span_text(hours_after(massage.at, when) or 0.0, words)
            _say(_said(words, "diary.logged_after", score=value, when=when_said, after=after))
        else:
            _say(_said(words, "diary.logged", score=value, when=when_said))
        try:
            t = load_topic(topic, kb)
        except UserError as exc:  # the score is saved; only the advice is missing
            _say(_said(words, "diary.no_advice", why=exc))
            return
        if t.diary is None:
            return
        massage, episode = diary.current(now)
    start = massage.at if massage else None
    assessment = assess(episode, t.diary, start, now, t.wording)
    # What stood before this score is said as that, not as an answer to it
    # (a 4 after an earlier 7 is not "a score of 7 or more").
    others = [s for s in episode if s.id != logged.id]
    before = {e for e, _ in assess(others, t.diary, start, now, t.wording).escalations}
    for rule, message in assessment.escalations:
        key = "log.still" if rule in before else "diary.warning"
        _say(_said(t.wording, key, message=message))


@app.command()
def history(
    days: Annotated[
        float | None,
        typer.Option(
            "--days", "-d", metavar="N", help="The last N days instead of since the last massage."
        ),
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            "-n",
            metavar="N",
            callback=within(0, LIMIT_MAX),
            help="Show at most this many scores (0: all).",
        ),
    ] = 50,
    data_dir: DataDirOpt = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """Your scores since the last massage, the trend, and when to get checked.

    On a terminal: a table and a chart. Piped: one score per line, then the trend.
    Example: soreadvisor history --days 7 --format json
    """
    from datetime import datetime, timezone

    from ..advice.trend import DiaryVerdict, assess, history_report
    from ..diary.store import Diary

    if days is not None and not 0 < days <= 36500:
        raise UsageProblem(f"--days must be more than 0 (and at most 36500), not {days:g}")
    _zone()
    t = load_topic(topic, kb)
    now = datetime.now(timezone.utc)
    assessment = DiaryVerdict(None)
    with Diary.open(data_dir, warn=warning) as diary:
        window = diary.window(now, days, limit)
        checks = [c for c in diary.checks(window.since) if c.at <= now]
        if t.diary is not None:
            massage_at = window.massage.at if window.massage else None
            assessment = assess(window.episode, t.diary, massage_at, now, t.wording)
    report = history_report(
        t,
        entries=window.entries,
        total=window.total,
        massage=window.massage,
        massages=window.massages,
        days=days,
        assessment=assessment,
        now=now,
        checks=checks,
    )
    emit(report, format, color, sources, no_pager=no_pager)


diary_app = typer.Typer(
    help="The diary file: export it, delete it, or show where it is.\n\n"
    "\b\nExample:\n  soreadvisor diary export --format csv > diary.csv",
    no_args_is_help=True,
)
app.add_typer(diary_app, name="diary")


@diary_app.command("export")
def diary_export(
    format: format_option(  # type: ignore[valid-type]
        Format.csv, Format.json, Format.markdown, help="csv, json or markdown."
    ) = Format.csv,
    output: OutputOpt = None,
    force: ForceOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Everything in the diary, oldest first, to stdout or a file (times in local time).

    In CSV a text that a spreadsheet would run as a formula (it starts with =, +,
    -, @, a tab or a carriage return) is written with a ' before it.

    Example: soreadvisor diary export --format csv -o diary.csv
    """
    from ..diary.export import as_report, export
    from ..diary.store import Diary

    def write(diary: Diary, out, terminal: bool = False) -> None:  # type: ignore[no-untyped-def]
        if Format(format) is Format.markdown:  # for people: a Report, in their words
            from ..render import to_text

            out.write(to_text(as_report(diary, program_words()), format.value))
        else:
            export(diary, format.value, out, terminal=terminal)

    _zone()
    if output is not None:
        from ..files import refuse_existing, replacing

        refuse_existing(output, force)  # before the diary is read
        with Diary.open(data_dir, warn=warning) as diary, replacing(output, force=force) as raw:
            write(diary, _Utf8(raw))
        return
    out = sys.stdout
    with Diary.open(data_dir, warn=warning) as diary:
        # UTF-8 whatever the locale says: an export is a file for another
        # program, and a narrow encoding would turn notes into '?'. A closed
        # pipe or a failed write is the one output rule's (``application.run``).
        out.flush()
        if hasattr(out, "reconfigure"):
            out.reconfigure(encoding="utf-8", errors="strict")
        from ..render import is_terminal

        write(diary, out, terminal=is_terminal(out))
        out.flush()


class _Utf8:
    """A binary file as the text stream an export writes to (UTF-8)."""

    def __init__(self, raw) -> None:  # type: ignore[no-untyped-def]
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(text.encode("utf-8"))
        return len(text)


@diary_app.command("delete")
def diary_delete(
    all_: Annotated[bool, typer.Option("--all", help="Delete every massage and score.")] = False,
    score_id: Annotated[
        int | None,
        typer.Option(
            "--id",
            metavar="N",
            callback=within(1, ROW_ID_MAX),
            help="Delete the one score with this id (the Id column of `soreadvisor history`).",
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask (needed when not on a terminal).")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Delete the whole diary, or one score (asks first on a terminal).

    Example: soreadvisor diary delete --id 12
    """
    from ..advice.trend import when_text
    from ..diary.store import Diary, DiaryError, _no_space

    if all_ == (score_id is not None):
        raise UsageProblem("say --all to delete the whole diary, or --id N to delete one score")
    _zone()
    words = program_words()
    with Diary.open(data_dir, warn=warning) as diary:
        if not diary.exists:
            _say(_said(words, "diary.no_diary", path=diary.path))
            if score_id is not None:
                raise typer.Exit(1)
            return
        if score_id is not None:
            found = next((s for s in diary.scores() if s.id == score_id), None)
            if found is None:
                raise UserError(f"there is no score with id {score_id}; nothing was deleted")
            when = when_text(found.at, words)
            what = _said(words, "diary.the_score", score=found.score, when=when, id=score_id)
        else:
            massages, scores = diary.counts()
            what = _said(
                words,
                "diary.everything",
                scores=_count(words, scores, "scores"),
                massages=_count(words, massages, "massages"),
            )
            checks = len(diary.checks())
            if checks:  # kept check results go too: say so before asking
                counted = _count(words, checks, "checks")
                what = _said(words, "diary.and_checks", what=what, checks=counted)
    if not yes and not _on_terminal():
        raise UsageProblem("not deleting without confirmation: no terminal to ask on; pass --yes")
    question = _said(words, "diary.confirm_delete", what=what, path=diary.path)
    if not yes and not _ask(question, words["check.answers_yes"]):
        _say(words["diary.nothing_deleted"])
        return  # a question answered no is not a failure
    if score_id is not None:
        with Diary.open(data_dir, write=True, warn=warning) as diary:
            if not diary.delete_score(score_id):  # gone meanwhile: another run deleted it
                raise UserError(f"there is no score with id {score_id}; nothing was deleted")
        _say(_said(words, "diary.deleted", what=what))
        return
    try:
        with Diary.open(data_dir, write=True, warn=warning) as diary:
            massages, scores = diary.delete_all()
    except DiaryError:
        # A full disk has no room for the deletion's own log: health data must
        # still be deletable there, so the diary's files go (which frees room).
        if not _no_space(diary.path):
            raise
        _remove_files(diary.path)
        _say(_said(words, "diary.deleted_disk_full", what=what))
        return
    scores_said, massages_said = (
        _count(words, scores, "scores"),
        _count(words, massages, "massages"),
    )
    _say(_said(words, "diary.deleted_counts", scores=scores_said, massages=massages_said))


def _remove_files(path: Path) -> None:
    """The diary file and SQLite's companions (checked as ours when it was opened)."""
    import os
    from contextlib import suppress

    real = Path(os.path.realpath(path.parent)) / path.name
    for suffix in ("-wal", "-shm", "-journal", ""):
        with suppress(FileNotFoundError):
            os.unlink(f"{real}{suffix}")


def _on_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _ask(question: str, yes: str) -> bool:
    """Ask on the terminal; whether the answer is one of ``yes`` (the program's words,
    comma-separated)."""
    _say(question, end="")
    try:
        answer = sys.stdin.readline().strip().lower()
    except KeyboardInterrupt:  # end the question's line, then leave (130)
        _say("")
        raise
    return answer in {word.strip().lower() for word in yes.split(",")}


@diary_app.command("path")
def diary_path_cmd(data_dir: DataDirOpt = None) -> None:
    """Print where the diary file is (it may not exist yet).

    Example: soreadvisor diary path
    """
    from ..diary.store import diary_path

    typer.echo(str(diary_path(data_dir)))


# What --output's name says when no --format is given.
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".json": "json"}


@diary_app.command("report")
def diary_report_cmd(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="From this moment ('3 days ago', 'yesterday 18:00', an ISO date-time) "
            "instead of the last massage.",
        ),
    ] = None,
    include_profile: Annotated[
        bool,
        typer.Option(
            "--include-profile",
            help="Also list the conditions and medicines in your saved profile (off by default).",
        ),
    ] = False,
    output: OutputOpt = None,
    force: ForceOpt = False,
    format: format_option(  # type: ignore[valid-type]
        Format.auto,
        Format.rich,
        Format.plain,
        Format.markdown,
        Format.json,
        Format.html,
        help="auto, rich, plain, markdown, json or html (auto: by the --output name, "
        "else rich on a terminal and plain in a pipe).",
    ) = Format.auto,
    color: ColorOpt = Color.auto,
    data_dir: DataDirOpt = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
) -> None:
    """A one-page summary of this episode for a doctor or pharmacist.

    The massage, the scores by place with a chart, the notes, the reasons to get
    checked with their dates and the warning-sign checks you saved; your
    conditions and medicines only with --include-profile.

    \b
    Example:
      soreadvisor diary report -o report.html
    """
    from datetime import datetime, timedelta, timezone

    from ..advice.diaryreport import diary_report
    from ..advice.trend import DiaryVerdict, assess
    from ..diary.store import DEFAULT_DAYS, Diary
    from ..render import is_terminal

    fmt = Format(format).value
    if fmt == "auto" and output is not None:
        fmt = SUFFIX_FORMATS.get(output.suffix.lower(), "plain")
    if fmt == "rich" and output is not None:
        raise UsageProblem("--format rich is for a terminal; write html, markdown, json or plain")
    on_screen = fmt == "html" and output is None and is_terminal(sys.stdout)
    if on_screen:  # never a page of HTML on a screen: the text, and how to print it
        fmt = "plain"
    if output is not None:
        from ..files import refuse_existing

        refuse_existing(output, force)  # before the diary is read
    _zone()
    t = load_topic(topic, kb)
    now = datetime.now(timezone.utc)
    start = _when(since) if since is not None else None
    if start is not None and start > now:
        raise UsageProblem("--since is in the future; give a moment before now")
    with Diary.open(data_dir, warn=warning) as diary:
        massage = diary.latest_massage(at_or_before=now)
        if start is None:
            start = massage.at if massage else now - timedelta(days=DEFAULT_DAYS)
        massages = diary.massages_counted(start, now)
        scores = [s for s in diary.scores(start) if s.at <= now]
        checks = [c for c in diary.checks(start) if c.at <= now]
    assessment = DiaryVerdict(None)
    if t.diary is not None:
        assessment = assess(scores, t.diary, massage.at if massage else None, now, t.wording)
    profile = None
    if include_profile:
        from ..advice.profile import from_saved
        from ..userprofile import load

        profile = load(from_saved)
    report = diary_report(
        t,
        massage=massage,
        massages=massages,
        scores=scores,
        checks=checks,
        assessment=assessment,
        since=start,
        now=now,
        profile=profile,
    )
    if output is None:
        emit(report, Format(fmt), color)
        if on_screen:
            _say(t.wording["diary.report_on_terminal"])
        return
    from ..files import write_file
    from ..render import to_text

    write_file(output, to_text(report, fmt), force=force)
    _say(_said(t.wording, "report.wrote", file=str(output)))


def save_check_result(
    topic, result, report, save: bool | None, data_dir: Path | None = None
) -> None:  # type: ignore[no-untyped-def]
    """Keep a warning-sign check's outcome in the diary.

    ``save``: True (``--save``) keeps it, False (``--no-save``) does not, None asks
    on a terminal when an episode is open (a massage in the last week) and does
    nothing otherwise. Saving never spoils the answer already shown: a diary that
    cannot be written is a warning on stderr.
    """
    if save is False:
        return
    if save is None and not _on_terminal():
        return  # nothing to ask on, nothing asked for: the diary is not even opened
    from datetime import datetime, timedelta, timezone

    from ..advice.common import phrase
    from ..diary.store import DEFAULT_DAYS, Diary

    now = datetime.now(timezone.utc)
    if save is None:
        try:
            with Diary.open(data_dir, warn=warning) as diary:
                massage = diary.latest_massage(at_or_before=now)
        except UserError:
            return
        if massage is None or massage.at < now - timedelta(days=DEFAULT_DAYS):
            return
        question = phrase(topic, "check.save_question") + " "
        if not _ask(question, phrase(topic, "check.answers_yes")):
            return
    signs = [r.text for r in result.reasons]
    try:
        with Diary.open(data_dir, write=True, warn=warning) as diary:
            diary.add_check(now, result.level.id, report.headline or None, signs)
    except UserError as exc:
        if save:  # asked for by --save: not done is a failure, said as one
            raise
        warning(str(exc))
        return
    _say(phrase(topic, "check.saved"))
