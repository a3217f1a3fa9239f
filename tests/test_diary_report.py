"""Issue 24: the diary's one-page report for a doctor, check results kept in the
diary, and a history that reads well (by day and place, each warning once and
about its own score, ids to type, units kept with their numbers, the chart's
marks explained)."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import WORDS, PtySession, said
from test_diary_cli import FakeTerminal, history_json, ok, plain_blocks, plain_scores
from test_handout import (
    PAPER,
    chromium,
    needs_chromium,
    on_paper,
    pdf_lines,
    pdf_pages,
    pdf_text,
    squash,
)

from soreadvisor.advice.trend import assess, escalation_dates, when_text
from soreadvisor.diary.models import Score
from soreadvisor.diary.store import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Diary

# A massage 70 hours ago, then eight scores over three days in two places.
SCORES = [
    ("68h", "3", "left calf", None),
    ("60h", "5", "left calf", "stiff on the stairs"),
    ("58h", "4", "right foot", None),
    ("44h", "7", "left calf", None),
    ("40h", "6", "right foot", None),
    ("22h", "6", "left calf", None),
    ("20h", "4", "right foot", None),
    ("2h", "4", "left calf", None),
]
MASSAGE_NOTE = "deep tissue on both calves"


def urgent_sign(topic):
    return next(s for s in topic.triage.signs if s.level == "urgent")


@pytest.fixture
def episode(cli, topic):
    """The episode of the issue's 'done when', with an urgent check result saved."""
    ok(cli("massage", "--at", "70h", "--intensity", "deep", "--note", MASSAGE_NOTE))
    for at, score, where, note in SCORES:
        ok(cli("log", score, "--at", at, "--where", where, *(["--note", note] if note else [])))
    sign = urgent_sign(topic)
    result = ok(cli("check", "--symptom", sign.id, "--save", "--format", "json"))
    assert json.loads(result.out)["level"] == "urgent"
    assert said(WORDS, "check.saved") in result.err
    return sign


def diary_scores() -> list[Score]:
    with Diary.open() as diary:
        return diary.scores()


# -- check results kept -----------------------------------------------------------


def test_a_saved_check_is_shown_by_history_in_time_order_with_the_scores(cli, episode):
    doc = history_json(cli)
    [check] = doc["checks"]
    assert check["level"] == "urgent" and check["signs"] == [episode.text]
    assert check["at"] > doc["entries"][-1]["at"] or check["at"] >= max(
        e["at"] for e in doc["entries"]
    )
    plain = ok(cli("history", "--format", "plain")).out
    block = next(b for b in plain_blocks(plain) if b[0] == said(WORDS, "history.checks").upper())
    assert block[1] == "When | Result | What counted"
    assert block[2].endswith(f" | {check['result']} | {episode.text}")


def test_check_saves_nothing_without_save_off_a_terminal_or_with_no_save(cli, topic):
    ok(cli("massage", "--at", "2h"))
    sign = urgent_sign(topic)
    assert said(WORDS, "check.saved") not in ok(cli("check", "--symptom", sign.id)).err
    ok(cli("check", "--symptom", sign.id, "--no-save"))
    assert history_json(cli).get("checks", []) == []


def test_check_without_signs_saved_says_none_counted(cli):
    ok(cli("massage", "--at", "2h"))
    ok(cli("check", "--none", "--save"))
    [check] = history_json(cli)["checks"]
    assert check["signs"] == []
    plain = ok(cli("history", "--format", "plain")).out
    assert said(WORDS, "check.nothing_counted") in plain


@pytest.mark.parametrize(("answer", "kept"), [("y\n", 1), ("n\n", 0), ("\n", 0)])
def test_on_a_terminal_check_asks_to_save_when_a_massage_is_recent(cli, monkeypatch, answer, kept):
    ok(cli("massage", "--at", "5h"))
    monkeypatch.setattr(sys, "stdin", FakeTerminal(answer))
    result = ok(cli("check", "--none", "--format", "json"))
    assert said(WORDS, "check.save_question") in result.err
    json.loads(result.out)  # the answer came first, whole
    assert len(history_json(cli).get("checks", [])) == kept


def test_on_a_terminal_check_does_not_ask_without_a_recent_massage(cli, monkeypatch):
    ok(cli("massage", "--at", "10d"))
    monkeypatch.setattr(sys, "stdin", FakeTerminal("y\n"))
    result = ok(cli("check", "--none"))
    assert said(WORDS, "check.save_question") not in result.err
    assert history_json(cli, "--days", "30").get("checks", []) == []


def test_the_interview_on_a_real_terminal_then_asks_to_save(cli, topic):
    """Through a pseudo-terminal: every question answered no, then the save question."""
    ok(cli("massage", "--at", "3h"))
    session = PtySession("check", "--format", "json")
    save = re.escape(said(WORDS, "check.save_question"))
    try:
        # every question (a sign may be asked in parts; a fact may follow) answered no
        while session.expect(rf"\[y/n/\?\] |{save}").group(0) != said(WORDS, "check.save_question"):
            session.send("n\n")
        session.send("y\n")
        session.expect(re.escape(said(WORDS, "check.saved")[:30]))
        assert session.wait() == 0
        assert session.result()["level"] == topic.triage.levels[0].id
    finally:
        session.close()
    [check] = history_json(cli)["checks"]
    assert check["level"] == topic.triage.levels[0].id


def test_check_save_with_an_unusable_diary_fails_after_the_answer(cli, private_home, topic):
    private_home.mkdir(parents=True, exist_ok=True)
    (private_home / "diary.sqlite3").write_bytes(b"not a database at all" * 10)
    result = cli("check", "--none", "--save", "--format", "json")
    assert result.code == 1 and json.loads(result.out)["level"]
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


# -- the schema -----------------------------------------------------------------


def old_diary(folder: Path) -> Path:
    """A diary as the version before check results (schema 2) wrote it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / "diary.sqlite3"
    con = sqlite3.connect(path)
    for steps in MIGRATIONS[:2]:
        for sql in steps:
            con.execute(sql)
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute("PRAGMA user_version = 2")
    con.execute("INSERT INTO scores (at, score) VALUES ('2026-11-23T18:00:00+00:00', 5)")
    con.commit()
    con.close()
    path.chmod(0o600)
    return path


def test_an_older_diary_reads_as_having_no_checks_and_is_upgraded_when_written(tmp_path):
    path = old_diary(tmp_path / "d")
    with Diary.open(tmp_path / "d") as diary:
        assert diary.checks() == [] and [s.score for s in diary.scores()] == [5]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2  # read only
    now = datetime.now(timezone.utc)
    with Diary.open(tmp_path / "d", write=True) as diary:
        diary.add_check(now, "urgent", "Get help today", ["Swelling in one leg", "Warm"])
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with Diary.open(tmp_path / "d") as diary:
        [check] = diary.checks()
        assert check.signs == ["Swelling in one leg", "Warm"] and check.level == "urgent"
        assert [s.score for s in diary.scores()] == [5]  # nothing lost
    assert path.stat().st_mode & 0o077 == 0


def test_export_holds_the_check_results_in_time_order(cli, episode):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(ok(cli("diary", "export")).out)))
    assert [r["kind"] for r in rows] == ["massage"] + ["score"] * len(SCORES) + ["check"]
    assert rows[-1]["level"] == "urgent" and rows[-1]["signs"] == episode.text
    out = ok(cli("diary", "export", "--format", "json")).out
    doc = json.loads(out)
    assert doc["checks"][0]["signs"] == [episode.text] and doc["checks"][0]["level"] == "urgent"
    assert out == json.dumps(doc, indent=2, ensure_ascii=False) + "\n"  # streamed, the same
    markdown = ok(cli("diary", "export", "--format", "markdown")).out
    assert markdown.splitlines()[-1].endswith(f"; {episode.text} |")


def test_delete_all_removes_the_check_results_too(cli, episode, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeTerminal("y\n"))
    asked = ok(cli("diary", "delete", "--all")).err
    assert "(and 1 check result)" in asked  # the question says what goes
    with Diary.open() as diary:
        assert diary.checks() == []


def test_a_check_result_that_cannot_be_read_is_named_and_left_out(tmp_path):
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_check(datetime.now(timezone.utc), "soon", None, [])
    con = sqlite3.connect(tmp_path / "diary.sqlite3")
    con.execute("INSERT INTO checks (at, level) VALUES ('2026-11-23T18:00:00+00:00', X'ff')")
    con.commit()
    con.close()
    with Diary.open(tmp_path) as diary:
        assert [c.level for c in diary.checks()] == ["soon"]
        assert any("check result 2" in w for w in diary.warnings)


# -- history that reads well --------------------------------------------------------


def test_history_groups_several_scores_a_day_by_day_then_place(cli, episode):
    plain = ok(cli("history", "--format", "plain")).out
    days = [b for b in plain_blocks(plain) if b[0].startswith("SCORES OF ")]
    assert len(days) >= 3  # 70 hours always cover three calendar days
    seen = []
    for block in days:
        rows = [line.split(" | ") for line in block[2:]]
        places = [r[4] for r in rows]
        assert places == sorted(places)  # the day's scores by place
        for place in set(places):  # each place's scores in time order
            times = [r[1] for r in rows if r[4] == place]
            assert times == sorted(times)
        seen += [int(r[0]) for r in rows]
    assert sorted(seen) == sorted(s.id for s in diary_scores())  # every score, once
    doc = history_json(cli)
    assert len(doc["entries"]) == len(SCORES)
    assert {e["where"] for e in doc["entries"]} == {"left calf", "right foot"}


def test_history_shows_the_ids_delete_needs(cli, episode):
    labels, rows = plain_scores(ok(cli("history", "--format", "plain")).out)
    assert labels[0] == said(WORDS, "field.id")
    target = next(s for s in diary_scores() if s.where == "right foot" and s.score == 6)
    row = next(r for r in rows if r.startswith(f"{target.id} | "))
    assert "6/10" in row
    ok(cli("diary", "delete", "--id", str(target.id), "--yes"))
    assert target.id not in {s.id for s in diary_scores()}


def test_the_escalation_is_said_once(cli, topic):
    rules = topic.diary
    hours = rules.lasting_after_hours + 10
    ok(cli("massage", "--at", f"{hours}h"))
    ok(cli("log", "2", "--at", f"{hours - 5}h"))
    ok(cli("log", str(rules.high_score), "--at", "1h"))
    for fmt in ("plain", "markdown", "rich"):
        out = ok(cli("history", "--format", fmt, "--color", "never")).out
        flat = " ".join(out.split())
        for message in history_json(cli)["escalations"]:
            assert flat.count(" ".join(message["message"].split())) == 1, (fmt, message)


def test_log_does_not_answer_a_lower_score_with_an_earlier_high_ones_warning(cli, topic):
    rules = topic.diary
    ok(cli("massage", "--at", "20h"))
    first = ok(cli("log", str(rules.high_score), "--at", "10h")).err
    from soreadvisor.advice.trend import diary_message

    high = diary_message(rules, "high_score", WORDS)
    assert f"Warning: {high}" in first
    later = ok(cli("log", "4", "--at", "1h")).err
    assert f"Warning: {high}" not in later  # the 4 is not "7 or more"
    assert said(WORDS, "log.still", message=high) in later  # but it still stands


@pytest.mark.parametrize("width", [20, 24, 31, 37, 44, 52, 60, 73])
def test_no_number_is_split_from_its_unit_at_any_width(cli, episode, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    out = ok(cli("history", "--format", "rich", "--color", "never")).out
    lines = out.splitlines()
    for line, after in zip(lines, lines[1:], strict=False):
        ticks = re.fullmatch(r"[\d\s]+", line)  # the chart's time axis: numbers alone
        if re.search(r"\d$", line.rstrip()) and not ticks and "┤" not in line:
            assert not re.match(r"\s*(h|hours?|days?|min|or more)\b", after), (line, after)
    assert max(len(line) for line in lines) <= width


def test_the_chart_explains_its_marks(cli, episode, topic):
    out = ok(cli("history", "--format", "rich", "--color", "never")).out
    flat = " ".join(out.split())
    assert said(WORDS, "chart.key_point", glyph="●") in flat
    assert said(WORDS, "chart.key_severe", glyph="▲", score=topic.diary.high_score) in flat
    label = "3 days"
    assert said(WORDS, "chart.key_mark", glyph="┊", label=label) in flat


# -- the escalations' dates ------------------------------------------------------------


def test_each_escalation_is_dated_by_the_score_that_first_set_it_off(topic):
    rules = topic.diary
    m = datetime(2026, 11, 23, 18, tzinfo=timezone.utc)
    scores = [
        Score(1, m + timedelta(hours=2), 3),
        Score(2, m + timedelta(hours=20), rules.high_score),
        Score(3, m + timedelta(hours=30), 4),
        Score(4, m + timedelta(hours=rules.lasting_after_hours + 1), 5),
        Score(5, m + timedelta(hours=rules.lasting_after_hours + 5), 5),
    ]
    now = m + timedelta(hours=rules.lasting_after_hours + 6)
    dates = escalation_dates(scores, rules, m, now, WORDS)
    assert set(dates) == {e for e, _ in assess(scores, rules, m, now, WORDS).escalations}
    assert dates["high_score"].id == 2 and dates["lasting"].id == 4


# -- the report -----------------------------------------------------------------------


def test_the_report_in_plain_has_everything_a_doctor_needs(cli, episode, topic):
    out = ok(cli("diary", "report", "--format", "plain")).out
    flat = " ".join(out.split())
    assert MASSAGE_NOTE in flat and "stiff on the stairs" in flat and "deep" in flat
    for s in diary_scores():
        assert re.search(rf"(^|\n){s.id} \| [^\n]* \| {s.score}/10 \|", out), s
    assert said(WORDS, "report.place", place="left calf").upper() in out
    assert said(WORDS, "report.place", place="right foot").upper() in out
    assert episode.text in out
    from soreadvisor.advice.trend import diary_message

    assert diary_message(topic.diary, "high_score", WORDS) in flat
    seven = next(s for s in diary_scores() if s.score == 7)
    assert f"{said(WORDS, 'field.since')}: {when_text(seven.at, WORDS)}" in out  # when it began


def test_the_report_in_json_and_markdown(cli, episode):
    doc = json.loads(ok(cli("diary", "report", "--format", "json")).out)
    assert doc["command"] == "diary report"
    assert sorted(s["id"] for s in doc["scores"]) == sorted(s.id for s in diary_scores())
    assert [c["level"] for c in doc["checks"]] == ["urgent"]
    assert doc["escalations"][0]["since"] and doc["massage"]["note"] == MASSAGE_NOTE
    assert "profile" not in doc
    markdown = ok(cli("diary", "report", "--format", "markdown")).out
    assert markdown.startswith(f"# {said(WORDS, 'report.title')}")
    assert "| 7/10 |" in markdown


def test_the_report_lists_conditions_and_medicines_only_when_asked(cli, episode, topic):
    condition, medicine = topic.conditions[0], topic.medications[0]
    ok(cli("profile", "set", "--condition", condition.id, "--medication", medicine.id))
    without = ok(cli("diary", "report", "--format", "plain")).out
    assert condition.name not in without and medicine.name not in without
    doc = json.loads(ok(cli("diary", "report", "--format", "json", "--include-profile")).out)
    [conditions, medicines] = doc["profile"]
    assert conditions["summary"] == condition.name and medicines["summary"] == medicine.name


def test_the_report_since_a_moment(cli, episode):
    doc = json.loads(ok(cli("diary", "report", "--since", "30h", "--format", "json")).out)
    assert sorted(s["score"] for s in doc["scores"]) == [4, 4, 6]


def test_html_is_never_dumped_on_a_terminal(cli, episode):
    """As the handout does: the report as text, and a line on how to print it."""
    from conftest import run_on_pty, screen_text

    code, shown = run_on_pty("diary", "report", "--format", "html")
    screen = screen_text(shown)
    assert code == 0
    assert "<html" not in screen.lower() and "<!doctype" not in screen.lower()
    plain = ok(cli("diary", "report", "--format", "plain")).out
    assert plain.splitlines()[0] in screen and MASSAGE_NOTE in screen
    assert WORDS["diary.report_on_terminal"] in " ".join(screen.split())


def test_the_html_report_is_written_privately_and_refuses_to_overwrite(cli, episode, tmp_path):
    page = tmp_path / "report.html"
    ok(cli("diary", "report", "-o", str(page)))
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text
    assert "<script" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert page.stat().st_mode & 0o077 == 0
    assert cli("diary", "report", "-o", str(page)).code != 0
    assert page.read_text(encoding="utf-8") == text


def test_the_html_report_escapes_what_the_person_wrote(cli, tmp_path):
    ok(cli("massage", "--at", "5h", "--note", "<script>alert(1)</script>"))
    ok(cli("log", "4", "--at", "1h", "--where", "<b>calf</b>"))
    page = tmp_path / "r.html"
    ok(cli("diary", "report", "-o", str(page)))
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>calf" not in text


@needs_chromium
@pytest.mark.parametrize("paper", ["A4"])
def test_the_report_prints_on_one_page_with_everything_in_it(cli, episode, tmp_path, paper, topic):
    page = tmp_path / "report.html"
    ok(cli("diary", "report", "-o", str(page)))
    html = page.read_text(encoding="utf-8")
    assert re.search(r"<svg[^>]*class=\"chart\"", html)  # the chart is an SVG element
    pdf = tmp_path / "report.pdf"
    source = on_paper(html, paper, tmp_path)
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", source.as_uri())
    pages = pdf_pages(pdf.read_bytes())
    assert len(pages) == 1, f"{len(pages)} pages"
    width, height = PAPER[paper]
    assert abs(pages[0][0] - width) < 2 and abs(pages[0][1] - height) < 2
    lines = pdf_lines(pdf)
    # everything else in reading order, blanks left out (a cell may wrap)
    text = "".join(page for page, _ in pdf_text(pdf))
    for s in diary_scores():  # every score, in its row: id, when, score
        row = f"{s.id} {when_text(s.at, WORDS)} {s.score}/10 "
        assert any(line.startswith(row) for line in lines), (row, lines)
    assert squash(MASSAGE_NOTE) in text and squash("stiff on the stairs") in text
    from soreadvisor.advice.trend import diary_message

    assert squash(diary_message(topic.diary, "high_score", WORDS)) in text
    assert squash(episode.text) in text
    doc = json.loads(ok(cli("diary", "report", "--format", "json")).out)
    assert squash(doc["checks"][0]["result"]) in text


def test_each_escalation_date_starts_a_run_in_which_it_held(topic):
    """Whatever the episode: the dated score is one at which the rule held, and at
    the score before it (if any) the rule did not."""
    import random

    rules = topic.diary
    m = datetime(2026, 11, 23, 18, tzinfo=timezone.utc)
    rng = random.Random(24)
    for _ in range(150):
        hours = sorted(rng.uniform(0, 120) for _ in range(rng.randint(1, 25)))
        scores = [Score(n, m + timedelta(hours=h), rng.randint(0, 10)) for n, h in enumerate(hours)]
        now = scores[-1].at
        dates = escalation_dates(scores, rules, m, now, WORDS)
        assert set(dates) == {e for e, _ in assess(scores, rules, m, now, WORDS).escalations}
        for rule, first in dates.items():
            k = scores.index(first)

            def held(i: int, rule: str = rule, scores: list[Score] = scores) -> bool:
                verdict = assess(scores[: i + 1], rules, m, scores[i].at, WORDS)
                return rule in {e for e, _ in verdict.escalations}

            assert held(k) and (k == 0 or not held(k - 1)), (rule, k, scores)
