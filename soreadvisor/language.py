"""Which language the program speaks: ``--lang``, else the locale variables.

The words of each language are data (``data/wording/<code>.yaml``); English
(``en.yaml``) is complete and lies under every other, so a key a language does
not word falls back to English. The choice follows the tldr client spec (and
gettext): ``LANGUAGE`` (a colon-separated list, most wanted first) counts only
when a locale is set by ``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` (the first set
one), which comes after it; ``C`` and ``POSIX`` mean English. ``pt_BR.UTF-8``
asks for ``pt_BR``, then ``pt``. Nothing here knows a topic or a screen.
"""

from __future__ import annotations

import os

ENGLISH = "en"
# Set by the global --lang option for this run (a colon-separated list, like LANGUAGE).
chosen: str | None = None


def preferred(environ: os._Environ[str] | dict[str, str] | None = None) -> list[str]:
    """The languages to look for, most wanted first, English last, no repeats."""
    env = os.environ if environ is None else environ
    if chosen:
        asked = chosen.split(":")
    else:
        locale = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
        if _bare(locale) in ("", "C", "POSIX"):
            asked = []
        else:
            asked = [*env.get("LANGUAGE", "").split(":"), locale]
    return [*(c for c in codes(asked) if c != ENGLISH), ENGLISH]


def codes(asked: list[str]) -> list[str]:
    """The file names to look for, in order: ``pt_BR``, then ``pt``; no repeats."""
    out: list[str] = []
    for code in (_bare(a) for a in asked):
        if not _is_code(code):
            continue  # not a language code (and never a path)
        for name in (code, code.split("_")[0]):
            if name not in out:
                out.append(name)
    return out


def _is_code(code: str) -> bool:
    """``pt``, ``pt_BR``, ``es_419``: a language, then perhaps a country or region."""
    language, _, region = code.partition("_")
    if not (2 <= len(language) <= 3 and language.isascii() and language.isalpha()):
        return False
    return not region or (2 <= len(region) <= 3 and region.isascii() and region.isalnum())


def _bare(value: str) -> str:
    """``pt_BR`` of ``pt_BR.UTF-8@euro``; ``pt-BR`` is written ``pt_BR``."""
    return value.split(".")[0].split("@")[0].strip().replace("-", "_")
