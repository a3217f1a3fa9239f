"""massage, log, history and diary as a user runs them: every format, every refusal."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WORDS

from soreadvisor.advice.trend import diary_message
from soreadvisor.diary.store import Diary

ANSI = "\x1b"
FORMATS = ("plain", "markdown", "json", "rich")


def ok(result):
    assert result.code == 0, result.err
    return result


def one_line_error(result, code: int) -> str:
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


def history_json(cli, *args: str) -> dict:
    return json.loads(ok(cli("history", "--format", "json", *args)).out)


def plain_blocks(out: str) -> list[list[str]]:
    """Plain output as its blocks (runs of lines between blank lines)."""
    return [block.splitlines() for block in out.strip("\n").split("\n\n")]


def plain_section(out: str, title: str) -> list[str]:
    """The lines under the plain section headed ``title`` (in capitals)."""
    block = next(b for b in plain_blocks(out) if b[0] == title)
    return block[1:]


def plain_scores(out: str) -> tuple[list[str], list[str]]:
    """The labels and every score line of plain history, across its days (each day
    a section headed "SCORES OF <day>", its labels first)."""
    labels: list[str] = []
    lines: list[str] = []
    for block in plain_blocks(out):
        if block[0].startswith("SCORES OF "):
            labels = block[1].split(" | ")
            lines += block[2:]
    return labels, lines


def first_scores_title(titles: list[str]) -> int:
    return next(n for n, t in enumerate(titles) if t.startswith("SCORES OF "))


def plain_titles(out: str) -> list[str]:
    """The section headings of plain output, in order (the lines in capitals
    that open a block)."""
    return [b[0] for b in plain_blocks(out)[1:] if b[0].isupper()]


@pytest.fixture
def sore(cli):
    """A massage 30 hours ago and three scores since."""
    ok(cli("massage", "--at", "30h", "--intensity", "deep", "--note", "firm pressure"))
    ok(cli("log", "3", "--at", "28h", "--where", "calves"))
    ok(cli("log", "6", "--at", "20h", "--note", "stairs | hurt"))
    ok(cli("log", "4", "--at", "1h"))


# -- massage and log ---------------------------------------------------------------


def test_massage_confirms_on_stderr_and_keeps_stdout_clean(cli):
    result = ok(cli("massage", "--at", "2h ago", "--intensity", "moderate"))
    assert result.out == ""
    assert "Recorded a massage (moderate)" in result.err
    massage = history_json(cli)["massage"]
    assert massage["intensity"] == "moderate" and 1.9 < massage["hours_ago"] < 2.1


def test_massage_refuses_an_unknown_intensity(cli, private_home):
    result = cli("massage", "--intensity", "brutal")
    assert result.code == 2
    assert not (private_home / "diary.sqlite3").exists()


def test_log_confirms_the_score_and_hours_since_the_massage(cli):
    ok(cli("massage", "--at", "10h"))
    result = ok(cli("log", "6", "--where", "left calf", "--note", "stiff"))
    assert result.out == ""
    assert result.err.startswith("Logged 6/10 at ")
    assert "10 h after the massage" in result.err
    [entry] = history_json(cli)["entries"]
    assert (entry["score"], entry["where"], entry["note"]) == (6, "left calf", "stiff")


def test_log_accepts_a_score_written_out_of_ten(cli):
    ok(cli("log", "7/10"))
    assert [e["score"] for e in history_json(cli)["entries"]] == [7]


@pytest.mark.parametrize("bad", ["11", "-1", "abc", "6.5", "", "10.0", "1e1", "0x5"])
def test_log_refuses_scores_off_the_scale_and_writes_nothing(cli, private_home, bad):
    line = one_line_error(cli("log", bad), 2)
    assert "0 (no soreness) to 10" in line and "nothing was logged" in line
    assert not (private_home / "diary.sqlite3").exists()


def test_a_refused_score_leaves_an_existing_diary_as_it_was(cli):
    ok(cli("log", "4"))
    one_line_error(cli("log", "12"), 2)
    assert [e["score"] for e in history_json(cli)["entries"]] == [4]


@pytest.mark.parametrize("when", ["tomorrow", "25:00", "2999-01-01", "soon"])
def test_log_refuses_a_bad_or_future_time_and_writes_nothing(cli, private_home, when):
    one_line_error(cli("log", "5", "--at", when), 2)
    assert not (private_home / "diary.sqlite3").exists()


def test_log_warns_at_once_about_a_high_score(cli, topic):
    result = ok(cli("log", str(topic.diary.high_score)))
    assert diary_message(topic.diary, "high_score", WORDS) in result.err
    assert f"{topic.diary.high_score} or more" in result.err
    assert result.out == ""


# -- history ----------------------------------------------------------------------


def test_history_json_has_entries_trend_escalations_and_massage(cli, sore, topic):
    doc = history_json(cli)
    assert doc["command"] == "history"
    assert [e["score"] for e in doc["entries"]] == [3, 6, 4]
    first = doc["entries"][0]
    assert {"id", "at", "hours_since_massage", "score", "where", "note"} <= set(first)
    assert first["where"] == "calves" and first["hours_since_massage"] == pytest.approx(2, abs=0.1)
    assert doc["trend"] == "improving"
    assert doc["trend_message"] == topic.diary.messages["improving"]
    assert doc["escalations"] == []
    assert doc["massage"]["intensity"] == "deep" and doc["massage"]["note"] == "firm pressure"


def test_history_shows_times_in_local_time(cli, india_time):
    ok(cli("log", "4", "--at", "2000-01-05T10:00:00Z"))
    [entry] = history_json(cli, "--days", "36500")["entries"]
    assert entry["at"] == "2000-01-05T15:30:00+05:30"
    plain = ok(cli("history", "--days", "36500", "--format", "plain")).out
    assert plain_scores(plain)[1][0].endswith(" | 15:30 | 4/10 | - | - | -")
    assert "SCORES OF WED 05 JAN 2000" in plain_titles(plain)  # the day, in local time too


def test_history_plain_reads_the_trend_then_one_line_per_score(cli, sore, topic):
    """With nothing to get checked: the last massage is the headline, then the
    trend, then the scores one line each, then the disclaimer and the sources."""
    out = ok(cli("history", "--format", "plain")).out
    assert ANSI not in out
    lines = out.splitlines()
    assert lines[0] == "Soreness diary"
    assert lines[1].startswith("Last massage ") and "deep" in lines[1]
    assert "GET CHECKED" not in out
    titles = plain_titles(out)
    assert titles.index("TREND: IMPROVING") < first_scores_title(titles)
    assert plain_section(out, "TREND: IMPROVING") == [f"- {topic.diary.messages['improving']}"]
    labels, scores = plain_scores(out)
    assert labels == ["Id", "When", "Score", "After the massage", "Where", "Note"]
    assert sorted(line.split(" | ")[2] for line in scores) == ["3/10", "4/10", "6/10"]
    by_score = {line.split(" | ")[2]: line.split(" | ") for line in scores}
    assert by_score["3/10"][3].endswith(" h") and by_score["3/10"][4] == "calves"
    assert " | ".join(by_score["6/10"]).endswith(" | - | stairs | hurt")
    assert plain_blocks(out)[-1] == [topic.disclaimer]  # no sources cited: it ends the page


def test_history_piped_by_default_is_plain(sh, private_home):
    assert sh("log", "4").code == 0
    result = sh("history")
    assert result.code == 0, result.err
    assert ANSI not in result.out
    assert plain_scores(result.out)[1][0].split(" | ")[2] == "4/10"


def test_history_markdown_has_headings_and_one_table_row_per_entry(cli, sore):
    out = ok(cli("history", "--format", "markdown")).out
    lines = out.splitlines()
    assert lines[0] == "# Soreness diary"
    days = [n for n, line in enumerate(lines) if line.startswith("## Scores of ")]
    assert days and lines.index("## Trend: improving") < days[0]
    rows = []
    for start in days:  # each day a table: its labels, the rule, a row per score
        after = lines[start + 1 :]
        end = next(n for n, line in enumerate(after) if line.startswith(("## ", "> ")))
        table = [line for line in after[:end] if line.startswith("| ") and "---" not in line]
        assert table[0] == "| Id | When | Score | After the massage | Where | Note |"
        assert after[after.index(table[0]) + 1] == "|" + " --- |" * 6
        rows += table[1:]
    assert sorted(r.split(" | ")[2] for r in rows) == ["3/10", "4/10", "6/10"]
    # a pipe in a note cannot break the table
    assert any(r.endswith(" | stairs \\| hurt |") for r in rows)


def test_history_rich_draws_a_chart_then_a_table(cli, sore):
    """On a terminal: the scores charted against the hours since the massage
    (0 to 10 up the side), then the table, whose Score cell is the score alone."""
    out = ok(cli("history", "--format", "rich", "--color", "never")).out
    assert ANSI not in out
    lines = out.splitlines()
    axis = [n for n, line in enumerate(lines) if line.lstrip().startswith(("10 ┤", "0 ┤"))]
    assert len(axis) == 2, out
    title = next(n for n, line in enumerate(lines) if "hours since the massage" in line)
    header = next(n for n, line in enumerate(lines) if line.startswith("Id  When"))
    assert axis[0] < axis[1] < title < header
    assert "After the massage" in lines[header] and "Score" in lines[header]
    cells = [re.findall(r"\b\d+/10\b", r) for r in lines[header:]]
    assert sorted(c for c in cells if c) == [["3/10"], ["4/10"], ["6/10"]]  # one score a row
    assert "█" not in out and "…" not in out
    assert lines.index("Trend: improving") < axis[0]


def test_history_rich_never_cuts_a_cell_too_wide_for_the_terminal(cli, monkeypatch):
    """Too narrow for the table: one wrapped line per score, every word kept."""
    note = "walked up four flights of stairs and the left calf hurt at every step"
    ok(cli("massage", "--at", "5h"))
    ok(cli("log", "5", "--at", "2h", "--where", "left calf", "--note", note))
    monkeypatch.setenv("COLUMNS", "50")
    out = ok(cli("history", "--format", "rich", "--color", "never")).out
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 50
    flat = " ".join(out.split())
    assert f"Score: 5/10; After the massage: 3 h; Where: left calf; Note: {note}" in flat
    assert not any(line.startswith("When ") for line in out.splitlines())  # no table header


def test_history_rich_with_colour_uses_escape_codes(cli, sore):
    assert ANSI in ok(cli("history", "--format", "rich", "--color", "always")).out


@pytest.mark.parametrize("fmt", FORMATS)
def test_history_of_an_empty_diary_works_in_every_format(cli, private_home, fmt):
    result = ok(cli("history", "--format", fmt, "--color", "never"))
    if fmt == "json":
        doc = json.loads(result.out)
        assert doc["entries"] == [] and doc["trend"] is None
        assert doc["escalations"] == [] and doc["massage"] is None
    else:
        assert "trend" in result.out.lower()
    assert not (private_home / "diary.sqlite3").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_history_escalates_and_points_to_check_in_every_format(cli, topic, fmt):
    rules = topic.diary
    hours = max(rules.lasting_after_hours, rules.rising_after_hours) + 10
    ok(cli("massage", "--at", f"{hours}h"))
    ok(cli("log", "2", "--at", f"{hours - 5}h"))
    ok(cli("log", str(rules.high_score), "--at", "1h"))
    out = ok(cli("history", "--format", fmt, "--color", "never")).out
    if fmt == "json":
        doc = json.loads(out)
        assert doc["trend"] == "worse"
        assert [e["id"] for e in doc["escalations"]] == ["high_score", "lasting", "rising"]
        assert [e["message"] for e in doc["escalations"]] == [
            diary_message(rules, k, WORDS) for k in ("high_score", "lasting", "rising")
        ]
        assert doc["headline"] == diary_message(rules, "high_score", WORDS)
    elif fmt == "plain":
        # "see a doctor" is the headline, above the trend
        assert out.splitlines()[1] == diary_message(rules, "high_score", WORDS)
        # each said once: the first is the headline, the others listed below it
        assert plain_section(out, "MORE REASONS TO GET CHECKED") == [
            f"- {diary_message(rules, k, WORDS)}" for k in ("lasting", "rising")
        ]
        assert out.count(diary_message(rules, "high_score", WORDS)) == 1
        titles = plain_titles(out)
        more = titles.index("MORE REASONS TO GET CHECKED")
        assert more < titles.index("TREND: WORSE") < first_scores_title(titles)
    else:
        lines = out.splitlines()
        day = next(line for line in lines if line.lstrip("# ").startswith("Scores of "))
        heads = ["More reasons to get checked", "Trend: worse", day.lstrip("# ")]
        if fmt == "markdown":
            assert lines[2] == f"**{diary_message(rules, 'high_score', WORDS)}**"
            heads = [f"## {h}" for h in heads]
        else:
            first = " ".join(diary_message(rules, "high_score", WORDS).split())
            assert " ".join(" ".join(lines[1:3]).lstrip("▌ ").split()).startswith(first[:60])
        at = [lines.index(h) for h in heads]
        assert at == sorted(at)
    assert " ".join(out.split()).count("soreadvisor check") >= 3


def test_warnings_follow_the_thresholds_of_a_custom_topic(cli, topic, tmp_path):
    """Change the numbers in a user's knowledge file: the rules and the words move together."""
    import dataclasses

    rules = topic.diary
    lasting, high = rules.lasting_after_hours + 24, rules.high_score + 1
    assert lasting % 24 == 0 and high <= 10
    changed = dataclasses.replace(rules, lasting_after_hours=lasting, high_score=high)
    overlay = tmp_path / f"{topic.id}.yaml"
    overlay.write_text(f"diary:\n  lasting_after_hours: {lasting:g}\n  high_score: {high}\n")
    kb = ("--kb", str(overlay))
    assert ok(cli("kb", "check", str(overlay))).code == 0

    ok(cli("massage", "--at", f"{lasting + 2:g}h"))
    said = ok(cli("log", str(high), "--at", f"{lasting + 1:g}h", *kb)).err
    assert f"a score of {high} or more" in said and f"{rules.high_score} or more" not in said
    # past the shipped mark, before the custom one: only the custom rules count
    ok(cli("log", "3", "--at", "4h"))
    doc = history_json(cli, *kb)
    assert [e["id"] for e in doc["escalations"]] == ["high_score"]
    assert doc["escalations"][0]["message"] == diary_message(changed, "high_score", WORDS)
    shipped = history_json(cli)
    assert [e["id"] for e in shipped["escalations"]] == ["high_score", "lasting"]

    ok(cli("log", "3", "--at", "1h"))
    messages = {e["id"]: e["message"] for e in history_json(cli, *kb)["escalations"]}
    assert messages["lasting"] == diary_message(changed, "lasting", WORDS)
    assert f"still sore {int(lasting // 24)} days or more" in messages["lasting"]
    assert f"{int(rules.lasting_after_hours // 24)} days" not in messages["lasting"]


def test_history_without_days_starts_at_the_last_massage(cli):
    ok(cli("log", "8", "--at", "3d"))
    ok(cli("massage", "--at", "2d"))
    ok(cli("log", "4", "--at", "1d"))
    assert [e["score"] for e in history_json(cli)["entries"]] == [4]
    both = history_json(cli, "--days", "4")["entries"]
    assert [e["score"] for e in both] == [8, 4]
    assert both[0]["hours_since_massage"] is None  # logged before any massage
    assert both[1]["hours_since_massage"] == pytest.approx(24, abs=0.1)


def test_history_without_any_massage_shows_the_last_week(cli):
    ok(cli("log", "6", "--at", "8d"))
    ok(cli("log", "5", "--at", "6d"))
    doc = history_json(cli)
    assert [e["score"] for e in doc["entries"]] == [5]
    assert doc["massage"] is None


def test_history_shows_the_latest_scores_and_says_how_many_are_hidden(cli, tmp_path):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    with Diary.open(tmp_path, write=True) as diary:
        diary.add_massage(now - timedelta(hours=70))
        diary.add_scores([(now - timedelta(hours=60), 6)])
        diary.add_scores([(now - timedelta(hours=59 - i / 2), 4) for i in range(59)])
    doc = history_json(cli, "--data-dir", str(tmp_path))
    assert len(doc["entries"]) == 50 and doc["entries_total"] == 60
    assert "10 earlier scores are not shown" in doc["not_shown"]
    assert doc["trend"] == "improving"  # the hidden 6 is the peak it eases from
    assert len(history_json(cli, "--data-dir", str(tmp_path), "--limit", "0")["entries"]) == 60
    plain = ok(cli("history", "--data-dir", str(tmp_path), "-f", "plain", "-n", "5")).out
    assert len(plain_scores(plain)[1]) == 5
    (hidden,) = plain_section(plain, "EARLIER SCORES")
    assert hidden.startswith("- 55 earlier scores are not shown")
    titles = plain_titles(plain)
    assert titles.index("TREND: IMPROVING") < titles.index("EARLIER SCORES")
    assert titles.index("EARLIER SCORES") < first_scores_title(titles)
    one = ok(cli("history", "--data-dir", str(tmp_path), "-f", "plain", "-n", "59")).out
    assert plain_section(one, "EARLIER SCORES")[0].startswith("- 1 earlier score is not shown")


@pytest.mark.parametrize("no_pager", [False, True])
def test_a_long_history_on_a_terminal_is_paged_unless_no_pager(tmp_path, no_pager):
    from datetime import datetime, timedelta, timezone

    from conftest import PtySession

    now = datetime.now(timezone.utc)
    with Diary.open(write=True) as diary:
        diary.add_massage(now - timedelta(hours=50))
        diary.add_scores([(now - timedelta(hours=48 - i), 4) for i in range(40)])
    kept = tmp_path / "paged.txt"
    pager = tmp_path / "pager.sh"
    pager.write_text(f"#!/bin/sh\ncat > '{kept}'\n")
    pager.chmod(0o700)
    args = ["history", *(["--no-pager"] if no_pager else [])]
    s = PtySession(*args, separate_stdout=False, rows=30, env={"PAGER": str(pager)})
    try:
        assert s.wait() == 0
    finally:
        s.close()
    trend = WORDS["history.trend"]
    if no_pager:  # straight out, all of it
        assert not kept.exists() and trend in s.screen
    else:
        assert trend in kept.read_text() and trend not in s.screen


@pytest.mark.parametrize("args", [("--days", "0"), ("--days", "-3"), ("--limit", "-1")])
def test_history_refuses_impossible_windows(cli, args):
    one_line_error(cli("history", *args), 2)


# -- export -------------------------------------------------------------------------


def test_export_csv_has_every_massage_and_score_in_time_order(cli, sore):
    out = ok(cli("diary", "export", "--format", "csv")).out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["kind"] for r in rows] == ["massage", "score", "score", "score"]
    assert [r["score"] for r in rows] == ["", "3", "6", "4"]
    assert rows[0]["intensity"] == "deep" and rows[2]["note"] == "stairs | hurt"


def test_export_json_parses_and_holds_everything(cli, sore):
    doc = json.loads(ok(cli("diary", "export", "--format", "json")).out)
    assert [m["intensity"] for m in doc["massages"]] == ["deep"]
    assert [s["score"] for s in doc["scores"]] == [3, 6, 4]
    assert doc["scores"][0]["where"] == "calves"


def test_export_json_streamed_is_the_document_json_would_write(cli, sore):
    """Written entry by entry, it is byte for byte the whole document dumped at once."""
    ok(cli("log", "5", "--note", 'line one\nline "two" \u00e9 \U0001f9b6', "--where", "[left]"))
    ok(cli("massage", "--at", "1h ago"))
    out = ok(cli("diary", "export", "--format", "json")).out
    assert out == json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n"
    empty = ok(cli("diary", "export", "-f", "json", "--data-dir", "nowhere")).out
    assert empty == json.dumps(json.loads(empty), indent=2, ensure_ascii=False) + "\n"


def test_storage_imports_no_renderer():
    code = (
        "import sys, soreadvisor.diary.export, soreadvisor.diary.store, soreadvisor.kb.store;"
        "print([m for m in sys.modules if m.startswith('soreadvisor.render')])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stderr


def test_export_markdown_is_a_table_a_note_cannot_break(cli, sore):
    out = ok(cli("diary", "export", "--format", "markdown")).out
    lines = out.splitlines()
    assert lines[0] == "# Soreness diary"
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 2 + 4
    assert all(line.replace("\\|", "").count("|") == 7 for line in table)


def test_export_times_are_local(cli, india_time):
    ok(cli("log", "4", "--at", "2000-01-05T10:00:00Z"))
    out = ok(cli("diary", "export", "--format", "csv")).out
    assert "2000-01-05T15:30:00+05:30" in out


def test_export_of_no_diary_is_empty_and_creates_nothing(cli, private_home):
    assert ok(cli("diary", "export")).out == "kind,id,at,score,intensity,where,note,level,signs\n"
    assert json.loads(ok(cli("diary", "export", "-f", "json")).out)["scores"] == []
    assert not (private_home / "diary.sqlite3").exists()


# -- delete and path ------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_delete_without_all_is_a_usage_error(cli, sore):
    one_line_error(cli("diary", "delete", "--yes"), 2)
    assert len(history_json(cli)["entries"]) == 3


def test_delete_needs_yes_when_not_on_a_terminal(cli, sore):
    line = one_line_error(cli("diary", "delete", "--all"), 2)
    assert "--yes" in line
    assert len(history_json(cli)["entries"]) == 3


def test_delete_needs_yes_without_a_terminal_as_a_real_process(sh, cli, sore):
    result = sh("diary", "delete", "--all")
    assert result.code == 2 and "--yes" in result.err
    assert len(history_json(cli)["entries"]) == 3


def test_delete_all_yes_empties_the_diary(cli, sore):
    result = ok(cli("diary", "delete", "--all", "--yes"))
    assert result.err == "Deleted 3 scores and 1 massage.\n"
    doc = history_json(cli)
    assert doc["entries"] == [] and doc["massage"] is None


def test_delete_asks_on_a_terminal_and_yes_deletes(cli, sore, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeTerminal("y\n"))
    result = ok(cli("diary", "delete", "--all"))
    assert "Delete all 3 scores and 1 massage from " in result.err
    assert history_json(cli)["entries"] == []


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_delete_asks_on_a_terminal_and_anything_else_keeps_it(cli, sore, monkeypatch, answer):
    monkeypatch.setattr(sys, "stdin", FakeTerminal(answer))
    result = cli("diary", "delete", "--all")
    assert result.code == 0 and "Nothing deleted" in result.err
    assert len(history_json(cli)["entries"]) == 3


def test_diary_path_prints_where_the_file_is_and_creates_nothing(cli, private_home, tmp_path):
    assert ok(cli("diary", "path")).out == f"{private_home / 'diary.sqlite3'}\n"
    other = tmp_path / "elsewhere"
    assert ok(cli("diary", "path", "--data-dir", str(other))).out == f"{other / 'diary.sqlite3'}\n"
    assert not private_home.exists() and not other.exists()


# -- --data-dir, and homes that cannot be used ----------------------------------------------


def test_data_dir_overrides_soreadvisor_home_for_every_command(cli, private_home, tmp_path):
    data = tmp_path / "mine"
    ok(cli("massage", "--at", "3h", "--data-dir", str(data)))
    ok(cli("log", "5", "--data-dir", str(data)))
    assert (data / "diary.sqlite3").exists()
    assert not (private_home / "diary.sqlite3").exists()
    assert [e["score"] for e in history_json(cli, "--data-dir", str(data))["entries"]] == [5]
    assert "5" in ok(cli("diary", "export", "--data-dir", str(data))).out
    ok(cli("diary", "delete", "--all", "--yes", "--data-dir", str(data)))
    assert history_json(cli, "--data-dir", str(data))["entries"] == []


def test_plan_counts_from_the_last_recorded_massage(cli):
    ok(cli("massage", "--at", "30h"))
    doc = json.loads(ok(cli("plan", "--format", "json", "--no-profile")).out)
    assert doc["hours_since"] == pytest.approx(30, abs=0.1)


def test_a_home_that_cannot_hold_a_directory_gives_one_clear_line(cli, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("SOREADVISOR_HOME", str(blocker / "home"))
    line = one_line_error(cli("log", "5"), 1)
    assert line == (
        f"soreadvisor: error: cannot write the diary at "
        f"'{blocker / 'home' / 'diary.sqlite3'}': Not a directory"
    )
    ok(cli("history"))  # nothing to read is not an error


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_home_gives_permission_denied(cli, tmp_path, monkeypatch):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("SOREADVISOR_HOME", str(home))
    try:
        line = one_line_error(cli("log", "5"), 1)
    finally:
        home.chmod(0o700)
    assert "cannot write the diary" in line and "Permission denied" in line


@pytest.mark.parametrize(
    "args",
    [("log", "5"), ("massage",), ("history",), ("diary", "export"),
     ("diary", "delete", "--all", "--yes")],
)  # fmt: skip
def test_every_command_refuses_a_corrupted_file_and_leaves_it_alone(cli, private_home, args):
    private_home.mkdir()
    junk = os.urandom(4096)
    (private_home / "diary.sqlite3").write_bytes(junk)
    line = one_line_error(cli(*args), 1)
    assert str(private_home / "diary.sqlite3") in line and "not a soreadvisor diary" in line
    assert (private_home / "diary.sqlite3").read_bytes() == junk
    assert [p.name for p in private_home.iterdir() if p.name.startswith("diary")] == [
        "diary.sqlite3"
    ]


def test_two_log_commands_at_once_both_land(tmp_path):
    import subprocess

    env = dict(os.environ, SOREADVISOR_HOME=str(tmp_path / "home"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "soreadvisor", "log", str(n)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    with Diary.open(Path(env["SOREADVISOR_HOME"])) as diary:
        assert sorted(s.score for s in diary.scores()) == list(range(6))
