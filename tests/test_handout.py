"""handout: a printable aftercare sheet for a therapist's client (issues 15 and 23)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
import zlib
from pathlib import Path

import html5lib
import pytest

from soreadvisor.advice.handout import Appointment, handout
from soreadvisor.advice.profile import Profile
from soreadvisor.advice.triage import fill
from soreadvisor.render.html import pages_estimate

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
    page_rule = re.search(r"@page\s*\{([^}]*)\}", style)
    assert page_rule and "margin" in page_rule.group(1)
    assert "size" not in page_rule.group(1)  # the printer's paper, A4 or Letter, decides
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
    todo, not_for_you = topic.wording["cope.remedies"], topic.wording["cope.ruled_out"]
    body = text(tree.find(f".//{NS}body"))
    first_remedy = next(r for r in topic.remedies if r.id != "ice" and "high" in r.severities)
    assert "999" in body
    assert body.index("999") < body.index(todo) < body.index(first_remedy.title)
    parts = sections(tree)
    ice, caution = ice_for_raynauds(topic)
    not_advised = parts[not_for_you]
    assert ice.title in not_advised and caution.text in not_advised
    assert " ".join(ice.how.split()) not in body  # no instruction for what is ruled out
    assert ice.title not in parts[todo]


def test_every_myth_is_named_as_one(sheet, topic):
    tree = parse(sheet())
    things = [*topic.causes, *topic.remedies]
    myths = [thing for thing in things if thing.evidence.verdict == "myth"]
    assert myths
    # in the myths list, or with the remedy that corrects it ("drink normally")
    items = [text(el) for el in tree.iter() if el.tag in (f"{NS}li", f"{NS}h3")]
    for thing in myths:
        # named by the claim its verdict judges (the article's words when it has none)
        named = thing.evidence.claim or thing.article_claim or thing.title
        claim = " ".join(named.split()).rstrip(".")
        shown = [line for line in items if claim in line]
        assert len(shown) == 1 and f"Myth: {claim}" in shown[0], shown


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


def test_force_replaces_a_link_itself_never_its_target_and_never_a_folder(cli, tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("keep\n")
    link = tmp_path / "link.html"
    link.symlink_to(target)
    result = cli("handout", "--output", str(tmp_path), "--force")
    assert result.code == 1 and result.err.count("\n") == 1, result.err
    assert cli("handout", "--output", str(link), "--force").code == 0
    assert target.read_text() == "keep\n"
    assert not link.is_symlink() and "<html" in link.read_text(encoding="utf-8")


def test_the_saved_profile_stays_off_the_sheet_unless_asked(cli, sheet, topic):
    assert cli("profile", "set", "--condition", "raynauds").code == 0
    ice, caution = ice_for_raynauds(topic)
    todo, not_for_you = topic.wording["cope.remedies"], topic.wording["cope.ruled_out"]
    default = sections(parse(sheet("--intensity", "deep")))
    assert not_for_you not in default
    assert ice.title in default[todo]
    used = sections(parse(sheet("--intensity", "deep", "--use-profile")))
    assert caution.text in used[not_for_you]


def test_markdown_and_plain(sheet, topic):
    ice, caution = ice_for_raynauds(topic)
    todo, not_for_you = topic.wording["cope.remedies"], topic.wording["cope.ruled_out"]
    args = ("--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    md = sheet(*args, "--format", "markdown", "--client", "Sam")
    assert md.startswith("# ") and f"## {not_for_you}" in md
    assert md.index("999") < md.index(f"## {todo}")
    plain = sheet(*args, "--format", "plain")
    assert "<" not in plain.split(topic.wording["render.sources"].upper())[0]
    assert plain.index("999") < plain.index(todo.upper()) < plain.index(not_for_you.upper())
    assert caution.text in plain.split(not_for_you.upper())[1]


@pytest.mark.parametrize(
    "args",
    [
        ("--date", "2026-13-01"),
        ("--date", "9999-12-31"),
        ("--date", "0001-01-01"),
        ("--intensity", "brutal"),
        ("--format", "json"),
    ],
)
def test_bad_options_are_one_line(cli, args):
    result = cli("handout", *args)
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and result.err.startswith("soreadvisor: error: ")


def test_the_date_defaults_to_today_and_is_written_out(sheet):
    import datetime

    today = datetime.date.today()
    assert f" {today.day} {today:%B} {today.year}" in sheet("--format", "plain")
    assert "Monday 23 November 2026" in sheet("--date", "2026-11-23", "--format", "plain")
    us = sheet("--date", "2026-11-23", "--region", "us", "--format", "plain")
    assert "Monday, November 23, 2026" in us


# --- on the pure logic --------------------------------------------------------------------


def test_warning_signs_come_first_most_serious_first(topic):
    report = handout(topic, "moderate", Profile(region="uk"), Appointment(client="Sam"))
    keys = [s.key for s in report.sections]
    assert keys[:2] == ["warning_signs", "warning_signs"]
    tr = topic.triage
    uk = next(r for r in tr.regions if r.id == "uk")
    # the heading says when: "call 999 now IF you have any of these", never an order
    assert [s.title for s in report.sections[:2]] == [
        fill(lv.heading or lv.title, tr, uk) for lv in tr.levels[:-3:-1]
    ]
    assert report.sections[0].title == "Call 999 now if you have any of these"
    assert [i.data["level"] for i in report.sections[0].items] == ["emergency"] * len(
        report.sections[0].items
    )
    assert "999" in report.sections[0].note and "999" in report.headline
    assert uk.urgent_service in report.sections[1].note
    assert keys[2] == "timeline" and keys.index("remedies") < keys.index("donts")
    assert keys[-1] == "myths"


def test_without_a_region_the_generic_emergency_line(topic):
    report = handout(topic, "moderate", Profile(), Appointment())
    tr = topic.triage
    assert report.headline == tr.emergency_reminder.replace("{number}", tr.generic_number)
    assert all(n in report.headline for n in ("112", "911", "999"))


def test_the_intensity_is_the_severity_that_picks_the_remedies(topic):
    light = handout(topic, "low", Profile(), Appointment(intensity="light"))
    deep = handout(topic, "high", Profile(), Appointment(intensity="deep"))

    def advised(report) -> set[str]:
        return {i.id for s in report.sections if s.key == "remedies" for i in s.items}

    assert advised(light) == {r.id for r in topic.remedies if "low" in r.severities}
    assert advised(deep) == {r.id for r in topic.remedies if "high" in r.severities}
    assert advised(light) != advised(deep)


def test_html_is_built_only_by_handout():
    """The renderer module imports jinja2 inside its function, so other commands never do."""
    source = (REPO / "soreadvisor" / "render" / "html.py").read_text()
    assert not re.search(r"^(import|from) jinja2", source, flags=re.M)


# --- in a real browser --------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
# CI prints the sheet once, in one leg: the others set SOREADVISOR_NO_BROWSER (.ci/run).
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists() or bool(os.environ.get("SOREADVISOR_NO_BROWSER")),
    reason="the browser test needs chromium at /usr/bin/chromium (apt-get install chromium)",
)
# The paper sizes in PDF points (1/72 in): what @page size sets, what the PDF's MediaBox says.
PAPER = {"A4": (595.0, 842.0), "letter": (612.0, 792.0)}
# Where the README's picture of the printed sheet is written when this variable is set.
SAVE_SCREENSHOT = "SOREADVISOR_SAVE_HANDOUT_PNG"


def chromium(tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def on_paper(page: str, paper: str, tmp_path: Path) -> Path:
    """The sheet as printed on ``paper``: the page itself names no size (the
    printer's paper decides, as a print dialog would), so say it here."""
    assert page.count("@page {") == 1
    sized = tmp_path / f"sheet-{paper}.html"
    sized.write_text(page.replace("@page {", f"@page {{ size: {paper};", 1), encoding="utf-8")
    return sized


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """The width and height of every page of a PDF, read with the standard
    library: the page objects, in the file or in compressed object streams."""
    chunks = [data]
    for stream in re.finditer(rb"/Type\s*/ObjStm.*?stream\r?\n(.*?)endstream", data, re.S):
        chunks.append(zlib.decompress(stream.group(1)))
    pages = []
    for chunk in chunks:
        for obj in re.finditer(rb"/Type\s*/Page(?![A-Za-z])", chunk):
            # the page's own dictionary: from the "obj" that opens it to its "endobj"
            start = max(chunk.rfind(b"obj", 0, obj.start()), 0)
            end = chunk.find(b"endobj", obj.end())
            box = re.search(rb"/MediaBox\s*\[([^\]]*)\]", chunk[start : end if end > 0 else None])
            assert box, "a page without a MediaBox"
            x0, y0, x1, y1 = (float(n) for n in box.group(1).split())
            pages.append((x1 - x0, y1 - y0))
    trees = re.findall(rb"<<[^<>]*/Type\s*/Pages\b[^<>]*>>", b"\n".join(chunks))
    counts = [re.search(rb"/Count\s+(\d+)", tree) for tree in trees]
    # the root of the page tree counts every page (any other tree node counts fewer)
    assert counts and all(counts), "no page tree in the PDF"
    assert max(int(c.group(1)) for c in counts if c) == len(pages)
    return pages


def printed_pdf(cli, tmp_path: Path, paper: str, *args: str) -> tuple[Path, str]:
    """The sheet for ``args``, printed by Chromium to a PDF on ``paper``; and
    what the command said on stderr."""
    sheet = tmp_path / "sheet.html"
    result = cli("handout", *args, "--output", str(sheet), "--force")
    assert result.code == 0, result.err
    pdf = tmp_path / f"sheet-{paper}.pdf"
    source = on_paper(sheet.read_text(encoding="utf-8"), paper, tmp_path)
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", source.as_uri())
    return pdf, result.err


def pdf_text(pdf: Path) -> list[tuple[str, list[float]]]:
    """Each page's text in reading order (pdfminer's layout analysis: full-width
    blocks, then each column top to bottom), ``squash``ed, with the size of
    every letter.
    pdfminer.six (test extra) reads the fonts' sizes from the PDF itself, in
    points, which poppler's ``pdftotext -bbox`` only approximates by word boxes."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    pages = []
    for layout in extract_pages(str(pdf)):
        words, sizes = [], []
        for box in layout:
            if isinstance(box, LTTextContainer):
                words.append(box.get_text())
                for line in box:
                    sizes += [
                        c.size for c in line if isinstance(c, LTChar) and c.get_text().strip()
                    ]
        pages.append((squash(" ".join(words)), sizes))
    return pages


def pdf_lines(pdf: Path) -> list[str]:
    """The printed text a line at a time, as a reader sees a row across the page
    (pdfminer's letters, grouped by the line they sit on, left to right), each
    line's blanks made single."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    lines = []
    for layout in extract_pages(str(pdf)):
        rows: dict[int, list[LTChar]] = {}
        for box in layout:
            if isinstance(box, LTTextContainer):
                for line in box:
                    for c in line:
                        if isinstance(c, LTChar):
                            rows.setdefault(round(c.y0), []).append(c)
        for y in sorted(rows, reverse=True):
            row = sorted(rows[y], key=lambda c: c.x0)
            text, end = "", None
            for c in row:  # a gap wider than a letter between boxes is a space
                if end is not None and c.x0 - end > c.width * 0.25:
                    text += " "
                text += c.get_text()
                end = c.x1
            lines.append(" ".join(text.split()))
    return lines


def squash(text: str) -> str:
    """Text without its spaces and with the printer's ligatures spelled out
    ("ﬀ" as "ff", by NFKC): what a printed line break (also after a hyphen,
    "one-/sided") cannot change."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def body_size(sizes: list[float]) -> float:
    """The size most of the letters have: the body text's."""
    counts: dict[float, int] = {}
    for size in sizes:
        counts[round(size, 1)] = counts.get(round(size, 1), 0) + 1
    return max(counts, key=lambda size: counts[size])


RAYNAUDS_UK = ("--intensity", "deep", "--condition", "raynauds", "--region", "uk")


@needs_chromium
@pytest.mark.parametrize("paper", ["A4", "letter"])
@pytest.mark.parametrize(
    "args, profile",
    [
        (RAYNAUDS_UK, Profile(conditions=["raynauds"], region="uk")),
        ((), Profile()),
        (("--region", "us"), Profile(region="us")),
    ],
    ids=["raynauds-uk", "default", "us"],
)
def test_the_sheet_prints_on_one_sheet_readable_warnings_first(
    cli, tmp_path, topic, paper, args, profile
):
    pdf, said = printed_pdf(cli, tmp_path, paper, *SAM, *args)
    pages = pdf_pages(pdf.read_bytes())
    width, height = PAPER[paper]
    assert all(abs(w - width) < 2 and abs(h - height) < 2 for w, h in pages), pages
    # one sheet: a page, or two printed back to back; and the command said so
    assert len(pages) <= 2, f"{len(pages)} pages on {paper}"
    severity = "high" if "deep" in args else "moderate"
    report = handout(topic, severity, profile, Appointment(client="Sam"))
    assert pages_estimate(report) == len(pages)
    told = topic.wording["handout.two_pages" if len(pages) == 2 else "handout.one_page"]
    assert told in said and str(tmp_path / "sheet.html") in said
    texts = pdf_text(pdf)
    sizes = [size for _, page_sizes in texts for size in page_sizes]
    assert min(sizes) >= 7.95, "text smaller than 8 pt"
    body = body_size(sizes)
    assert body >= 9.95 and max(sizes) > body  # body at least 10 pt, headings larger
    # both warning lists, what to do after each, and what to expect are on the front
    front = texts[0][0]
    warnings = [s for s in report.sections if s.key == "warning_signs"]
    assert len(warnings) == 2
    for section in warnings:
        assert squash(section.title) in front and squash(section.note) in front
        for item in section.items:
            assert squash(item.title) in front
    timeline = next(s for s in report.sections if s.key == "timeline")
    assert all(squash(item.title) in front for item in timeline.items)
    # in reading order: both lists (each followed by what to do) before any remedy
    everything = "".join(text for text, _ in texts)
    remedies = [i.title for s in report.sections if s.key == "remedies" for i in s.items]
    first_remedy = min(everything.index(squash(title)) for title in remedies)
    assert everything.index(squash(warnings[1].note)) < first_remedy
    assert everything.index(squash(warnings[0].note)) < everything.index(squash(warnings[1].title))


@needs_chromium
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_large_print_is_16_pt_and_never_splits_a_list(cli, tmp_path, topic, paper):
    pdf, said = printed_pdf(cli, tmp_path, paper, *SAM, *RAYNAUDS_UK, "--large-print")
    texts = pdf_text(pdf)
    sizes = [size for _, page_sizes in texts for size in page_sizes]
    assert body_size(sizes) >= 15.95 and min(sizes) >= 7.95
    report = handout(topic, "high", Profile(["raynauds"], region="uk"), Appointment())
    estimate = pages_estimate(report, large_print=True)
    assert len(texts) <= estimate <= len(texts) + 1  # "about": never fewer than printed
    assert topic.wording["handout.pages"].replace("{n}", str(estimate)) in said
    # every list of signs, and what to do after it, on one page
    for section in report.sections:
        if section.key not in ("warning_signs", "timeline", "donts"):
            continue
        lines = [squash(i.title) for i in section.items]
        on = {n for n, (text, _) in enumerate(texts) for line in lines if line in text}
        assert len(on) == 1, (section.title, on)
        page = texts[on.pop()][0]
        assert all(line in page for line in lines), section.title


def test_pdf_pages_are_counted_and_measured():
    """The counter the browser test relies on, on PDFs written out by hand."""
    page = b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n"
    tree = b"2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>\nendobj\n"
    two = tree + page + page.replace(b"3 0 obj", b"4 0 obj")
    assert pdf_pages(two) == [(612.0, 792.0), (612.0, 792.0)]
    packed = zlib.compress(page)
    in_stream = tree.replace(b"/Count 2", b"/Count 1") + (
        b"5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + packed + b"\nendstream"
    )
    assert pdf_pages(in_stream) == [(612.0, 792.0)]
    with pytest.raises(AssertionError):
        pdf_pages(tree + page)  # the tree says two, one is there


def printed(page: str) -> str:
    """The page as its print styles lay it out, on a screen the size of an A4
    sheet: what a screenshot of the printed sheet shows."""
    margin = re.search(r"@page \{ margin: ([^;]+); \}", page)
    assert margin
    return page.replace("@media print {", "@media all {", 1).replace(
        "</style>", f"body {{ padding: {margin.group(1)}; }}</style>", 1
    )


@needs_chromium
def test_screenshots_of_the_printed_sheet_and_on_a_phone(cli, tmp_path):
    sheet = tmp_path / "sheet.html"
    args = ("--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    assert cli("handout", *SAM, *args, "--output", str(sheet)).code == 0
    page = sheet.read_text(encoding="utf-8")
    paper = tmp_path / "printed.html"
    paper.write_text(printed(page), encoding="utf-8")
    shots = {
        "printed": (paper, (794, 1123)),  # A4 at 96 px to the inch
        "phone": (sheet, (390, 844)),
    }
    for name, (source, (width, height)) in shots.items():
        png = tmp_path / f"{name}.png"
        chromium(
            tmp_path,
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            "--force-device-scale-factor=2",  # sharp enough to read in the README
            source.as_uri(),
        )
        data = png.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        size = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert size == (2 * width, 2 * height)
    if os.environ.get(SAVE_SCREENSHOT):
        save_printed_pages(cli, tmp_path, REPO / "docs" / "handout.png")


def save_printed_pages(cli, tmp_path: Path, png: Path) -> None:
    """The README's picture: the sheet as printed on A4, its pages side by
    side (poppler's pdftoppm draws them; Chromium lays them out)."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, f"{SAVE_SCREENSHOT} needs pdftoppm (apt-get install poppler-utils)"
    pdf, _ = printed_pdf(cli, tmp_path, "A4", *SAM, *RAYNAUDS_UK)
    subprocess.run([pdftoppm, "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    board = tmp_path / "pages.html"
    images = "".join(f'<img src="{p.as_uri()}" style="border:1px solid #999">' for p in pages)
    board.write_text(
        f'<body style="margin:0;padding:8px;background:#ddd;display:flex;gap:8px">{images}',
        encoding="utf-8",
    )
    width, height = 16 + len(pages) * 829 + 8 * (len(pages) - 1), 1187
    chromium(tmp_path, f"--screenshot={png}", f"--window-size={width},{height}", board.as_uri())


def test_every_caution_of_an_advised_remedy_is_on_the_sheet_labelled(sheet, topic):
    """What everyone must know about a remedy (never bare ice on skin) is printed
    with it, labelled as a caution, before how to do it."""
    page = sheet(*SAM, "--intensity", "deep")
    what_to_do = sections(parse(page))[topic.wording["cope.remedies"]]
    label = topic.wording["render.caution"]
    ice = next(r for r in topic.remedies if r.id == "ice")
    general = [c.text for c in ice.cautions if not (c.conditions or c.medications)]
    assert general, "the shipped ice remedy has a caution for everyone"
    for caution in general:
        said = f"{label}: {' '.join(caution.split())}"
        assert said in what_to_do
        assert what_to_do.index(said) < what_to_do.index(" ".join(ice.how.split()))


# --- words for a client, fitted to them (issue 23) ------------------------------------------


def advice_part(page: str) -> str:
    """The sheet's text above its sources list: what the client is told."""
    tree = parse(page)
    body = tree.find(f".//{NS}body")
    sources = [s for s in body.iter(f"{NS}section") if "sources" in s.get("class", "")]
    for section in sources:
        section.clear()
    return text(body)


# What we say to ourselves in the CLI, never to a client: a command, or how
# far we could check a source.
NOTES_FOR_US = (
    "soreadvisor",
    "`",
    "run the",
    "unverified",
    "not checked",
    "borrowed from",
    "a common rule",
)


@pytest.mark.parametrize("region", ["uk", "us", None])
def test_the_advice_has_no_command_and_no_note_meant_for_us(sheet, region):
    args = ("--intensity", "deep", *(("--region", region) if region else ()))
    said = advice_part(sheet(*SAM, *args)).lower()
    for note in NOTES_FOR_US:
        assert note not in said, note


def test_medicine_labels_fit_the_region(sheet, topic):
    paracetamol = next(o for r in topic.remedies for o in r.options if o.id == "paracetamol")
    uk_label = next(r for r in paracetamol.regional_how if r.region == "uk")
    uk = sheet(*SAM, "--intensity", "deep", "--region", "uk")
    assert uk_label.text in advice_part(uk)
    cited = [r for r in topic.references if r.id in uk_label.references]
    assert all(r.citation in text(parse(uk)) for r in cited)  # its source is listed
    for region in ("us", "eu", None):
        page = sheet(*SAM, "--intensity", "deep", *(("--region", region) if region else ()))
        assert "UK" not in page and "NHS." not in page, region  # no UK label, no NHS page
        assert paracetamol.client_how in advice_part(page)


def test_what_to_expect_is_dated_from_the_appointment(sheet, topic):
    import datetime

    appointment = datetime.date(2025, 12, 10)  # a Wednesday
    said = advice_part(sheet("--date", "2025-12-10", "--region", "uk"))
    last = topic.timeline.phases[-1]
    due = appointment + datetime.timedelta(days=int(last.from_hours // 24))
    assert due == datetime.date(2025, 12, 13)
    assert "by Saturday 13 December," in said
    assert "Wednesday 10 December, the day of the massage" in said
    assert "by now" not in said.lower()


def test_date_reads_the_words_of_massage_at(sheet):
    import datetime

    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    said = sheet("--date", "yesterday", "--format", "plain")
    assert f" {yesterday.day} {yesterday:%B} {yesterday.year}" in said


def test_a_sheet_can_be_made_ahead_for_an_appointment_to_come(sheet):
    import datetime

    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    said = sheet("--date", "tomorrow", "--format", "plain")
    assert f" {tomorrow.day} {tomorrow:%B} {tomorrow.year}" in said
    ahead = tomorrow + datetime.timedelta(days=30)
    said = sheet("--date", ahead.isoformat(), "--format", "plain")
    assert f" {ahead.day} {ahead:%B} {ahead.year}" in said


def test_no_dont_for_a_remedy_the_sheet_leaves_out(sheet, topic):
    ice, _ = ice_for_raynauds(topic)
    page = sheet(*SAM, "--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    said = advice_part(page)
    for dont in topic.donts:
        if dont.remedy == "ice":
            assert dont.text not in said
    bare_ice = next(c for c in ice.cautions if not c.conditions)
    assert bare_ice.text not in said
    # and with ice on the sheet, the caution is said once, with it
    said = advice_part(sheet(*SAM, "--intensity", "deep"))
    assert said.count("ice straight on your skin") == 1


def test_defaults_are_never_printed_as_if_said(topic):
    from soreadvisor.advice.handout import format_date

    report = handout(topic, "moderate", Profile(), Appointment(client="Sam"))
    assert "massage" in report.intro.lower() and "moderate" not in report.intro.lower()
    told = handout(topic, "high", Profile(), Appointment(client="Sam", intensity="deep"))
    assert "Deep massage on" in told.intro
    assert format_date(topic, told_date := Appointment().date, None, long=True) in told.intro
    assert told_date.isoformat() not in told.intro


@pytest.mark.parametrize(
    "contact, said",
    [
        ("07700 900000", "Phone: 07700 900000"),
        ("+1 (555) 010-0199", "Phone: +1 (555) 010-0199"),
        ("alex@example.org", "Email: alex@example.org"),
        ("ask at reception", "Contact: ask at reception"),
    ],
)
def test_the_contact_is_labelled(sheet, contact, said):
    assert said in sheet("--contact", contact, "--format", "plain")


def test_every_caution_cope_gives_that_client_is_on_the_sheet(sheet, topic):
    from soreadvisor.advice.cope import cope

    profile = Profile(conditions=["raynauds"], region="uk")
    page = sheet(*SAM, "--intensity", "deep", "--condition", "raynauds", "--region", "uk")
    said = advice_part(page)
    told = cope(topic, "high", profile)
    lines = [
        line
        for section in told.sections
        if section.key == "remedies"
        for item in section.items
        for line in (*item.cautions, *item.warnings)
    ]
    assert lines
    for line in lines:
        assert " ".join(line.split()) in said, line


# --- at the terminal ------------------------------------------------------------------------


def test_html_is_never_dumped_on_a_terminal(topic):
    from tests.conftest import run_on_pty, screen_text

    code, shown = run_on_pty("handout", "--client", "Sam", "--region", "uk")
    screen = screen_text(shown)
    assert code == 0
    assert "<html" not in screen.lower() and "<!doctype" not in screen.lower()
    assert "CALL 999 NOW IF YOU HAVE ANY OF THESE" in screen
    assert topic.wording["handout.on_terminal"] in " ".join(screen.split())


def test_a_written_sheet_says_where_and_on_how_many_pages(cli, tmp_path, topic):
    out = tmp_path / "sam.html"
    result = cli("handout", *SAM, "-o", str(out))
    assert result.code == 0 and result.out == ""
    assert str(out) in result.err and topic.wording["handout.two_pages"] in result.err
    assert result.err.count("\n") == 1


# --- the therapist's own details --------------------------------------------------------------


def test_the_therapists_details_are_saved_once_apart_from_the_profile(cli, sheet):
    from soreadvisor.therapist import therapist_path
    from soreadvisor.userprofile import profile_path

    refused = cli("handout", "--save")
    assert refused.code == 2 and refused.err.count("\n") == 1
    saved = cli(
        "handout",
        "--therapist",
        "Alex",
        "--practice",
        "Calm Feet",
        "--contact",
        "07700 900000",
        "--save",
    )
    assert saved.code == 0 and saved.out == "" and str(therapist_path()) in saved.err
    assert therapist_path().stat().st_mode & 0o777 == 0o600
    assert not profile_path().exists()  # not the client's health profile
    said = sheet("--client", "Sam", "--format", "plain")
    assert "Therapist: Alex, Calm Feet." in said and "Phone: 07700 900000." in said
    # the command line wins for one sheet, and the saved details stay
    said = sheet("--therapist", "Bo", "--format", "plain")
    assert "Therapist: Bo, Calm Feet." in said
    assert cli("handout", "--contact", "bo@example.org", "--save").code == 0
    said = sheet("--format", "plain")
    assert "Therapist: Alex, Calm Feet." in said and "Email: bo@example.org." in said


def test_damaged_therapist_details_are_one_line(cli):
    from soreadvisor.therapist import therapist_path

    assert cli("handout", "--therapist", "Alex", "--save").code == 0
    therapist_path().write_text('{"therapist": 3}')
    result = cli("handout")
    assert result.code == 1 and result.err.count("\n") == 1 and result.out == ""


def test_the_sheets_words_are_validated(cli, tmp_path):
    source = SHIPPED.read_text(encoding="utf-8")
    broken = source.replace("          - region: uk\n", "          - region: atlantis\n", 1)
    broken = broken.replace("    remedy: ice\n", "    remedy: snow\n", 1)
    broken = broken.replace("eased by {start}", "eased by {when}", 1)
    assert broken.count("atlantis") == broken.count("snow") == broken.count("{when}") == 1
    path = tmp_path / "foot-massage-leg-soreness.yaml"
    path.write_text(broken, encoding="utf-8")
    result = cli("kb", "check", str(path))
    assert result.code == 1
    for word in ("atlantis", "snow", "when"):
        assert word in result.out + result.err
