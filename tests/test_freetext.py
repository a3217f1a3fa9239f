"""A person's own words (issue 22): `check "my calf is swollen"` and `search`.

The descriptions in tests/freetext.yaml are run through the reader, through the
piped `check` and through `search`: no emergency or same-day sign described in
words may be missed or read as "no". The reader's rules (TRIAGE.md, "Free-text
input") are tested one by one; the interview on a real pseudo-terminal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from soreadvisor.advice import triage
from soreadvisor.advice.freetext import Reader, read
from soreadvisor.advice.profile import Profile

CASES = yaml.safe_load((Path(__file__).parent / "freetext.yaml").read_text(encoding="utf-8"))
RANK = {"self-care": 0, "soon": 1, "urgent": 2, "emergency": 3}  # TRIAGE.md


def described(case: dict) -> list[str]:
    return case.get("present", []) + case.get("doubt", [])


def test_the_set_holds_at_least_60_descriptions_of_every_kind():
    assert len(CASES) >= 60
    levels = {c["level"] for c in CASES}
    assert levels == set(RANK)
    assert any(c.get("denied") for c in CASES) and any(c.get("doubt") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_the_reader_never_misses_or_denies_a_sign_described(topic, case):
    got = read(topic, case["text"])
    for sign in case.get("present", []):
        assert sign in got, f"{sign} missed in {case['text']!r}: {got}"
        assert got[sign].answer in ("yes", "unsure"), got[sign]
        assert got[sign].words and got[sign].words in case["text"]
    for sign in case.get("doubt", []):
        assert sign in got and got[sign].answer == "unsure", got
    for sign in case.get("denied", []):
        assert sign in got and got[sign].answer == "no", got


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_the_piped_check_answers_at_least_the_level_the_words_describe(cli, topic, case):
    result = cli("check", case["text"], "--region", "uk", "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    if case["level"] == "self-care":  # benign soreness is not over-read
        assert doc["level"] == "self-care", doc["understood"]
    assert RANK[doc["level"]] >= RANK[case["level"]], (case["text"], doc["understood"])
    understood = {u["id"]: u for u in doc["understood"] if u["id"]}
    for sign in described(case):
        assert understood[sign]["answer"] in ("yes", "unsure")
        assert sign not in doc["not_asked"] and sign not in [n["id"] for n in doc["not_asked"]]
    # every serious sign not settled by the words is named with what to do
    serious = [s for s in topic.triage.signs if s.level in ("emergency", "urgent")]
    reasons = {r["id"] for r in doc["reasons"]}
    unasked = {n["id"]: n for n in doc["not_asked"]}
    for sign in serious:
        if sign.id in reasons or sign.id in [u for u in understood if u in reasons]:
            continue
        said = understood.get(sign.id, {}).get("answer")
        if said in (None, "no"):
            assert sign.id in unasked, (sign.id, case["text"])
            if sign.level == "emergency":
                assert "999" in unasked[sign.id]["action"]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if described(c) and RANK[c["level"]] >= RANK["urgent"]],
    ids=lambda c: c["text"][:40],
)
def test_search_on_the_words_lists_each_serious_sign_they_describe_first(cli, topic, case):
    result = cli("search", case["text"], "--format", "json")
    assert result.code == 0, result.err
    hits = json.loads(result.out)["results"]
    ids = [h["id"] for h in hits]
    first_other = next((i for i, h in enumerate(hits) if h["kind"] != "sign"), len(hits))
    level = {s.id: s.level for s in topic.triage.signs}
    for sign in described(case):
        if level[sign] in ("emergency", "urgent"):
            assert sign in ids, (sign, case["text"])
            assert ids.index(sign) < first_other, "before any remedy, cause or tip"


# --- the reader's rules, one by one (TRIAGE.md "Free-text input") ------------------


def answers(topic, text: str) -> dict[str, str]:
    return {k: r.answer for k, r in read(topic, text).items()}


def test_only_what_is_mentioned_is_set(topic):
    assert answers(topic, "my calf is swollen") == {"one-leg-swelling": "yes"}
    assert answers(topic, "my legs ache a little after the massage") == {}


def test_a_negation_counts_within_five_words_and_not_beyond(topic):
    assert answers(topic, "no swelling at all")["one-leg-swelling"] == "no"
    assert (
        answers(topic, "no one saw me today and my ankle is swollen")["one-leg-swelling"] == "yes"
    )


def test_a_terminator_ends_the_negation(topic):
    for word in ("but", "except", "although", "apart from", "however"):
        got = answers(topic, f"no fever {word} my calf is swollen")
        assert got == {"fever": "no", "one-leg-swelling": "yes"}, word


def test_a_negation_in_another_sentence_does_not_count(topic):
    assert answers(topic, "No. My calf is swollen.")["one-leg-swelling"] == "yes"


def test_pseudo_negations_do_not_negate(topic):
    assert answers(topic, "no change in the swelling")["one-leg-swelling"] == "yes"
    assert answers(topic, "the swelling is not going away")["one-leg-swelling"] == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "maybe my calf is swollen",
        "my calf is a bit swollen",
        "I think my calf is swollen",
        "my calf is sort of swollen",
        "is my calf swollen?",
        "what if my calf is swollen",
        "I'm not sure my calf is swollen",
        "I don't think my calf is swollen",
    ],
)
def test_hedges_questions_and_doubt_make_not_sure(topic, text):
    assert answers(topic, text)["one-leg-swelling"] == "unsure"


def test_a_double_negative_is_not_sure(topic):
    assert answers(topic, "not without numbness")["numbness-tingling"] == "unsure"


def test_a_signs_own_words_never_negate_it(topic):
    assert answers(topic, "I can't walk on it")["injury-signs"] == "yes"
    assert answers(topic, "the rash doesn't fade under a glass")["sepsis-signs"] == "yes"


def test_a_negation_belongs_to_the_sign_after_it(topic):
    got = answers(topic, "my calf is swollen and hot, no fever")
    assert got == {"one-leg-swelling": "yes", "leg-warm-red": "yes", "fever": "no"}


def test_two_mentions_keep_the_more_worrying_one(topic):
    assert answers(topic, "no chest pain. Actually some chest pain now")["chest-pain"] == "yes"


def test_curly_apostrophes_read_as_straight_ones(topic):
    assert answers(topic, "I don\u2019t have a fever")["fever"] == "no"


def test_a_parsed_no_for_a_serious_sign_waits_for_the_person(topic):
    readings = read(topic, "no chest pain, no fever")
    answers_, unasked = triage.settle(topic.triage, readings.values(), Profile())
    assert answers_ == {"fever": "no"}
    assert "chest-pain" in unasked and readings["chest-pain"].confirm


def test_the_window_is_data(topic):
    import copy

    lex = copy.deepcopy(topic.lexicon)
    lex.window = 1
    assert Reader(lex).read("no, really, my ankle is swollen")["one-leg-swelling"].answer == "yes"
    lex.window = 8
    assert Reader(lex).read("no, really, my ankle is swollen")["one-leg-swelling"].answer == "no"


# --- check through a pipe -----------------------------------------------------------


def check_json(cli, *args: str) -> dict:
    result = cli("check", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_a_parsed_no_for_an_emergency_sign_stays_unanswered_with_its_number(cli, topic):
    doc = check_json(cli, "no chest pain, my calf is swollen", "--region", "uk")
    said = {u["id"]: u for u in doc["understood"]}
    assert said["chest-pain"]["answer"] == "no"
    assert said["chest-pain"]["counts_as"] == "no_unconfirmed"
    unasked = {n["id"]: n for n in doc["not_asked"]}
    assert "999" in unasked["chest-pain"]["action"]
    plain = cli("check", "no chest pain", "--region", "uk", "--format", "plain").out
    assert "Call 999 now if you have any of these".lower() in plain.lower()


def test_the_answer_opens_with_what_was_understood(cli):
    plain = cli("check", "my left calf is swollen and hot, no fever", "--format", "plain").out
    lines = plain.splitlines()
    first = next(i for i, line in enumerate(lines) if "you wrote" in line)
    assert "Swelling in one leg: yes (you wrote “swollen”)" in plain
    assert "Fever, or feeling hot and shivery: no (you wrote “no fever”)" in plain
    assert first < next(i for i, line in enumerate(lines) if "today" in line.lower() and i > 1)


def test_a_not_sure_counted_as_yes_says_so_in_what_was_understood(cli):
    doc = check_json(cli, "maybe some chest pain")
    said = {u["id"]: u for u in doc["understood"]}
    assert said["chest-pain"]["counts_as"] == "unsure_counted"
    assert "not sure (counted as yes, to be safe)" in said["chest-pain"]["title"]
    assert doc["level"] == "emergency"


def test_words_that_name_no_sign_say_so_and_do_not_claim_home_care(cli, topic):
    doc = check_json(cli, "my legs ache after the massage")
    assert doc["understood"][0]["answer"] is None
    assert doc["level"] == "self-care"
    assert doc["headline"] != topic.triage.levels[0].title, "not everything was asked"
    assert {s.id for s in topic.triage.signs} == {n["id"] for n in doc["not_asked"]}


def test_words_and_symptom_ids_together_are_a_usage_error(cli):
    result = cli("check", "swollen calf", "--symptom", "fever")
    assert result.code == 2 and "Traceback" not in result.err


def test_a_dash_reads_the_words_from_stdin(sh):
    result = sh("check", "-", "--format", "json", input="I coughed up blood\n")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["level"] == "emergency"
    assert [u["id"] for u in doc["understood"]] == ["coughing-blood"]


# --- search -------------------------------------------------------------------------


def results(cli, *words: str) -> list[dict]:
    result = cli("search", *words, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)["results"]


def test_search_swollen_calf_lists_swelling_in_one_leg_first_with_its_action(cli, topic):
    hits = results(cli, "swollen", "calf")
    first = hits[0]
    assert first["id"] == "one-leg-swelling"
    urgent = next(lv for lv in topic.triage.levels if lv.id == "urgent")
    assert first["warnings"][0] == triage.fill(urgent.action, topic.triage, None)
    assert any("massage, rub or put heat" in w for w in first["warnings"]), "the clot warning"


def test_every_remedy_search_shows_carries_all_its_cautions(cli, topic):
    hits = {h["id"]: h for h in results(cli, "compression", "socks")}
    remedy = next(r for r in topic.remedies if r.id == "compression")
    shown = " ".join(hits["compression"]["warnings"])
    for caution in remedy.cautions:
        assert caution.text in shown


def test_a_medicine_name_leads_to_its_id(cli):
    hits = results(cli, "warfarin")
    assert hits[0]["id"] == "anticoagulant"
    assert "--medication anticoagulant" in hits[0]["warnings"][0]


# --- on a terminal ------------------------------------------------------------------


def as_asked(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split())


def question_of(topic, sign_id: str) -> str:
    return next(s.question for s in topic.triage.signs if s.id == sign_id)


def test_on_a_terminal_it_shows_what_it_understood_then_asks_only_the_rest(session, topic):
    s = session("check", "my calf is swollen, no chest pain", "--format", "json")
    s.expect(r"Swelling in one leg: yes")
    while s.status is None:
        try:
            s.expect(r"\[y/n/\?\] $", timeout=10)
        except AssertionError:
            break
        s.send("n\n")
    assert s.wait() == 0
    screen = " ".join(s.screen.split())
    assert screen.index("Swelling in one leg: yes") < screen.index("[1/")
    assert question_of(topic, "one-leg-swelling") not in screen, "not asked again"
    assert question_of(topic, "chest-pain") in screen, "a parsed no is asked to confirm"
    assert "You wrote “no chest pain”" in screen
    assert s.result()["level"] == "urgent"


def test_b_goes_back_one_question(session, topic):
    s = session("check", "--format", "json")
    first = question_of(topic, "breathless")
    s.expect(as_asked(first))
    s.send("n\n")
    s.expect(as_asked(question_of(topic, "chest-pain")))
    s.send("b\n")
    s.expect(as_asked(first))  # asked again, the answer taken back
    s.send("y\n")
    assert s.wait() == 0
    assert s.result()["level"] == "emergency"


def test_the_sepsis_question_is_asked_in_parts_and_any_yes_sets_it(session, topic):
    sepsis = next(x for x in topic.triage.signs if x.id == "sepsis-signs")
    assert len(sepsis.parts) == 4
    s = session("check", "--format", "json")
    while True:
        m = s.expect(r"\[\d+/\d+\] ([^\[]+?)\s\[y/n/\?\]", timeout=10)
        said = " ".join(m.group(1).split())
        if said == sepsis.parts[2]:
            s.send("y\n")
            break
        assert said != sepsis.question, "never the four-in-one question"
        s.send("n\n")
    assert s.wait() == 0
    doc = s.result()
    assert doc["level"] == "emergency"
    assert "sepsis-signs" in [r["id"] for r in doc["reasons"]]


def test_questions_wrap_at_word_boundaries_at_a_narrow_width(session, topic):
    s = session("check", "--format", "json", columns=40)
    s.expect(as_asked(question_of(topic, "breathless")))
    s.send("n\n")
    s.expect(as_asked(question_of(topic, "chest-pain")))
    words = set(question_of(topic, "chest-pain").split())
    shown = set(s.screen.split())
    assert words <= shown, "no word is broken across lines"
    long = [line for line in s.screen.splitlines() if len(line.rstrip(" n")) > 40]
    assert not long, long
    s.send("\x03")
    s.wait()


def test_with_no_profile_it_asks_what_changes_the_answer_and_offers_to_save(
    session, topic, private_home
):
    s = session("check", "a big bruise on my shin", "--format", "json")
    while True:
        m = s.expect(r"(\[\d+/\d+\] [^\[]+?\s\[y/n/\?\]|blood thinners)", timeout=10)
        if "blood thinners" in m.group(1):
            break
        s.send("n\n")
    s.expect(r"\[y/n/\?\]")
    s.send("y\n")
    s.expect("Save this to your profile")
    s.send("y\n")
    assert s.wait() == 0
    assert s.result()["level"] == "urgent"
    saved = json.loads((private_home / "profile.json").read_text())
    assert "anticoagulant" in saved["medications"] and not saved.get("region")


def test_only_the_facts_that_would_raise_this_result_are_asked(topic):
    tr = topic.triage
    # a large bruise: blood thinners (or a bleeding disorder) would make it urgent
    facts = triage.facts_that_matter(tr, {"large-bruising"}, Profile())
    assert ("medication", "anticoagulant") in facts
    # nothing to ask when no rule needs them, when already met, or when the
    # answer is already as high as the rule would make it
    assert triage.facts_that_matter(tr, {"fever"}, Profile()) == []
    on = Profile(medications=["anticoagulant"])
    assert ("medication", "anticoagulant") not in triage.facts_that_matter(
        tr, {"large-bruising"}, on
    )
    assert triage.facts_that_matter(tr, {"large-bruising", "breathless"}, Profile()) == []
