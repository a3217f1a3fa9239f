"""`diary delete --id N`: one mistyped score goes, everything else stays; it asks
first on a terminal like `--all`, and a wrong id deletes nothing."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timedelta, timezone

import pytest


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def entries(cli) -> list[dict]:
    result = cli("history", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)["entries"]


@pytest.fixture
def logged(cli) -> list[dict]:
    for args in (
        ["massage", "--at", "30h"],
        ["log", "3", "--at", "28h"],
        ["log", "9", "--at", "2h"],
    ):
        assert cli(*args).code == 0
    assert cli("log", "4", "--at", "1h").code == 0
    return entries(cli)


def test_delete_id_yes_removes_that_score_only(cli, logged):
    typo = next(e for e in logged if e["score"] == 9)
    result = cli("diary", "delete", "--id", str(typo["id"]), "--yes")
    assert result.code == 0 and result.out == ""
    assert "9/10" in result.err and f"id {typo['id']}" in result.err
    assert entries(cli) == [e for e in logged if e["id"] != typo["id"]]


def test_an_unknown_id_deletes_nothing_and_says_so(cli, logged):
    result = cli("diary", "delete", "--id", "999", "--yes")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert "999" in result.err and "Traceback" not in result.err
    assert entries(cli) == logged


def test_without_a_terminal_it_needs_yes(cli, logged):
    result = cli("diary", "delete", "--id", str(logged[0]["id"]))
    assert result.code == 2 and "--yes" in result.err
    assert entries(cli) == logged


@pytest.mark.parametrize(("answer", "code", "kept"), [("y\n", 0, 2), ("n\n", 0, 3), ("", 0, 3)])
def test_on_a_terminal_it_asks_first(cli, logged, monkeypatch, answer, code, kept):
    monkeypatch.setattr(sys, "stdin", FakeTerminal(answer))
    result = cli("diary", "delete", "--id", str(logged[-1]["id"]))
    assert result.code == code
    assert "4/10" in result.err and "[y/N]" in result.err
    assert len(entries(cli)) == kept


@pytest.mark.parametrize(
    "args", [["diary", "delete"], ["diary", "delete", "--all", "--id", "1", "--yes"]]
)
def test_all_or_one_id_must_be_said_and_not_both(cli, logged, args):
    result = cli(*args)
    assert result.code == 2 and len(result.err.strip().splitlines()) == 1
    assert entries(cli) == logged


def test_the_store_says_whether_the_score_was_there(private_home):
    from soreadvisor.diary.store import Diary

    with Diary.open(write=True) as diary:
        diary.add_score(datetime.now(timezone.utc) - timedelta(hours=1), 5, None, None)
        (score,) = diary.scores()
        assert diary.delete_score(score.id) is True
        assert diary.delete_score(score.id) is False
        assert diary.scores() == []
