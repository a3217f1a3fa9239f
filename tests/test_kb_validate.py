"""Validating a topic: wrong types, unknown references, duplicate or bad ids ...

Every problem must name the file, the line (and column) of the offending value,
and what is wrong, through ``kb check`` and through any command given ``--kb``.
Each case edits one line of a small valid topic; the expected line is found by
searching the edited text, never written as a number.
"""

from __future__ import annotations

import json
import re
from dataclasses import MISSING, fields
from pathlib import Path

import pytest
from conftest import WORDS

from soreadvisor.kb.models import Topic
from soreadvisor.kb.validate import validate
from soreadvisor.kb.yamlfile import parse_doc

PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")

MINIMAL = """\
schema_version: 1
id: tiny
title: Tiny topic
summary: A topic for tests.
disclaimer: General information, not a diagnosis.
evidence_note: There is little evidence.
references:
  - id: R1
    citation: A citation.
    verified: true
  - id: R2
    citation: Another citation.
    verified: false
causes:
  - id: first-cause
    title: First cause
    summary: A cause.
    article_claim: A claim.
    evidence:
      verdict: mixed
      summary: Some evidence.
      references: [R1]
remedies:
  - id: first-remedy
    title: First remedy
    summary: A remedy.
    how: Like this.
    when: Now.
    severities: [low]
    evidence:
      verdict: supported
      summary: Good evidence.
      references: [R1, R2]
    cautions:
      - text: Not with the first condition.
        level: avoid
        conditions: [first-condition]
tips:
  - id: first-tip
    title: First tip
    summary: A tip.
    evidence:
      verdict: myth
      summary: No evidence.
      references: [R2]
conditions:
  - id: first-condition
    name: The first condition
timeline:
  summary: How it goes.
  see_professional: [If it lasts.]
  phases:
    - id: early
      title: Early
      from_hours: 0
      summary: Early on.
      now: [{text: Rest.}]
      next: Later.
      get_help_if: [Worse.]
    - id: late
      title: Late
      from_hours: 48
      summary: Later on.
      now: [{text: Move.}]
      next: Done.
      get_help_if: [Still sore.]
triage:
  levels:
    - {id: fine, title: Fine, action: Carry on., timeframe: now, if_worse: Check again.}
    - {id: help, title: Help, action: Get help., timeframe: today, if_worse: Call., role: emergency}
  signs:
    - id: red-leg
      text: A red leg
      question: Is your leg red?
      level: help
      references: [R1]
  rules:
    - id: red-and-red
      text: Red twice.
      all_of: [[red-leg]]
      level: help
      references: [R1]
  regions:
    - {id: xx, name: Nowhere, emergency_number: "000", urgent_service: A clinic}
  generic_number: your local emergency number
  generic_service: a doctor
  clot_warning: Do not massage it.
  not_sure_counts_as_yes: [help]
  pointer: "Warning signs: a red leg. Run the check."
  emergency_reminder: "In an emergency, call {number}."
  unsure_lead: "You were not sure about a sign that would mean {level}."
  none_reported: No warning signs were reported.
"""


def edit(old: str, new: str, count: int = 1) -> str:
    assert MINIMAL.count(old) >= count, old
    return MINIMAL.replace(old, new, count)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


# (name, edited text, (needle, occurrence) for the expected line, words the message needs)
LEXICON = """lexicon:
  signs:
    no-such-sign: ["red leg"]
  negations: ["no"]
  pseudo_negations: []
  terminators: [but]
  hedges: [maybe]
"""

CASES = [
    # the words for a sign must name a sign the topic has (issue 22)
    ("lexicon-unknown-sign", MINIMAL + LEXICON, ("no-such-sign", 1), ["unknown sign"]),
    ("wrong-type", edit("title: First remedy", "title: 42"), ("title: 42", 1), ["title"]),
    ("yaml11-boolean", edit("title: First cause", "title: no"), ("title: no", 1), ["title"]),
    (
        "date-as-text",
        edit("summary: A tip.", "summary: 2024-01-01"),
        ("2024-01-01", 1),
        ["summary"],
    ),
    ("list-for-text", edit("how: Like this.", "how: [a, b]"), ("how: [a, b]", 1), ["how"]),
    ("missing-field", edit("    how: Like this.\n", ""), ("- id: first-remedy", 1), ["how"]),
    (
        "unknown-field",
        edit("    when: Now.\n", "    when: Now.\n    colour: red\n"),
        ("colour: red", 1),
        ["colour", "unknown"],
    ),
    (
        "bad-verdict",
        edit("verdict: myth", "verdict: maybe"),
        ("verdict: maybe", 1),
        ["verdict", "supported"],
    ),
    (
        "bad-severity",
        edit("severities: [low]", "severities: [low, extreme]"),
        ("severities:", 1),
        ["severities"],
    ),
    (
        "unknown-reference",
        edit("references: [R2]", "references: [R2, R9]"),
        ("[R2, R9]", 1),
        ["R9"],
    ),
    (
        "no-reference",
        edit("references: [R2]", "references: []"),
        ("references: []", 1),
        ["reference"],
    ),
    (
        "duplicate-id",
        edit(
            "tips:\n",
            "tips:\n  - id: first-tip\n    title: Again\n"
            "    summary: s\n    evidence: {verdict: myth, summary: s,"
            " references: [R1]}\n",
        ),
        ("- id: first-tip", 2),
        ["duplicate", "first-tip"],
    ),
    (
        "duplicate-reference",
        edit("  - id: R2\n", "  - id: R1\n"),
        ("- id: R1", 2),
        ["duplicate", "R1"],
    ),
    (
        "bad-id-case",
        edit("id: first-cause", "id: First_Cause"),
        ("First_Cause", 1),
        ["First_Cause", "lowercase"],
    ),
    (
        "bad-id-space",
        edit("id: first-tip", "id: first tip"),
        ("id: first tip", 1),
        ["first tip", "lowercase"],
    ),
    ("bad-topic-id", edit("id: tiny", "id: Tiny"), ("id: Tiny", 1), ["Tiny"]),
    (
        "id-not-file-name",
        edit("id: tiny", "id: other-topic"),
        ("id: other-topic", 1),
        ["other-topic", "tiny"],
    ),
    (
        "schema-version",
        edit("schema_version: 1", "schema_version: 99"),
        ("schema_version", 1),
        ["schema_version"],
    ),
    (
        "duplicate-key",
        edit("    summary: A cause.\n", "    summary: A cause.\n    summary: B.\n"),
        ("summary: B.", 1),
        ["duplicate", "summary"],
    ),
    (
        "unknown-condition",
        edit("conditions: [first-condition]", "conditions: [martian-flu]"),
        ("martian-flu", 1),
        ["martian-flu"],
    ),
    (
        "unknown-sign-in-rule",
        edit("all_of: [[red-leg]]", "all_of: [[red-leg, blue-leg]]"),
        ("blue-leg", 1),
        ["blue-leg"],
    ),
    (
        "unknown-level",
        edit(
            "      level: help\n      references: [R1]\n  rules:",
            "      level: panic\n      references: [R1]\n  rules:",
        ),
        ("level: panic", 1),
        ["panic"],
    ),
    (
        "unknown-medicine-in-a-pair",
        edit("        conditions: [first-condition]", "        all_medications: [martian-pill]"),
        ("martian-pill", 1),
        ["martian-pill"],
    ),
    (
        "unknown-placeholder-in-a-signs-action",
        edit(
            "      level: help\n      references: [R1]\n  rules:",
            "      level: help\n      references: [R1]\n      action: Call {nummer}.\n  rules:",
        ),
        ("action: Call {nummer}.", 1),
        ["{nummer}"],
    ),
    (
        "unknown-placeholder-in-a-help-line",
        edit("get_help_if: [Worse.]", 'get_help_if: ["Worse: call {numbr}."]'),
        ("{numbr}", 1),
        ["{numbr}"],
    ),
    (
        "phases-out-of-order",
        edit("from_hours: 48", "from_hours: 0"),
        ("from_hours: 0", 2),
        ["order"],
    ),
    (
        "first-phase-not-zero",
        edit("from_hours: 0", "from_hours: 6"),
        ("- id: early", 1),
        ["from_hours"],
    ),
    (
        "malformed",
        edit("    title: First tip", "    title: First: tip"),
        ("First: tip", 1),
        ["YAML"],
    ),
    ("anchor", edit("verdict: mixed", "verdict: &v mixed"), ("&v", 1), ["alias"]),
    # The program shows the number for the emergency level and nothing that softens it,
    # so the highest level, and only it, is the emergency one.
    (
        "no-emergency-level",
        edit(", role: emergency}", "}"),
        ("- {id: fine", 1),
        ["role: emergency", "last"],
    ),
    (
        "emergency-not-the-highest",
        edit("if_worse: Check again.}", "if_worse: Check again., role: emergency}").replace(
            ", role: emergency}\n  signs:", "}\n  signs:"
        ),
        ("- {id: fine", 1),
        ["role: emergency", "last"],
    ),
    (
        "two-emergency-levels",
        edit("if_worse: Check again.}", "if_worse: Check again., role: emergency}"),
        ("- {id: fine", 1),
        ["only it"],
    ),
    (
        "two-same-day-levels",
        edit(
            "  levels:\n",
            "  levels:\n"
            "    - {id: soon, title: Soon, action: A., timeframe: days, if_worse: B.,"
            " role: same-day}\n",
        ).replace("if_worse: Check again.}", "if_worse: Check again., role: same-day}"),
        ("- {id: soon", 1),
        ["same-day"],
    ),
    (
        "unknown-placeholder-in-a-level",
        edit("action: Get help.", 'action: "Call {numbr}."'),
        ("{numbr}", 1),
        ["{numbr}", "{number}"],
    ),
    (
        "unknown-placeholder-in-the-reminder",
        edit("call {number}.", "call {emergency}."),
        ("{emergency}", 1),
        ["{emergency}"],
    ),
    (
        "unsure-lead-without-level",
        edit("would mean {level}.", "would matter."),
        ("unsure_lead", 1),
        ["{level}"],
    ),
    # a word people type names one condition or medication, never two
    (
        "alias-names-another-id",
        edit(
            "conditions:\n  - id: first-condition\n    name: The first condition\n",
            "conditions:\n  - id: first-condition\n    name: The first condition\n"
            "  - id: second-condition\n    name: The second\n    aliases: [First_Condition]\n",
        ),
        ("aliases: [First_Condition]", 1),
        ["first-condition"],
    ),
]


def write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "tiny.yaml"
    f.write_text(text, encoding="utf-8")
    return f


def parsed_problems(out: str):
    return [m for m in map(PROBLEM.match, out.splitlines()) if m]


def test_the_minimal_topic_is_valid(cli, tmp_path):
    f = write(tmp_path, MINIMAL)
    result = cli("kb", "check", str(f))
    assert result.code == 0, result.out + result.err
    assert parsed_problems(result.out) == []


def test_a_valid_new_topic_can_be_used(cli, tmp_path):
    f = write(tmp_path, MINIMAL)
    result = cli("explain", "--kb", str(f), "--topic", "tiny", "--format", "json")
    assert result.code == 0, result.err
    assert [c["id"] for c in json.loads(result.out)["causes"]] == ["first-cause"]


@pytest.mark.parametrize("name,text,where,words", CASES, ids=[c[0] for c in CASES])
def test_kb_check_names_file_line_and_problem(cli, tmp_path, name, text, where, words):
    f = write(tmp_path, text)
    result = cli("kb", "check", str(f))
    assert result.code == 1, result.out + result.err
    problems = parsed_problems(result.out)
    assert problems, result.out
    assert all(p["file"] == str(f) for p in problems)
    line = line_of(text, *where)
    matching = [p for p in problems if int(p["line"]) == line]
    assert matching, f"no problem on line {line}: {result.out}"
    message = " ".join(p["msg"] for p in matching)
    for word in words:
        assert word.lower() in message.lower(), message
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("name,text,where,words", CASES, ids=[c[0] for c in CASES])
def test_a_command_given_the_bad_file_prints_one_clear_line(
    cli, tmp_path, name, text, where, words
):
    f = write(tmp_path, text)
    result = cli("cope", "--kb", str(f), "--topic", "tiny", "--format", "json")
    assert result.code != 0
    assert result.out == ""
    err = result.err.strip().splitlines()
    assert len(err) == 1, result.err
    assert f"{f}:" in err[0]
    assert "Traceback" not in result.err


def test_an_unknown_field_is_explained_without_library_jargon(cli, tmp_path):
    text = edit("    when: Now.\n", "    when: Now.\n    colour: red\n")
    out = cli("kb", "check", str(write(tmp_path, text))).out
    assert "colour" in out and "unknown" in out.lower()
    assert "keyword argument" not in out.lower()


def test_column_points_at_the_offending_value(tmp_path):
    text = edit("title: First remedy", "title: 42")
    doc = parse_doc(text.encode(), "tiny.yaml")
    topic, problems = validate(doc, "tiny.yaml", "tiny")
    assert topic is None
    line = line_of(text, "title: 42")
    column = text.splitlines()[line - 1].index("42") + 1
    assert (problems[0].line, problems[0].column) == (line, column)


def test_every_problem_is_reported_not_only_the_first(cli, tmp_path):
    text = edit("references: [R2]", "references: [R8]")
    text = text.replace("conditions: [first-condition]", "conditions: [martian-flu]")
    result = cli("kb", "check", str(write(tmp_path, text)))
    lines = {int(p["line"]) for p in parsed_problems(result.out)}
    assert {line_of(text, "[R8]"), line_of(text, "martian-flu")} <= lines


def test_the_one_line_error_says_how_to_see_the_rest(cli, tmp_path):
    text = edit("references: [R2]", "references: [R8]")
    text = text.replace("conditions: [first-condition]", "conditions: [martian-flu]")
    result = cli("explain", "--kb", str(write(tmp_path, text)), "--topic", "tiny")
    assert "kb check" in result.err


def test_kb_check_of_a_directory_checks_every_file(cli, tmp_path):
    (tmp_path / "tiny.yaml").write_text(MINIMAL)
    (tmp_path / "other.yaml").write_text(MINIMAL.replace("id: tiny", "id: other"))
    (tmp_path / "broken.yaml").write_text(
        MINIMAL.replace("id: tiny", "id: broken").replace("title: Tiny topic", "title: [x]")
    )
    (tmp_path / "notes.txt").write_text("not a topic: [")
    result = cli("kb", "check", str(tmp_path))
    assert result.code == 1
    files = {Path(p["file"]).name for p in parsed_problems(result.out)}
    assert files == {"broken.yaml"}
    (tmp_path / "broken.yaml").unlink()
    assert cli("kb", "check", str(tmp_path)).code == 0


def test_kb_check_of_a_missing_path_is_an_error(cli, tmp_path):
    result = cli("kb", "check", str(tmp_path / "nope.yaml"))
    assert result.code != 0 and "nope.yaml" in result.err
    assert "Traceback" not in result.err


def test_kb_schema_is_a_json_schema_requiring_the_topic_fields(cli):
    result = cli("kb", "schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert "json-schema.org" in schema["$schema"]
    required = {
        f.name for f in fields(Topic) if f.default is MISSING and f.default_factory is MISSING
    }
    assert set(schema["required"]) == required
    assert set(schema["properties"]) == {f.name for f in fields(Topic)}


def test_kb_schema_forbids_unknown_fields_for_editor_completion(cli):
    schema = json.loads(cli("kb", "schema").out)
    assert schema.get("additionalProperties") is False
    for name, definition in schema.get("$defs", {}).items():
        if definition.get("type") == "object":
            assert definition.get("additionalProperties") is False, name


def test_an_id_repeated_in_an_overlay_is_reported_not_silently_dropped(cli, tmp_path, topic):
    """Two entries with a built-in id in one user file: the second must not quietly win."""
    remedy = topic.remedies[0]
    ref = topic.references[0].id
    entry = (
        f"  - id: {remedy.id}\n    title: {{title}}\n    summary: s\n    how: h\n"
        f"    when: w\n    severities: [low]\n"
        f"    evidence: {{{{verdict: myth, summary: s, references: [{ref}]}}}}\n"
    )
    text = "remedies:\n" + entry.format(title="First") + entry.format(title="Second")
    overlay = tmp_path / f"{topic.id}.yaml"
    overlay.write_text(text)
    result = cli("kb", "check", str(overlay))
    assert result.code == 1
    problems = parsed_problems(result.out)
    assert [int(p["line"]) for p in problems] == [line_of(text, f"- id: {remedy.id}", 2)]
    assert "duplicate" in problems[0]["msg"]
    assert cli("cope", "--kb", str(overlay)).code != 0


SHIPPED = (
    Path(__file__).resolve().parent.parent / "data" / "topics" / "foot-massage-leg-soreness.yaml"
)


@pytest.mark.parametrize(
    "old, new, words",
    [
        ("sore {lasting_after} or more", "sore 3 days or more", ["{lasting_after}"]),
        ("a score of {high_score} or more", "a score of {highscore} or more", ["{highscore}"]),
        ("still rising after the first {rising_after}", "after {days}", ["unknown", "{days}"]),
        ("is about the same.", "is about the same {high_score.", ["no partner"]),
        ("Keep moving gently.", "Keep moving {gently}.", ["unknown", "{gently}"]),
    ],
    ids=[
        "threshold-written-out",
        "misspelt-placeholder",
        "unknown-placeholder",
        "unclosed-brace-in-a-trend-message",
        "unknown-placeholder-in-a-trend-message",
    ],
)
def test_a_diary_warning_must_show_its_own_threshold(cli, tmp_path, old, new, words):
    """A number typed into the words would drift from the rule; a misspelt
    placeholder would reach the user as braces."""
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    f = tmp_path / SHIPPED.name
    f.write_text(text.replace(old, new), encoding="utf-8")
    result = cli("kb", "check", str(f))
    assert result.code == 1, result.out + result.err
    problems = parsed_problems(result.out)
    assert {int(p["line"]) for p in problems} == {line_of(text.replace(old, new), new)}
    said = " ".join(p["msg"] for p in problems)
    for word in words:
        assert word in said, said
    assert "Traceback" not in result.out + result.err


def test_a_placeholder_the_check_allows_is_one_the_diary_fills(topic):
    """The check's list and the words that fill them cannot drift apart: a
    placeholder allowed here but not filled would reach the user as braces."""
    from soreadvisor.advice.trend import thresholds
    from soreadvisor.kb.validate import _DIARY_PLACEHOLDERS, _OWN_PLACEHOLDER

    assert set(thresholds(topic.diary, WORDS)) == _DIARY_PLACEHOLDERS
    assert set(_OWN_PLACEHOLDER) <= set(topic.diary.messages)


def test_a_bad_placeholder_in_a_users_file_stops_history_with_a_clear_error(cli, tmp_path, topic):
    """Through an overlay, as a user would write it: file:line:col and the fix, no traceback;
    `log` still saves the score and says why there is no advice."""
    overlay = tmp_path / f"{topic.id}.yaml"
    text = 'diary:\n  messages:\n    high_score: "A score of {score} or more is severe."\n'
    overlay.write_text(text, encoding="utf-8")
    result = cli("history", "--kb", str(overlay))
    assert result.code != 0
    assert "Traceback" not in result.out + result.err
    assert f"{overlay}:3:" in result.err and "unknown placeholder {score}" in result.err
    logged = cli("log", "3", "--kb", str(overlay))
    assert logged.code == 0 and "Traceback" not in logged.err
    assert "Logged 3/10" in logged.err and "unknown placeholder {score}" in logged.err


@pytest.mark.parametrize("ref_id,valid", [("R2b", True), ("R2bb", False), ("R2B", False)])
def test_a_reference_split_in_two_keeps_its_number_and_one_letter(cli, tmp_path, ref_id, valid):
    """EVIDENCE.md: a reference is `verified` only for what was checked, so R41's
    unchecked part is its own reference, R41b, next to the checked R41."""
    text = edit("  - id: R2\n", f"  - id: {ref_id}\n").replace("[R1, R2]", f"[R1, {ref_id}]")
    text = text.replace("references: [R2]", f"references: [{ref_id}]")
    result = cli("kb", "check", str(write(tmp_path, text)))
    assert result.code == (0 if valid else 1), result.out + result.err
    if not valid:
        assert any(ref_id in p["msg"] for p in parsed_problems(result.out)), result.out
