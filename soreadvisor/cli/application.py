"""The Typer application: arguments in, calls out. No rules and no formatting here.

``run`` (called by ``soreadvisor.cli.main``, the entry point) turns every
failure into one line on stderr and an exit code; ``--debug`` (or
``SOREADVISOR_DEBUG=1``) shows the traceback instead, for bug reports.
"""

import os
import sys
from typing import Annotated, Literal

import typer

from .. import __version__
from .options import LangOpt, quiet_stdout

app: typer.Typer = typer.Typer(
    name="soreadvisor",
    help="Leg soreness after a foot massage: why it happens, what to do, when to get help.\n\n"
    "General information, not a diagnosis.\n\n\b\nExample:\n  soreadvisor cope --severity high",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"soreadvisor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks (also SOREADVISOR_DEBUG=1).")
    ] = False,
    lang: LangOpt = None,
) -> None:
    from .. import language

    language.chosen = lang
    if debug:
        os.environ["SOREADVISOR_DEBUG"] = "1"


# The module that adds each command to ``app``: a run imports only the one it
# needs (a test checks this against what the modules register).
COMMANDS = {
    "advice": ("explain", "cope", "prevent", "sources", "search", "topics"),
    "safety": ("check", "plan", "profile"),
    "diary": ("massage", "log", "history", "diary"),
    "kbcmd": ("kb",),
    "handout": ("handout",),
    "remind": ("remind",),
}


def load_commands(name: str | None = None) -> typer.Typer:
    """``app`` with command ``name`` registered, or every command when None."""
    import importlib

    for module, names in COMMANDS.items():
        if name is None or name in names:
            importlib.import_module(f"{__package__}.{module}")
    return app


def run(argv: list[str] | None = None) -> None:
    """Run the CLI and exit: 0 ok, 1 not found / bad data / stdout cannot be written
    (full, broken), 2 usage, 70 internal error, 130 interrupted, 141 pipe closed."""
    from .. import language

    language.chosen = None  # until --lang says otherwise
    if sys.stdout is None:  # started with stdout closed
        sys.stderr.write("soreadvisor: error: standard output is closed\n")
        sys.exit(1)
    for stream in (sys.stdout, sys.stderr):  # never die on a narrow encoding
        if hasattr(stream, "reconfigure") and stream is not None:
            stream.reconfigure(errors="replace")
    stdout, stderr, where = sys.stdout, sys.stderr, _identity(sys.stdout)
    try:
        code = _main(argv)
    except SystemExit:
        # A closed pipe is 141 here, as everywhere; but two libraries turn EPIPE
        # into exit 1, the status of "not found". Each leaves a sign: Typer's
        # core (typer.echo, help) wraps stdout and stderr, and Rich (help on a
        # Console) points stdout at /dev/null.
        swapped = sys.stdout is not stdout or sys.stderr is not stderr
        if not swapped and _identity(stdout) == where:
            raise
        sys.stdout, sys.stderr = stdout, stderr
        quiet_stdout()
        code = 141
    except (KeyboardInterrupt, typer.Abort):
        quiet_stdout()
        code = 130
    except Exception as exc:
        code = _failed(exc, argv)
    sys.exit(code)


def _main(argv: list[str] | None) -> int:
    """Parse and run the command ``argv`` names; its exit status."""
    command = typer.main.get_command(_only_what_is_asked(argv))
    args = sys.argv[1:] if argv is None else list(argv)
    alone = _named_alone(command, args)
    asked = [*args, "--help"] if alone else args
    rv = command.main(args=asked, prog_name="soreadvisor", standalone_mode=False)
    sys.stdout.flush()
    # a group named alone (or no command at all): its help, with the status of a usage error
    return 2 if alone else rv if isinstance(rv, int) else 0


def _failed(exc: Exception, argv: list[str] | None) -> int:
    """One line on stderr for what stopped the run, and its exit status."""
    from ..errors import UserError

    if isinstance(exc, typer.TyperException):  # usage errors, from the vendored Click
        ctx = getattr(exc, "ctx", None)
        # one line, instead of Click's usage block
        hint = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        meant = _option_meant(ctx, sys.argv[1:] if argv is None else list(argv))
        if meant:
            hint = f"; did you mean {meant}?{hint}"
        _say(f"{exc.format_message()}{hint}")  # type: ignore[attr-defined]
        return exc.exit_code  # type: ignore[attr-defined,no-any-return]
    if isinstance(exc, UserError):
        _say(str(exc))
        return exc.exit_code
    if isinstance(exc, BrokenPipeError):
        quiet_stdout()
        return 141
    if isinstance(exc, OSError) and exc.filename is None:
        # The one rule for output (--version, --help, a path, a schema): what
        # reaches here without a file name is a write to stdout that failed
        # (a full disk, /dev/full, an I/O error): one line and status 1, as
        # the answers say it themselves. Every file is opened by a name,
        # which an error opening or writing it carries.
        quiet_stdout()
        _say(f"cannot write the answer: {exc.strerror or exc}")
        return 1
    if os.environ.get("SOREADVISOR_DEBUG"):
        raise exc
    if isinstance(exc, OSError) and exc.errno == 28:
        _say("the disk is full")
    else:
        _say(
            f"internal error ({type(exc).__name__}: {exc}); "
            "run again with --debug for the traceback and please report it"
        )
    return 70


def _option_meant(ctx: object, args: list[str]) -> str | None:
    """``--severity high`` for ``cope high``: a word given alone that is one of the
    choices of an option of the command (Click's documented ``params``, ``opts``
    and ``Choice.choices``), when that option is not given."""
    params = getattr(getattr(ctx, "command", None), "params", None) or []
    path = getattr(ctx, "command_path", "").split()[1:]
    words = [a for a in args if a not in path]
    for n, word in enumerate(words):
        if word.startswith("-") or (n and words[n - 1].startswith("-")):
            continue
        for param in params:
            choices = getattr(getattr(param, "type", None), "choices", None) or ()
            opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
            chosen = word.casefold() in (str(c).casefold() for c in choices)
            if opts and chosen and not set(param.opts) & set(args):
                return f"{opts[0]} {word}"
    return None


def _named_alone(command: object, args: list[str]) -> bool:
    """Whether ``args`` stop at a group that wants a subcommand (``no_args_is_help``).

    Decided before the run from Click's documented ``commands`` and
    ``no_args_is_help`` attributes, instead of recognising the exception Click
    raises for it (private to Typer's vendored Click)."""
    for arg in args:
        if arg.startswith("-"):
            return False
        sub = getattr(command, "commands", None)
        if not isinstance(sub, dict) or arg not in sub:
            return False
        command = sub[arg]
    return isinstance(getattr(command, "commands", None), dict) and bool(
        getattr(command, "no_args_is_help", False)
    )


def _identity(stream: object) -> tuple[int, int] | None:
    """Which file a stream's descriptor is (device, inode); None without one."""
    try:
        st = os.fstat(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def _only_what_is_asked(argv: list[str] | None) -> typer.Typer:
    """The app with just the command that ``argv`` names, when it names one.

    Typer builds every command's parameters (type hints and all) before it
    runs one; building (and importing) only the one asked for halves the
    start-up time. Root help, completion and unknown names get the whole app.
    """
    import copy

    args = sys.argv[1:] if argv is None else argv
    # the first word that is not an option (nor the value of --lang)
    words = (
        a for n, a in enumerate(args) if not a.startswith("-") and args[n - 1 : n] != ["--lang"]
    )
    name = next(words, None)
    known = any(name in names for names in COMMANDS.values())
    if not known or any(k.endswith("_COMPLETE") for k in os.environ):
        return _help_style(load_commands())
    _help_style(load_commands(name))
    lean = copy.copy(app)
    lean.registered_commands = [c for c in app.registered_commands if _name(c) == name]
    lean.registered_groups = [g for g in app.registered_groups if g.name == name]
    return lean


def _help_style(whole: typer.Typer) -> typer.Typer:
    """Help follows the rule of the answers: Rich's panels on a terminal, plain
    text (no boxes, no padding, and Rich, markdown-it and pygments never
    imported) in a pipe or on a dumb terminal. NO_COLOR removes colour only,
    which Rich does by itself. Below 80 columns Rich's panels cut option names
    ("--pregnant-wee…"); the plain help wraps instead, so it is used there too."""
    import shutil

    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    wide = shutil.get_terminal_size().columns >= 80
    rich = terminal and wide and os.environ.get("TERM") != "dumb"
    mode: Literal["rich"] | None = "rich" if rich else None
    # A command's line in its group's list is the first paragraph of its help,
    # whole: Click would cut it to fit ("each cause and what the..."), where
    # wrapping it loses nothing.
    whole.rich_markup_mode = mode
    for group in whole.registered_groups:
        sub = group.typer_instance
        if sub is None:
            continue
        sub.rich_markup_mode = mode
        if not isinstance(group.short_help, str) and isinstance(sub.info.help, str):
            group.short_help = _first_paragraph(sub.info.help)
        for info in sub.registered_commands:
            _whole_short_help(info)
    for info in whole.registered_commands:
        _whole_short_help(info)
    return whole


def _whole_short_help(info: typer.models.CommandInfo) -> None:
    doc = info.help or (info.callback.__doc__ if info.callback else None)
    if info.short_help is None and doc:
        info.short_help = _first_paragraph(doc)


def _first_paragraph(text: str) -> str:
    return " ".join(text.strip().split("\n\n")[0].split())


def _name(info: typer.models.CommandInfo) -> str:
    callback = info.callback
    return info.name or (callback.__name__.replace("_", "-") if callback else "")


def _say(message: str) -> None:
    r"""An error as one inert line (render's one rule for controls: ``\n``, ``\x1b`` shown)."""
    from ..render import inert, silence

    try:
        sys.stderr.write(f"soreadvisor: error: {inert(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # AttributeError: started with 2>&-
        silence(sys.stderr)
