"""Small rules about text that every layer shares, knowing no topic and no screen:
placeholders filled in from words (the program's words are data, one file per
language), and the characters that must never reach a terminal as themselves."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

# A placeholder in knowledge text or the program's words: ``{number}``, ``{high_score}``.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def fill_in(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each ``{name}`` of ``values`` filled in, in one pass (a value
    that itself says ``{text}`` is not filled in again); others stay as written."""
    return PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], text)


# The one rule for what may reach a terminal (stdout, stderr and the
# interactive prompts alike) or a file meant for reading: C0 controls, DEL, C1
# controls, the Unicode line and paragraph separators, lone surrogates (bytes
# that were not UTF-8) and every format character (category Cf, Unicode 15.1:
# the direction marks, overrides and isolates, U+061C, zero-width spaces and
# joiners, U+2060-2064, U+FEFF, the tag characters...).
# Each is shown as a visible escape, as repr() writes it, so no string (from a
# knowledge file, a diary note or a path) can drive the terminal (OSC 8 links,
# BEL, clear-screen) or reorder what is shown. A class body, compiled only for
# text that holds such a character: every one of them makes
# str.isprintable() false, so printable text never reaches the pattern.
CONTROLS = (
    "\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    # Cf (a test checks this against the running Python's unicodedata)
    "\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)


@functools.cache
def controls(keep: str = "") -> re.Pattern[str]:
    """The rule as a pattern; characters in ``keep`` (say tab and newline) pass."""
    spared = f"(?![{re.escape(keep)}])" if keep else ""
    return re.compile(f"{spared}[{CONTROLS}]")


def _visible(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def inert(text: str) -> str:
    r"""``text`` as one inert line: every control shown as an escape (``\n``, ``\x1b``)."""
    if text.isprintable():
        return text
    return controls().sub(_visible, text)


def safe(text: str) -> str:
    """Text from a knowledge file, made inert; tabs and newlines are kept for layout."""
    if text.isprintable():
        return text
    return controls("\t\n").sub(_visible, text)
