"""The interactive `check`, driven in a real pseudo-terminal (stdlib pty only).

What a person at a terminal relies on: the emergency questions come first, the
questions stop at the first emergency answer ("not sure" counts as yes),
a bad answer is asked again, Ctrl-C leaves quietly with status 130, and with
no terminal at all the command does not hang.

The child gets the pty as its controlling terminal (stdin and stderr, where the
questions go); its stdout is a pipe and `--format json`, so the result can be
read apart from the questions.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import PtySession
from test_third_review import NEW_SIGNS

RANK = {"self-care": 0, "soon": 1, "urgent": 2, "emergency": 3}  # TRIAGE.md


@pytest.fixture(autouse=True)
def warm(private_home):
    """A cached topic in this test's home: the child starts fast, the prompts come quickly."""
    from soreadvisor.kb.store import KnowledgeBase

    KnowledgeBase.from_env().load()


def questions_of(topic) -> list[tuple[object, str]]:
    """Every question the interview may ask, with its sign: a sign in parts asks each part."""
    return [(s, q) for s in topic.triage.signs for q in (s.parts or [s.question])]


def as_asked(text: str) -> str:
    """A pattern for ``text`` as the terminal shows it: wrapped at any space."""
    return r"\s+".join(re.escape(w) for w in text.split())


def any_question(topic, asked: list[str], asked_texts: list[str] = ()) -> str:
    remaining = [
        q
        for s, q in questions_of(topic)
        if s.id not in asked or (asked_texts and q not in asked_texts)
    ]
    remaining = [q for q in remaining if q not in asked_texts]
    return "(" + "|".join(as_asked(q) for q in remaining) + ")"


def sign_by_question(topic, question: str):
    said = " ".join(question.split())
    return next(s for s, q in questions_of(topic) if q == said)


def interview(session, topic, answer, *extra: str) -> tuple[PtySession, list[str]]:
    """Answer each question with ``answer(sign)``; return the session and the ids
    asked (a sign in parts once, however many of its parts were asked)."""
    s = session("check", "--format", "json", *extra)
    asked: list[str] = []
    texts: list[str] = []
    while len(texts) < len(questions_of(topic)):
        try:
            match = s.expect(any_question(topic, asked, texts), timeout=10)
        except AssertionError:
            if s.closed or s.wait(timeout=5) is not None:
                break
            raise
        said = " ".join(match.group(1).split())
        texts.append(said)
        sign = sign_by_question(topic, said)
        if sign.id not in asked:
            asked.append(sign.id)
        s.send(answer(sign) + "\n")
    return s, asked


def test_answering_no_to_everything_asks_every_sign_once_most_serious_first(session, topic):
    s, asked = interview(session, topic, lambda sign: "n")
    assert s.wait() == 0
    assert sorted(asked) == sorted(sign.id for sign in topic.triage.signs)
    level_of = {x.id: x.level for x in topic.triage.signs}
    ranks = [RANK[level_of[i]] for i in asked]
    assert ranks == sorted(ranks, reverse=True), "most serious questions first"
    n_emergency = sum(1 for x in topic.triage.signs if x.level == "emergency")
    assert {level_of[i] for i in asked[:n_emergency]} == {"emergency"}
    assert s.result()["level"] == "self-care"


@pytest.mark.parametrize("answer", ["y", "yes", "?", "not sure", "maybe", "Maybe"])
def test_the_first_emergency_yes_or_not_sure_stops_the_questions(session, topic, answer):
    calls: list[str] = []

    def reply(sign) -> str:  # "no" to the first question, ``answer`` to the second
        calls.append(sign.id)
        return answer if len(calls) == 2 else "n"

    s, asked = interview(session, topic, reply)
    assert s.wait() == 0
    assert len(asked) == 2, f"stopped after {asked}"
    assert next(x.level for x in topic.triage.signs if x.id == asked[1]) == "emergency"
    doc = s.result()
    assert doc["level"] == "emergency"
    assert asked[1] in [r["id"] for r in doc["reasons"]]
    others = [x.question for x in topic.triage.signs if x.id not in asked]
    assert not any(q in s.screen for q in others), "no question after the emergency answer"


def test_a_yes_to_an_urgent_sign_keeps_asking(session, topic):
    urgent = next(x for x in topic.triage.signs if x.level == "urgent" and not x.clot)
    s, asked = interview(session, topic, lambda sign: "y" if sign.id == urgent.id else "n")
    assert s.wait() == 0
    assert len(asked) == len(topic.triage.signs)
    assert s.result()["level"] == "urgent"


def test_an_emergency_reached_by_a_combination_also_stops_the_questions(session, topic):
    """TRIAGE.md: dark urine with much less urine is an emergency."""
    pair = {"dark-urine", "little-urine"}
    s, asked = interview(session, topic, lambda sign: "y" if sign.id in pair else "n")
    assert s.wait() == 0
    assert pair <= set(asked)
    assert asked[-1] in pair, "the questions stop right after the second of the pair"
    assert len(asked) < len(topic.triage.signs)
    assert s.result()["level"] == "emergency"


@pytest.mark.parametrize("sign_id,answer", [("tense-calf", "y"), ("sepsis-signs", "?")])
def test_a_tense_calf_or_sepsis_signs_are_asked_early_and_stop_as_an_emergency(
    session, topic, sign_id, answer
):
    """Issue 10: acute compartment syndrome and sepsis are emergencies (R44, R45),
    asked among the emergency questions; "not sure" counts as yes."""
    s, asked = interview(session, topic, lambda sign: answer if sign.id == sign_id else "n")
    assert s.wait() == 0
    assert asked[-1] == sign_id, "the questions stop right after it"
    level_of = {x.id: x.level for x in topic.triage.signs}
    assert {level_of[i] for i in asked} == {"emergency"}, "asked before any urgent question"
    doc = s.result()
    assert doc["level"] == "emergency" and sign_id in [r["id"] for r in doc["reasons"]]


def test_not_sure_about_new_weakness_counts_as_urgent(session, topic):
    s, asked = interview(session, topic, lambda sign: "?" if sign.id == "new-weakness" else "n")
    assert s.wait() == 0
    assert len(asked) == len(topic.triage.signs)
    doc = s.result()
    assert doc["level"] == "urgent" and "new-weakness" in [r["id"] for r in doc["reasons"]]


def test_severe_pain_then_new_weakness_is_an_emergency_and_stops_the_questions(session, topic):
    """TRIAGE.md: pain out of proportion with new weakness is the picture of
    acute compartment syndrome."""
    pair = {"severe-weakness", "new-weakness"}
    s, asked = interview(session, topic, lambda sign: "y" if sign.id in pair else "n")
    assert s.wait() == 0
    assert pair <= set(asked) and asked[-1] in pair
    doc = s.result()
    assert doc["level"] == "emergency"
    assert "pressure-in-the-muscle" in [r["id"] for r in doc["reasons"]]


def test_not_sure_to_a_soon_question_does_not_count_as_yes_but_is_named(session, topic):
    s, asked = interview(session, topic, lambda sign: "?" if sign.level == "soon" else "n")
    assert s.wait() == 0
    doc = s.result()
    assert doc["level"] == "self-care"
    soon = {x.id for x in topic.triage.signs if x.level == "soon"}
    assert {item["id"] for item in doc["unsure"]} == soon, "never silently dropped"
    # the doubt is said first, before "you can look after this at home"
    assert doc["headline"].startswith(topic.triage.unsure_lead.split("{level}")[0])
    keys = list(doc)
    assert keys.index("unsure") < keys.index("result") < keys.index("actions")


def test_not_sure_counts_where_the_profile_makes_the_sign_urgent(session, topic):
    """On blood thinners a large bruise is urgent, so "not sure" must count as yes."""
    s, asked = interview(
        session,
        topic,
        lambda sign: "?" if sign.id == "large-bruising" else "n",
        "--medication",
        "anticoagulant",
    )
    assert s.wait() == 0
    assert s.result()["level"] == "urgent"


def test_a_bad_answer_is_asked_again(session, topic):
    s = session("check", "--format", "json")
    first = s.expect(any_question(topic, [])).group(1)
    s.send("perhaps\n")
    again = s.expect(any_question(topic, [])).group(1)
    assert again == first
    s.send("\n")  # an empty answer is not an answer either
    assert s.expect(any_question(topic, [])).group(1) == first
    s.send("n\n")
    second = s.expect(any_question(topic, [sign_by_question(topic, first).id])).group(1)
    assert second != first


def test_ctrl_c_leaves_quietly_with_status_130(session, topic):
    s = session("check", "--format", "json")
    s.expect(any_question(topic, []))
    s.send("\x03")
    assert s.wait() == 130
    assert "Traceback" not in s.screen
    assert s.stdout == b""
    # the question's line is ended: the shell's prompt does not land after "[y/n/?]"
    assert s.screen.endswith("\n") and "[y/n/?]" in s.screen.splitlines()[-1]


def test_ctrl_c_after_some_answers_also_leaves_quietly(session, topic):
    s = session("check", "--format", "json")
    first = s.expect(any_question(topic, [])).group(1)
    s.send("n\n")
    s.expect(any_question(topic, [sign_by_question(topic, first).id]))
    s.send("\x03")
    assert s.wait() == 130
    assert "Traceback" not in s.screen and "KeyboardInterrupt" not in s.screen


def test_end_of_input_leaves_quietly(session, topic):
    s = session("check", "--format", "json")
    s.expect(any_question(topic, []))
    s.send("\x04")  # Ctrl-D
    assert s.wait() != 0
    assert "Traceback" not in s.screen
    assert s.stdout == b""


def test_the_result_on_a_terminal_is_shown_after_the_questions(session, topic):
    s = session("check", "--region", "uk", separate_stdout=False)
    emergency = [x for x in topic.triage.signs if x.level == "emergency"]
    s.expect(re.escape(emergency[0].question))
    s.send("y\n")
    level = next(lv for lv in topic.triage.levels if lv.id == "emergency")
    s.expect(re.escape(level.title.replace("{number}", "999")))  # TRIAGE.md: the UK number
    assert s.wait() == 0
    result = s.screen[s.screen.index("stopping the questions") :]
    assert "worried" not in result  # nothing softens the call


def test_profile_options_apply_to_the_interview(session, topic):
    s, asked = interview(
        session,
        topic,
        lambda sign: "y" if sign.id == "large-bruising" else "n",
        "--medication",
        "anticoagulant",
    )
    assert s.wait() == 0
    assert s.result()["level"] == "urgent"


# --- with no terminal -------------------------------------------------------------------


def test_without_a_terminal_or_flags_it_exits_at_once_and_says_how(topic):
    proc = subprocess.Popen(
        [sys.executable, "-m", "soreadvisor", "check"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:  # stdin is an open pipe that never sends anything: it must not wait on it
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("`check` with no terminal waited for input")
    assert proc.returncode != 0
    assert "--symptom" in err and "--none" in err
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    "sign_id",
    NEW_SIGNS,
)
def test_each_new_sign_gives_its_level_through_the_interview(session, topic, sign_id):
    """Issue 19: the five pictures (and the rash) that fell through every question."""
    s, asked = interview(session, topic, lambda sign: "y" if sign.id == sign_id else "n")
    assert s.wait() == 0
    level = next(x.level for x in topic.triage.signs if x.id == sign_id)
    doc = s.result()
    assert doc["level"] == level and sign_id in [r["id"] for r in doc["reasons"]]
    if level == "emergency":
        assert asked[-1] == sign_id, "the questions stop at an emergency"
        level_of = {x.id: x.level for x in topic.triage.signs}
        assert {level_of[i] for i in asked} == {"emergency"}


def test_a_not_sure_counted_as_yes_is_shown_as_not_sure(session, topic):
    """Never restated as a symptom the person has."""
    s, asked = interview(session, topic, lambda sign: "?" if sign.id == "stroke-signs" else "n")
    assert s.wait() == 0
    doc = s.result()
    (reason,) = [r for r in doc["reasons"] if r["id"] == "stroke-signs"]
    assert reason["answer"] == "unsure"
    assert reason["title"].endswith("not sure (counted as yes, to be safe)")
