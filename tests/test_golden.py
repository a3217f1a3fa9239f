"""Golden files: every screen as a reader sees it, checked in under tests/golden/.

Like tealdeer's rendered pages: each command's answer in each text format
(a terminal at 60 and 100 columns, plain, Markdown) is compared with its
checked-in rendering, so a wording or order change is reviewed as a diff of
what the reader sees. Regenerate them all with one command:

    SOREADVISOR_UPDATE_GOLDEN=1 python -m pytest -q -k golden

The terminal renderings are Rich's layout without escape codes (``--format
rich`` into a pipe), so the files are readable text; styles are tested in
tests/test_render.py.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from conftest import WORDS, assert_golden

from soreadvisor.advice import trend, triage
from soreadvisor.advice.profile import Profile
from soreadvisor.diary.models import Massage, Score
from soreadvisor.render import render

FORMATS = {
    "rich-60": ("--format", "rich", 60),
    "rich-100": ("--format", "rich", 100),
    "plain": ("--format", "plain", 100),
    "markdown": ("--format", "markdown", 100),
}

# Each case is what a user would type (after `soreadvisor`), with no saved profile.
COMMANDS = {
    "explain": ["explain"],
    "explain-lactic-acid": ["explain", "lactic-acid"],
    "cope-low": ["cope", "--severity", "low"],
    "cope-moderate": ["cope"],
    "cope-high-uk": ["cope", "--severity", "high", "--region", "uk"],
    "cope-high-raynauds-anticoagulant": [
        "cope",
        "--severity",
        "high",
        "--condition",
        "raynauds",
        "--medication",
        "anticoagulant",
    ],
    "prevent": ["prevent"],
    "check-none": ["check", "--none"],
    "check-emergency-uk": ["check", "--symptom", "breathless", "--region", "uk"],
    "check-urgent-clot": ["check", "--symptom", "one-leg-swelling"],
    "check-list": ["check", "--list"],
    "check-words-uk": ["check", "my left calf is swollen and hot, no fever", "--region", "uk"],
    "search-swollen-calf": ["search", "swollen", "calf"],
    "plan-30h-raynauds": ["plan", "--at", "30h", "--condition", "raynauds", "--region", "us"],
    "topics": ["topics"],
    "sources": ["sources"],
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", COMMANDS)
def test_golden_command(cli, monkeypatch, case, fmt):
    flag, value, width = FORMATS[fmt]
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli(*COMMANDS[case], flag, value, "--color", "never")
    assert result.code == 0, result.err
    assert_golden(f"{case}.{fmt}.txt", result.out)


def _render(report, fmt: str) -> str:
    _, value, width = FORMATS[fmt]
    out = io.StringIO()
    import os

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    try:
        render(report, value, "never", out)
    finally:
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    return out.getvalue()


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_check_with_a_doubt_that_leads(topic, fmt):
    """Not sure about a fever, nothing else: the doubt is said before "look after it at home"."""
    tr = topic.triage
    report = triage.check_report(topic, triage.assess(tr, set(), Profile()), Profile(), ["fever"])
    assert_golden(f"check-unsure-fever.{fmt}.txt", _render(report, fmt))


# A diary at fixed times, so "4 days ago" never moves: a massage, scores rising
# to a severe 8 on day 3, then easing.
NOW = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
MASSAGE = Massage(id=1, at=NOW - timedelta(hours=100), intensity="deep", note=None)


def _scores(points: list[tuple[float, int, str | None]]) -> list[Score]:
    return [
        Score(id=n, at=MASSAGE.at + timedelta(hours=h), score=s, where=where, note=None)
        for n, (h, s, where) in enumerate(points, 1)
    ]


EPISODES = {
    "easing": [(2, 3, "calves"), (6, 5, None), (20, 6, "calves"), (30, 5, None), (50, 3, None)],
    "severe-lasting": [(2, 3, None), (14, 5, None), (40, 6, "left calf"), (80, 8, "left calf")],
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("episode", EPISODES)
def test_golden_history(topic, monkeypatch, fmt, episode):
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    scores = _scores(EPISODES[episode])
    rules = topic.diary
    assessment = trend.assess(scores, rules, MASSAGE.at, NOW, WORDS)
    report = trend.history_report(
        topic,
        entries=scores,
        total=len(scores),
        massage=MASSAGE,
        massages=[MASSAGE],
        days=None,
        assessment=assessment,
        now=NOW,
    )
    assert_golden(f"history-{episode}.{fmt}.txt", _render(report, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_remind_list(topic, monkeypatch, fmt):
    """The check-ins of a massage (in London), the morning one already passed."""
    from soreadvisor.advice import remind

    monkeypatch.setenv("TZ", "Europe/London")
    import time

    time.tzset()
    massage = NOW - timedelta(hours=20)
    profile = Profile(region="uk")
    planned, passed = remind.plan_checkins(topic, massage, profile, NOW)
    report = remind.listing(topic, massage, planned, passed, profile)
    text = _render(report, fmt)
    monkeypatch.undo()
    time.tzset()
    assert_golden(f"remind-list.{fmt}.txt", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_diary_report(topic, monkeypatch, fmt):
    """The doctor's page in every text format: two places, notes, a saved check."""
    from soreadvisor.advice.diaryreport import diary_report
    from soreadvisor.diary.models import CheckResult

    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    points = [
        (2, 3, "left calf"),
        (14, 5, "right foot"),
        (40, 7, "left calf"),
        (80, 4, "left calf"),
    ]
    scores = _scores(points)
    scores[1].note = "stiff on the stairs"
    massage = Massage(id=1, at=MASSAGE.at, intensity="deep", note="deep tissue on both calves")
    sign = next(s for s in topic.triage.signs if s.level == "urgent")
    check = CheckResult(
        1, MASSAGE.at + timedelta(hours=82), "urgent", "Get help today", [sign.text]
    )
    report = diary_report(
        topic,
        massage=massage,
        massages=[massage],
        scores=scores,
        checks=[check],
        assessment=trend.assess(scores, topic.diary, massage.at, NOW, WORDS),
        since=massage.at,
        now=NOW,
    )
    assert_golden(f"diary-report.{fmt}.txt", _render(report, fmt))
