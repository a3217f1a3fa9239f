"""remind: check-ins after a massage, as an iCalendar file for the person's calendar.

The file is read back with vobject, a parser independent of the icalendar
library that writes it, and the expected moments are worked out here from the
topic's YAML with zoneinfo (not with the program's own arithmetic).
"""

from __future__ import annotations

import stat
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import vobject
import yaml
from conftest import REPO, WORDS, run_on_pty, screen_text

from soreadvisor.advice import remind

SHIPPED = REPO / "data" / "topics" / "foot-massage-leg-soreness.yaml"
DATA = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
CHECKINS = DATA["reminders"]["checkins"]
TRIAGE = DATA["triage"]


def events(ics: str) -> list:
    calendar = vobject.readOne(ics)
    return list(calendar.vevent_list)


def next_clock(start: datetime, clock: str, tz: ZoneInfo) -> datetime:
    hour, minute = map(int, clock.split(":"))
    local = start.astimezone(tz)
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at < local:
        day = local.date() + timedelta(days=1)
        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    return at


def expected_moments(massage: datetime, zone: str) -> dict[str, datetime]:
    """Each check-in of the data after ``massage``: after_hours later, moved on to
    the first ``clock`` time of day in ``zone`` when it has one, then to the end
    of the night when it falls in the night."""
    tz = ZoneInfo(zone)
    night = DATA["reminders"]["night"]
    out = {}
    for c in CHECKINS:
        at = massage + timedelta(hours=c["after_hours"])
        if c.get("clock"):
            at = next_clock(at, c["clock"], tz)
        clock = at.astimezone(tz).strftime("%H:%M")  # zero-padded: compares as text
        if clock >= night["starts"] or clock < night["ends"]:  # the night spans midnight
            at = next_clock(at, night["ends"], tz)
        out[c["id"]] = at.astimezone(timezone.utc)
    return out


def a_recent_massage() -> datetime:
    """Two hours ago to the minute, in UTC: every check-in is still to come."""
    now = datetime.now(timezone.utc) - timedelta(hours=2)
    return now.replace(second=0, microsecond=0)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%MZ")


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Asia/Kolkata"])
def test_the_calendar_has_an_event_at_each_time_the_data_gives_in_the_persons_zone(
    sh, tmp_path, zone
):
    massage = a_recent_massage()
    env = {"TZ": zone}
    assert sh("massage", "--at", iso(massage), env=env).code == 0
    out = tmp_path / "soreness.ics"
    result = sh("remind", "-o", str(out), env=env)
    assert result.code == 0, result.err
    found = {e.summary.value: e.dtstart.value for e in events(out.read_text(encoding="utf-8"))}
    expected = expected_moments(massage, zone)
    assert len(found) == len(CHECKINS)
    by_title = {}
    for c in CHECKINS:
        title = c["title"].replace("{after}", f"{c['after_hours'] // 24:g} days")
        by_title[c["id"]] = found[title]
    for cid, at in by_title.items():
        assert at.tzinfo is not None, "a floating time would move with the device"
        assert at == expected[cid], cid
    # the morning one is at its clock time on the person's own clock
    morning = next(c for c in CHECKINS if c.get("clock"))
    local = by_title[morning["id"]].astimezone(ZoneInfo(zone))
    assert local.strftime("%H:%M") == morning["clock"]


def test_a_second_run_for_the_same_massage_gives_the_same_uids(sh, tmp_path):
    """Importing twice updates the events instead of doubling them; --at with the
    same moment as the diary's massage is the same massage."""
    massage = a_recent_massage()
    assert sh("massage", "--at", iso(massage)).code == 0
    first, second, third = (tmp_path / f"{n}.ics" for n in "abc")
    assert sh("remind", "-o", str(first)).code == 0
    assert sh("remind", "-o", str(second)).code == 0
    assert sh("remind", "--at", iso(massage), "-o", str(third)).code == 0
    uids = [
        sorted(e.uid.value for e in events(f.read_text(encoding="utf-8")))
        for f in (first, second, third)
    ]
    assert len(set(uids[0])) == len(CHECKINS)
    assert uids[0] == uids[1] == uids[2]


def test_a_different_massage_gives_different_uids(sh, tmp_path):
    massage = a_recent_massage()
    one, other = tmp_path / "one.ics", tmp_path / "other.ics"
    assert sh("remind", "--at", iso(massage), "-o", str(one)).code == 0
    earlier = massage - timedelta(minutes=30)
    assert sh("remind", "--at", iso(earlier), "-o", str(other)).code == 0
    a = {e.uid.value for e in events(one.read_text(encoding="utf-8"))}
    b = {e.uid.value for e in events(other.read_text(encoding="utf-8"))}
    assert a and b and not a & b


def test_each_event_has_the_parts_a_calendar_needs(sh, tmp_path):
    out = tmp_path / "s.ics"
    assert sh("remind", "--at", iso(a_recent_massage()), "-o", str(out)).code == 0
    text = out.read_text(encoding="utf-8")
    calendar = vobject.readOne(text)
    assert calendar.version.value == "2.0"
    assert "soreadvisor" in calendar.prodid.value
    for event in calendar.vevent_list:
        assert event.dtstamp.value.tzinfo is not None
        assert event.duration.value == timedelta(minutes=DATA["reminders"]["minutes"])
        alarm = event.valarm
        assert alarm.action.value == "DISPLAY"
        assert alarm.trigger.value == timedelta(0)  # when the check-in is due
    raw = out.read_bytes()  # CRLF line ends, as RFC 5545 says
    assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n")


def _description(event) -> str:
    return event.description.value


def test_each_check_in_says_what_to_look_for_how_to_log_and_the_warning_signs(sh, tmp_path):
    out = tmp_path / "s.ics"
    result = sh("remind", "--at", iso(a_recent_massage()), "--region", "uk", "-o", str(out))
    assert result.code == 0, result.err
    emergency = [s["text"] for s in TRIAGE["signs"] if s["level"] == "emergency"]
    uk = next(r for r in TRIAGE["regions"] if r["id"] == "uk")
    for event in events(out.read_text(encoding="utf-8")):
        text = _description(event)
        assert "soreadvisor log" in text
        for sign in emergency:
            assert sign in text
        assert f"Call {uk['emergency_number']} now" in text
        # what to do while waiting for help
        action = next(lv for lv in TRIAGE["levels"] if lv.get("role") == "emergency")["action"]
        assert action.replace("{number}", uk["emergency_number"]) in text
        assert TRIAGE["generic_number"] not in text
        # what to look for comes first; the warning signs before how to log
        assert text.index(emergency[0]) < text.index("soreadvisor log")
    looks = {" ".join(c["look_for"].split()) for c in CHECKINS}
    said = {_description(e).split("\n")[0] for e in events(out.read_text(encoding="utf-8"))}
    assert said == looks


def test_without_a_region_each_check_in_still_says_what_to_do_while_waiting(sh, tmp_path):
    out = tmp_path / "s.ics"
    assert sh("remind", "--at", iso(a_recent_massage()), "-o", str(out)).code == 0
    action = next(lv for lv in TRIAGE["levels"] if lv.get("role") == "emergency")["action"]
    for event in events(out.read_text(encoding="utf-8")):
        text = _description(event)
        assert TRIAGE["generic_number"] in text
        # "don't drive yourself" is not lost for want of a region
        assert action.replace("{number}", TRIAGE["generic_number"]) in text


def test_in_a_pipe_the_calendar_goes_to_stdout(sh):
    result = sh("remind", "--at", iso(a_recent_massage()))
    assert result.code == 0, result.err
    assert len(events(result.out)) == len(CHECKINS)
    assert result.err == ""


def test_an_existing_file_is_not_replaced_without_force(sh, tmp_path):
    out = tmp_path / "soreness.ics"
    out.write_text("my own calendar", encoding="utf-8")
    result = sh("remind", "--at", iso(a_recent_massage()), "-o", str(out))
    assert result.code == 1
    assert "--force" in result.err and len(result.err.splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "my own calendar"
    result = sh("remind", "--at", iso(a_recent_massage()), "-o", str(out), "--force")
    assert result.code == 0, result.err
    assert len(events(out.read_text(encoding="utf-8"))) == len(CHECKINS)


def test_the_file_is_private(sh, tmp_path):
    out = tmp_path / "soreness.ics"
    result = sh("remind", "--at", iso(a_recent_massage()), "-o", str(out))
    assert result.code == 0, result.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert str(out) in result.err  # says where it went (stdout stays empty)
    assert result.out == ""


def test_on_a_terminal_the_check_ins_are_listed_not_dumped_as_icalendar():
    code, shown = run_on_pty(
        "remind", "--at", iso(a_recent_massage()), env={"COLUMNS": "100", "TZ": "UTC"}
    )
    text = screen_text(shown)
    assert code == 0, text
    assert "BEGIN:" not in text and "VCALENDAR" not in text
    flat = " ".join(text.split())
    assert "-o soreness.ics" in flat  # how to write the file
    for c in CHECKINS:
        assert c["title"].split("{")[0].strip() in flat


def test_no_massage_in_the_diary_and_no_at_is_one_clear_line(sh):
    result = sh("remind")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1
    assert "--at" in result.err and "soreadvisor massage" in result.err


def test_every_check_in_passed_is_an_error_for_a_calendar_but_listed(sh):
    result = sh("remind", "--at", "5d")
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert result.out == ""
    listed = sh("remind", "--at", "5d", "--format", "plain")
    assert listed.code == 0
    assert WORDS["remind.passed_many"].replace("{n}", str(len(CHECKINS))) in listed.out


def test_output_and_a_list_format_together_is_a_usage_error(sh, tmp_path):
    out = tmp_path / "s.ics"
    result = sh("remind", "--at", "2h", "-o", str(out), "--format", "json")
    assert result.code == 2 and not out.exists()


def test_the_json_list_has_each_check_in_with_its_local_time(sh):
    result = sh("remind", "--at", "2h", "--format", "json", env={"TZ": "America/New_York"})
    assert result.code == 0, result.err
    import json

    doc = json.loads(result.out)
    assert [c["id"] for c in doc["checkins"]] == [
        c["id"] for c in sorted(CHECKINS, key=lambda c: c["after_hours"])
    ]
    for c in doc["checkins"]:
        at = datetime.fromisoformat(c["at"])
        assert at.utcoffset() == at.astimezone(ZoneInfo("America/New_York")).utcoffset()


def test_the_morning_after_keeps_its_clock_time_across_a_change_of_the_clocks(monkeypatch):
    """Europe/London goes to summer time on 29 March 2026: the morning after a
    massage the evening before is still 09:00 on the clock (08:00 UTC)."""
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        checkin = next(c for c in remind.reminders_of(_topic()).checkins if c.clock)
        massage = datetime(2026, 3, 28, 20, 0, tzinfo=timezone.utc)  # 20:00 GMT
        at = remind.moment(checkin, massage, remind.reminders_of(_topic()).night)
        assert at == expected_moments(massage, "Europe/London")[checkin.id]
        assert at.astimezone(ZoneInfo("Europe/London")).strftime("%d %H:%M") == "29 09:00"
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.parametrize(
    ("hour", "moved"), [(3, True), (14, False), (21, False), (22, True)], ids=str
)
def test_a_check_in_due_in_the_night_waits_for_the_morning(monkeypatch, hour, moved):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    try:
        reminders = remind.reminders_of(_topic())
        peak = next(c for c in reminders.checkins if c.id == "peak")
        massage = datetime(2026, 12, 1, hour, 0, tzinfo=timezone.utc)  # GMT: UTC in winter
        at = remind.moment(peak, massage, reminders.night)
        unmoved = massage + timedelta(hours=peak.after_hours)
        assert at == expected_moments(massage, "Europe/London")["peak"]
        assert (at != unmoved) is moved
        if moved:
            assert at.strftime("%H:%M") == DATA["reminders"]["night"]["ends"]
    finally:
        monkeypatch.undo()
        time.tzset()


def _topic():
    from soreadvisor.kb.store import DEFAULT_TOPIC, KnowledgeBase

    return KnowledgeBase(None, REPO / "data" / "topics").load(DEFAULT_TOPIC)


# -- the data is checked ------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('clock: "09:00"', 'clock: "9am"', ["9am", "09:00"]),
        ("{after} after the massage", "{afte} after the massage", ["{afte}", "{after}"]),
        ("references: [R33]\n", "references: [R999]\n", ["R999"]),
        ("after_hours: 48", "after_hours: -48", ["from 0 to"]),
        ('starts: "22:00"', 'starts: "10pm"', ["10pm", "08:00"]),
    ],
    ids=[
        "clock-not-hh-mm",
        "misspelt-placeholder",
        "unknown-reference",
        "negative-hours",
        "night-not-hh-mm",
    ],
)
def test_kb_check_names_a_mistake_in_the_reminders(cli, tmp_path, old, new, words):
    text = SHIPPED.read_text(encoding="utf-8")
    start = text.index("\nreminders:")
    head, tail = text[:start], text[start:]
    assert old in tail
    f = tmp_path / SHIPPED.name
    f.write_text(head + tail.replace(old, new, 1), encoding="utf-8")
    result = cli("kb", "check", str(f))
    assert result.code == 1, result.out + result.err
    line = (head + tail.replace(old, new, 1)).count("\n", 0, len(head) + tail.index(old)) + 1
    assert f"{f.name}:{line}:" in result.out, result.out
    for word in words:
        assert word in result.out, result.out
    assert "Traceback" not in result.out + result.err


def _offered(sh, line: str) -> list[str]:
    """What bash would offer for the last word of ``line`` (Click's protocol)."""
    env = {
        "_SOREADVISOR_COMPLETE": "complete_bash",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split()) - 1),
    }
    result = sh(env=env)
    assert result.code == 0 and "Traceback" not in result.err, result.err
    return result.out.split()


def test_completion_offers_the_options_of_remind(sh):
    offered = _offered(sh, "soreadvisor remind --f")
    assert "--force" in offered and "--format" in offered


def test_completion_offers_the_regions_for_remind(sh):
    offered = _offered(sh, "soreadvisor remind --region u")
    assert {"uk", "us"} <= set(offered)


def test_the_saved_region_gives_its_number(sh, tmp_path):
    assert sh("profile", "set", "--region", "uk").code == 0
    out = tmp_path / "s.ics"
    assert sh("remind", "--at", "2h", "-o", str(out)).code == 0
    uk = next(r for r in TRIAGE["regions"] if r["id"] == "uk")
    for event in events(out.read_text(encoding="utf-8")):
        assert f"Call {uk['emergency_number']} now" in _description(event)


def test_a_topic_without_check_ins_is_one_clear_line(sh, tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    kb = tmp_path / "kb"
    kb.mkdir()
    # a topic of its own (a file named like the built-in one would add to it)
    mine = text[: text.index("\nreminders:")].replace(f"id: {DATA['id']}\n", "id: mine\n", 1)
    (kb / "mine.yaml").write_text(mine + "\n", encoding="utf-8")
    result = sh("remind", "--at", "2h", "--kb", str(kb), "--topic", "mine")
    assert result.code == 1 and result.out == ""
    assert len(result.err.splitlines()) == 1 and "check-ins" in result.err
