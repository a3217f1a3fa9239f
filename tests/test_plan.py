"""`plan`: the recovery phase for the time since the massage, and what comes next.

Phase boundaries are read from the topic, never written here as numbers.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from soreadvisor.advice.plan import phase_at, plan
from soreadvisor.advice.profile import Profile


def plan_json(cli, *args: str) -> dict:
    result = cli("plan", *args, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def minutes(hours: float) -> str:
    return f"{round(hours * 60)}m"


def test_timeline_starts_at_zero_and_has_increasing_boundaries(topic):
    starts = [p.from_hours for p in topic.timeline.phases]
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    assert len(starts) >= 3, "first hours, peak, easing, should be better by now"


def test_each_phase_starts_exactly_at_its_boundary(topic):
    phases = topic.timeline.phases
    for before, phase in zip(phases, phases[1:], strict=False):
        assert phase_at(topic.timeline, phase.from_hours).id == phase.id
        assert phase_at(topic.timeline, phase.from_hours - 1e-6).id == before.id


@settings(max_examples=200, deadline=None)
@given(hours=st.floats(min_value=0, max_value=24 * 60, allow_nan=False))
def test_the_phase_is_the_last_one_that_has_started(topic, hours):
    started = [p for p in topic.timeline.phases if p.from_hours <= hours]
    assert phase_at(topic.timeline, hours).id == started[-1].id


def test_cli_phase_changes_at_each_boundary(cli, topic):
    phases = topic.timeline.phases
    for before, phase in zip(phases, phases[1:], strict=False):
        just_before = plan_json(cli, "--since", minutes(phase.from_hours - 1 / 60))
        at = plan_json(cli, "--since", minutes(phase.from_hours))
        assert just_before["phase"] == before.id, phase.from_hours
        assert at["phase"] == phase.id, phase.from_hours


def test_plan_json_has_the_documented_keys_and_the_phase_texts(cli, topic):
    phase = topic.timeline.phases[1]
    hours = phase.from_hours + 1
    doc = plan_json(cli, "--since", f"{hours:g}h")
    assert {"hours_since", "phase", "now", "next", "get_help_if"} <= set(doc)
    assert doc["hours_since"] == pytest.approx(hours, abs=0.1)
    assert doc["phase"] == phase.id
    assert doc["now"] == [step.text for step in phase.now]
    assert doc["next"] == phase.next
    for line in phase.get_help_if:
        assert line in doc["get_help_if"]


def test_past_the_last_boundary_it_says_to_see_a_doctor_or_pharmacist(cli, topic):
    last = topic.timeline.phases[-1]
    for hours in (last.from_hours, last.from_hours + 24, last.from_hours * 10):
        doc = plan_json(cli, "--since", f"{hours:g}h")
        assert doc["phase"] == last.id
        said = " ".join([doc.get("headline", ""), *doc["now"], doc["next"]]).lower()
        assert "doctor or pharmacist" in said
    earlier = plan_json(cli, "--since", minutes(topic.timeline.phases[1].from_hours))
    assert "doctor or pharmacist" not in " ".join(earlier["now"]).lower()


@pytest.mark.parametrize("since,hours", [("30m", 0.5), ("6h", 6), ("2d", 48), ("1d12h", 36)])
def test_since_accepts_minutes_hours_and_days(cli, since, hours):
    assert plan_json(cli, "--since", since)["hours_since"] == pytest.approx(hours, abs=0.05)


def test_since_accepts_an_iso_date_time(cli):
    when = (datetime.now(timezone.utc) - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert plan_json(cli, "--since", when)["hours_since"] == pytest.approx(30, abs=0.1)


@pytest.mark.parametrize("bad", ["soon", "6x", "-3h", "2999-01-01T00:00", "yesterday 25:00", ""])
def test_bad_since_gives_a_one_line_error(cli, bad):
    result = cli("plan", "--since", bad)
    assert result.code != 0
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err


def test_plan_always_says_how_to_get_emergency_help(cli):
    doc = plan_json(cli, "--since", "3h")
    # with no region: each sign's action in full, the lines said after it short
    for sign in doc["warning_signs"]:
        if sign["level"] == "emergency":
            assert all(n in sign["action"] for n in ("112", "911", "999"))
    assert "emergency number" in doc["get_help_if"][-1]
    doc = plan_json(cli, "--since", "3h", "--region", "au")
    assert any("000" in line for line in doc["get_help_if"])


def test_plan_is_in_every_format(cli, topic):
    phase = topic.timeline.phases[2]
    for fmt in ("plain", "markdown", "rich"):
        out = cli("plan", "--since", f"{phase.from_hours + 1:g}h", "--format", fmt).out
        flat = " ".join(out.split())
        assert phase.title in flat and phase.now[0].text in flat, fmt


def test_plan_report_cites_the_phase_references(topic):
    phase = topic.timeline.phases[0]
    report = plan(topic, phase.from_hours, Profile())
    assert {r.id for r in report.references} >= set(phase.references)


@pytest.mark.parametrize(
    "args, remedy",
    [
        (("--condition", "raynauds"), "ice"),
        (("--condition", "peripheral-arterial-disease"), "compression"),
        (("--condition", "diabetes"), "heat"),
    ],
)
def test_plan_never_tells_someone_to_use_a_remedy_their_profile_rules_out(cli, topic, args, remedy):
    steps = [(p, s) for p in topic.timeline.phases for s in p.now if s.remedy == remedy]
    assert steps, f"no phase step uses {remedy}"
    for phase, step in steps:
        hours = str(phase.from_hours + 1)
        doc = json.loads(cli("plan", "--since", f"{hours}h", "--format", "json", *args).out)
        assert step.text not in doc["now"]
        left_out = {item["id"]: item for item in doc["left_out"]}
        title = next(r.title for r in topic.remedies if r.id == remedy)
        # that it is left out and why, before any detail; no instruction for it
        assert left_out[remedy]["title"] == title
        assert left_out[remedy]["warnings"], "the reason must be given"
        assert all(w.startswith("Not advised because of ") for w in left_out[remedy]["warnings"])
        plain = cli("plan", "--since", f"{hours}h", *args).out
        assert step.text not in plain
        section = plain.split("\nLEFT OUT FOR YOU\n")[1].split("\n\n")[0].splitlines()
        at = section.index(f"- {title}")
        assert section[at + 1].startswith("  ! Not advised because of ")


def test_plan_reads_warning_signs_first_and_ends_its_help_list_with_the_number(cli, topic):
    """Warnings lead: the emergency signs, the same-day ones, then what to do
    now, what is left out, what comes next and when to get help, whose last
    line is the number to call."""
    from soreadvisor.advice.triage import fill
    from soreadvisor.text import fill_in

    tr = topic.triage
    out = cli("plan", "--since", "20h", "--condition", "raynauds", "--region", "uk").out
    headings = [b.splitlines()[0] for b in out.split("\n\n") if b and b.splitlines()[0].isupper()]
    uk = next(r for r in tr.regions if r.id == "uk")
    emergency = next(lv for lv in tr.levels if lv.role == "emergency")
    same_day = next(lv for lv in tr.levels if lv.role == "same-day")
    assert headings[:6] == [
        fill(emergency.heading, tr, uk).upper(),
        fill(same_day.heading, tr, uk).upper(),
        "WHAT TO DO NOW",
        "LEFT OUT FOR YOU",
        "WHAT TO EXPECT NEXT",
        "GET HELP IF",
    ]
    help_list = out.split("\nGET HELP IF\n")[1].split("\n\n")[0].splitlines()
    assert help_list[-1] == f"- {fill(tr.emergency_reminder, tr, uk)}"
    assert "999" in help_list[-1]
    doc = plan_json(cli, "--since", "20h")
    assert doc["get_help_if"][-1] == fill_in(
        tr.emergency_reminder, {"number": tr.generic_number_again}
    )
    assert list(doc).index("warning_signs") < list(doc).index("now")


def test_plan_always_lists_the_clot_signs(cli, topic):
    clot = [s.text for s in topic.triage.signs if s.clot]
    for phase in topic.timeline.phases:
        out = cli("plan", "--since", f"{phase.from_hours + 1}h").out
        assert all(text in out for text in clot), phase.id
