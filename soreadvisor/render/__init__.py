"""Turning one Report into text: one module per format, chosen here.

``auto`` is ``rich`` on a terminal and ``plain`` in a pipe (or on a dumb
terminal). Colour follows ``--color``, then ``NO_COLOR`` (which wins), then
``FORCE_COLOR``, then ``TERM=dumb``, then whether stdout is a terminal.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from ..report import Report

# C0 controls other than tab and newline, DEL, C1 controls and the Unicode
# direction overrides: shown as visible escapes so knowledge text can never
# drive the terminal or reorder what is shown. A pattern string, compiled
# only for text that has such a character (0.4 ms).
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


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
        plain = text.translate(_PLAIN_PUNCTUATION)
        return plain.encode(encoding, "replace").decode(encoding)


def safe(text: str) -> str:
    """Text from a knowledge file, made inert for a terminal."""
    if text.isprintable():  # every character above is a control or a format character
        return text
    return re.sub(_CONTROL, _visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """Safe text on one line (paragraphs are never hard-wrapped or split)."""
    return " ".join(safe(text).split())


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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


def render(
    report: Report, fmt: str = "auto", color: str = "auto", stream: TextIO | None = None
) -> None:
    """Write ``report`` to ``stream`` (stdout) in the chosen format."""
    out = stream or sys.stdout
    fmt = resolve_format(fmt, out)
    if fmt == "rich":
        from .terminal import print_rich

        print_rich(report, out, use_color(color, out))
        return
    if fmt == "json":
        from .jsondoc import to_json

        text = to_json(report, ascii_only=encodable("\u2013", out) != "\u2013")
    elif fmt == "markdown":
        from .markdown import to_markdown

        text = to_markdown(report)
    else:
        from .plain import to_plain

        text = to_plain(report)
    out.write(encodable(text, out))
