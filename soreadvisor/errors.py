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


def did_you_mean(
    kind: str, wanted: str, known: list[str], words: dict[str, str] | None = None
) -> NotFound:
    """An error for an unknown id, with close matches or the valid ids.

    ``words`` are other names the data gives for the ids (warfarin for
    anticoagulant), each mapped to its id: a close one is offered with its id,
    so a misspelt drug name finds its drug, not an id that merely looks alike.
    The valid ids are listed when nothing is close.
    Every id is quoted with repr(): an id can be a user's file name, and repr
    shows its control characters (an escape sequence, a newline) as inert text.
    """
    import difflib

    words = words or {}
    folded = " ".join(wanted.casefold().split())
    pool = {k.casefold(): k for k in known} | {w.casefold(): w for w in words}
    # With drug names in the pool a loose match offers a different medicine
    # (naproxen: paroxetine): only a slip of a letter or two is offered.
    close = difflib.get_close_matches(folded, list(pool), n=3, cutoff=0.75 if words else 0.5)
    if close:
        named = [pool[c] for c in close]
        offers = [f"{n!r} ({words[n]})" if n in words else repr(n) for n in named]
        hint = "did you mean " + " or ".join(offers) + "?"
    else:
        hint = "valid: " + ", ".join(repr(k) for k in known) if known else "none are defined"
    return NotFound(f"unknown {kind} {wanted!r}; {hint}")
