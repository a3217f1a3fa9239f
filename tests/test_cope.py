"""`cope`: the remedies for a severity, fitted to the person, never one that can hurt them.

Expectations come from the topic (which remedy applies at which severity,
which caution rules out whom) read independently of the advice code, and from
the issue and EVIDENCE.md §4 (ibuprofen from 20 weeks of pregnancy, over 65).
"""

from __future__ import annotations

import json

import pytest
from conftest import (
    caution_applies,
    cautions_rule_out,
    cautions_warn,
    remedy_ruled_out,
    said,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from soreadvisor.advice.cope import cope
from soreadvisor.advice.profile import Profile
from soreadvisor.render.jsondoc import to_dict

SEVERITIES = ["low", "moderate", "high"]


def remedies_json(cli, *args: str) -> dict[str, dict]:
    result = cli("cope", *args, "--format", "json")
    assert result.code == 0, result.err
    return {r["id"]: r for r in json.loads(result.out)["remedies"]}


def blocks(plain: str) -> list[list[str]]:
    """Plain output split into its blank-line separated blocks (heading first)."""
    return [b.split("\n") for b in plain.strip("\n").split("\n\n")]


def remedy(topic, remedy_id):
    return next(r for r in topic.remedies if r.id == remedy_id)


def name_of(topic, named_id):
    return next(n.name for n in topic.conditions + topic.medications if n.id == named_id)


# --- the person: contraindications --------------------------------------------------

# Every condition and medication id the topic defines (checked by the next test,
# so the strategy cannot silently fall behind the knowledge base).
CONDITIONS = [
    "raynauds",
    "cold-urticaria",
    "neuropathy",
    "diabetes",
    "peripheral-arterial-disease",
    "kidney-disease",
    "liver-disease",
    "heart-disease",
    "stomach-ulcer",
    "past-stomach-ulcer",
    "heart-failure",
    "fragile-skin",
    "severe-leg-swelling",
    "inflammatory-bowel-disease",
    "asthma",
    "bleeding-disorder",
    "high-alcohol-use",
]
MEDICATIONS = [
    "anticoagulant",
    "aspirin",
    "antiplatelet",
    "ssri",
    "steroid",
    "diuretic",
    "ace-inhibitor-or-arb",
    "nsaid-allergy",
    "paracetamol-products",
    "epilepsy-or-tb-medicines",
]

profiles = st.builds(
    Profile,
    conditions=st.lists(st.sampled_from(CONDITIONS), unique=True, max_size=4),
    medications=st.lists(st.sampled_from(MEDICATIONS), unique=True, max_size=3),
    age=st.none() | st.integers(0, 110),
    pregnant_weeks=st.none() | st.integers(1, 42),
)


def test_profile_strategy_covers_every_id_the_topic_defines(topic):
    assert sorted(CONDITIONS) == sorted(c.id for c in topic.conditions)
    assert sorted(MEDICATIONS) == sorted(m.id for m in topic.medications)


@settings(max_examples=250, deadline=None)
@given(profile=profiles, severity=st.sampled_from(SEVERITIES))
def test_contraindicated_remedies_are_never_advised(topic, profile, severity):
    report = cope(topic, severity, profile)
    doc = to_dict(report)
    for item in doc["remedies"]:
        r = remedy(topic, item["id"])
        expected_out = remedy_ruled_out(r, profile)
        assert item["advised"] is (not expected_out), (item["id"], profile)
        if item["advised"]:
            for caution in r.cautions:
                assert not (caution.level == "avoid" and caution_applies(caution, profile))
            assert not item["reasons"]
        else:
            assert item["reasons"], "a remedy ruled out must say why"
            assert "how" not in item, "no instructions for a remedy that is ruled out"
        for opt_json in item.get("options", []):
            option = next(o for o in r.options if o.id == opt_json["id"])
            assert opt_json["advised"] is (not cautions_rule_out(option.cautions, profile))
            if item["advised"]:
                # the option's instructions are given exactly when it is advised and
                # there is nothing this person must check first ("ask a pharmacist"
                # is not followed by how much to take)
                clear = opt_json["advised"] and not cautions_warn(option.cautions, profile)
                assert (opt_json["id"] in item) is clear, (option.id, profile)
    # and the advised list (the first remedies section) holds no ruled-out remedy
    sections = [s for s in report.sections if s.key == "remedies"]
    advised_titles = {i.title for i in sections[0].items}
    for r in topic.remedies:
        if severity in r.severities and remedy_ruled_out(r, profile):
            assert r.title not in advised_titles


def test_raynauds_rules_out_ice_and_says_why_in_plain_words(cli, topic):
    ice = remedies_json(cli, "--condition", "raynauds")["ice"]
    assert ice["advised"] is False
    reasons = " ".join(ice["reasons"])
    avoid = [
        c
        for c in remedy(topic, "ice").cautions
        if c.level == "avoid" and "raynauds" in c.conditions
    ]
    assert avoid, "the topic must carry an ice caution for Raynaud's"
    assert avoid[0].text in reasons
    assert name_of(topic, "raynauds") in reasons
    assert "raynauds" not in reasons, "plain words, not the id"


def test_raynauds_moves_ice_to_a_not_advised_section_in_plain_output(cli, topic):
    out = cli("cope", "--condition", "raynauds", "--format", "plain").out
    ice_title = remedy(topic, "ice").title
    rest_title = remedy(topic, "rest").title
    holding_ice = [b for b in blocks(out) if any(ice_title in line for line in b)]
    assert len(holding_ice) == 1
    block = holding_ice[0]
    assert "not advised" in block[0].lower()
    assert not any(rest_title in line for line in block)
    assert "Raynaud" in "\n".join(block)
    ice_how = " ".join(remedy(topic, "ice").how.split())
    assert ice_how not in out, "no instructions for a remedy that is ruled out"


def test_without_a_profile_every_remedy_of_the_severity_is_advised(cli, topic):
    got = remedies_json(cli, "--no-profile")
    expected = [r.id for r in topic.remedies if "moderate" in r.severities]
    assert list(got) == expected
    assert all(r["advised"] and r["reasons"] == [] for r in got.values())


def test_cope_json_remedies_carry_advised_reasons_and_evidence(cli, topic):
    for item in remedies_json(cli, "--severity", "high").values():
        assert isinstance(item["advised"], bool) and isinstance(item["reasons"], list)
        r = remedy(topic, item["id"])
        assert item["title"] == r.title and item["summary"] == r.summary
        expected = {
            "verdict": r.evidence.verdict,
            "summary": r.evidence.summary,
            "references": r.evidence.references,
        }
        if r.evidence.claim is not None:
            expected["claim"] = r.evidence.claim
        assert item["evidence"] == expected


def test_pregnancy_from_20_weeks_rules_out_ibuprofen_but_not_paracetamol(cli):
    pain = remedies_json(cli, "--pregnant-weeks", "20")["pain-relief"]
    options = {o["id"]: o for o in pain["options"]}
    assert options["ibuprofen"]["advised"] is False
    assert options["ibuprofen"]["reasons"]
    assert options["paracetamol"]["advised"] is True
    assert pain["advised"] is True


@pytest.mark.parametrize("weeks", ["4", "19", "20", "30"])
def test_ibuprofen_is_never_suggested_in_pregnancy_and_paracetamol_is(cli, weeks):
    """EVIDENCE §4: not usually recommended in pregnancy, paracetamol first; from
    20 weeks only if a doctor prescribed it."""
    pain = remedies_json(cli, "--pregnant-weeks", weeks)["pain-relief"]
    options = {o["id"]: o for o in pain["options"]}
    assert options["ibuprofen"]["advised"] is False
    assert "unless a doctor prescribed it" in " ".join(options["ibuprofen"]["reasons"])
    assert options["paracetamol"]["advised"] is True


def test_over_65_warns_about_ibuprofen_and_65_does_not(cli, topic):
    ibuprofen = next(o for o in remedy(topic, "pain-relief").options if o.id == "ibuprofen")
    age_cautions = [c for c in ibuprofen.cautions if c.age_over == 65 and c.level == "warn"]
    assert age_cautions, "EVIDENCE.md §4: age over 65 changes the ibuprofen advice"
    text = age_cautions[0].text
    at_66 = remedies_json(cli, "--age", "66")["pain-relief"]
    assert any(text in w for w in at_66["warnings"])
    assert {o["id"]: o["advised"] for o in at_66["options"]}["ibuprofen"] is True
    at_65 = remedies_json(cli, "--age", "65")["pain-relief"]
    assert not any(text in w for w in at_65.get("warnings", []))


def test_a_softer_caution_is_a_warning_on_an_advised_remedy(cli, topic):
    pain = remedies_json(cli, "--condition", "asthma")["pain-relief"]
    assert pain["advised"] is True
    assert {o["id"]: o["advised"] for o in pain["options"]}["ibuprofen"] is True
    warn = [
        c
        for o in remedy(topic, "pain-relief").options
        for c in o.cautions
        if "asthma" in c.conditions
    ]
    assert warn and any(warn[0].text in w for w in pain["warnings"])
    assert name_of(topic, "asthma") in " ".join(pain["warnings"])


def test_a_remedy_whose_every_option_is_ruled_out_is_not_advised(cli, topic):
    pain = remedy(topic, "pain-relief")
    meds = []
    for option in pain.options:
        avoid = next(c for c in option.cautions if c.level == "avoid" and c.medications)
        meds.append(avoid.medications[0])
    args = [a for m in meds for a in ("--medication", m)]
    got = remedies_json(cli, *args)["pain-relief"]
    assert got["advised"] is False
    assert all(not o["advised"] for o in got["options"])
    assert len(got["reasons"]) >= len(pain.options)


def test_general_cautions_are_shown_to_everyone(cli, topic):
    for item in remedies_json(cli, "--severity", "high", "--no-profile").values():
        r = remedy(topic, item["id"])
        general = [
            c.text
            for c in r.cautions
            if not (
                c.conditions
                or c.medications
                or c.pregnant_from_weeks is not None
                or c.age_over is not None
            )
        ]
        shown = " ".join(item.get("cautions", []) + item.get("warnings", []))
        for text in general:
            assert text in shown, (r.id, text)


# --- severity -----------------------------------------------------------------------


@pytest.mark.parametrize("severity", SEVERITIES)
def test_severity_selects_the_remedies_the_topic_gives_for_it(cli, topic, severity):
    got = remedies_json(cli, "--severity", severity)
    assert list(got) == [r.id for r in topic.remedies if severity in r.severities]


def test_low_severity_is_a_shorter_subset_of_moderate(cli):
    low = remedies_json(cli, "--severity", "low")
    moderate = remedies_json(cli, "--severity", "moderate")
    assert set(low) < set(moderate)
    low_out = cli("cope", "--severity", "low", "--format", "plain").out
    for severity in ("moderate", "high"):
        other = cli("cope", "--severity", severity, "--format", "plain").out
        assert len(low_out.splitlines()) < len(other.splitlines())


def emergency_level(topic):
    return next(lv for lv in topic.triage.levels if lv.role == "emergency")


def same_day_level(topic):
    return next(lv for lv in topic.triage.levels if lv.role == "same-day")


def again(text: str, tr) -> str:
    """``text`` as an answer with no region says it after its first mention of
    the generic emergency line: in its short form (said in full once)."""
    from soreadvisor.text import fill_in

    return fill_in(text, {"number": tr.generic_number_again, "service": tr.generic_service})


def shown(sign, tr) -> str:
    """A warning sign as a list shows it: with its own action ("go now"), if it has one."""
    return f"{sign.text}: {again(sign.action, tr)}" if sign.action else sign.text


@pytest.mark.parametrize("severity", ["moderate", "high"])
def test_cope_opens_with_the_emergency_signs_then_the_same_day_ones(cli, topic, severity):
    """What can be dangerous comes first: "call <number> now" with its signs,
    then "get medical help today" with theirs; no headline over them."""
    from soreadvisor.advice.triage import fill

    out = cli("cope", "--severity", severity, "--format", "plain").out
    first, second = blocks(out)[1:3]
    tr = topic.triage
    emergency, urgent = emergency_level(topic), same_day_level(topic)
    assert first[0] == fill(emergency.heading, tr, None).upper()  # the number in full once
    assert first[1] == again(emergency.action, tr)
    assert [line[2:] for line in first[2:]] == [
        shown(s, tr) for s in tr.signs if s.level == "emergency"
    ]
    assert second[0] == fill(urgent.heading, tr, None).upper()
    assert second[1] == fill(urgent.action, tr, None)
    assert [line[2:] for line in second[2:]] == [
        shown(s, tr) for s in tr.signs if s.level == "urgent"
    ]
    doc = json.loads(cli("cope", "--severity", severity, "--format", "json").out)
    assert "headline" not in doc
    sections = [k for k in doc if k in ("warning_signs", "remedies", "donts")]
    assert sections[0] == "warning_signs"
    levels = [s["level"] for s in doc["warning_signs"]]
    assert levels == sorted(levels, key=lambda lv: lv != "emergency")
    assert set(levels) == {"emergency", "urgent"}


def test_cope_with_a_region_names_its_number_before_the_remedies(cli, topic):
    """Issue 12, done when: `cope --region uk --severity high` shows 999 first."""
    out = cli("cope", "--region", "uk", "--severity", "high", "--format", "plain").out
    uk = next(r for r in topic.triage.regions if r.id == "uk")
    heading = blocks(out)[1]
    assert heading[0] == f"CALL {uk.emergency_number} NOW IF YOU HAVE ANY OF THESE"
    assert heading[1].startswith(f"Call {uk.emergency_number} now.")
    assert out.index(uk.emergency_number) < out.index("\nWHAT TO DO\n")
    assert f"Contact {uk.urgent_service} today" in out
    assert "{number}" not in out and "{service}" not in out


def test_low_severity_opens_with_one_line_that_names_the_signs(cli, topic):
    out = cli("cope", "--severity", "low", "--format", "plain").out
    from soreadvisor.advice.triage import fill

    pointer = fill(topic.triage.pointer, topic.triage, None)
    assert blocks(out)[1] == ["WARNING SIGNS", f"- {pointer}"]
    # the emergency signs carry the number; no one is sent to run a command first
    assert "soreadvisor" not in pointer and "{number}" not in pointer
    assert pointer.startswith("Call your local emergency number")
    doc = json.loads(cli("cope", "--severity", "low", "--format", "json").out)
    assert doc["warning_signs_pointer"] == pointer and "warning_signs" not in doc
    uk = cli("cope", "--severity", "low", "--region", "uk", "--format", "plain").out
    assert blocks(uk)[1][1].startswith("- Call 999 now if you get sudden breathlessness")


@pytest.mark.parametrize("fmt", ["plain", "markdown", "rich"])
@pytest.mark.parametrize("severity", SEVERITIES)
def test_the_first_warning_sign_comes_before_the_first_remedy(cli, topic, severity, fmt):
    out = " ".join(cli("cope", "--severity", severity, "--format", fmt).out.split())
    first_remedy = next(r for r in topic.remedies if severity in r.severities)
    if severity == "low":
        from soreadvisor.advice.triage import fill

        warning = " ".join(fill(topic.triage.pointer, topic.triage, None).split())[:40]
    else:
        warning = next(s.text for s in topic.triage.signs if s.level == "emergency")
    assert warning in out and first_remedy.title in out
    assert out.index(warning) < out.index(first_remedy.title)


def test_high_severity_says_when_to_see_a_professional(cli, topic):
    out = cli("cope", "--severity", "high", "--format", "plain").out
    for line in topic.timeline.see_professional:
        assert line in out


@pytest.mark.parametrize("severity", ["moderate", "high"])
def test_the_warning_signs_say_what_to_do_not_to_run_a_command(cli, topic, severity):
    """Someone who may have a clot in the lung should call, not run a command."""
    out = cli("cope", "--severity", severity, "--format", "plain").out
    signs = [b for b in blocks(out) if b[0].endswith("IF YOU HAVE ANY OF THESE")]
    assert len(signs) == 2
    listed = {line[2:] for b in signs for line in b[2:]}
    serious = set(topic.triage.not_sure_counts_as_yes)
    assert listed == {shown(s, topic.triage) for s in topic.triage.signs if s.level in serious}
    assert not any("soreadvisor check" in line for b in signs for line in b)
    doc = json.loads(cli("cope", "--severity", severity, "--format", "json").out)
    assert doc["severity"] == severity
    ids = {s["id"] for s in doc["warning_signs"]}
    assert {s.id for s in topic.triage.signs if s.level == "emergency"} <= ids


@pytest.mark.parametrize("severity", SEVERITIES)
def test_every_severity_lists_what_not_to_do(cli, topic, severity):
    out = cli("cope", "--severity", severity, "--format", "plain").out
    for dont in topic.donts:
        assert dont.text in out
    assert any("heat" in d.text.lower() and "swollen" in d.text.lower() for d in topic.donts), (
        "the issue asks for 'no heat or massage on a leg that is swollen, hot or red'"
    )


def test_a_caution_is_labelled_and_comes_before_how_and_when(cli, topic):
    out = cli("cope", "--severity", "high", "--format", "plain", "--no-profile").out
    lines = out.splitlines()
    ice = remedy(topic, "ice")
    general = next(c.text for c in ice.cautions if not (c.conditions or c.medications))
    at = lines.index(f"- {ice.title}: {' '.join(ice.summary.split())}")
    end = next(n for n in range(at + 1, len(lines)) if not lines[n].startswith("  "))
    block = lines[at:end]
    words = topic.wording
    caution = block.index(f"  ! {words['render.caution']}: {' '.join(general.split())}")
    how = next(n for n, line in enumerate(block) if line.startswith(f"  {words['field.how']}: "))
    when = next(n for n, line in enumerate(block) if line.startswith(f"  {words['field.when']}: "))
    assert caution < how < when
    ev = ice.evidence
    assert block[-1] == (
        f"  {said(words, 'render.evidence_on', claim=ev.claim)}: {ev.verdict}. "
        f"{' '.join(ev.summary.split())} [{', '.join(ev.references)}]"
    )
    md = cli("cope", "--severity", "high", "--format", "markdown", "--no-profile").out
    assert f"  - ⚠ **{words['render.caution']}:** {general.split()[0]}" in md


def test_a_remedy_ruled_out_shows_only_its_title_and_why(cli, topic):
    out = cli("cope", "--condition", "raynauds", "--format", "plain").out
    ice = remedy(topic, "ice")
    out_block = next(b for b in blocks(out) if b[0] == "NOT ADVISED FOR YOU")
    at = out_block.index(f"- {ice.title}")  # no summary after the title
    why = []
    for line in out_block[at + 1 :]:
        if line.startswith("- "):
            break
        why.append(line)
    assert why and all(line.startswith("  ! Not advised because of ") for line in why)
    flat = " ".join(out.split())
    assert " ".join(ice.how.split()) not in flat


def test_remedies_show_how_when_and_evidence(cli, topic):
    out = cli("cope", "--severity", "high", "--format", "plain", "--no-profile").out
    flat = " ".join(out.split())
    for r in topic.remedies:
        if "high" in r.severities:
            assert " ".join(r.how.split()) in flat
            assert " ".join(r.when.split()) in flat
            assert " ".join(r.evidence.summary.split()) in flat


def test_the_sources_behind_a_caution_that_applies_are_cited(cli):
    """The 20-week ibuprofen rule rests on R37/R38; they must be in the footer."""
    doc = json.loads(cli("cope", "--pregnant-weeks", "25", "--format", "json").out)
    cited = {ref["id"] for ref in doc["references"]}
    assert {"R37", "R38"} <= cited
