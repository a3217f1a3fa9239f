"""Rendering one Report: every format says the same thing, safely.

Pure tests: Reports are built here (or by the advice functions) and rendered to
strings; no command line involved.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import WORDS, said
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from soreadvisor.advice import triage
from soreadvisor.advice.cope import cope
from soreadvisor.advice.explain import explain, prevent, sources
from soreadvisor.advice.plan import plan
from soreadvisor.advice.profile import Profile
from soreadvisor.advice.search import search
from soreadvisor.kb.models import Evidence, Reference
from soreadvisor.render import render, resolve_format, use_color
from soreadvisor.report import Field, Item, Report, Section

SGR = re.compile(r"\x1b\[[0-9;]*m")
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
BOXES = re.compile("[\u2500-\u259f]")  # box drawing and block elements
MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def norm(text: str) -> str:
    return " ".join(text.split())


class Stream(io.StringIO):
    def __init__(self, tty: bool = False):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def rendered(
    report: Report,
    fmt: str,
    color: str = "never",
    tty: bool = False,
    sources: bool = False,
    details: bool = False,
) -> str:
    out = Stream(tty)
    render(report, fmt, color, out, sources=sources, details=details)
    return out.getvalue()


# SGR parameters that set a colour (foreground, background, bright, 256/true colour).
COLOUR_PARAMS = re.compile(r"^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$")


def colour_codes(out: str) -> list[str]:
    """The SGR sequences in ``out`` that set a colour (not bold, italic, underline)."""
    return [
        code
        for code in SGR.findall(out)
        if any(COLOUR_PARAMS.match(p) for p in code[2:-1].split(";"))
    ]


def sample(text: str = "") -> Report:
    """A report using every part of the document model, with ``text`` mixed into each."""
    evidence = Evidence(
        verdict="mixed",
        summary=f"Evidence summary {text}",
        references=["R1"],
        claim=f"the claim judged {text}",
    )
    report = Report(
        command="sample",
        topic="tiny",
        title=f"Sample title {text}",
        disclaimer=f"General information, not a diagnosis {text}",
        headline=f"Headline {text}",
        tone="warning",
        intro=f"Intro paragraph {text}",
    )
    report.add(
        Section(
            "things",
            f"Section title {text}",
            note=f"Section note {text}",
            items=[
                Item(
                    title=f"Item title {text}",
                    id="first",
                    summary=f"Item summary {text}",
                    evidence=evidence,
                    fields=[Field("how", "How", f"Field text {text}")],
                    checklist=[f"Bullet {text}"],
                    warnings=[f"Warning {text}"],
                    cautions=[f"Caution text {text}"],
                ),
                Item(title=f"Second item {text}", id="second"),
            ],
        )
    )
    report.add(
        Section(
            "lines",
            f"Strings section {text}",
            kind="sentences",
            tone="critical",
            items=[Item(title=f"A line {text}")],
        )
    )
    report.references = [
        Reference(
            id="R1", citation=f"A citation {text}", verified=False, url="https://example.org/paper"
        ),
        Reference(id="R2", citation=f"Another citation {text}", verified=True),
    ]
    report.words = dict(WORDS)  # the labels every format puts around the knowledge
    return report


def texts(report: Report) -> list[str]:
    """Every piece of knowledge text a reader must see, whatever the format."""
    out = [report.title]
    if report.show_disclaimer:
        out.append(report.disclaimer)
    out += [t for t in (report.headline, report.intro) if t]
    for section in report.sections:
        out.append(section.title)
        if section.note:
            out.append(section.note)
        for item in section.items:
            out += [item.title, *item.warnings, *item.cautions, *item.checklist]
            out += [t for t in (item.summary,) if t]
            out += [f.text for f in item.fields]
            if item.evidence:
                out.append(item.evidence.summary)
                if item.evidence.claim:
                    out.append(item.evidence.claim)
    out += [r.citation for r in report.references]
    return out


def real_reports(topic) -> dict[str, Report]:
    tr = topic.triage
    person = Profile(
        conditions=["raynauds"],
        medications=["nsaid-allergy"],
        age=70,
        pregnant_weeks=24,
        region="uk",
    )
    emergency = triage.assess(tr, {"one-leg-swelling", "breathless"}, person)
    return {
        "explain": explain(topic),
        "explain-cause": explain(topic, "lactic-acid"),
        "cope-low": cope(topic, "low", Profile()),
        "cope-high-profile": cope(topic, "high", person),
        "prevent": prevent(topic),
        "sources": sources(topic),
        "check-emergency": triage.check_report(topic, emergency, person),
        "check-none": triage.check_report(topic, triage.assess(tr, set(), Profile()), Profile()),
        "plan": plan(topic, 30, person),
    }


# --- all formats agree -----------------------------------------------------------------

REAL = [
    "explain",
    "explain-cause",
    "cope-low",
    "cope-high-profile",
    "prevent",
    "sources",
    "check-emergency",
    "check-none",
    "plan",
]


def missing_texts(report: Report, fmt: str) -> list[str]:
    """The report's texts that its rendering in ``fmt`` does not show (on a
    terminal, with every source and detail asked for)."""
    out = rendered(report, fmt, sources=True, details=True)
    if fmt == "markdown":
        out = MD_ESCAPE.sub(r"\1", out)
    flat = norm(out).casefold()  # plain shows section titles in capitals
    return [t for t in texts(report) if norm(t).casefold() not in flat]


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
def test_every_text_of_the_sample_report_is_in_every_text_format(fmt):
    assert not missing_texts(sample(), fmt)


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
@pytest.mark.parametrize("name", REAL)
def test_every_format_shows_everything_in_the_real_reports(topic, name, fmt):
    report = real_reports(topic)[name]
    assert not missing_texts(report, fmt)[:3], (name, fmt)
    out = rendered(report, fmt, sources=True)
    for ref in report.references:
        assert ref.id in out


@pytest.mark.parametrize("name", REAL)
def test_a_compact_terminal_answer_keeps_every_warning_and_caution(topic, name):
    """Compact leaves summaries and evidence to --details, never what to take care with."""
    report = real_reports(topic)[name]
    flat = norm(rendered(report, "rich")).casefold()
    for section in report.sections:
        for item in section.items:
            if item.detail:  # said by a caution shown on the same screen
                continue
            for text in [*item.warnings, *item.cautions]:
                assert norm(text).casefold() in flat, (name, text)


def test_a_terminal_names_the_sources_in_one_line_unless_they_are_asked_for(topic):
    """A screen holds the answer: 25 citations would push it off the top."""
    report = cope(topic, "high", Profile())
    n = len(report.references)
    assert n > 1
    short = norm(SGR.sub("", rendered(report, "rich", tty=True)))
    assert said(topic.wording, "render.sources_many", n=n) in short
    assert not [r.id for r in report.references if norm(r.citation) in short]
    full = norm(SGR.sub("", rendered(report, "rich", tty=True, sources=True)))
    assert said(topic.wording, "render.sources_many", n=n) not in full
    assert all(norm(r.citation) in full for r in report.references)
    for fmt in ("plain", "markdown", "json"):  # a file or a pipe keeps every reference
        out = MD_ESCAPE.sub(r"\1", rendered(report, fmt))
        assert all(f"[{r.id}]" in out or f'"{r.id}"' in out for r in report.references), fmt
        assert "or add --sources" not in out


def test_one_source_is_named_in_the_singular():
    report = sample()
    report.references = report.references[:1]
    assert WORDS["render.sources_one"] in norm(rendered(report, "rich"))
    report.words["render.sources_one"] = "Una fuente: soreadvisor sources"
    assert "Una fuente: soreadvisor sources" in norm(rendered(report, "rich"))


def test_the_sources_command_lists_every_reference_on_a_terminal(topic):
    report = sources(topic)
    out = norm(SGR.sub("", rendered(report, "rich", tty=True)))
    assert "or add --sources" not in out
    assert all(norm(r.citation) in out for r in report.references)


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
def test_the_disclaimer_is_the_last_thing_before_the_sources(fmt):
    report = sample("x")
    out = rendered(report, fmt)
    if fmt == "markdown":
        out = MD_ESCAPE.sub(r"\1", out)
    at = out.index(report.disclaimer)
    assert at > out.index("A line x")  # after the last item of the last section
    assert at > out.index(report.headline) and at > out.index(report.intro)
    sources_at = {
        "plain": WORDS["render.sources"].upper(),
        "markdown": f"## {WORDS['render.sources']}",
        "rich": said(WORDS, "render.sources_many", n=2),
    }[fmt]
    assert at < out.index(sources_at)
    between = out[at + len(report.disclaimer) : out.index(sources_at)]
    assert between.strip() == ""


@pytest.mark.parametrize("name", REAL)
def test_json_carries_the_same_items_as_the_report(topic, name):
    report = real_reports(topic)[name]
    doc = json.loads(rendered(report, "json"))
    assert doc["title"] == report.title and doc["disclaimer"] == report.disclaimer
    for section in report.sections:
        value = doc[section.key]
        for item in section.items:
            if section.kind in ("list", "index", "records"):
                found = [v for v in value if v["id"] == item.id and v["title"] == item.title]
                assert found, (section.key, item.title)
                assert found[0]["summary"] == item.summary
                if item.evidence:
                    assert found[0]["evidence"]["summary"] == item.evidence.summary
                for f in item.fields:
                    assert found[0][f.key] == f.text
            elif section.kind == "sentences":
                assert item.title in value
            else:
                assert value == section.items[0].title
    assert [r["id"] for r in doc["references"]] == [r.id for r in report.references]


def test_json_report_references_carry_citation_and_verified_flag(topic):
    doc = json.loads(rendered(explain(topic, "lactic-acid"), "json"))
    cause = next(c for c in topic.causes if c.id == "lactic-acid")
    assert [r["id"] for r in doc["references"]] == cause.evidence.references
    for ref in doc["references"]:
        source = next(r for r in topic.references if r.id == ref["id"])
        assert ref["citation"] == source.citation and ref["verified"] is source.verified


# --- plain ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["explain", "cope-high-profile", "sources", "check-emergency"])
def test_plain_has_no_escape_codes_box_drawing_or_padding(topic, name):
    out = rendered(real_reports(topic)[name], "plain", color="always")
    assert "\x1b" not in out
    assert not BOXES.search(out)
    assert not CONTROL.search(out)
    for line in out.splitlines():
        assert line == line.rstrip(), repr(line)


def test_plain_keeps_each_paragraph_on_one_line_however_long(topic):
    report = explain(topic)
    out = rendered(report, "plain")
    lines = out.splitlines()
    long_ones = [c.summary for c in topic.causes if len(norm(c.summary)) > 80]
    long_ones.append(report.intro)
    assert long_ones, "the shipped causes have summaries longer than 80 characters"
    for text in long_ones:
        assert any(norm(text) in line for line in lines), text[:40]
    assert max(len(line) for line in lines) > 80, "no hard wrapping at 80 columns"


def test_plain_listing_is_one_line_per_item_and_nothing_else(topic):
    report = triage.list_report(topic)
    out = rendered(report, "plain")
    assert out.splitlines() == [f"{s.id}\t{s.text}" for s in triage.questions(topic.triage)]


def test_plain_search_listing_is_one_result_per_line(topic):
    report = search(topic, ["lactic"])
    items = report.sections[0].items
    lines = rendered(report, "plain").splitlines()
    assert len(lines) == len(items)
    for line, item in zip(lines, items, strict=True):
        assert line.split()[0] == item.id and line.endswith(item.title)


def test_plain_listing_keeps_its_tab_separated_columns(topic):
    report = search(topic, ["lactic"])
    for line in rendered(report, "plain").splitlines():
        assert len(line.split("\t")) == 3, repr(line)


# --- markdown -----------------------------------------------------------------------------


def outline(markdown: str) -> list[tuple[str, str]]:
    """The block structure as (kind, text): headings, list items at the top level."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    out, depth = [], 0
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "heading_open":
            out.append((tok.tag, tokens[i + 1].content))
        elif tok.type == "list_item_open" and depth == 1:
            out.append(("li" if tok.markup in "-*+" else "ol", tok.markup))
        elif tok.type.startswith("html"):
            out.append(("html", tok.content))
    return out


def test_markdown_has_one_title_a_heading_per_section_and_a_list_per_section():
    report = sample()
    structure = outline(rendered(report, "markdown"))
    headings = [(kind, text) for kind, text in structure if kind in ("h1", "h2", "h3")]
    assert headings[0] == ("h1", report.title.strip())
    assert [k for k, _ in headings].count("h1") == 1
    assert len([k for k, _ in headings if k == "h2"]) == len(report.sections) + 1  # + sources
    assert [k for k, _ in structure].count("li") == sum(len(s.items) for s in report.sections)
    assert [k for k, _ in structure].count("ol") == len(report.references)
    assert not [s for s in structure if s[0] == "html"]


@pytest.mark.parametrize(
    "name", ["explain", "cope-high-profile", "prevent", "check-emergency", "plan"]
)
def test_markdown_of_real_reports_is_structured(topic, name):
    report = real_reports(topic)[name]
    text = rendered(report, "markdown")
    structure = outline(text)
    kinds = [k for k, _ in structure]
    assert kinds[0] == "h1" and kinds.count("h1") == 1
    assert kinds.count("h2") == len(report.sections) + (1 if report.references else 0)
    assert kinds.count("li") == sum(len(s.items) for s in report.sections)
    assert kinds.count("ol") == len(report.references)
    assert "html" not in kinds
    assert text.endswith("\n") and not text.endswith("\n\n\n")


HOSTILE_MARKDOWN = [
    "# not a heading",
    "text\n## injected heading",
    "[a link](https://evil.example)",
    "<script>alert(1)</script>",
    "**bold** _em_ `code` ~~strike~~",
    "| a | b |\n|---|---|",
    "1. not a list\n- nor this",
    "> not a quote",
    "![img](https://evil.example/x.png)",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_knowledge_text_cannot_change_the_markdown_structure(text):
    harmless = outline(rendered(sample(), "markdown"))
    hostile = rendered(sample(text), "markdown")
    assert [k for k, _ in outline(hostile)] == [k for k, _ in harmless]
    tokens = MarkdownIt("commonmark").parse(hostile)
    inline_types = {c.type for t in tokens if t.children for c in t.children}
    assert "image" not in inline_types and "html_inline" not in inline_types
    links = [
        c.attrs.get("href")
        for t in tokens
        if t.children
        for c in t.children
        if c.type == "link_open"
    ]
    assert all(href == "https://example.org/paper" for href in links), links


def test_markdown_text_reads_back_as_written():
    """Every special character reads back literally; a code span in the
    knowledge text (`soreadvisor check`) stays a code span."""
    text = "Use 10*2 [brackets] and #hash_tags `ticks` <angles> | pipes ~ tilde !"
    md = rendered(sample(text), "markdown")
    html = MarkdownIt("commonmark").render(md)
    expected = (
        "Use 10*2 [brackets] and #hash_tags <code>ticks</code> &lt;angles&gt; | pipes ~ tilde !"
    )
    assert expected in html
    assert "\\`" not in md


# --- knowledge text is shown literally, never interpreted ------------------------------

HOSTILE = [
    "[link=https://evil.example]click here[/link]",
    "[bold red]shouting[/]",
    "closing [/] tag",
    ":smile: :warning:",
    "\x1b[2J\x1b[Hcleared the screen",
    "\x1b]0;new window title\x07",
    "\x1b]8;;https://evil.example\x1b\\hidden link\x1b]8;;\x1b\\",
    "bell\x07 back\x08space cr\rnul\x00 del\x7f csi\x9b31m",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    "fmt,color", [("rich", "always"), ("rich", "never"), ("plain", "never"), ("markdown", "never")]
)
def test_hostile_knowledge_text_never_drives_the_terminal(text, fmt, color):
    out = rendered(sample(text), fmt, color=color, tty=True)
    without_sgr = SGR.sub("", out)
    assert "\x1b" not in without_sgr, "only style codes of our own may reach the terminal"
    assert not CONTROL.search(without_sgr.replace("\n", ""))
    if fmt != "rich":
        assert "\x1b" not in out
    elif color == "never":  # bold and underline stay on a terminal; no colour
        assert not colour_codes(out)
    piped = rendered(sample(text), fmt, color=color, tty=False)
    if fmt != "rich" or color == "never":
        assert "\x1b" not in piped
    assert "\U0001f604" not in out and "\u26a0\ufe0f" not in out  # no emoji substitution


@pytest.mark.parametrize("text", [t for t in HOSTILE if not CONTROL.search(t)])
@pytest.mark.parametrize("fmt,color", [("rich", "always"), ("rich", "never"), ("plain", "never")])
def test_console_markup_in_knowledge_text_is_shown_literally(text, fmt, color):
    out = rendered(sample(text), fmt, color=color)
    assert norm(text) in norm(SGR.sub("", out))


@pytest.mark.parametrize("fmt", ["rich", "plain"])
def test_control_characters_are_shown_as_visible_escapes(fmt):
    out = SGR.sub("", rendered(sample("\x1b[2J and \x07"), fmt, color="always"))
    assert "\\x1b[2J" in out and "\\x07" in out


def test_json_keeps_knowledge_text_exactly_and_safely_escaped():
    text = HOSTILE[-1] + HOSTILE[4]
    out = rendered(sample(text), "json")
    assert "\x1b" not in out and "\x07" not in out
    doc = json.loads(out)
    assert doc["title"] == f"Sample title {text}"


# --- choosing format and colour -------------------------------------------------------------


@pytest.mark.parametrize(
    "tty,term,expected",
    [
        (True, "xterm-256color", "rich"),
        (False, "xterm-256color", "plain"),
        (True, "dumb", "plain"),
        (False, "dumb", "plain"),
    ],
)
def test_auto_is_rich_on_a_terminal_and_plain_in_a_pipe_or_dumb_terminal(
    monkeypatch, tty, term, expected
):
    monkeypatch.setenv("TERM", term)
    assert resolve_format("auto", Stream(tty)) == expected
    for fmt in ("plain", "markdown", "json", "rich"):
        assert resolve_format(fmt, Stream(tty)) == fmt


@pytest.mark.parametrize(
    "env,tty,expected",
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "dumb", "FORCE_COLOR": "1"}, True, True),
    ],
)
def test_colour_follows_no_color_force_color_and_term(monkeypatch, env, tty, expected):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert use_color("auto", Stream(tty)) is expected
    assert use_color("always", Stream(tty)) is True
    assert use_color("never", Stream(tty)) is False


def test_rich_with_colour_has_colour_and_without_has_none():
    report = sample()
    assert SGR.search(rendered(report, "rich", color="always"))
    assert "\x1b" not in rendered(report, "rich", color="never")


def test_rich_output_fits_60_columns(monkeypatch, topic):
    monkeypatch.setenv("COLUMNS", "60")
    out = rendered(cope(topic, "high", Profile()), "rich", color="never", tty=True)
    assert max(len(line) for line in SGR.sub("", out).splitlines()) <= 60


# Words as knowledge text has them: ASCII, accents, wide CJK, emoji (a ZWJ
# family too), and some longer than a narrow line.
GLYPHS = [*"abcdefghij-/.,:", "é", "日", "本", "👍", "👨\u200d👩\u200d👧"]
WORD = st.lists(st.sampled_from(GLYPHS), min_size=1, max_size=14).map("".join)


@given(words=st.lists(WORD, min_size=1, max_size=40), width=st.integers(10, 60))
@settings(max_examples=300, deadline=None)
def test_rich_wraps_each_paragraph_where_rich_itself_would(words, width):
    """Our fast word wrap breaks exactly where Rich's Text.wrap does (for words
    without a number: a number stays with the next word), and every
    line fits; when a word is wider than the line, Rich's own folding is used."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.text import Text

    from soreadvisor.render.terminal import _line_starts

    text = " ".join(words)
    rich_lines = [str(line).rstrip() for line in Text(text).wrap(Console(width=200), width)]
    starts = _line_starts(text, width)
    if starts is None:
        assert any(cell_len(w) > width for w in words)
        return
    ours = [str(line).rstrip() for line in Text(text).divide(starts)]
    assert ours == rich_lines
    assert all(cell_len(line) <= width for line in ours)


def test_rich_output_folds_a_word_wider_than_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    url = "https://example.org/" + "very-long-path/" * 6
    report = Report("cope", "t", "Title", "Not a diagnosis.")
    report.add(Section("s", "Section", [Item("Item", summary=url)]))
    out = rendered(report, "rich", color="never", tty=True)
    assert max(len(line) for line in out.splitlines()) <= 30
    assert url in "".join(line.strip() for line in out.splitlines())


def test_ids_are_shown_only_where_the_reader_types_them():
    report = sample("x")
    plain = rendered(report, "plain")
    markdown = rendered(report, "markdown")
    rich = rendered(report, "rich")
    assert "- Item title x: Item summary x" in plain and "(first)" not in plain
    assert "(`first`)" not in markdown and "first" not in rich.split("Item title x")[1][:20]
    report.sections[0].ids = True
    assert "- Item title x (first): Item summary x" in rendered(report, "plain")
    assert "- **Item title x** (`first`): Item summary x" in rendered(report, "markdown")
    assert "Item title x  first" in rendered(report, "rich")


def test_an_evidence_line_names_the_claim_before_its_verdict():
    """Never "Drink normally [myth]": the verdict follows the claim it judges."""
    report = sample("x")
    plain = rendered(report, "plain")
    head = said(WORDS, "render.evidence_on", claim="the claim judged x")
    assert f"  {head}: mixed. Evidence summary x [R1]" in plain
    assert "[mixed]" not in plain
    markdown = rendered(report, "markdown")
    assert f"  - {head}: **mixed**. Evidence summary x (R1)" in markdown
    without = rendered(report, "rich", color="never")
    assert f"{head}: mixed. Evidence summary x [R1]" in without
    with_colour = rendered(report, "rich", color="always")
    badge = re.search(r"(\x1b\[[0-9;]*m) mixed \x1b\[0m", with_colour)
    assert badge and colour_codes(badge.group(1)), "a coloured badge"


def test_rich_lines_of_one_style_keep_it(monkeypatch):
    """The title (bold, underlined) and the disclaimer (italic, not dimmed) are
    lines of a single style: that style reaches the terminal."""
    monkeypatch.setenv("COLUMNS", "100")
    report = sample("x")
    lines = rendered(report, "rich", color="always", tty=True).splitlines()
    assert lines[0].startswith("\x1b[1;4m")
    disclaimer = [line for line in lines if report.disclaimer in line]
    assert disclaimer and disclaimer[0].startswith("\x1b[3m")


@pytest.mark.parametrize("how", ["NO_COLOR", "--color never"])
def test_without_colour_a_terminal_keeps_bold_underline_and_italic(monkeypatch, how):
    """NO_COLOR removes colour, not emphasis: the title stays bold and
    underlined, the cautions bold; no colour code is sent."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    color = "never"
    if how == "NO_COLOR":
        monkeypatch.setenv("NO_COLOR", "1")
        color = "auto"
    report = sample()
    out = rendered(report, "rich", color=color, tty=True)
    assert out.splitlines()[0].startswith("\x1b[1;4m")
    assert f"\x1b[1m{WORDS['render.caution']}:" in out
    assert not colour_codes(out)
    assert not missing_texts(report, "rich")


def test_piped_rich_output_has_no_escape_codes_at_all(monkeypatch):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for color in ("auto", "never"):
        assert "\x1b" not in rendered(sample(), "rich", color=color, tty=False)


def test_every_control_and_direction_character_is_escaped_even_inside_plain_text():
    """``safe`` skips the pattern for printable text; every character the
    pattern escapes must therefore make text non-printable."""
    from soreadvisor.render import safe

    escaped = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
    escaped += [0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    for code in escaped:
        out = safe(f"plain {chr(code)} text")
        assert chr(code) not in out and "\\" in out, hex(code)
    assert safe("tab\tand\nnewline stay") == "tab\tand\nnewline stay"
