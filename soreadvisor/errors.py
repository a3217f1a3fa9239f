"""Errors a user can cause and fix. Each becomes one line on stderr."""

from __future__ import annotations


class UserError(Exception):
    """Bad input: printed as one sentence on stderr, never as a traceback."""

    exit_code = 1


class UsageProblem(UserError):
    """A value on the command line that cannot be used (exit 2, like usage errors)."""

    exit_code = 2


class NotFound(UserError):
    """A name that does not exist; the message suggests close matches."""

    exit_code = 1


def did_you_mean(kind: str, wanted: str, known: list[str]) -> NotFound:
    """An error for an unknown id, with close matches or the valid ids.

    Every id is quoted with repr(): an id can be a user's file name, and repr
    shows its control characters (an escape sequence, a newline) as inert text.
    """
    import difflib

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    if close:
        hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
    else:
        hint = "valid: " + ", ".join(repr(k) for k in known) if known else "none are defined"
    return NotFound(f"unknown {kind} {wanted!r}; {hint}")
