"""The vignettes of tests/vignettes.yaml, through the triage function and the
real `check`, against the levels docs/safety.md asks for, and the counts the
doc states."""

from __future__ import annotations

import json

import pytest
import safety_spec as spec

from soreadvisor.advice import triage
from soreadvisor.advice.profile import Profile

VIGNETTES = spec.vignettes()
IDS = [v["name"] for v in VIGNETTES]


def profile_of(v: dict) -> Profile:
    return Profile(
        medications=v.get("medications", []),
        conditions=v.get("conditions", []),
        pregnant_weeks=v.get("pregnant_weeks"),
    )


def test_the_vignettes_are_well_formed_and_cover_every_sign_and_rule():
    assert len(set(IDS)) == len(IDS), "each vignette has its own name"
    for v in VIGNETTES:
        assert set(v) <= {
            "name",
            "signs",
            "medications",
            "conditions",
            "pregnant_weeks",
            "level",
            "rule",
        }
        assert v["level"] in spec.LEVELS and set(v["signs"]) <= set(spec.SIGNS), v["name"]
    alone = {v["signs"][0] for v in VIGNETTES if len(v["signs"]) == 1 and len(v) == 3}
    assert alone == set(spec.SIGNS), "every sign alone, with no profile"
    named = {v["rule"] for v in VIGNETTES if "rule" in v}
    assert named == {c.id for c in spec.COMBINATIONS}, "every combination"
    assert any(not v["signs"] for v in VIGNETTES), "a benign picture"


@pytest.mark.parametrize("v", VIGNETTES, ids=IDS)
def test_vignette_level_is_what_the_spec_tables_ask_for(v):
    """The vignette table and the doc's tables agree: a row cannot hide a mistake in either."""
    assert v["level"] == spec.spec_level(
        set(v["signs"]), v.get("medications", []), v.get("conditions", [])
    )


@pytest.mark.parametrize("v", VIGNETTES, ids=IDS)
def test_vignette_gets_exactly_its_level(topic, v):
    result = triage.assess(topic.triage, set(v["signs"]), profile_of(v))
    assert result.level.id == v["level"]  # never lower (under-triage), never raised
    if "rule" in v:
        assert v["rule"] in [r.id for r in result.reasons if r.kind == "rule"]


@pytest.mark.parametrize("v", VIGNETTES, ids=IDS)
def test_vignette_through_check(cli, topic, v):
    args = [a for s in v["signs"] for a in ("--symptom", s)] or ["--none"]
    args += [a for m in v.get("medications", []) for a in ("--medication", m)]
    args += [a for c in v.get("conditions", []) for a in ("--condition", c)]
    if v.get("pregnant_weeks"):
        args += ["--pregnant-weeks", str(v["pregnant_weeks"])]
    result = cli("check", *args, "--no-profile", "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["level"] == v["level"]
    if "rule" in v:
        assert v["rule"] in [r["id"] for r in doc["reasons"]]


def test_the_doc_states_the_vignette_counts_of_the_table():
    total, emergencies = spec.stated_vignette_counts()
    assert total == len(VIGNETTES)
    assert emergencies == sum(v["level"] == "emergency" for v in VIGNETTES)
    assert "None is under-triaged" in " ".join(spec.DOC.read_text("utf-8").split())
