"""Issue 22, part 2: people's names for their medicines and conditions, one
screen first (a pager and a compact answer on a terminal), and a plan that
reads the diary."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from conftest import WORDS, PtySession, said

from soreadvisor.advice.profile import resolve
from soreadvisor.errors import NotFound

ANSI_CODE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def flat(text: str) -> str:
    """Text as one line of single spaces (wrapping and indents gone)."""
    return " ".join(ANSI_CODE.sub("", text).split())


# --- names, not ids --------------------------------------------------------------------


def test_cope_with_warfarin_answers_as_for_blood_thinners_and_says_so(cli, topic):
    by_name = cli("cope", "--medication", "warfarin", "--format", "json")
    by_id = cli("cope", "--medication", "anticoagulant", "--format", "json")
    assert by_name.code == 0, by_name.err
    assert json.loads(by_name.out) == json.loads(by_id.out)
    # what it was taken as, on stderr: the pipe carries the answer only
    meds = {m.id: m for m in topic.medications}
    told = said(
        WORDS,
        "names.taken_as",
        word="warfarin",
        name=meds["anticoagulant"].name,
        id="anticoagulant",
    )
    assert told in by_name.err
    assert by_id.err == ""


@pytest.mark.parametrize("word", ["ANTICOAGULANT", "Anticoagulant", "blood-thinners", "Eliquis"])
def test_ids_and_names_are_taken_whatever_their_case(cli, word):
    result = cli("cope", "--medication", word, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["profile_applied"] is True


def test_every_name_in_the_data_is_taken_for_its_own_entry(topic):
    for kind, entries in (("condition", topic.conditions), ("medication", topic.medications)):
        for entry in entries:
            for word in [entry.id.upper(), *entry.aliases]:
                found, by_name = resolve(kind, word, entries)
                assert found.id == entry.id
                assert by_name == (word != entry.id.upper())


def test_profile_set_by_name_saves_the_id(cli):
    result = cli("profile", "set", "--medication", "sertraline", "--condition", "Eczema")
    assert result.code == 0, result.err
    saved = json.loads(Path(cli("profile", "path").out.strip()).read_text())
    assert saved["medications"] == ["ssri"] and saved["conditions"] == ["fragile-skin"]


def test_a_drug_the_data_does_not_know_is_never_offered_another_drug(cli, topic):
    result = cli("cope", "--medication", "naproxen")
    assert result.code == 1 and result.out == ""
    assert "did you mean" not in result.err
    for medication in topic.medications:  # the ids it can take instead
        assert repr(medication.id) in result.err


def test_a_misspelt_drug_name_is_offered_with_the_id_it_stands_for(cli):
    result = cli("cope", "--medication", "apixiban")
    assert result.code == 1
    assert "did you mean 'apixaban' (anticoagulant)?" in result.err


def test_an_unknown_word_is_refused_by_the_resolver_with_close_names(topic):
    with pytest.raises(NotFound) as caught:
        resolve("condition", "diabetic-ish", topic.conditions)
    assert "'diabetic' (diabetes)" in str(caught.value)


def test_a_sign_id_is_taken_in_any_case(cli):
    upper = cli("check", "--symptom", "ONE-LEG-SWELLING", "--format", "json")
    lower = cli("check", "--symptom", "one-leg-swelling", "--format", "json")
    assert upper.code == lower.code and json.loads(upper.out) == json.loads(lower.out)


def test_help_says_names_are_taken_and_where_the_ids_are(cli):
    text = flat(cli("cope", "--help").out)
    assert "by id or name" in text and "an unknown name lists them" in text


# --- one screen first ------------------------------------------------------------------


@pytest.fixture
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager that copies what it is given to a file."""
    kept = tmp_path / "paged.txt"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > '{kept}'\n")
    script.chmod(stat.S_IRWXU)
    return str(script), kept


def _shown_remedies(topic, severity: str):
    return [r for r in topic.remedies if severity in r.severities]


def _everyones_cautions(remedy) -> list[str]:
    """What a person with no profile must be told with a remedy: the cautions
    for everyone, and the ones said when nothing is known about them."""

    def general(c) -> bool:
        return c.no_profile or not (
            c.conditions
            or c.medications
            or c.all_medications
            or c.pregnant_from_weeks is not None
            or c.age_over is not None
        )

    texts = [c.text for c in remedy.cautions if general(c)]
    for option in remedy.options:
        texts += [c.text for c in option.cautions if general(c)]
    return texts


def test_a_long_answer_on_a_terminal_goes_through_the_pager_warnings_first(recorder, topic):
    pager, kept = recorder
    s = PtySession(
        "cope", "--severity", "high", separate_stdout=False, rows=30, env={"PAGER": pager}
    )
    try:
        assert s.wait() == 0
    finally:
        s.close()
    paged = kept.read_text().splitlines()
    assert "Sudden" not in s.screen  # it went to the pager, not past it
    first = flat("\n".join(paged[:30]))
    levels = {lv.id: lv for lv in topic.triage.levels}
    for lv in topic.triage.not_sure_counts_as_yes:  # both warning lists, whole
        for sign in topic.triage.signs:
            if sign.level == lv:
                # up to a number the answer fills in (said in full once, then short)
                assert flat((sign.short or sign.text).split("{number}")[0]) in first, sign.id
        assert levels[lv].heading
    assert len(paged) > 30  # it was long enough to need the pager


def test_without_the_pager_the_compact_answer_fits_80_rows_with_every_caution(topic, recorder):
    pager, kept = recorder
    s = PtySession(
        "cope",
        "--severity",
        "high",
        "--no-pager",
        separate_stdout=False,
        rows=30,
        env={"PAGER": pager},
    )
    try:
        assert s.wait() == 0
    finally:
        s.close()
    assert not kept.exists()
    rows = s.screen.rstrip("\n").split("\n")
    assert len(rows) <= 80, len(rows)
    screen = flat(s.screen)
    for remedy in _shown_remedies(topic, "high"):
        assert flat(remedy.title) in screen
        for caution in _everyones_cautions(remedy):
            assert flat(caution) in screen, (remedy.id, caution)
    assert "--details" in screen


def test_details_and_other_formats_keep_the_evidence(cli, topic):
    compact = cli("cope", "--severity", "high", "--format", "rich", "--no-pager").out
    whole = cli("cope", "--severity", "high", "--format", "rich", "--details").out
    plain = cli("cope", "--severity", "high").out
    for remedy in _shown_remedies(topic, "high"):
        summary = flat(remedy.evidence.summary)
        assert summary not in flat(compact)
        assert summary in flat(whole) and summary in flat(plain)
        for caution in _everyones_cautions(remedy):
            assert flat(caution) in flat(compact)


def test_the_pager_never_runs_in_a_pipe(sh, recorder):
    pager, kept = recorder
    result = sh("cope", "--severity", "high", "--format", "rich", env={"PAGER": pager})
    assert result.code == 0 and not kept.exists()
    assert result.out.count("\n") > 30


def test_no_closing_line_sends_the_reader_back_to_the_warning_signs(cli):
    doc = json.loads(cli("cope", "--severity", "high", "--format", "json").out)
    assert doc["warning_signs"]
    for line in doc["see_professional"]:
        assert "warning sign" not in line.lower()


# --- plan reads the diary --------------------------------------------------------------


def test_a_severe_score_is_the_plans_headline(cli, topic):
    assert cli("massage", "--at", "20h").code == 0
    assert cli("log", "7", "--note", "swollen, hot").code == 0
    doc = json.loads(cli("plan", "--format", "json").out)
    rules = topic.diary
    assert doc["headline"] == said(rules.messages, "high_score", high_score=rules.high_score)
    assert doc["diary"]["escalations"] == ["high_score"]


def test_a_worsening_score_is_the_plans_headline(cli, topic):
    assert cli("massage", "--at", "20h").code == 0
    assert cli("log", "2", "--at", "10h").code == 0
    assert cli("log", "5").code == 0
    doc = json.loads(cli("plan", "--format", "json").out)
    assert doc["diary"]["trend"] == "worse"
    assert doc["headline"] == topic.diary.messages["worse"]


def test_without_scores_the_plan_opens_with_its_phase(cli):
    doc = json.loads(cli("plan", "--since", "20h", "--format", "json").out)
    assert doc["diary"] is None
    assert doc["headline"].startswith(doc["phase_title"])


def test_the_plans_steps_carry_the_cautions_cope_gives(cli, topic):
    remedies = {r.id: r for r in topic.remedies}
    for phase in topic.timeline.phases:
        doc = json.loads(cli("plan", "--since", f"{phase.from_hours + 1:g}h", "-f", "json").out)
        plain = flat(cli("plan", "--since", f"{phase.from_hours + 1:g}h").out)
        said_with = {w["remedy"]: w["warnings"] + w["cautions"] for w in doc["now_warnings"]}
        for step in phase.now:
            if not step.remedy:
                continue
            for caution in _everyones_cautions(remedies[step.remedy]):
                assert flat(caution) in plain, (phase.id, step.remedy)
                assert any(caution in c for c in said_with.get(step.remedy, []))


def test_plan_looks_for_the_diary_by_its_real_name():
    from soreadvisor.cli.safety import DIARY_FILE
    from soreadvisor.diary.store import FILE_NAME

    assert DIARY_FILE == FILE_NAME


def test_a_plan_given_a_time_reads_the_scores_of_a_diary_that_is_there(cli, topic):
    assert cli("log", "8", "--at", "1h").code == 0
    doc = json.loads(cli("plan", "--since", "5h", "--format", "json").out)
    assert "high_score" in doc["diary"]["escalations"]
