"""handout: a printable aftercare sheet for a therapist's client (issue 15)."""

from __future__ import annotations

import re
from pathlib import Path

import html5lib
import pytest

from soreadvisor.advice.handout import Appointment, handout
from soreadvisor.advice.profile import Profile

NS = "{http://www.w3.org/1999/xhtml}"
REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / "foot-massage-leg-soreness.yaml"
INJECTED = "<script>alert(1)</script><img src=x onerror=alert(1)>"
SAM = ("--client", "Sam", "--therapist", "Alex", "--contact", "07700 900000")


def parse(page: str):
    """The page as html5lib's strict parser reads it: any HTML5 parse error raises."""
    return html5lib.HTMLParser(strict=True).parse(page)


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def sections(tree) -> dict[str, str]:
    """Each <section>'s text by its heading."""
    out = {}
    for section in tree.iter(f"{NS}section"):
        heading = section.find(f"{NS}h2")
        assert heading is not None
        out[text(heading)] = text(section)
    return out


def ice_for_raynauds(topic):
    ice = next(r for r in topic.remedies if r.id == "ice")
    caution = next(c for c in ice.cautions if "raynauds" in c.conditions)
    return ice, caution


@pytest.fixture
def sheet(cli):
    def run(*args: str) -> str:
        result = cli("handout", *args)
        assert result.code == 0, result.err
        return result.out

    return run


def test_the_page_is_strict_html5_with_nothing_to_fetch_or_run(sheet):
    page = sheet(*SAM, "--intensity", "deep", "--region", "uk")
    tree = parse(page)
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert f"{NS}script" not in tags
    for tag in ("img", "link", "iframe", "object", "embed", "base"):
        assert f"{NS}{tag}" not in tags
    for el in tree.iter():
        for name, value in el.attrib.items():
            assert name not in ("src", "href", "srcset", "action"), (el.tag, name, value)
    style = text(tree.find(f".//{NS}style"))
    assert "@page" in style and "size: A4" in style
    assert "url(" not in style and "@import" not in style
    viewport = [m for m in tree.iter(f"{NS}meta") if m.get("name") == "viewport"]
    assert viewport and "width=device-width" in viewport[0].get("content", "")
    assert "Sam" in text(tree.find(f".//{NS}header"))


def test_knowledge_text_is_shown_as_text_never_as_markup(sheet, tmp_path):
    source = SHIPPED.read_text(encoding="utf-8")
    line = re.search(r"^title: .*$", source, flags=re.M)
    assert line is not None
    custom = tmp_path / "foot-massage-leg-soreness.yaml"
    custom.write_text(source.replace(line.group(), f'title: "{INJECTED}"', 1), encoding="utf-8")
    page = sheet("--kb", str(custom), "--client", "<b>Sam</b>")
    tree = parse(page)
    tags = {el.tag for el in tree.iter() if isinstance(el.tag, str)}
    assert f"{NS}script" not in tags and f"{NS}img" not in tags and f"{NS}b" not in tags
    assert INJECTED in text(tree.find(f".//{NS}h1"))
    assert "<b>Sam</b>" in text(tree.find(f".//{NS}header"))
    assert "&lt;script&gt;" in page and "<script" not in page and "<img" not in page


def test_control_characters_never_reach_the_page(sheet):
    page = sheet("--client", "Sam\x1b[2J\x07")
    parse(page)
    assert "\x1b" not in page and "\x07" not in page


def test_raynauds_in_the_uk_after_a_deep_massage(sheet, topic):
    page = sheet(*SAM, "--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    tree = parse(page)
    body = text(tree.find(f".//{NS}body"))
    first_remedy = next(r for r in topic.remedies if r.id != "ice" and "high" in r.severities)
    assert "999" in body
    assert body.index("999") < body.index("What to do") < body.index(first_remedy.title)
    parts = sections(tree)
    ice, caution = ice_for_raynauds(topic)
    not_advised = parts["Not advised for you"]
    assert ice.title in not_advised and caution.text in not_advised
    assert " ".join(ice.how.split()) not in body  # no instruction for what is ruled out
    assert ice.title not in parts["What to do"]


def test_every_myth_is_named_as_one(sheet, topic):
    tree = parse(sheet())
    myths = [
        thing
        for thing in [*topic.causes, *topic.remedies]
        if thing.evidence.verdict == "myth" and thing.article_claim
    ]
    assert myths
    items = [text(li) for s in tree.iter(f"{NS}section") for li in s.iter(f"{NS}li")]
    for thing in myths:
        claim = " ".join(thing.article_claim.split()).rstrip(".")
        shown = [line for line in items if claim in line]
        assert shown and all(line.startswith(f"Myth: {claim}") for line in shown), shown


def test_output_is_created_and_never_overwritten_without_force(cli, tmp_path):
    out = tmp_path / "sam.html"
    assert cli("handout", *SAM, "--output", str(out)).code == 0
    parse(out.read_text(encoding="utf-8"))
    out.write_bytes(b"the therapist's own notes\n")
    refused = cli("handout", *SAM, "--output", str(out))
    assert refused.code == 1 and refused.out == ""
    assert refused.err.count("\n") == 1 and "--force" in refused.err
    assert out.read_bytes() == b"the therapist's own notes\n"
    assert cli("handout", *SAM, "--output", str(out), "--force").code == 0
    header = parse(out.read_text(encoding="utf-8")).find(f".//{NS}header")
    assert "Sam" in text(header)


def test_force_never_replaces_a_link_or_a_folder(cli, tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("keep\n")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    for path in (link, tmp_path):
        result = cli("handout", "--output", str(path), "--force")
        assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert target.read_text() == "keep\n" and link.is_symlink()


def test_the_saved_profile_stays_off_the_sheet_unless_asked(cli, sheet, topic):
    assert cli("profile", "set", "--condition", "raynauds").code == 0
    ice, caution = ice_for_raynauds(topic)
    default = sections(parse(sheet("--intensity", "deep")))
    assert "Not advised for you" not in default
    assert ice.title in default["What to do"]
    used = sections(parse(sheet("--intensity", "deep", "--use-profile")))
    assert caution.text in used["Not advised for you"]


def test_markdown_and_plain(sheet, topic):
    ice, caution = ice_for_raynauds(topic)
    args = ("--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    md = sheet(*args, "--format", "markdown", "--client", "Sam")
    assert md.startswith("# ") and "## Not advised for you" in md
    assert md.index("999") < md.index("## What to do")
    plain = sheet(*args, "--format", "plain")
    assert "<" not in plain.split("SOURCES")[0]
    assert plain.index("999") < plain.index("WHAT TO DO") < plain.index("NOT ADVISED FOR YOU")
    assert caution.text in plain.split("NOT ADVISED FOR YOU")[1]


@pytest.mark.parametrize(
    "args",
    [("--date", "2026-13-01"), ("--intensity", "brutal"), ("--format", "json")],
)
def test_bad_options_are_one_line(cli, args):
    result = cli("handout", *args)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("soreadvisor: error: ")


def test_the_date_defaults_to_today_and_is_shown(sheet):
    import datetime

    assert datetime.date.today().isoformat() in sheet("--format", "plain")
    assert "2026-11-23" in sheet("--date", "2026-11-23", "--format", "plain")


# --- on the pure logic --------------------------------------------------------------------


def test_warning_signs_come_first_most_serious_first(topic):
    report = handout(topic, "moderate", Profile(region="uk"), Appointment(client="Sam"), "moderate")
    keys = [s.key for s in report.sections]
    assert keys[:2] == ["warning_signs", "warning_signs"]
    triage = topic.triage
    assert [s.title for s in report.sections[:2]] == [lv.title for lv in triage.levels[:-3:-1]]
    assert "999" in report.sections[0].note and "999" in report.headline
    assert keys.index("timeline") < keys.index("remedies") < keys.index("donts")
    assert keys[-1] == "myths"


def test_without_a_region_the_generic_emergency_line(topic):
    report = handout(topic, "moderate", Profile(), Appointment(), "moderate")
    assert report.headline == topic.triage.generic_emergency


def test_the_intensity_is_the_severity_that_picks_the_remedies(topic):
    light = handout(topic, "low", Profile(), Appointment(), "light")
    deep = handout(topic, "high", Profile(), Appointment(), "deep")

    def advised(report) -> set[str]:
        return {i.id for s in report.sections if s.key == "remedies" for i in s.items}

    assert advised(light) == {r.id for r in topic.remedies if "low" in r.severities}
    assert advised(deep) == {r.id for r in topic.remedies if "high" in r.severities}
    assert advised(light) != advised(deep)


def test_html_is_built_only_by_handout():
    """The renderer module imports jinja2 inside its function, so other commands never do."""
    source = (REPO / "soreadvisor" / "render" / "html.py").read_text()
    assert not re.search(r"^(import|from) jinja2", source, flags=re.M)
