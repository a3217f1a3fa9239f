"""Turning one Report into text: one module per format, chosen here.

``auto`` is ``rich`` on a terminal and ``plain`` in a pipe (or on a dumb
terminal). Colour follows ``--color``, then ``NO_COLOR`` (which wins), then
``FORCE_COLOR``, then ``TERM=dumb``, then whether stdout is a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

from ..report import Field, Report
from ..text import fill_in, inert, safe

# For a terminal or pipe that cannot take UTF-8 (PYTHONIOENCODING=ascii, an
# old code page): readable stand-ins before anything becomes "?".
_PLAIN_PUNCTUATION = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2022": "*",
        "\u258c": "|",
        "\u00d7": "x",
        "\u2265": ">=",
        "\u2264": "<=",
        "\u26a0": "!",
        "\u00a0": " ",
    }
)


def encodable(text: str, stream: TextIO) -> str:
    """``text`` as the stream's encoding can carry it."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        import unicodedata  # only for a narrow stream

        plain = text.translate(_PLAIN_PUNCTUATION)
        # a letter the encoding lacks keeps its base letter (Björck -> Bjorck)
        plain = "".join(
            c
            if _fits(c, encoding)
            else "".join(
                b for b in unicodedata.normalize("NFKD", c) if not unicodedata.combining(b)
            )
            or c
            for c in plain
        )
        return plain.encode(encoding, "replace").decode(encoding)


def _fits(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
        return True
    except (UnicodeEncodeError, LookupError):
        return False


def one_line(text: str) -> str:
    """Safe text on one line (paragraphs are never hard-wrapped or split)."""
    return " ".join(safe(text).split())


# How each format writes a moment: a terminal and Markdown for reading, in the
# program's words; plain text sortable (it is grepped and pasted into notes);
# JSON uses ISO 8601.
TIME_WORDS = {"terminal": "time.moment_short", "markdown": "time.moment"}


def field_text(field: Field, style: str, words: dict[str, str]) -> str:
    """A field as ``style`` (terminal, markdown or plain) writes it: a moment in local time."""
    value = field.value
    if value is not None and hasattr(value, "astimezone"):
        if style in TIME_WORDS:
            from ..timeparse import moment_text

            return moment_text(value, words, TIME_WORDS[style])
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return field.text


def verdict_word(words: dict[str, str], verdict: str) -> str:
    """A verdict on a claim as a word (``verdict.*``), not its id."""
    return words.get(f"verdict.{verdict}", verdict)


def label(words: dict[str, str], key: str, **values: object) -> str:
    """A label the topic words (``render.*`` in data/wording/), filled in."""
    return fill_in(words.get(key, ""), values)


def evidence_head(words: dict[str, str], claim: str | None) -> str:
    """``Evidence on “the claim”``, or ``Evidence`` for a verdict with no claim."""
    if claim:
        return label(words, "render.evidence_on", claim=one_line(claim))
    return label(words, "render.evidence")


def say(text: str, end: str = "\n", stream: TextIO | None = None) -> None:
    """A line for a person on stderr (a warning, a confirmation, a prompt with
    ``end=""``): inert, and in characters the stream can carry.

    Never fails: a closed or full stderr (``2>&-``, ``2>/dev/full``) cannot be
    told anything, and must not turn a saved score into a failed run.
    """
    out = stream or sys.stderr
    if out is None:  # started with the descriptor closed
        return
    try:
        out.write(encodable(inert(text), out) + end)
        out.flush()
    except (OSError, ValueError):
        silence(out)


def silence(stream: TextIO | None) -> None:
    """Point a stream that cannot be written at the null device, so what is still
    buffered is dropped at exit instead of ending the run with Python's
    "Exception ignored" (and status 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[union-attr]
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# The pager when PAGER is not set, as git's: quit if the answer fits one
# screen (-F), keep colours (-R), leave the answer on the screen after (-X).
DEFAULT_PAGER = "less -FRX"


def page_through(text: str, stream: TextIO) -> bool:
    """Show ``text`` through ``$PAGER`` (``less -FRX`` if unset) as git does:
    an empty PAGER or ``cat`` means none. False when there is no pager to run,
    for the caller to write the text itself."""
    import shlex
    import subprocess

    try:
        argv = shlex.split(os.environ.get("PAGER", DEFAULT_PAGER))
    except ValueError:  # unbalanced quotes: no pager, as for one that is missing
        return False
    if not argv or argv == ["cat"]:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # PAGER=less behaves as the default does
    env.setdefault("LV", "-c")
    try:
        stream.flush()
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:  # not installed, not executable
        return False
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        assert pager.stdin is not None
        pager.stdin.write(encodable(text, stream).encode(encoding, "replace"))
        pager.stdin.close()
    except OSError:  # the pager quit before reading it all (q in less): done
        pass
    while True:  # Ctrl-C belongs to the pager (less reads it): wait for it to end
        try:
            pager.wait()
            return True
        except KeyboardInterrupt:
            continue


def resolve_format(fmt: str, stream: TextIO) -> str:
    if fmt != "auto":
        return fmt
    dumb = os.environ.get("TERM") == "dumb"
    return "rich" if is_terminal(stream) and not dumb else "plain"


def use_color(color: str, stream: TextIO) -> bool:
    if color != "auto":
        return color == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def use_attributes(color: str, stream: TextIO) -> bool:
    """Bold, underline and italic: on any terminal that is not dumb, whatever
    the colour setting (NO_COLOR and ``--color never`` remove colour only)."""
    if color == "always" or (color == "auto" and os.environ.get("FORCE_COLOR")):
        return True
    return os.environ.get("TERM") != "dumb" and is_terminal(stream)


def render(
    report: Report,
    fmt: str = "auto",
    color: str = "auto",
    stream: TextIO | None = None,
    sources: bool = False,
    details: bool = False,
    pager: bool = True,
) -> None:
    """Write ``report`` to ``stream`` (stdout) in the chosen format; ``sources``
    lists every reference on a terminal too (other formats always do);
    ``details`` shows everything on a terminal, where an answer is otherwise
    compact (every other format is complete); ``pager`` lets an answer
    longer than the terminal go through the person's pager (never in a pipe)."""
    out = stream or sys.stdout
    fmt = resolve_format(fmt, out)
    if fmt == "rich":
        from .terminal import print_rich

        print_rich(
            report,
            out,
            use_color(color, out),
            use_attributes(color, out),
            sources,
            details=details,
            pager=pager and is_terminal(out),
        )
        return
    ascii_only = encodable("\u2013", out) != "\u2013"
    out.write(encodable(to_text(report, fmt, ascii_only=ascii_only), out))


def to_text(report: Report, fmt: str, ascii_only: bool = False, **context: Any) -> str:
    """``report`` as the text of ``fmt`` (plain, markdown, json or html): the one
    dispatch of every format that is not a terminal's; ``context`` is what an HTML
    page needs beyond the report (the sheet's large print)."""
    if fmt == "json":
        from .jsondoc import to_json

        return to_json(report, ascii_only=ascii_only)
    if fmt == "markdown":
        from .markdown import to_markdown

        return to_markdown(report)
    if fmt == "html":
        from .html import to_html

        return to_html(report, **context)
    if fmt == "plain":
        from .plain import to_plain

        return to_plain(report)
    raise ValueError(f"no text format {fmt!r}")
