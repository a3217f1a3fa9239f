"""The saved profile: round trip, privacy, one-run overrides, ids checked against the topic."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from soreadvisor import userprofile
from soreadvisor.advice.profile import (
    AGE_RANGE,
    PREGNANT_WEEKS_RANGE,
    Profile,
    from_saved,
    known_only,
    matched_by,
)
from soreadvisor.errors import UserError
from soreadvisor.kb.models import Caution

# Issue 3: "at least" these ids, each with a plain-language name.
REQUIRED_CONDITIONS = [
    "raynauds",
    "neuropathy",
    "diabetes",
    "peripheral-arterial-disease",
    "kidney-disease",
    "liver-disease",
    "heart-disease",
    "stomach-ulcer",
    "asthma",
    "bleeding-disorder",
    "high-alcohol-use",
]
REQUIRED_MEDICATIONS = ["anticoagulant", "aspirin", "nsaid-allergy", "paracetamol-products"]


def saved(cli) -> dict:
    result = cli("profile", "show", "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    return {k: doc[k] for k in ("conditions", "medications", "age", "pregnant_weeks", "region")}


def test_topic_defines_the_condition_and_medication_ids_of_the_issue(topic):
    conditions = {c.id: c.name for c in topic.conditions}
    medications = {m.id: m.name for m in topic.medications}
    for cid in REQUIRED_CONDITIONS:
        assert conditions.get(cid, "").strip(), cid
    for mid in REQUIRED_MEDICATIONS:
        assert medications.get(mid, "").strip(), mid


def test_profile_path_is_in_the_private_home(cli, private_home):
    result = cli("profile", "path")
    assert result.code == 0
    assert Path(result.out.strip()).parent == private_home


def test_set_show_clear_round_trip(cli, topic):
    result = cli(
        "profile",
        "set",
        "--condition",
        "raynauds",
        "--condition",
        "diabetes",
        "--medication",
        "anticoagulant",
        "--age",
        "70",
        "--pregnant-weeks",
        "12",
        "--region",
        "uk",
    )
    assert result.code == 0, result.err
    assert saved(cli) == {
        "conditions": ["raynauds", "diabetes"],
        "medications": ["anticoagulant"],
        "age": 70,
        "pregnant_weeks": 12,
        "region": "uk",
    }
    plain = cli("profile", "show", "--format", "plain").out
    assert next(c.name for c in topic.conditions if c.id == "raynauds") in plain
    assert next(m.name for m in topic.medications if m.id == "anticoagulant") in plain

    assert cli("profile", "clear").code == 0
    assert saved(cli) == {
        "conditions": [],
        "medications": [],
        "age": None,
        "pregnant_weeks": None,
        "region": None,
    }
    assert not Path(cli("profile", "path").out.strip()).exists()


def test_clear_without_a_profile_is_not_an_error(cli):
    assert cli("profile", "clear").code == 0


def test_profile_file_is_readable_by_its_owner_only(cli):
    assert cli("profile", "set", "--condition", "asthma").code == 0
    path = Path(cli("profile", "path").out.strip())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # saving again (over an existing file) keeps it private and leaves no temp file
    assert cli("profile", "set", "--age", "40").code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


def test_profile_is_private_even_with_a_permissive_umask(cli):
    old = os.umask(0)
    try:
        assert cli("profile", "set", "--condition", "asthma").code == 0
    finally:
        os.umask(old)
    path = Path(cli("profile", "path").out.strip())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_set_keeps_what_it_is_not_told(cli):
    cli("profile", "set", "--condition", "raynauds", "--age", "30", "--region", "us")
    cli("profile", "set", "--age", "31")
    assert saved(cli) == {
        "conditions": ["raynauds"],
        "medications": [],
        "age": 31,
        "pregnant_weeks": None,
        "region": "us",
    }


def test_region_is_case_insensitive(cli):
    assert cli("profile", "set", "--region", "UK").code == 0
    assert saved(cli)["region"] == "uk"


@pytest.mark.parametrize(
    "args,wanted,suggestion",
    [
        (["--condition", "raynods"], "raynods", "raynauds"),
        (["--medication", "anticoagulent"], "anticoagulent", "anticoagulant"),
        (["--condition", "diabetis"], "diabetis", "diabetes"),
        # a misspelt drug name finds its drug, by name and id
        (["--medication", "warfrin"], "warfrin", "'warfarin' (anticoagulant)"),
    ],
)
def test_unknown_id_is_an_error_with_a_suggestion_and_nothing_is_saved(
    cli, args, wanted, suggestion
):
    result = cli("profile", "set", *args)
    assert result.code != 0
    assert wanted in result.err and suggestion in result.err and "did you mean" in result.err
    assert "Traceback" not in result.err
    assert not Path(cli("profile", "path").out.strip()).exists()


def test_unknown_region_lists_the_valid_ones(cli, topic):
    result = cli("profile", "set", "--region", "mars")
    assert result.code != 0
    for region in topic.triage.regions:
        assert region.id in result.err


@pytest.mark.parametrize("command", [["cope"], ["check", "--none"], ["plan", "--since", "6h"]])
def test_unknown_condition_on_an_advice_command_suggests_the_right_id(cli, command):
    result = cli(*command, "--condition", "rynauds")
    assert result.code != 0
    assert "did you mean" in result.err and "raynauds" in result.err
    assert result.out == ""


def ice_advised(cli, *args: str) -> bool:
    result = cli("cope", "--format", "json", *args)
    assert result.code == 0, result.err
    return next(r for r in json.loads(result.out)["remedies"] if r["id"] == "ice")["advised"]


def test_cope_uses_the_saved_profile(cli):
    assert ice_advised(cli) is True
    cli("profile", "set", "--condition", "raynauds")
    assert ice_advised(cli) is False


def test_run_options_add_to_the_saved_conditions_and_never_drop_one(cli):
    """Forgetting to repeat --condition raynauds must not bring ice back."""
    cli("profile", "set", "--condition", "raynauds", "--age", "30")
    assert ice_advised(cli, "--condition", "asthma") is False
    assert ice_advised(cli, "--no-profile", "--condition", "asthma") is True
    assert saved(cli)["conditions"] == ["raynauds"] and saved(cli)["age"] == 30


def test_run_options_replace_age_and_pregnancy_for_one_run_only(cli):
    cli("profile", "set", "--pregnant-weeks", "25")
    doc = json.loads(cli("cope", "--format", "json").out)
    ibuprofen = [o for r in doc["remedies"] for o in r.get("options", []) if o["id"] == "ibuprofen"]
    assert ibuprofen and ibuprofen[0]["advised"] is False
    doc = json.loads(cli("cope", "--format", "json", "--pregnant-weeks", "0").out)
    ibuprofen = [o for r in doc["remedies"] for o in r.get("options", []) if o["id"] == "ibuprofen"]
    assert ibuprofen and ibuprofen[0]["advised"] is True
    assert saved(cli)["pregnant_weeks"] == 25


def test_no_profile_ignores_the_saved_profile(cli):
    cli("profile", "set", "--condition", "raynauds")
    assert ice_advised(cli, "--no-profile") is True
    assert ice_advised(cli) is False


def test_check_uses_the_saved_medications(cli):
    cli("profile", "set", "--medication", "anticoagulant")
    doc = json.loads(cli("check", "--symptom", "large-bruising", "--format", "json").out)
    assert doc["level"] == "urgent"
    doc = json.loads(
        cli("check", "--symptom", "large-bruising", "--no-profile", "--format", "json").out
    )
    assert doc["level"] == "soon"


def test_a_damaged_profile_gives_one_clear_line_not_a_traceback(cli):
    path = Path(cli("profile", "path").out.strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    for junk in ("{not json", '{"age": "old"}', '{"shoe_size": 44}', "[]"):
        path.write_text(junk)
        result = cli("cope")
        assert result.code != 0, junk
        assert str(path) in result.err and "profile clear" in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert "Traceback" not in result.err


def test_a_damaged_profile_can_be_cleared(cli):
    path = Path(cli("profile", "path").out.strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    assert cli("profile", "clear").code == 0
    assert cli("cope").code == 0


def test_save_and_load_round_trip_without_the_cli():
    profile = Profile(
        conditions=["asthma"], medications=["aspirin"], age=44, pregnant_weeks=None, region="eu"
    )
    userprofile.save(profile.as_dict())
    assert userprofile.load(from_saved) == profile


def test_load_refuses_a_profile_with_wrong_types(private_home):
    userprofile.save(Profile().as_dict())
    userprofile.profile_path().write_text(json.dumps({"conditions": "asthma"}))
    with pytest.raises(UserError):
        userprofile.load(from_saved)


@pytest.mark.parametrize(
    "data",
    [
        {"age": True},
        {"age": AGE_RANGE[0] - 1},
        {"age": AGE_RANGE[1] + 1},
        {"age": 40.0},
        {"pregnant_weeks": PREGNANT_WEEKS_RANGE[1] + 1},
        {"pregnant_weeks": False},
        {"conditions": ["raynauds", 3]},
        {"conditions": [""]},
        {"medications": {"aspirin": 1}},
        {"region": ""},
        {"shoe_size": 9},
        ["not", "an", "object"],
    ],
)
def test_a_saved_value_the_flags_would_refuse_is_refused(data):
    with pytest.raises(ValueError):
        from_saved(data)


def test_the_bounds_themselves_are_accepted():
    low = from_saved({"age": AGE_RANGE[0], "pregnant_weeks": PREGNANT_WEEKS_RANGE[0]})
    high = from_saved({"age": AGE_RANGE[1], "pregnant_weeks": PREGNANT_WEEKS_RANGE[1]})
    assert (low.age, high.age) == AGE_RANGE
    assert (low.pregnant_weeks, high.pregnant_weeks) == PREGNANT_WEEKS_RANGE


def test_known_only_drops_and_names_ids_the_topic_does_not_define(topic):
    saved = Profile(
        conditions=["raynauds", "gone"], medications=["old-pill"], age=50, region="atlantis"
    )
    kept, stale = known_only(saved, topic)
    assert kept == Profile(conditions=["raynauds"], age=50)
    assert stale == ["condition 'gone'", "medication 'old-pill'", "region 'atlantis'"]
    assert known_only(kept, topic) == (kept, [])


# --- which personal cautions apply (the boundaries of EVIDENCE.md §4) ---------------


def caution(**kwargs) -> Caution:
    return Caution(text="t", level="avoid", **kwargs)


@pytest.mark.parametrize("weeks,applies", [(None, False), (19, False), (20, True), (38, True)])
def test_pregnancy_caution_applies_from_its_week(topic, weeks, applies):
    matched = matched_by(caution(pregnant_from_weeks=20), Profile(pregnant_weeks=weeks), topic)
    assert bool(matched) is applies


@pytest.mark.parametrize("age,applies", [(None, False), (64, False), (65, False), (66, True)])
def test_age_caution_applies_over_its_age(topic, age, applies):
    assert bool(matched_by(caution(age_over=65), Profile(age=age), topic)) is applies


def test_condition_caution_names_the_condition_in_plain_words(topic):
    name = next(c.name for c in topic.conditions if c.id == "diabetes")
    why = matched_by(
        caution(conditions=["diabetes", "asthma"]), Profile(conditions=["diabetes"]), topic
    )
    assert why and all("diabetes" in w for w in why)
    assert any(name in w for w in why)
    assert matched_by(caution(conditions=["asthma"]), Profile(conditions=["diabetes"]), topic) == []


def test_without_soreadvisor_home_the_profile_follows_platform_conventions(
    cli, tmp_path, monkeypatch
):
    monkeypatch.delenv("SOREADVISOR_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert cli("profile", "path").out.strip() == str(
        tmp_path / "config" / "soreadvisor" / "profile.json"
    )
    assert cli("profile", "set", "--age", "50").code == 0
    assert (tmp_path / "config" / "soreadvisor" / "profile.json").is_file()
