"""The command line: every command in every format, errors, help, pipes, terminals.

In-process (`cli`) wherever a real process adds nothing; a real process (`sh`,
a shell pipeline or a pseudo-terminal) where it does: pipes that close early,
`python -m`, and what a terminal sees.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest
import typer
from conftest import run_on_pty, said, screen_text
from markdown_it import MarkdownIt

import soreadvisor
from soreadvisor.cli import app

SGR = re.compile(r"\x1b\[[0-9;]*m")
DISCLAIMER_WORDS = "not a diagnosis"  # issue 2: a "general information, not a diagnosis" line

COMMANDS = {
    "explain": ["explain"],
    "explain-cause": ["explain", "lactic-acid"],
    "cope": ["cope"],
    "cope-low": ["cope", "--severity", "low"],
    "cope-high": ["cope", "--severity", "high"],
    "prevent": ["prevent"],
    "sources": ["sources"],
    "search": ["search", "compression"],
    "topics": ["topics"],
    "check-none": ["check", "--none"],
    "check-symptoms": ["check", "--symptom", "one-leg-swelling", "--symptom", "breathless"],
    "check-list": ["check", "--list"],
    "plan": ["plan", "--since", "30h"],
    "profile-show": ["profile", "show"],
}
LISTINGS = {"search", "topics", "check-list"}
FORMATS = ["auto", "plain", "markdown", "json", "rich"]


@pytest.fixture
def warm(private_home):
    """Validate and cache the shipped topic in this test's home, so the real processes a
    test starts skip the (tested elsewhere) first-run validation and start fast."""
    from soreadvisor.kb.store import KnowledgeBase

    KnowledgeBase.from_env().load()


def run_json(cli, *args: str) -> dict:
    result = cli(*args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# --- every command, every format -----------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_works_in_every_format_with_no_escape_codes_in_a_pipe(cli, name, fmt):
    result = cli(*COMMANDS[name], "--format", fmt)
    assert result.code == 0, result.err
    assert result.out.strip()
    assert "\x1b" not in result.out
    assert result.out.endswith("\n")


EMERGENCY = {"check-symptoms"}  # an emergency result: the level's own disclaimer


def emergency_disclaimer(topic) -> str:
    level = next(lv for lv in topic.triage.levels if lv.role == "emergency")
    assert level.disclaimer
    return level.disclaimer


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_json_is_one_object_with_schema_version_and_topic(cli, topic, name):
    doc = run_json(cli, *COMMANDS[name])
    assert isinstance(doc, dict)
    assert isinstance(doc["schema_version"], int)
    assert isinstance(doc["topic"], str)
    if name in EMERGENCY:
        assert doc["disclaimer"] == emergency_disclaimer(topic)
    else:
        assert DISCLAIMER_WORDS in doc["disclaimer"]


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
@pytest.mark.parametrize("name", sorted(set(COMMANDS) - LISTINGS))
def test_the_not_a_diagnosis_line_is_in_every_format(cli, topic, name, fmt):
    """Every answer says what it is not; an emergency says it without softening
    the call ("if you are worried, contact a doctor" under "call 999")."""
    out = " ".join(cli(*COMMANDS[name], "--format", fmt).out.split())
    if name in EMERGENCY:
        assert " ".join(emergency_disclaimer(topic).split()) in out.replace("\\", "")
        assert "worried" not in out
    else:
        assert DISCLAIMER_WORDS in out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_markdown_is_commonmark_with_one_title_and_no_raw_html(cli, name):
    text = cli(*COMMANDS[name], "--format", "markdown").out
    tokens = MarkdownIt("commonmark").parse(text)
    assert tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    assert [t.tag for t in tokens if t.type == "heading_open"].count("h1") == 1
    assert not [t for t in tokens if t.type.startswith("html")]
    inline = [c for t in tokens if t.children for c in t.children]
    assert not [c for c in inline if c.type == "html_inline"]


def markdown_sections(text: str) -> dict[str, int]:
    """h2 heading -> number of top-level list items under it."""
    tokens = MarkdownIt("commonmark").parse(text)
    out: dict[str, int] = {}
    current, depth = None, 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag == "h2":
            current = tokens[i + 1].content
            out[current] = 0
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open" and depth == 1 and current is not None:
            out[current] += 1
    return out


def test_explain_markdown_lists_each_cause_and_numbers_the_sources(cli, topic):
    text = cli("explain", "--format", "markdown").out
    sections = markdown_sections(text)
    counts = list(sections.values())
    assert len(topic.causes) in counts
    cited = {r for c in topic.causes for r in c.evidence.references}
    assert counts[-1] == len(cited)  # the sources, last
    assert re.search(r"^1\. ", text, re.M)


def test_cope_markdown_can_be_appended_to_notes(cli, tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n\nSome text.\n")
    with notes.open("a") as fh:
        fh.write(cli("cope", "--severity", "high", "--format", "markdown").out)
    tokens = MarkdownIt("commonmark").parse(notes.read_text())
    titles = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h1"
    ]
    assert titles[0] == "My notes" and len(titles) == 2


# --- JSON: the documented keys, and values that match the knowledge base -------------------


def assert_item(item: dict) -> None:
    assert {"id", "title", "summary"} <= set(item)
    ev = item["evidence"]
    assert {"verdict", "summary", "references"} <= set(ev)
    assert set(ev) <= {"verdict", "summary", "references", "claim"}
    assert ev["verdict"] in {"supported", "mixed", "unsupported", "myth"}
    assert ev["references"]


def test_explain_json_lists_every_cause_with_its_evidence(cli, topic):
    doc = run_json(cli, "explain")
    assert [c["id"] for c in doc["causes"]] == [c.id for c in topic.causes]
    for item, cause in zip(doc["causes"], topic.causes, strict=True):
        assert_item(item)
        assert item["evidence"]["verdict"] == cause.evidence.verdict
        assert item["evidence"].get("claim") == cause.evidence.claim
    cited = {r for c in topic.causes for r in c.evidence.references}
    assert {r["id"] for r in doc["references"]} == cited
    for ref in doc["references"]:
        assert ref["citation"] and isinstance(ref["verified"], bool)


def test_explain_one_cause_shows_the_claim_what_is_known_instead_and_its_sources(cli, topic):
    cause = next(c for c in topic.causes if c.id == "lactic-acid")
    doc = run_json(cli, "explain", "lactic-acid")
    (item,) = doc["causes"]
    assert item["id"] == "lactic-acid" and item["evidence"]["verdict"] == "myth"
    assert item["article_claim"] == cause.article_claim and item["instead"] == cause.instead
    assert [r["id"] for r in doc["references"]] == cause.evidence.references
    plain = cli("explain", "lactic-acid", "--format", "plain").out
    assert "myth" in plain
    for ref_id in cause.evidence.references:
        assert next(r for r in topic.references if r.id == ref_id).citation in plain


def test_explain_opens_with_what_is_known_then_the_articles_claims(cli, topic):
    """Why does it hurt at all? What is known comes first, with its sources; the
    article is introduced once, above the claims it makes."""
    blocks = cli("explain", "--format", "plain").out.split("\n\n")
    assert blocks[1] == " ".join(topic.known.text.split())
    causes = blocks[2].splitlines()
    assert causes[0] == "THE EXPLANATIONS ON OFFER"
    assert causes[1].startswith(" ".join(topic.article.intro.split()))
    assert " ".join(topic.evidence_note.split()) in causes[1]
    doc = run_json(cli, "explain")
    assert set(topic.known.references) <= {r["id"] for r in doc["references"]}
    one = cli("explain", "lactic-acid", "--format", "plain").out
    cause = next(c for c in topic.causes if c.id == "lactic-acid")
    assert f"  The article claims: {' '.join(cause.article_claim.split())}" in one.splitlines()
    assert "The article says" not in one
    assert one.count(topic.article.title) == 1
    tips = cli("prevent", "--format", "plain").out.split("\n\n")[1].splitlines()
    assert tips[1] == " ".join(topic.article.intro.split())


def test_explain_lists_causes_with_verdicts_in_plain(cli, topic):
    """Each cause with its id, then a verdict that names the claim it judges
    (never "[myth]" after a title, which reads as a verdict on the title)."""
    lines = cli("explain", "--format", "plain").out.splitlines()
    for cause in topic.causes:
        at = next(n for n, line in enumerate(lines) if line.startswith(f"- {cause.title} "))
        assert lines[at].startswith(f"- {cause.title} ({cause.id}): ")
        assert f"[{cause.evidence.verdict}]" not in lines[at]
        ev, words = cause.evidence, topic.wording
        head = said(words, "render.evidence_on", claim=ev.claim) if ev.claim else None
        expected = f"  {head}: {ev.verdict}. " if head else f"  {words['render.evidence']}: "
        evidence = next(
            line for line in lines[at + 1 :] if line.startswith(f"  {words['render.evidence']}")
        )
        assert evidence.startswith(expected) and evidence.endswith(f"[{', '.join(ev.references)}]")


def test_cope_json_has_severity_warning_signs_and_remedies(cli):
    doc = run_json(cli, "cope", "--severity", "high")
    assert doc["severity"] == "high"
    assert doc["warning_signs"] and all({"id", "title"} <= set(s) for s in doc["warning_signs"])
    for item in doc["remedies"]:
        assert_item(item)
        assert isinstance(item["advised"], bool) and isinstance(item["reasons"], list)
    assert doc["donts"]


def test_prevent_json_lists_every_tip_with_the_therapist_checklist(cli, topic):
    doc = run_json(cli, "prevent")
    assert [t["id"] for t in doc["tips"]] == [t.id for t in topic.tips]
    for item in doc["tips"]:
        assert_item(item)
    tell = next(t for t in doc["tips"] if t["id"] == "tell-therapist")
    source = next(t for t in topic.tips if t.id == "tell-therapist")
    assert tell["checklist"] == source.checklist and len(source.checklist) >= 3
    plain = cli("prevent", "--format", "plain").out
    for entry in source.checklist:
        assert entry in plain


def test_sources_lists_every_reference_numbered_with_verdict_counts(cli, topic):
    doc = run_json(cli, "sources")
    assert [r["id"] for r in doc["references"]] == [r.id for r in topic.references]
    counts = Counter(i.evidence.verdict for i in [*topic.causes, *topic.remedies, *topic.tips])
    assert doc["verdict_counts"] == {
        v: counts.get(v, 0) for v in ("supported", "mixed", "unsupported", "myth")
    }
    plain = cli("sources", "--format", "plain").out
    for n, ref in enumerate(topic.references, 1):
        assert re.search(rf"^{n}\. .*{re.escape(ref.citation)}", plain, re.M), ref.id
    unverified = [r for r in topic.references if not r.verified]
    assert unverified and all(
        "unverified" in next(line for line in plain.splitlines() if r.citation in line)
        for r in unverified
    )


def test_search_finds_matching_entries_one_per_line(cli, topic):
    result = cli("search", "compression")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines and lines[0].split()[0] == "compression"
    doc = run_json(cli, "search", "compression")
    assert doc["results"][0]["id"] == "compression" and doc["results"][0]["kind"] == "remedy"


def test_search_ranks_entries_with_every_word_before_those_with_some(cli):
    """Issue 22: any word finds an entry; those with all the words come first."""
    both = [r["id"] for r in run_json(cli, "search", "lactic", "myth")["results"]]
    lactic = {r["id"] for r in run_json(cli, "search", "lactic")["results"]}
    myth = {r["id"] for r in run_json(cli, "search", "myth")["results"]}
    assert set(both) == lactic | myth
    all_words = [i for i in both if i in lactic and i in myth]
    assert all_words and both[: len(all_words)] == all_words


def test_search_with_no_match_exits_1_with_a_message_on_stderr(cli):
    result = cli("search", "xylophone")
    assert result.code == 1
    assert result.out == "" and "xylophone" in result.err


def test_topics_lists_the_shipped_topic(cli, topic):
    assert cli("topics").out.splitlines()[0].split()[0] == topic.id
    doc = run_json(cli, "topics")
    assert [t["id"] for t in doc["topics"]] == [topic.id]


def test_check_and_plan_json_have_their_documented_keys(cli):
    check = run_json(cli, "check", "--none")
    assert {"level", "reasons", "actions", "emergency_number"} <= set(check)
    plan = run_json(cli, "plan", "--since", "6h")
    assert {"hours_since", "phase", "now", "next", "get_help_if"} <= set(plan)
    signs = run_json(cli, "check", "--list")["signs"]
    assert all({"id", "question", "level"} <= set(s) for s in signs)


def test_json_format_pipes_into_python_json_tool(tmp_path, warm):
    cmd = f"{sys.executable} -m soreadvisor explain --format json | {sys.executable} -m json.tool"
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["causes"]


# --- colour ------------------------------------------------------------------------------


def test_rich_with_color_always_has_colour(cli):
    assert SGR.search(cli("explain", "--format", "rich", "--color", "always").out)


def test_rich_with_color_never_has_none(cli, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in cli("explain", "--format", "rich", "--color", "never").out


def test_force_color_colours_rich_output_in_a_pipe(cli, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert SGR.search(cli("explain", "--format", "rich").out)


# SGR parameters that set a colour; bold, italic and underline are not colour.
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m")


def test_no_color_beats_force_color(cli, monkeypatch):
    """NO_COLOR removes the colour only: FORCE_COLOR still asks for a terminal's
    bold and underline."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = cli("explain", "--format", "rich").out
    assert not COLOUR.search(out) and SGR.search(out)


def test_no_color_beats_force_color_in_a_real_process(sh, warm):
    result = sh("cope", "--format", "rich", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert result.code == 0 and not COLOUR.search(result.out)
    result = sh("cope", "--format", "rich", env={"NO_COLOR": "1"})  # a pipe: no codes at all
    assert result.code == 0 and "\x1b" not in result.out
    result = sh("cope", "--format", "rich", env={"FORCE_COLOR": "1"})
    assert SGR.search(result.out)


def test_rich_names_the_sources_in_one_line_and_sources_lists_them(cli, topic):
    """A screen holds the answer; --sources (or `soreadvisor sources`) gives the list."""
    doc = run_json(cli, "cope", "--severity", "high")
    cited = [r["citation"] for r in doc["references"]]
    short = " ".join(cli("cope", "--severity", "high", "--format", "rich").out.split())
    assert said(topic.wording, "render.sources_many", n=len(cited)) in short
    assert not [c for c in cited if " ".join(c.split()) in short]
    full = " ".join(cli("cope", "--severity", "high", "--format", "rich", "--sources").out.split())
    assert all(" ".join(c.split()) in full for c in cited)
    listed = " ".join(cli("sources", "--format", "rich").out.split())
    assert all(" ".join(r.citation.split()) in listed for r in topic.references)


def test_color_always_wins_over_term_dumb(cli, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    assert SGR.search(cli("explain", "--format", "rich", "--color", "always").out)


def test_plain_never_has_colour_even_when_forced(cli, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b" not in cli("cope", "--format", "plain", "--color", "always").out


# --- on a real terminal -------------------------------------------------------------------


def on_a_terminal(*args: str, env: dict[str, str | None]) -> tuple[int, str]:
    code, screen = run_on_pty(*args, env={**env, "COLUMNS": "100"})
    return code, screen_text(screen)


def test_on_a_terminal_auto_is_rich_with_colour(topic, warm):
    code, out = on_a_terminal(
        "explain", env={"TERM": "xterm-256color", "NO_COLOR": None, "FORCE_COLOR": None}
    )
    assert code == 0
    assert SGR.search(out)
    assert topic.causes[0].title in SGR.sub("", out)


def test_term_dumb_on_a_terminal_gives_plain_text_without_escape_codes(cli, warm):
    code, out = on_a_terminal(
        "explain", env={"TERM": "dumb", "NO_COLOR": None, "FORCE_COLOR": None}
    )
    assert code == 0
    assert "\x1b" not in out
    assert out == cli("explain", "--format", "plain").out


def test_no_color_on_a_terminal_keeps_rich_layout_without_colour(cli, warm):
    """NO_COLOR removes colour, not emphasis: the title stays bold and underlined."""
    code, out = on_a_terminal("explain", env={"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert code == 0
    assert not COLOUR.search(out)
    assert out.startswith("\x1b[1;4m")
    assert out != cli("explain", "--format", "plain").out.replace("\r\n", "\n")
    code, never = on_a_terminal(
        "explain", "--color", "never", env={"TERM": "xterm-256color", "NO_COLOR": None}
    )
    assert code == 0 and not COLOUR.search(never) and never.startswith("\x1b[1;4m")


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,wanted,suggestion",
    [
        (["explain", "lactic-acd"], "lactic-acd", "lactic-acid"),
        (["explain", "--topic", "foot-massage"], "foot-massage", "foot-massage-leg-soreness"),
        (
            ["cope", "--topic", "foot-massage-leg-sorenes"],
            "foot-massage-leg-sorenes",
            "foot-massage-leg-soreness",
        ),
        (["check", "--symptom", "chest-pains"], "chest-pains", "chest-pain"),
        (["cope", "--condition", "raynods"], "raynods", "raynauds"),
        (["cope", "--medication", "anticoagulent"], "anticoagulent", "anticoagulant"),
        (["plan", "--since", "6h", "--condition", "diabetis"], "diabetis", "diabetes"),
    ],
)
def test_a_misspelt_id_exits_non_zero_with_did_you_mean_on_stderr(cli, args, wanted, suggestion):
    result = cli(*args)
    assert result.code != 0
    assert result.out == ""
    assert "did you mean" in result.err
    assert wanted in result.err and suggestion in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_an_unknown_cause_far_from_any_lists_the_valid_ones(cli, topic):
    result = cli("explain", "zzz")
    assert result.code != 0
    for cause in topic.causes:
        assert cause.id in result.err


def test_unknown_ids_give_no_traceback_in_a_real_process(sh, warm):
    result = sh("explain", "lactic-acd")
    assert result.code != 0
    assert "did you mean" in result.err and "Traceback" not in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    "args",
    [
        ["cope", "--severity", "extreme"],
        ["explain", "--format", "html"],
        ["explain", "--color", "sometimes"],
        ["nonsense"],
        ["cope", "--age", "-4"],
    ],
)
def test_bad_usage_exits_2_with_a_message_and_no_traceback(cli, args):
    result = cli(*args)
    assert result.code == 2
    assert result.err.strip() and "Traceback" not in result.err


# --- version and help -------------------------------------------------------------------------


def test_version_prints_the_package_version(cli):
    result = cli("--version")
    assert result.code == 0
    assert result.out.strip() == f"soreadvisor {soreadvisor.__version__}"


def command_paths() -> tuple[list[list[str]], list[list[str]]]:
    """Every leaf command and every group, as the words typed after `soreadvisor`."""
    leaves, groups = [], []

    def walk(cmd, path: list[str]) -> None:
        sub = getattr(cmd, "commands", None)
        if sub:
            if path:
                groups.append(path)
            for name, child in sub.items():
                if not getattr(child, "hidden", False):
                    walk(child, [*path, name])
        else:
            leaves.append(path)

    walk(typer.main.get_command(app), [])
    return leaves, groups


LEAVES, GROUPS = command_paths()


def test_the_commands_of_the_issues_exist():
    names = {" ".join(p) for p in LEAVES}
    expected = {
        "explain",
        "cope",
        "prevent",
        "sources",
        "search",
        "topics",
        "check",
        "plan",
        "profile set",
        "profile show",
        "profile clear",
        "profile path",
        "kb path",
        "kb check",
        "kb schema",
    }
    assert expected <= names


@pytest.mark.parametrize("path", [[], *LEAVES], ids=lambda p: " ".join(p) or "soreadvisor")
def test_help_of_every_command_has_an_example(cli, path):
    result = cli(*path, "--help")
    assert result.code == 0
    assert "Example" in result.out
    assert " ".join(["soreadvisor", *path]) in " ".join(result.out.split())


def test_help_of_every_command_group_has_an_example(cli):
    missing = [" ".join(g) for g in GROUPS if "Example" not in cli(*g, "--help").out]
    assert not missing


def test_no_arguments_shows_help(cli):
    result = cli()
    assert "Usage" in result.out + result.err
    assert "Traceback" not in result.err


# --- real processes: python -m, pipes ------------------------------------------------------


def test_python_m_soreadvisor_works(sh, topic):
    result = sh("--version")
    assert result.code == 0 and result.out.strip() == f"soreadvisor {soreadvisor.__version__}"
    result = sh("explain")
    assert result.code == 0
    assert topic.title in result.out.splitlines()[0]
    assert "\x1b" not in result.out


def shell(cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=timeout)


SOREADVISOR = f"{sys.executable} -m soreadvisor"


def test_explain_piped_into_head_prints_the_first_line_and_no_traceback(cli, warm):
    proc = shell(f"{SOREADVISOR} explain | head -n 1")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == cli("explain", "--format", "plain").out.splitlines()[0] + "\n"


@pytest.mark.parametrize(
    "args",
    [
        "explain",
        "sources --format json",
        "cope --severity high",
        "check --list",
        "explain --format rich --color always",
        "kb schema",
    ],
)
def test_a_reader_that_goes_away_leaves_no_traceback(args, warm):
    proc = shell(f"{SOREADVISOR} {args} | true")
    assert proc.stderr == ""


def test_a_closed_pipe_is_not_reported_as_not_found(warm):
    proc = shell(f"{SOREADVISOR} sources --format json | true; echo ${{PIPESTATUS[0]}}")
    assert int(proc.stdout.strip()) in (0, 141)


def test_cope_high_redirected_to_a_notes_file_has_no_escape_codes(tmp_path, topic, warm):
    notes = tmp_path / "notes.md"
    proc = shell(f"cd {tmp_path} && {SOREADVISOR} cope --severity high > {notes}")
    assert proc.returncode == 0 and proc.stderr == ""
    text = notes.read_text()
    assert "\x1b" not in text
    emergency = [s.text for s in topic.triage.signs if s.level == "emergency"]
    assert all(sign in text for sign in emergency)


def test_a_closed_stdout_is_one_error_line_not_a_crash(warm):
    proc = shell(f"{SOREADVISOR} explain >&-")
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_search_for_nothing_is_a_usage_error_not_everything(cli):
    result = cli("search", "", "  ")
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1


# --- shell completion ---------------------------------------------------------------------


def complete(sh, words: str) -> list[str]:
    """What bash completion offers for the last of ``words`` (Click's protocol)."""
    env = {"_SOREADVISOR_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    result = sh(env=env)
    assert result.code == 0, result.err
    return result.out.split()


def test_completion_offers_every_command_whichever_module_defines_it(sh):
    offered = complete(sh, "soreadvisor ")
    for name in ("explain", "cope", "check", "plan", "log", "history", "diary", "kb", "profile"):
        assert name in offered, offered
    assert complete(sh, "soreadvisor hi") == ["history"]


def test_completion_offers_a_commands_options_and_choices(sh):
    assert "--severity" in complete(sh, "soreadvisor cope --sev")
    assert complete(sh, "soreadvisor cope --severity ") == ["low", "moderate", "high"]


# --- conventions across commands ------------------------------------------------------------


def test_profile_set_with_nothing_to_set_is_a_usage_error_and_saves_nothing(cli):
    result = cli("profile", "set")
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "--condition" in result.err
    assert "Saved" not in result.err
    assert not run_json(cli, "profile", "show")["conditions"]


def test_plan_takes_the_time_as_at_like_every_command_and_since_still_works(cli):
    at = run_json(cli, "plan", "--at", "30h")["hours_since"]
    since = run_json(cli, "plan", "--since", "30h")["hours_since"]
    assert at == pytest.approx(30, abs=0.1) and since == pytest.approx(at, abs=0.1)


def short_flags() -> dict[str, set[str]]:
    """Each short flag -> the long options it stands for, over every command."""
    seen: dict[str, set[str]] = {}

    def walk(cmd) -> None:
        for param in getattr(cmd, "params", []):
            longs = [o for o in param.opts if o.startswith("--")]
            for opt in param.opts:
                if not opt.startswith("--") and longs:
                    seen.setdefault(opt, set()).add(longs[0])
        for child in getattr(cmd, "commands", {}).values():
            walk(child)

    walk(typer.main.get_command(app))
    return seen


def test_each_short_flag_means_one_thing_across_commands():
    flags = short_flags()
    assert flags["-y"] == {"--yes"}
    assert {k: v for k, v in flags.items() if len(v) > 1} == {}


@pytest.mark.parametrize(
    "args",
    [
        ["cope", "--age", "200"],
        ["cope", "--pregnant-weeks", "46"],
        ["profile", "set", "--age", "x"],
    ],
)
def test_an_age_or_week_out_of_range_is_one_usage_line(cli, args):
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["cope", "high"], "--severity high"),
        (["history", "json"], "--format json"),
        (["massage", "deep"], "--intensity deep"),
    ],
)
def test_a_choice_given_without_its_option_names_the_option(cli, args, meant):
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    assert f"did you mean {meant}?" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_no_option_is_suggested_for_a_word_that_is_no_choice(cli):
    result = cli("cope", "--severity", "high", "extra")
    assert result.code == 2 and "did you mean" not in result.err


@pytest.mark.parametrize(
    ("given", "meant"), [("gb", "uk"), ("England", "uk"), ("usa", "us"), ("ie", "eu")]
)
def test_another_name_for_a_region_in_the_data_is_that_region(cli, topic, given, meant):
    region = next(r for r in topic.triage.regions if r.id == meant)
    assert given.casefold() in region.aliases  # the names are knowledge, not code
    result = cli("cope", "--region", given, "--format", "json")
    assert result.code == 0, result.err
    assert result.out == cli("cope", "--region", meant, "--format", "json").out
    ok = cli("profile", "set", "--region", given)
    assert ok.code == 0, ok.err
    saved = json.loads(cli("profile", "show", "--format", "json").out)
    assert saved["region"] == meant  # the id is saved, not the other name


def test_an_unknown_region_suggests_a_close_id(cli):
    result = cli("cope", "--region", "ukk")
    assert result.code != 0 and result.out == ""
    assert "did you mean 'uk'?" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [("check", "--list"), ("topics",), ("explain",), ("search", "clot")],
    ids=["check-list", "topics", "explain", "search"],
)
def test_the_ids_you_type_are_shown_on_a_real_terminal(args, topic):
    """An id the help tells you to use is on the screen, not only in a pipe."""
    code, shown = run_on_pty(*args, env={"COLUMNS": "100"})
    assert code == 0
    screen = screen_text(shown)
    wanted = {
        "check": [s.id for s in topic.triage.signs],
        "topics": [topic.id],
        "explain": [c.id for c in topic.causes],
        "search": ["one-leg-swelling"],
    }[args[0]]
    for an_id in wanted:
        assert an_id in screen, (an_id, screen)
