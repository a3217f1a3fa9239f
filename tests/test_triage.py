"""The warning-sign screen (`check`): levels, signs, combination rules, regions.

The expected levels come from docs/safety.md, the spec (read by safety_spec):
the tests check the knowledge base and the triage engine against it.
"""

from __future__ import annotations

import copy
import itertools
import json

import pytest
import safety_spec as spec
from hypothesis import given, settings
from hypothesis import strategies as st

from soreadvisor.advice import triage
from soreadvisor.advice.profile import Profile

# The spec is docs/safety.md: its tables of levels, signs and combinations
# (read by safety_spec), never a copy here.
LEVELS = spec.LEVELS
RANK = spec.RANK
SPEC_SIGNS = spec.SIGNS
DVT_SIGNS = ["one-leg-swelling", "calf-pain-one-side", "leg-warm-red"]

# Every way each combination of the spec can fire: (signs, medications, conditions, level).
SPEC_COMBINATIONS = [
    (combo, tuple(c.medications[:1]), tuple(c.conditions[:1]), c.level)
    for c in spec.COMBINATIONS
    for combo in itertools.product(*c.groups)
]

# The emergency numbers docs/safety.md names.
SPEC_NUMBERS = {"uk": "999", "us": "911", "ca": "911", "eu": "112", "au": "000", "nz": "111"}


def spec_level(signs: set[str], medications=(), conditions=()) -> str:
    """The minimum level the spec asks for, from its tables alone."""
    return spec.spec_level(set(signs), medications, conditions)


def assess(topic, signs, profile: Profile | None = None) -> triage.Assessment:
    return triage.assess(topic.triage, set(signs), profile or Profile())


# --- the data against the spec -------------------------------------------------


def test_levels_are_the_four_of_the_spec_lowest_first(topic):
    assert [lv.id for lv in topic.triage.levels] == LEVELS


def test_every_level_says_what_to_do_by_when_and_what_if_it_gets_worse(topic):
    for level in topic.triage.levels:
        assert level.action.strip() and level.timeframe.strip() and level.if_worse.strip(), level.id


def test_knowledge_base_has_exactly_the_warning_signs_of_the_spec(topic):
    assert {s.id for s in topic.triage.signs} == set(SPEC_SIGNS)


@pytest.mark.parametrize("sign_id", sorted(SPEC_SIGNS))
def test_each_warning_sign_alone_gives_the_level_the_spec_sets(topic, sign_id):
    sign = next(s for s in topic.triage.signs if s.id == sign_id)
    assert sign.level == SPEC_SIGNS[sign_id]
    assert assess(topic, {sign_id}).level.id == SPEC_SIGNS[sign_id]


def test_every_warning_sign_is_asked_as_a_question_and_cites_a_source(topic):
    refs = {r.id for r in topic.references}
    for sign in topic.triage.signs:
        assert sign.question.strip().endswith("?"), sign.id
        assert sign.references and set(sign.references) <= refs, sign.id


def test_exactly_the_dvt_signs_of_the_spec_are_clot_signs(topic):
    assert {s.id for s in topic.triage.signs if s.clot} == set(DVT_SIGNS)


def test_not_sure_counts_as_yes_for_emergency_and_urgent_questions_only(topic):
    tr = topic.triage
    for sign in tr.signs:
        expected = SPEC_SIGNS[sign.id] in ("emergency", "urgent")
        assert triage.counts_as_yes(tr, sign, "unsure", Profile()) is expected, sign.id
        assert triage.counts_as_yes(tr, sign, "yes", Profile()) is True
        assert triage.counts_as_yes(tr, sign, "no", Profile()) is False


def test_not_sure_counts_as_yes_where_the_profile_makes_a_sign_urgent(topic):
    """Large bruising is `soon`, but `urgent` on blood thinners: "not sure" must count."""
    tr = topic.triage
    bruising = next(s for s in tr.signs if s.id == "large-bruising")
    on_thinners = Profile(medications=["anticoagulant"])
    assert triage.counts_as_yes(tr, bruising, "unsure", Profile()) is False
    assert triage.counts_as_yes(tr, bruising, "unsure", on_thinners) is True
    listed = {
        i.id: i.data["level"]
        for section in triage.warning_sign_sections(topic, on_thinners)
        for i in section.items
    }
    assert listed["large-bruising"] == "urgent"  # under "get medical help today"
    assert "large-bruising" not in [
        i.id for section in triage.warning_sign_sections(topic, Profile()) for i in section.items
    ]


@pytest.mark.parametrize(
    "signs,medications,conditions,level",
    SPEC_COMBINATIONS,
    ids=["+".join(c + m + d) for c, m, d, _ in SPEC_COMBINATIONS],
)
def test_each_combination_of_the_spec_gives_its_level(topic, signs, medications, conditions, level):
    profile = Profile(medications=list(medications), conditions=list(conditions))
    result = assess(topic, set(signs), profile)
    assert RANK[result.level.id] >= RANK[level]
    assert result.level.id == spec_level(set(signs), medications, conditions)


def test_large_bruising_without_blood_thinners_stays_soon(topic):
    assert assess(topic, {"large-bruising"}).level.id == "soon"


def test_large_bruising_on_blood_thinners_is_urgent_and_says_why(topic):
    result = assess(topic, {"large-bruising"}, Profile(medications=["anticoagulant"]))
    assert result.level.id == "urgent"
    assert any(r.kind == "rule" and r.level == "urgent" for r in result.reasons)


def test_dark_urine_alone_is_urgent_but_with_weakness_is_an_emergency(topic):
    assert assess(topic, {"dark-urine"}).level.id == "urgent"
    assert assess(topic, {"dark-urine", "severe-weakness"}).level.id == "emergency"


def test_every_rule_in_the_knowledge_base_fires_for_every_combination_it_names(topic):
    tr = topic.triage
    for rule in tr.rules:
        # one of the rule's medications or conditions is enough
        if rule.medications:
            profile = Profile(medications=rule.medications[:1])
        else:
            profile = Profile(conditions=rule.conditions[:1])
        for combo in itertools.product(*rule.all_of):
            result = triage.assess(tr, set(combo), profile)
            assert RANK[result.level.id] >= RANK[rule.level], (rule.id, combo)
            assert rule.id in [r.id for r in result.reasons if r.kind == "rule"], (rule.id, combo)
        assert rule.references, rule.id


def test_a_rule_needing_a_medication_does_not_fire_without_it(topic):
    tr = topic.triage
    for rule in tr.rules:
        if not (rule.medications or rule.conditions):
            continue
        combo = {group[0] for group in rule.all_of}
        result = triage.assess(tr, combo, Profile())
        assert rule.id not in [r.id for r in result.reasons], rule.id


def test_no_signs_is_self_care(topic):
    result = assess(topic, set())
    assert result.level.id == "self-care"
    assert result.reasons == [] and result.clot is False


# --- the engine's rules of the game ---------------------------------------------

sign_sets = st.sets(st.sampled_from(sorted(SPEC_SIGNS)))
medication_sets = st.sets(st.sampled_from(["anticoagulant", "aspirin", "antiplatelet", "ssri"]))
condition_sets = st.sets(st.sampled_from(["bleeding-disorder", "diabetes", "asthma"]))


@settings(max_examples=300, deadline=None)
@given(
    signs=sign_sets,
    extra=st.sampled_from(sorted(SPEC_SIGNS)),
    meds=medication_sets,
    conds=condition_sets,
)
def test_adding_a_sign_never_lowers_the_level(topic, signs, extra, meds, conds):
    profile = Profile(medications=sorted(meds), conditions=sorted(conds))
    before = assess(topic, signs, profile).level.id
    after = assess(topic, signs | {extra}, profile).level.id
    assert RANK[after] >= RANK[before]


@settings(max_examples=300, deadline=None)
@given(signs=sign_sets, meds=medication_sets, conds=condition_sets)
def test_level_is_never_below_what_the_spec_asks_for(topic, signs, meds, conds):
    profile = Profile(medications=sorted(meds), conditions=sorted(conds))
    assert RANK[assess(topic, signs, profile).level.id] >= RANK[spec_level(signs, meds, conds)]


@settings(max_examples=300, deadline=None)
@given(signs=sign_sets, meds=medication_sets, conds=condition_sets)
def test_highest_level_triggered_wins(topic, signs, meds, conds):
    """The level is the highest of the signs present and the rules that fire, no more."""
    tr = topic.triage
    profile = Profile(medications=sorted(meds), conditions=sorted(conds))
    levels = [s.level for s in tr.signs if s.id in signs]
    for rule in tr.rules:
        groups = all(signs & set(group) for group in rule.all_of)
        needs = rule.medications or rule.conditions
        person = (set(rule.medications) & meds) or (set(rule.conditions) & conds)
        if groups and (not needs or person):
            levels.append(rule.level)
    expected = max(levels, key=RANK.__getitem__, default="self-care")
    result = assess(topic, signs, profile)
    assert result.level.id == expected
    assert result.clot == bool(signs & set(DVT_SIGNS))


@settings(max_examples=200, deadline=None)
@given(signs=sign_sets)
def test_an_emergency_sign_is_never_sent_to_a_lower_level(topic, signs):
    signs = signs | {"breathless"}
    assert assess(topic, signs).level.id == "emergency"


def test_a_combination_rule_can_only_raise_the_level(topic):
    """Even a (mis)written rule at the lowest level cannot pull an emergency down."""
    tr = copy.deepcopy(topic.triage)
    low = copy.deepcopy(tr.rules[0])
    low.id, low.level, low.all_of = "lowering", "self-care", [["breathless"]]
    low.medications, low.conditions = [], []
    tr.rules.append(low)
    assert triage.assess(tr, {"breathless"}, Profile()).level.id == "emergency"
    assert triage.assess(tr, {"one-leg-swelling", "breathless"}, Profile()).level.id == "emergency"


def test_questions_are_asked_most_serious_first(topic):
    order = [RANK[s.level] for s in triage.questions(topic.triage)]
    assert order == sorted(order, reverse=True)
    emergency = {s for s, lv in SPEC_SIGNS.items() if lv == "emergency"}
    first = {s.id for s in triage.questions(topic.triage)[: len(emergency)]}
    assert first == emergency


# --- through the command line ----------------------------------------------------


def check_json(cli, *args: str) -> dict:
    result = cli("check", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_swollen_leg_and_breathless_is_an_emergency(cli):
    doc = check_json(cli, "--symptom", "one-leg-swelling", "--symptom", "breathless")
    assert doc["level"] == "emergency"
    assert {"level", "reasons", "actions", "emergency_number"} <= set(doc)
    reason_ids = [r["id"] for r in doc["reasons"]]
    assert "one-leg-swelling" in reason_ids and "breathless" in reason_ids


def test_none_is_self_care(cli):
    doc = check_json(cli, "--none")
    assert doc["level"] == "self-care"
    assert "clot_warning" not in doc
    assert doc["actions"]


@pytest.mark.parametrize("sign_id", sorted(SPEC_SIGNS))
def test_check_reports_each_sign_at_its_spec_level(cli, sign_id):
    assert check_json(cli, "--symptom", sign_id)["level"] == SPEC_SIGNS[sign_id]


def test_check_actions_include_what_to_do_and_what_if_it_gets_worse(cli, topic):
    for signs, level in (
        (["--none"], "self-care"),
        (["--symptom", "fever"], "soon"),
        (["--symptom", "dark-urine"], "urgent"),
        (["--symptom", "fainting"], "emergency"),
    ):
        doc = check_json(cli, *signs)
        lv = next(x for x in topic.triage.levels if x.id == level)
        assert doc["level"] == level
        tr = topic.triage
        # the level's own two lines, the number filled in: one message per result
        # (with no region the generic number is said in full once, then short)
        short = tr.generic_number_again
        said = [a.replace(tr.generic_number, short) for a in doc["actions"]]
        assert said == [
            triage.fill(lv.action, tr, None).replace(tr.generic_number, short),
            triage.fill(lv.if_worse, tr, None).replace(tr.generic_number, short),
        ]
        assert not any("{" in a for a in doc["actions"])


@pytest.mark.parametrize("sign_id", DVT_SIGNS)
def test_a_clot_sign_says_do_not_massage_rub_or_heat_that_leg(cli, sign_id):
    doc = check_json(cli, "--symptom", sign_id)
    warning = doc["clot_warning"].lower()
    for word in ("massage", "rub", "heat"):
        assert word in warning
    plain = cli("check", "--symptom", sign_id, "--format", "plain").out
    assert doc["clot_warning"] in plain


@pytest.mark.parametrize("sign_id", sorted(set(SPEC_SIGNS) - set(DVT_SIGNS)))
def test_signs_that_are_not_clot_signs_give_no_clot_warning(cli, sign_id):
    assert "clot_warning" not in check_json(cli, "--symptom", sign_id)


def test_clot_warning_stays_when_the_level_is_an_emergency(cli):
    doc = check_json(cli, "--symptom", "leg-warm-red", "--symptom", "chest-pain")
    assert doc["level"] == "emergency" and "clot_warning" in doc


def test_large_bruising_with_anticoagulant_option_is_urgent(cli):
    assert check_json(cli, "--symptom", "large-bruising")["level"] == "soon"
    doc = check_json(cli, "--symptom", "large-bruising", "--medication", "anticoagulant")
    assert doc["level"] == "urgent"
    assert any(r["kind"] == "rule" for r in doc["reasons"])


@pytest.mark.parametrize("region,number", sorted(SPEC_NUMBERS.items()))
def test_region_gives_its_emergency_number(cli, region, number):
    doc = check_json(cli, "--symptom", "breathless", "--region", region)
    assert doc["emergency_number"] == number
    assert doc["region"] == region
    assert any(number in action for action in doc["actions"])


@pytest.mark.parametrize("region", sorted(SPEC_NUMBERS))
def test_region_names_its_urgent_service_for_an_urgent_result(cli, topic, region):
    service = next(r.urgent_service for r in topic.triage.regions if r.id == region)
    doc = check_json(cli, "--symptom", "one-leg-swelling", "--region", region)
    assert doc["level"] == "urgent"
    assert any(service in action for action in doc["actions"])


def test_without_a_region_the_number_is_null_and_a_generic_line_names_112_911_999(cli, topic):
    """Issue 22: the generic line is said once per answer, first where it is read
    first (the headline); after that the short form."""
    doc = check_json(cli, "--symptom", "breathless")
    assert doc["emergency_number"] is None
    text = json.dumps([doc["headline"], doc["actions"], doc.get("disclaimer")])
    full = topic.triage.generic_number
    assert full in doc["headline"]
    assert text.count(full) == 1, text
    assert topic.triage.generic_number_again in " ".join(doc["actions"])
    plain = cli("check", "--symptom", "breathless", "--format", "plain").out
    assert plain.count(full) == 1, plain


@pytest.mark.parametrize(
    "env,region",
    [
        ({"LANG": "en_GB.UTF-8"}, "uk"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "en_AU.UTF-8"}, "au"),
        ({"LANG": "fr_FR.UTF-8"}, "eu"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "en_ZZ.UTF-8"}, None),
    ],
)
def test_with_no_region_the_locale_territory_names_one_and_the_answer_says_so(
    cli, monkeypatch, env, region
):
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    doc = check_json(cli, "--symptom", "breathless")
    assert doc["region"] == region
    if region is None:
        assert doc["emergency_number"] is None and "region_note" not in doc
    else:
        assert doc["emergency_number"] == SPEC_NUMBERS[region]
        assert doc["region_from_locale"] == env.get("LC_ALL", env["LANG"])
        assert env.get("LC_ALL", env["LANG"]) in doc["region_note"]
    # a region given (or saved) always wins over the locale
    assert check_json(cli, "--symptom", "breathless", "--region", "nz")["region"] == "nz"


def test_region_comes_from_the_saved_profile(cli):
    assert cli("profile", "set", "--region", "au").code == 0
    assert check_json(cli, "--symptom", "breathless")["emergency_number"] == SPEC_NUMBERS["au"]
    # and an option overrides it for one run
    doc = check_json(cli, "--symptom", "breathless", "--region", "nz")
    assert doc["emergency_number"] == SPEC_NUMBERS["nz"]


def test_check_list_prints_one_sign_per_line_when_piped_id_first(cli, topic):
    """Like topics and search: the id, a tab, the sign (``cut -f1`` gives the ids)."""
    result = cli("check", "--list")
    assert result.code == 0
    rows = [line.split("\t") for line in result.out.split("\n")[:-1]]
    assert sorted(r[0] for r in rows) == sorted(SPEC_SIGNS)
    texts = {s.id: s.text for s in topic.triage.signs}
    assert all(len(r) == 2 and r[1] == texts[r[0]] for r in rows)
    assert result.out.endswith("\n")


def test_check_list_json_gives_id_question_and_level(cli, topic):
    doc = json.loads(cli("check", "--list", "--format", "json").out)
    signs = {s["id"]: s for s in doc["signs"]}
    assert set(signs) == set(SPEC_SIGNS)
    for sign in topic.triage.signs:
        assert signs[sign.id]["question"] == sign.question
        assert signs[sign.id]["level"] == SPEC_SIGNS[sign.id]


def test_unknown_symptom_exits_non_zero_and_names_the_valid_ids(cli):
    result = cli("check", "--symptom", "headache")
    assert result.code != 0
    assert "headache" in result.err
    for sign_id in SPEC_SIGNS:
        assert sign_id in result.err
    assert "Traceback" not in result.err + result.out


def test_misspelt_symptom_suggests_the_right_id(cli):
    result = cli("check", "--symptom", "breathles")
    assert result.code != 0 and "did you mean" in result.err and "breathless" in result.err


def test_symptom_and_none_together_are_refused(cli):
    result = cli("check", "--symptom", "fever", "--none")
    assert result.code != 0
    assert "--none" in result.err and result.out == ""


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
def test_emergency_result_names_the_level_in_every_format(cli, topic, fmt):
    level = next(lv for lv in topic.triage.levels if lv.id == "emergency")
    title = triage.fill(level.title, topic.triage, None)
    out = cli("check", "--symptom", "coughing-blood", "--format", fmt).out
    assert title in " ".join(out.split())


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
def test_an_emergency_leads_with_the_number_and_nothing_softens_it(cli, topic, fmt):
    """Issue 12, done when: the number in the first lines, no "if you are worried"."""
    level = next(lv for lv in topic.triage.levels if lv.id == "emergency")
    assert level.role == "emergency" and level.disclaimer
    out = cli("check", "--symptom", "coughing-blood", "--region", "uk", "--format", fmt).out
    first = " ".join(out.splitlines()[:3])
    assert "Call 999 now" in first
    flat = " ".join(out.split())
    assert "worried" not in flat and "Time frame" not in flat
    assert " ".join(level.disclaimer.split()) in flat
    assert topic.disclaimer not in flat


def test_check_has_no_time_frame_line_but_json_keeps_the_timeframe(cli, topic):
    lv = next(x for x in topic.triage.levels if x.id == "urgent")
    out = cli("check", "--symptom", "dark-urine", "--format", "plain").out
    assert "Time frame" not in out
    assert out.splitlines()[1] == triage.fill(lv.title, topic.triage, None)
    assert check_json(cli, "--symptom", "dark-urine")["timeframe"] == lv.timeframe


def test_a_check_with_no_sign_says_so_in_the_datas_words(cli, topic):
    doc = check_json(cli, "--none")
    assert [r["title"] for r in doc["reasons"]] == [topic.triage.none_reported]
    assert doc["disclaimer"] == topic.disclaimer


def sections_of(report) -> list[str]:
    return [s.key for s in report.sections]


def test_a_doubt_about_a_more_serious_sign_is_said_first(topic):
    """One "not sure" about a fever (soon) with nothing else: the doubt and what
    to do about it lead, then the result should the sign be absent."""
    tr = topic.triage
    result = assess(topic, set())
    report = triage.check_report(topic, result, Profile(region="uk"), ["fever"])
    soon = next(lv for lv in tr.levels if lv.id == "soon")
    said = soon.title[:1].lower() + soon.title[1:]
    assert report.headline == tr.unsure_lead.replace("{level}", said)
    assert report.tone != "info"
    assert sections_of(report) == ["unsure", "result", "actions", "reasons"]
    (unsure,) = report.sections[0].items
    assert unsure.id == "fever" and said in unsure.summary
    home = next(lv for lv in tr.levels if lv.id == "self-care")
    assert [i.title for i in report.sections[1].items] == [home.title]
    assert "999" in " ".join(i.title for i in report.sections[2].items)


def test_a_doubt_about_a_sign_no_more_serious_than_the_result_comes_after_it(topic):
    tr = topic.triage
    result = assess(topic, {"fever"})
    report = triage.check_report(topic, result, Profile(), ["numbness-tingling"])
    assert result.level.id == "soon"
    assert report.headline == triage.fill(result.level.title, tr, None)
    assert sections_of(report) == ["actions", "reasons", "unsure"]
