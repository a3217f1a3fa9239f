"""The person behind the advice, as every command that fits advice to them takes
it: the same profile options everywhere, and the region of the language setting
when none is given or saved, said so wherever the numbers are shown."""

from __future__ import annotations

import json
import re

import pytest

# Every command that fits its answer to the person, with the arguments it needs
# to answer in a pipe.
FITTED = {
    "cope": ["cope", "--severity", "high"],
    "check": ["check", "--symptom", "breathless"],
    "plan": ["plan", "--at", "6h"],
    "remind": ["remind", "--at", "2h ago", "--format", "plain"],
    "handout": ["handout", "--format", "plain"],
}
# "  -c, --condition NAME   help..." or "  --use-profile / --no-profile   help..."
OPTION_LINE = re.compile(r"\s+(?:-\w, )?(--[\w-]+)(?:\s*/\s*--[\w-]+)?(?: [A-Z<]\S*)?\s{2,}(.*)")
FACTS = ["--condition", "--medication", "--age", "--pregnant-weeks", "--region"]


def option_help(cli, *command: str) -> dict[str, str]:
    """Each option's help text in `command --help` (piped), joined onto one line."""
    out = cli(*command, "--help").out
    found: dict[str, str] = {}
    current = None
    for line in out.splitlines():
        m = OPTION_LINE.match(line)
        if m:
            current = m.group(1)
            found[current] = m.group(2).strip()
        elif current and line.startswith(" " * 20) and line.strip():
            found[current] += " " + line.strip()
        elif not line.strip():
            current = None
    return found


def test_every_fitted_command_takes_the_same_profile_options_with_the_same_help(cli):
    seen = {name: option_help(cli, *args[:1]) for name, args in FITTED.items()}
    seen["profile set"] = option_help(cli, "profile", "set")
    first = seen["cope"]
    for name, options in seen.items():
        for option in FACTS:
            assert options.get(option) == first[option], (name, option)


@pytest.mark.parametrize("name", sorted(FITTED))
def test_the_profile_options_change_each_answer(cli, name):
    """Given on the command line, a medicine or a region reaches the answer."""
    args = FITTED[name]
    plain = [a for a in args if a not in ("--format", "json", "plain")]
    out = cli(*plain, "--format", "plain" if name != "remind" else "json", "--region", "uk").out
    assert "call 999" in out.lower(), name
    out = cli(*plain, "--format", "plain" if name != "remind" else "json", "--region", "us").out
    out = out.split("[R")[0]  # the advice (the sources' own notes quote UK pages)
    assert "call 911" in out.lower() and "call 999" not in out.lower(), name


@pytest.mark.parametrize("name", sorted(FITTED))
def test_with_no_region_the_locale_names_it_and_the_person_is_told(cli, monkeypatch, name):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    result = cli(*FITTED[name], "--no-profile")
    assert result.code == 0, result.err
    told = result.out + result.err
    assert "999" in result.out
    assert "en_GB.UTF-8" in told and "United Kingdom" in told, name
    # said once: in the answer, or (the client's sheet, the calendar) on stderr
    assert told.count("en_GB.UTF-8") == 1, told


def test_the_region_note_is_in_json_where_the_answer_says_it(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_AU.UTF-8")
    doc = json.loads(cli("cope", "--severity", "high", "--format", "json").out)
    assert doc["region_from_locale"] == "en_AU.UTF-8"
    assert "en_AU.UTF-8" in doc["region_note"]
    assert "000" in json.dumps(doc)  # Australia's number (docs/safety.md)


def test_a_region_given_or_saved_wins_over_the_locale_and_no_note_is_said(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    out = cli("cope", "--severity", "high", "--format", "plain", "--region", "us").out
    assert "911" in out and "en_GB" not in out
    assert cli("profile", "set", "--region", "au").code == 0
    out = cli("plan", "--at", "6h", "--format", "plain").out
    assert "000" in out and "en_GB" not in out


def test_a_region_read_from_the_locale_is_not_a_profile_applied(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    doc = json.loads(cli("cope", "--severity", "high", "--format", "json").out)
    assert "999" in json.dumps(doc["warning_signs"])  # the region is used
    assert doc["profile_applied"] is False
    doc = json.loads(cli("cope", "--region", "uk", "--format", "json").out)
    assert doc["profile_applied"] is True


def test_profile_set_never_saves_the_region_of_the_locale(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert cli("profile", "set", "--age", "40").code == 0
    doc = json.loads(cli("profile", "show", "--format", "json").out)
    assert doc["age"] == 40 and doc["region"] is None


def test_profile_set_with_nothing_to_set_is_refused_in_one_line(cli):
    result = cli("profile", "set")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "nothing to set" in result.err


def test_the_handout_leaves_your_own_profile_out_unless_asked(cli):
    assert cli("profile", "set", "--condition", "raynauds").code == 0
    sheet = cli("handout", "--format", "plain").out
    mine = cli("handout", "--format", "plain", "--use-profile").out
    assert sheet != mine
    assert "Raynaud" in mine and "Raynaud" not in sheet.split("Not for you if")[0]


def test_the_region_note_stands_under_the_warning_lists_not_after_the_remedies(cli, monkeypatch):
    """Where the number is read: a person elsewhere learns it before any remedy."""
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    doc = json.loads(cli("cope", "--severity", "high", "--format", "json").out)
    plain = cli("cope", "--severity", "high", "--format", "plain").out
    note = doc["region_note"]
    assert plain.index(note) > plain.index("CALL 999 NOW")
    for remedy in doc["remedies"]:
        assert plain.index(note) < plain.index(remedy["title"]), remedy["id"]
