"""The second safety review (issue 10): the emergencies we missed, and the
medicines and remedies we still offered to people they can hurt.

The spec of signs, levels and combinations is docs/safety.md, read by
safety_spec; the vignettes are tests/vignettes.yaml (tests/test_vignettes.py).
"""

from __future__ import annotations

import json

import pytest
import safety_spec as spec
from conftest import cautions_rule_out, cautions_warn, remedy_ruled_out
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soreadvisor.advice import triage
from soreadvisor.advice.cope import cope
from soreadvisor.advice.plan import plan
from soreadvisor.advice.profile import Profile
from soreadvisor.render.jsondoc import to_dict

RANK = spec.RANK


@pytest.mark.parametrize("sign_id,level", sorted(spec.SIGNS.items()))
def test_every_sign_of_the_spec_is_in_the_data_at_its_level_with_its_sources(topic, sign_id, level):
    signs = {s.id: s for s in topic.triage.signs}
    assert sign_id in signs, f"docs/safety.md names {sign_id!r}; the knowledge base does not"
    assert signs[sign_id].level == level
    assert signs[sign_id].references == spec.SIGN_REFS[sign_id]


def test_the_data_has_no_sign_the_spec_does_not_name(topic):
    assert {s.id for s in topic.triage.signs} == set(spec.SIGNS)


def test_every_rule_of_the_data_is_in_the_spec_with_the_same_signs_level_and_profile(topic):
    spec_rules = {c.id: c for c in spec.COMBINATIONS}
    assert {r.id for r in topic.triage.rules} == set(spec_rules)
    for rule in topic.triage.rules:
        c = spec_rules[rule.id]
        assert (rule.all_of, rule.level, rule.medications, rule.conditions) == (
            c.groups,
            c.level,
            c.medications,
            c.conditions,
        ), rule.id
        assert rule.references == c.references, rule.id


def test_the_levels_of_the_spec_are_the_datas_in_order(topic):
    assert [lv.id for lv in topic.triage.levels] == spec.LEVELS


def test_the_new_signs_are_asked_in_plain_words_with_a_source(topic):
    refs = {r.id for r in topic.references}
    for sign in topic.triage.signs:
        if sign.id in ("tense-calf", "sepsis-signs", "new-weakness"):
            assert sign.question.endswith("?") and sign.references, sign.id
            assert set(sign.references) <= refs
    tense = next(s for s in topic.triage.signs if s.id == "tense-calf")
    assert {"R44"} <= set(tense.references)
    sepsis = next(s for s in topic.triage.signs if s.id == "sepsis-signs")
    assert "R45" in sepsis.references
    numb = next(s for s in topic.triage.signs if s.id == "numbness-tingling")
    assert "weak" not in numb.question.lower(), "weakness is its own, urgent, question now"


def test_the_new_emergency_questions_come_before_every_urgent_one(topic):
    order = [s.id for s in triage.questions(topic.triage)]
    first_urgent = min(i for i, sid in enumerate(order) if RANK[level_of(topic, sid)] < 3)
    assert {order.index("tense-calf"), order.index("sepsis-signs")} < set(range(first_urgent))
    first_soon = min(i for i, sid in enumerate(order) if RANK[level_of(topic, sid)] < 2)
    assert order.index("new-weakness") < first_soon


def level_of(topic, sign_id: str) -> str:
    return next(s.level for s in topic.triage.signs if s.id == sign_id)


@pytest.mark.parametrize("sign_id", ["new-weakness"])
def test_not_sure_about_new_weakness_counts_as_yes(topic, sign_id):
    sign = next(s for s in topic.triage.signs if s.id == sign_id)
    assert triage.counts_as_yes(topic.triage, sign, "unsure", Profile())


# --- no benign person is raised ---------------------------------------------------------


def profiles(topic):
    return st.builds(
        Profile,
        conditions=st.lists(st.sampled_from([c.id for c in topic.conditions]), unique=True),
        medications=st.lists(st.sampled_from([m.id for m in topic.medications]), unique=True),
        age=st.none() | st.integers(0, 110),
        pregnant_weeks=st.none() | st.integers(1, 42),
    )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_profile_without_signs_is_raised_above_self_care(topic, data):
    profile = data.draw(profiles(topic))
    assert triage.assess(topic.triage, set(), profile).level.id == "self-care"


def test_check_none_with_every_condition_and_medicine_is_self_care(cli, topic):
    args = [a for c in topic.conditions for a in ("--condition", c.id)]
    args += [a for m in topic.medications for a in ("--medication", m.id)]
    doc = json.loads(cli("check", "--none", *args, "--age", "90", "--format", "json").out)
    assert doc["level"] == "self-care"


# --- nothing ruled out is advised: cope and plan, for anyone -----------------------------


def remedy_item(report, remedy_id: str):
    return next(
        i for s in report.sections if s.key == "remedies" for i in s.items if i.id == remedy_id
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_nothing_ruled_out_is_in_copes_advice(topic, data):
    profile = data.draw(profiles(topic))
    severity = data.draw(st.sampled_from(["low", "moderate", "high"]))
    report = cope(topic, severity, profile)
    advised = next(s for s in report.sections if s.key == "remedies").items
    advised_ids = {i.id for i in advised}
    for r in topic.remedies:
        if severity not in r.severities:
            continue
        if remedy_ruled_out(r, profile):
            assert r.id not in advised_ids, (r.id, profile)
            continue
        assert r.id in advised_ids
        item = next(i for i in advised if i.id == r.id)
        for option in r.options:
            given_how = option.id in {f.key for f in item.fields}
            if cautions_rule_out(option.cautions, profile):
                assert not given_how, (option.id, profile)
                assert any(w.startswith(f"{option.title}: Not advised") for w in item.warnings)
            elif cautions_warn(option.cautions, profile):
                # the check this person must make first, and not how much to take
                assert not given_how, (option.id, profile)
                assert any(w.startswith(f"{option.title}: Take care") for w in item.warnings)
            else:
                assert given_how


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_nothing_ruled_out_is_in_plans_steps_and_it_says_why_as_cope_does(topic, data):
    profile = data.draw(profiles(topic))
    phase = data.draw(st.sampled_from(topic.timeline.phases))
    report = plan(topic, phase.from_hours + 1, profile)
    doc = to_dict(report)
    now_items = next(s for s in report.sections if s.key == "now").items
    left_out = {i["id"]: i for i in doc.get("left_out", [])}
    ruled = {x["id"]: x for x in doc["ruled_out"]}
    steps_said = " ".join(doc["now"]).lower()
    for step in phase.now:
        r = next((x for x in topic.remedies if x.id == step.remedy), None)
        if r is None:
            assert step.text in doc["now"]
            continue
        # the same lines as cope gives for that remedy, at a severity it is for
        cope_lines = remedy_item(cope(topic, r.severities[-1], profile), r.id).warnings
        if remedy_ruled_out(r, profile):
            assert step.text not in doc["now"], (r.id, profile)
            assert left_out[r.id]["warnings"] == cope_lines
            assert ruled[r.id]["reasons"]
            continue
        assert step.text in doc["now"]
        item = next(i for i in now_items if i.title == step.text)
        assert item.warnings == cope_lines
        for option in r.options:
            if cautions_rule_out(option.cautions, profile):
                assert option.id not in steps_said, "a step never names what is ruled out"
                assert ruled[option.id]["reasons"] and ruled[option.id]["remedy"] == r.id
                assert any(w.startswith(f"{option.title}: Not advised") for w in item.warnings)
            else:
                assert option.id not in ruled


# --- the commands the issue names ----------------------------------------------------------


def cope_json(cli, *args: str) -> dict[str, dict]:
    result = cli("cope", *args, "--severity", "high", "--no-profile", "--format", "json")
    assert result.code == 0, result.err
    return {r["id"]: r for r in json.loads(result.out)["remedies"]}


def plan_json(cli, *args: str, since: str = "20h") -> dict:
    result = cli("plan", "--since", since, *args, "--no-profile", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def options_of(item: dict) -> dict[str, bool]:
    return {o["id"]: o["advised"] for o in item["options"]}


IBUPROFEN_OUT = [
    ("--medication", "anticoagulant"),
    ("--condition", "stomach-ulcer"),
    ("--condition", "heart-failure"),
    ("--medication", "nsaid-allergy"),
    ("--pregnant-weeks", "20"),
    # third review: antiplatelets (low-dose aspirin too), SSRIs and SNRIs,
    # steroid tablets, a diuretic with an ACE inhibitor or ARB
    ("--medication", "aspirin"),
    ("--medication", "antiplatelet"),
    ("--medication", "ssri"),
    ("--medication", "steroid"),
    ("--medication", "diuretic", "--medication", "ace-inhibitor-or-arb"),
    ("--pregnant-weeks", "8"),
]


@pytest.mark.parametrize("args", IBUPROFEN_OUT, ids=["+".join(a[1::2]) for a in IBUPROFEN_OUT])
def test_ibuprofen_is_ruled_out_and_paracetamol_offered(cli, topic, args):
    pain = cope_json(cli, *args)["pain-relief"]
    assert options_of(pain) == {"ibuprofen": False, "paracetamol": True}
    assert "ibuprofen" not in pain, "no instructions for a ruled-out medicine"
    assert any(w.startswith("Ibuprofen") and "Not advised" in w for w in pain["warnings"])


@pytest.mark.parametrize("args", IBUPROFEN_OUT, ids=["+".join(a[1::2]) for a in IBUPROFEN_OUT])
def test_plan_names_the_ruled_out_medicine_with_its_reason(cli, topic, args):
    doc = plan_json(cli, *args)
    ruled = {x["id"]: x for x in doc["ruled_out"]}
    assert "ibuprofen" in ruled and "paracetamol" not in ruled
    why = " ".join(ruled["ibuprofen"]["reasons"])
    avoid = next(
        c
        for o in next(r for r in topic.remedies if r.id == "pain-relief").options
        if o.id == "ibuprofen"
        for c in o.cautions
        if c.level == "avoid"
        and (
            c.pregnant_from_weeks is not None
            if args[0] == "--pregnant-weeks"
            else args[1] in c.conditions + c.medications + c.all_medications
        )
    )
    assert avoid.text in why
    text = cli("plan", "--since", "20h", *args, "--no-profile", "--format", "plain").out
    steps = text.split("WHAT TO DO NOW")[1].split("\n\n")[0]
    assert "Ibuprofen (an anti-inflammatory): Not advised because of" in steps
    assert avoid.text in " ".join(steps.split())


def test_the_reason_names_the_persons_own_condition_in_plain_words(cli, topic):
    doc = plan_json(cli, "--medication", "anticoagulant")
    why = next(x for x in doc["ruled_out"] if x["id"] == "ibuprofen")["reasons"][0]
    assert next(m.name for m in topic.medications if m.id == "anticoagulant") in why


@pytest.mark.parametrize(
    "args",
    [
        ("--condition", "past-stomach-ulcer"),
        ("--condition", "bleeding-disorder"),
    ],
)
def test_a_past_ulcer_or_bleeding_disorder_is_check_with_a_pharmacist(cli, args):
    pain = cope_json(cli, *args)["pain-relief"]
    assert options_of(pain)["ibuprofen"] is True
    assert any("pharmacist" in w and w.startswith("Ibuprofen") for w in pain["warnings"])


def test_paracetamol_stays_available_on_blood_thinners_with_a_pharmacist_check(cli):
    pain = cope_json(cli, "--medication", "anticoagulant")["pain-relief"]
    assert pain["advised"] is True and options_of(pain)["paracetamol"] is True
    assert any(w.startswith("Paracetamol") and "pharmacist" in w for w in pain["warnings"])
    # "check with a pharmacist first" is not followed by how much to take
    assert "paracetamol" not in pain


COMPRESSION_OUT = [
    "neuropathy",
    "fragile-skin",
    "heart-failure",
    "severe-leg-swelling",
    "peripheral-arterial-disease",
]


@pytest.mark.parametrize("condition", COMPRESSION_OUT)
def test_compression_is_ruled_out_in_cope_and_left_out_of_plan(cli, topic, condition):
    item = cope_json(cli, "--condition", condition)["compression"]
    assert item["advised"] is False and item["reasons"] and "how" not in item
    name = next(c.name for c in topic.conditions if c.id == condition)
    assert name in " ".join(item["reasons"])
    phase = next(p for p in topic.timeline.phases if any(s.remedy == "compression" for s in p.now))
    step = next(s for s in phase.now if s.remedy == "compression")
    doc = plan_json(cli, "--condition", condition, since=f"{phase.from_hours + 1:g}h")
    assert step.text not in doc["now"]
    assert "compression" in {i["id"] for i in doc["left_out"]}
    assert "compression" in {x["id"] for x in doc["ruled_out"]}


def test_with_diabetes_compression_stays_with_a_feet_check(cli):
    item = cope_json(cli, "--condition", "diabetes")["compression"]
    assert item["advised"] is True
    assert any("feet" in w for w in item["warnings"])


@pytest.mark.parametrize("remedy_id", ["compression", "stretching", "heat"])
def test_never_on_a_leg_with_clot_signs_is_said_to_everyone(cli, topic, remedy_id):
    r = next(x for x in topic.remedies if x.id == remedy_id)
    clot = [c.text for c in r.cautions if "clot" in c.text and not (c.conditions or c.medications)]
    assert clot, f"{remedy_id} must say never on a leg that could hold a clot"
    severity = r.severities[-1]
    result = cli("cope", "--severity", severity, "--no-profile", "--format", "json")
    item = next(x for x in json.loads(result.out)["remedies"] if x["id"] == remedy_id)
    assert clot[0] in item["cautions"]


# --- existing saved profiles ----------------------------------------------------------------


def test_a_profile_saved_before_the_review_still_works_and_gets_the_safer_advice(cli):
    """stomach-ulcer used to mean "now or in the past": the id is kept (a saved
    profile must not break), and now rules ibuprofen out, the safe reading."""
    from soreadvisor.userprofile import profile_path

    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "conditions": ["stomach-ulcer", "neuropathy"],
                "medications": ["anticoagulant"],
                "age": 70,
                "pregnant_weeks": None,
                "region": "uk",
            }
        )
    )
    path.chmod(0o600)
    result = cli("cope", "--format", "json")
    assert result.code == 0, result.err
    got = {r["id"]: r for r in json.loads(result.out)["remedies"]}
    assert options_of(got["pain-relief"])["ibuprofen"] is False
    assert got["compression"]["advised"] is False
    result = cli("plan", "--since", "20h", "--format", "json")
    assert result.code == 0, result.err
    assert "ibuprofen" in {x["id"] for x in json.loads(result.out)["ruled_out"]}
    assert cli("profile", "show", "--format", "plain").code == 0


# --- evidence corrections -------------------------------------------------------------------

# EVIDENCE.md §6: R44 and R45 were checked only through copies of the NHS pages
# (a second-hand copy is "unverified" by the notes' own markers); R46 and R47
# were checked; R48 (a news report) and R49 were not.
NEW_REFERENCES = {"R44": False, "R45": False, "R46": True, "R47": True, "R48": False, "R49": True}


def test_the_new_references_are_there_and_verified_only_where_checked(topic):
    refs = {r.id: r for r in topic.references}
    for ref_id, verified in NEW_REFERENCES.items():
        assert ref_id in refs, ref_id
        assert refs[ref_id].verified is verified, ref_id
        if not verified:
            assert refs[ref_id].note, f"{ref_id}: say what was and was not checked"


def test_r41_is_verified_only_for_what_was_checked(topic):
    """The ice cautions for Raynaud's, cold urticaria, neuropathy and diabetes were
    not checked: they cite the unverified half of R41, never R41 alone."""
    refs = {r.id: r for r in topic.references}
    assert refs["R41"].verified is True and refs["R41b"].verified is False
    ice = next(r for r in topic.remedies if r.id == "ice")
    for caution in ice.cautions:
        if caution.conditions:
            assert "R41b" in caution.references, caution.text


def test_compression_is_supported_for_exercise_soreness_only(topic):
    compression = next(r for r in topic.remedies if r.id == "compression")
    summary = compression.evidence.summary.lower()
    assert compression.evidence.verdict == "supported"
    assert "exercise" in summary and "only" in summary and "massage" in summary


def test_peak_soreness_window_is_the_checked_48_to_72_hours(topic):
    assert "48–72 hours" in topic.timeline.summary
    assert "between 1 and 3 days" not in topic.timeline.summary
    assert "R2" in topic.timeline.references


def test_the_diary_calls_7_out_of_10_severe(cli, topic):
    assert topic.diary.high_score == 7
    mild = cli("log", "6")
    assert mild.code == 0 and "or more is severe" not in mild.err
    severe = cli("log", "7")
    assert severe.code == 0 and "a score of 7 or more is severe" in severe.err
    # the action leads, with its time frame
    assert "See a doctor or pharmacist within a few days: a score of 7" in severe.err
