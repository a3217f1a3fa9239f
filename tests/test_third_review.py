"""The third safety review (issue 19): what a person who fell through the
map now gets, in every command and format.

The signs, levels and combinations are checked against docs/safety.md in
test_triage, test_safety_review and test_vignettes; here are the words and
the medicine rules a person relies on.
"""

from __future__ import annotations

import html
import json
import re

import pytest
import safety_spec as spec
from conftest import WORDS

from soreadvisor.advice.triage import fill

FORMATS = ["plain", "markdown", "json", "rich"]
SHEET_FORMATS = ["plain", "markdown", "html"]
NEW_SIGNS = [
    "cold-pale-limb",
    "allergy-serious",
    "stroke-signs",
    "allergy-rash",
    "injury-signs",
    "preeclampsia-signs",
]
ADULT_DOSE = re.compile(r"500 ?mg|8 tablets|4 g\b")


def flat(text: str) -> str:
    """Text as a reader sees it: entities decoded, runs of spaces and line breaks as one space."""
    return " ".join(html.unescape(text).split())


def sign(topic, sign_id: str):
    return next(s for s in topic.triage.signs if s.id == sign_id)


def option(topic, remedy_id: str, option_id: str):
    remedy = next(r for r in topic.remedies if r.id == remedy_id)
    return next(o for o in remedy.options if o.id == option_id)


def ok(result):
    assert result.code == 0, result.err
    return result


# --- the new signs ------------------------------------------------------------------


def test_check_list_shows_each_new_sign_with_its_level(cli):
    doc = json.loads(ok(cli("check", "--list", "--format", "json")).out)
    listed = {s["id"]: s["level"] for s in doc["signs"]}
    for sign_id in NEW_SIGNS:
        assert listed[sign_id] == spec.SIGNS[sign_id]


@pytest.mark.parametrize("sign_id", NEW_SIGNS)
def test_each_new_sign_alone_gives_its_level_through_check(cli, sign_id):
    doc = json.loads(ok(cli("check", "--symptom", sign_id, "--format", "json")).out)
    assert doc["level"] == spec.SIGNS[sign_id]


@pytest.mark.parametrize("sign_id", ["injury-signs", "preeclampsia-signs"])
def test_injury_and_pre_eclampsia_say_now_not_today(cli, topic, sign_id):
    out = ok(cli("check", "--symptom", sign_id, "--region", "uk", "--format", "plain")).out
    lines = out.splitlines()
    assert lines[1] == "Get medical help now"
    actions = out.split("WHAT TO DO\n")[1].split("\n\n")[0]
    uk = next(r for r in topic.triage.regions if r.id == "uk")
    assert actions.splitlines()[0] == "- " + fill(sign(topic, sign_id).action, topic.triage, uk)
    assert " now" in actions.splitlines()[0] and "today" not in actions.splitlines()[0]


def test_an_injury_with_a_numb_foot_is_an_emergency_with_nothing_weaker(cli):
    out = ok(
        cli(
            "check",
            "--symptom",
            "injury-signs",
            "--symptom",
            "numbness-tingling",
            "--region",
            "uk",
            "--format",
            "plain",
        )
    ).out
    assert out.splitlines()[1] == "Call 999 now"
    assert "Go now to an urgent treatment centre" not in out, "no weaker action beside 999"


# --- the wording rules -----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_emergency_with_a_clot_sign_has_no_weaker_line_beside_the_number(cli, fmt):
    out = ok(
        cli(
            "check",
            "--symptom",
            "one-leg-swelling",
            "--symptom",
            "breathless",
            "--region",
            "uk",
            "--format",
            fmt,
            "--color",
            "never",
        )
    ).out
    text = flat(out).lower()
    assert "call 999 now" in text
    for weaker in ("get medical help", "see a doctor", "if you are worried", "today"):
        assert weaker not in text, weaker
    assert "do not massage, rub or put heat on that leg" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tense_calf_with_a_calf_sign_is_never_labelled_a_clot_alone(cli, topic, fmt):
    """R49: compartment syndrome after a leg massage was first treated as a clot."""
    out = flat(
        ok(
            cli(
                "check",
                "--symptom",
                "tense-calf",
                "--symptom",
                "calf-pain-one-side",
                "--format",
                fmt,
                "--color",
                "never",
            )
        ).out
    )
    assert topic.triage.clot_mimic_warning in out
    assert topic.triage.clot_warning not in out
    alone = flat(ok(cli("check", "--symptom", "calf-pain-one-side", "--format", fmt)).out)
    assert topic.triage.clot_warning in alone and "compartment" not in alone


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_soon_result_says_within_a_few_days_in_every_format(cli, fmt):
    out = ok(cli("check", "--symptom", "fever", "--format", fmt, "--color", "never")).out
    assert "within a few days" in flat(out).lower()


@pytest.mark.parametrize("fmt", FORMATS)
def test_plan_gives_the_number_beside_every_emergency_line(cli, fmt):
    out = flat(ok(cli("plan", "--at", "2h", "--region", "uk", "--format", fmt)).out)
    assert "You get short of breath, chest pain or feel faint: call 999 now." in out
    assert "{number}" not in out


@pytest.mark.parametrize("hours", ["2h", "20h", "50h", "100h"])
def test_plan_never_sends_a_warning_sign_to_a_command(cli, topic, hours):
    doc = json.loads(ok(cli("plan", "--at", hours, "--format", "json")).out)
    assert not any("soreadvisor" in line for line in doc["get_help_if"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_cope_low_names_the_emergency_signs_with_the_number_and_no_command(cli, fmt):
    out = flat(ok(cli("cope", "--severity", "low", "--region", "uk", "--format", fmt)).out)
    pointer = out[: out.index("Keep gently moving")]
    assert "Call 999 now if you get sudden breathlessness" in pointer
    for words in ("cough up blood", "tight, hard calf", "cold and pale", "lips, tongue or throat"):
        assert words in pointer
    assert "soreadvisor check" not in pointer


def test_search_never_sends_an_emergency_or_urgent_sign_to_a_command(cli, topic):
    for s in topic.triage.signs:
        if spec.SIGNS[s.id] in ("emergency", "urgent"):
            doc = json.loads(ok(cli("search", s.id, "--format", "json")).out)
            hit = next(h for h in doc["results"] if h["id"] == s.id)
            assert "soreadvisor" not in hit["warnings"][0], s.id


def test_region_ie_is_accepted_as_the_eu(cli):
    doc = json.loads(
        ok(cli("check", "--symptom", "breathless", "--region", "ie", "--format", "json")).out
    )
    assert doc["region"] == "eu" and doc["emergency_number"] == "112"
    assert cli("check", "--none", "--region", "atlantis").code != 0


# --- medicines by age --------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("cope", "--severity", "high", "--format", f) for f in FORMATS]
    + [("handout", "--format", f) for f in SHEET_FORMATS],
    ids=lambda c: f"{c[0]}-{c[-1]}",
)
@pytest.mark.parametrize("age", ["8", "13", "15"])
def test_under_16_no_adult_dose_is_shown_anywhere(cli, topic, command, age):
    for out in (ok(cli(*command, "--age", age)).out,):
        assert not ADULT_DOSE.search(out)
        text = flat(out)
        assert flat(option(topic, "pain-relief", "paracetamol").child_how) in text
        assert "Never give aspirin to anyone under 16" in text
        assert "Adults and young people" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_with_no_age_the_adult_line_is_labelled_and_the_childrens_follows(cli, topic, fmt):
    # on a terminal the doses are details (--details); every other format shows them
    details = ["--details"] if fmt == "rich" else []
    text = flat(ok(cli("cope", "--severity", "high", "--format", fmt, *details)).out)
    adult = text.index("Adults and young people aged 16 and over: Follow the label on your pack")
    child = text.index("Children under 16: A child's dose depends on their age", adult)
    assert adult < child


def test_with_no_age_a_compact_terminal_shows_no_dose_and_says_where_they_are(cli):
    text = flat(ok(cli("cope", "--severity", "high", "--format", "rich")).out)
    assert not ADULT_DOSE.search(text) and "Children under 16" not in text
    assert "Adults and young people" not in text and "--details" in text


def test_an_adult_sees_the_label_dose_without_the_childrens_line(cli):
    text = flat(ok(cli("cope", "--severity", "high", "--age", "40", "--format", "plain")).out)
    assert "1 or 2 tablets of 500 mg" in text and "Children under 16" not in text


# --- who a remedy is not for, with no profile ----------------------------------------


def no_profile_lines(topic) -> dict[str, str]:
    """The one short caution per remedy or medicine said when no profile is on file."""
    out = {}
    for r in topic.remedies:
        for c in r.cautions:
            if c.no_profile:
                out[r.id] = c.text
        for o in r.options:
            for c in o.cautions:
                if c.no_profile:
                    out[o.id] = c.text
    return out


def test_ibuprofen_compression_and_heat_each_have_one_no_profile_caution(topic):
    lines = no_profile_lines(topic)
    assert set(lines) == {"ibuprofen", "compression", "heat"}
    for words in ("blood thinner", "ulcer", "pregnant", "asthma", "kidney", "heart failure"):
        assert words in lines["ibuprofen"]
    assert "poor circulation" in lines["compression"] and "numb feet" in lines["compression"]


@pytest.mark.parametrize(
    "command",
    [("cope", "--severity", "high", "--format", f) for f in FORMATS]
    + [("handout", "--format", f) for f in SHEET_FORMATS],
    ids=lambda c: f"{c[0]}-{c[-1]}",
)
def test_with_no_profile_each_caution_is_shown_in_every_format(cli, topic, command):
    text = flat(ok(cli(*command, "--no-profile")).out)
    for line in no_profile_lines(topic).values():
        assert line in text


def test_with_no_profile_plan_keeps_the_cautions_in_json_as_plain_shows_them(cli, topic):
    doc = json.loads(ok(cli("plan", "--at", "20h", "--no-profile", "--format", "json")).out)
    said = " ".join(w for step in doc["now_warnings"] for w in step["warnings"])
    plain = flat(ok(cli("plan", "--at", "20h", "--no-profile", "--format", "plain")).out)
    lines = no_profile_lines(topic)
    for key in ("ibuprofen", "compression"):
        assert lines[key] in said and lines[key] in plain


def test_plan_json_keeps_the_check_with_a_pharmacist_warning(cli):
    args = ("plan", "--at", "20h", "--condition", "asthma", "--no-profile")
    plain = flat(ok(cli(*args, "--format", "plain")).out)
    doc = json.loads(ok(cli(*args, "--format", "json")).out)
    said = [w for step in doc["now_warnings"] for w in step["warnings"]]
    assert said and all(flat(w) in plain for w in said)
    assert any("Check with a pharmacist first" in w for w in said)


def test_a_profile_that_does_not_rule_a_remedy_out_still_says_who_it_is_not_for(cli, topic):
    """A profile (or a therapist's one condition) may not hold every medicine: a
    remedy still advised keeps its "Not for you if" line, in every command."""
    lines = no_profile_lines(topic)
    for command in (("cope", "--severity", "high"), ("handout",), ("plan", "--at", "20h")):
        text = flat(ok(cli(*command, "--condition", "raynauds", "--format", "plain")).out)
        for key in ("ibuprofen", "compression"):
            assert lines[key] in text, (command, key)


def test_with_a_profile_the_no_profile_caution_gives_way_to_the_persons_own(cli, topic):
    text = flat(
        ok(
            cli("cope", "--severity", "high", "--medication", "anticoagulant", "--format", "plain")
        ).out
    )
    assert no_profile_lines(topic)["ibuprofen"] not in text
    assert "NOT ADVISED FOR YOU" in text or "Ibuprofen (an anti-inflammatory): Not advised" in text


def test_heat_is_ruled_out_with_peripheral_arterial_disease(cli):
    doc = json.loads(
        ok(
            cli(
                "cope",
                "--severity",
                "high",
                "--condition",
                "peripheral-arterial-disease",
                "--format",
                "json",
            )
        ).out
    )
    heat = next(r for r in doc["remedies"] if r["id"] == "heat")
    assert heat["advised"] is False
    assert "hot water bottles" in " ".join(heat["reasons"])


# --- medicines that interact with ibuprofen ----------------------------------------


def pain_relief(cli, *args: str) -> dict:
    doc = json.loads(
        ok(cli("cope", "--severity", "high", "--no-profile", *args, "--format", "json")).out
    )
    return next(r for r in doc["remedies"] if r["id"] == "pain-relief")


def test_one_of_a_diuretic_ace_inhibitor_or_arb_is_check_with_a_pharmacist_and_stop_when_ill(cli):
    for med in ("diuretic", "ace-inhibitor-or-arb"):
        pain = pain_relief(cli, "--medication", med)
        options = {o["id"]: o["advised"] for o in pain["options"]}
        assert options == {"ibuprofen": True, "paracetamol": True}, med
        warning = next(w for w in pain["warnings"] if "vomiting" in w)
        assert warning.startswith("Ibuprofen") and "pharmacist" in warning and "fever" in warning


def test_a_diuretic_with_an_ace_inhibitor_or_arb_rules_ibuprofen_out(cli, topic):
    pain = pain_relief(cli, "--medication", "diuretic", "--medication", "ace-inhibitor-or-arb")
    options = {o["id"]: o for o in pain["options"]}
    assert options["ibuprofen"]["advised"] is False and options["paracetamol"]["advised"] is True
    assert "triple whammy" in " ".join(options["ibuprofen"]["reasons"])


def test_ssri_is_marked_unverified_for_snris(topic):
    text = next(
        c.text
        for c in option(topic, "pain-relief", "ibuprofen").cautions
        if "ssri" in c.medications
    )
    assert "SNRI" in text and "no source about them was checked" in text


# --- the aftercare sheet --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["plain", "html"])
def test_the_sheet_corrects_soreness_means_it_worked_and_lists_the_new_checks(cli, fmt):
    text = flat(ok(cli("handout", "--format", fmt)).out)
    assert "soreness means the massage worked, or is the body healing" in text
    for item in ("osteoporosis", "low platelets", "had a baby in the last 6 weeks"):
        assert item in text


def test_the_sheet_lists_the_new_signs_with_the_number_and_no_command(cli, topic):
    text = flat(ok(cli("handout", "--region", "uk", "--format", "plain")).out)
    for sign_id in NEW_SIGNS:
        assert sign(topic, sign_id).text in text
    assert "soreadvisor" not in text.lower().replace("soreadvisor sources", "")
    assert "Call 999 now" in text


# --- the diary ----------------------------------------------------------------------


def test_a_score_of_10_soon_after_a_massage_says_get_help_today(cli, private_home, topic):
    ok(cli("massage", "--at", "5h"))
    logged = ok(cli("log", "10"))
    assert "Get medical help today" in logged.err
    doc = json.loads(ok(cli("history", "--format", "json")).out)
    assert doc["headline"].startswith("Get medical help today")
    assert [e["id"] for e in doc["escalations"]] == ["worst"], (
        "one message: today, not 'within a few days'"
    )
    assert "within 3 days" in doc["headline"] and "emergency number" in doc["headline"]


def test_a_score_of_10_long_after_the_massage_is_the_severe_score_within_a_few_days(
    cli, private_home
):
    ok(cli("massage", "--at", "5d"))
    ok(cli("log", "10"))
    doc = json.loads(ok(cli("history", "--format", "json")).out)
    ids = [e["id"] for e in doc["escalations"]]
    assert "worst" not in ids and "high_score" in ids


def test_a_score_of_9_soon_after_a_massage_is_not_the_worst(cli, private_home):
    ok(cli("massage", "--at", "5h"))
    ok(cli("log", "9"))
    doc = json.loads(ok(cli("history", "--format", "json")).out)
    assert [e["id"] for e in doc["escalations"]] == ["high_score"]
    assert "within a few days" in doc["headline"]


def test_the_diarys_worst_score_rule_is_the_one_the_doc_states(topic):
    doc = flat(spec.DOC.read_text("utf-8"))
    rules = topic.diary
    assert f"a pain score of {rules.worst_score}" in doc
    assert (
        f"within {rules.worst_within_hours:g} hours of a massage counts as `severe-weakness`" in doc
    )


def test_a_10_within_the_window_counts_however_the_episode_goes_on(topic):
    """Pure: a 10 at 5 h, then easing; a 10 only after the window does not count."""
    from datetime import datetime, timedelta, timezone

    from soreadvisor.advice.trend import assess
    from soreadvisor.diary.models import Score

    start = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def at(hours: float) -> datetime:
        return start + timedelta(hours=hours)

    early = [Score(1, at(5), 10), Score(2, at(30), 6), Score(3, at(60), 3)]
    now = at(70)
    assert [e for e, _ in assess(early, topic.diary, start, now, WORDS).escalations][0] == "worst"
    late = [Score(1, at(5), 5), Score(2, at(80), 10)]
    ids = [e for e, _ in assess(late, topic.diary, start, at(81), WORDS).escalations]
    assert "worst" not in ids and "high_score" in ids


def test_a_signs_short_line_keeps_every_call_the_number_clause_of_its_action(topic):
    """The compact screen shows a sign's short line instead of its action: a
    "call the number" the action holds must not be lost there."""
    for sign in topic.triage.signs:
        if sign.short and sign.action and "{number}" in sign.action:
            assert "{number}" in sign.short, sign.id


def test_the_compact_screen_says_call_the_number_for_a_rash_or_an_injury_that_turns_serious(
    cli, topic
):
    from conftest import PtySession
    from test_screen import flat as screen_flat

    session = PtySession(
        "cope", "--severity", "high", "--region", "uk", "--no-pager", separate_stdout=False
    )
    try:
        assert session.wait() == 0
        screen = screen_flat(session.screen)
    finally:
        session.close()
    for sign in ("allergy-rash", "injury-signs"):
        short = next(s.short for s in topic.triage.signs if s.id == sign)
        assert "call 999 now" in short.replace("{number}", "999"), sign
        assert flat(short.replace("{number}", "999")) in screen, sign


def test_a_dont_about_a_remedy_ruled_out_for_you_is_not_said(cli, topic):
    ice_donts = {d.id for d in topic.donts if d.remedy == "ice"}
    assert ice_donts
    doc = json.loads(ok(cli("cope", "--condition", "raynauds", "--format", "json")).out)
    said = {d["id"] for d in doc["donts"]}
    assert not ice_donts & said
    doc = json.loads(ok(cli("cope", "--no-profile", "--format", "json")).out)
    assert ice_donts <= {d["id"] for d in doc["donts"]}
