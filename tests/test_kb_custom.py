"""Custom knowledge: the user directory, --kb, SOREADVISOR_KB, and `kb path`.

Like tldr's custom pages: a user file named like a built-in topic overrides its
entries by id and adds new ones; any other name adds a topic.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from soreadvisor.kb.store import DEFAULT_TOPIC

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def entry(shipped: dict, section: str, entry_id: str) -> dict:
    return copy.deepcopy(next(e for e in shipped[section] if e["id"] == entry_id))


def user_dir(cli) -> Path:
    result = cli("kb", "path")
    assert result.code == 0
    path = Path(result.out.strip())
    path.mkdir(parents=True, exist_ok=True)
    return path


def dump(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def remedies(cli, *args: str) -> dict[str, dict]:
    result = cli("cope", "--severity", "high", "--format", "json", *args)
    assert result.code == 0, result.err
    return {r["id"]: r for r in json.loads(result.out)["remedies"]}


def my_ice(shipped: dict) -> dict:
    ice = entry(shipped, "remedies", "ice")
    ice["title"] = "Frozen peas, my way"
    ice["how"] = "Wrap the peas in a tea towel for ten minutes."
    return ice


# --- where it lives --------------------------------------------------------------------


def test_kb_path_prints_a_directory_under_the_private_home(cli, private_home):
    path = Path(cli("kb", "path").out.strip())
    assert private_home in path.parents


def test_kb_path_follows_platform_conventions_without_soreadvisor_home(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("SOREADVISOR_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = Path(cli("kb", "path").out.strip())
    assert (tmp_path / "config" / "soreadvisor") in [path, *path.parents]


def test_a_missing_user_directory_is_not_an_error(cli):
    assert not Path(cli("kb", "path").out.strip()).exists()
    assert cli("explain").code == 0
    assert cli("topics").code == 0


@pytest.mark.parametrize("command", [("cope",), ("explain",), ("kb", "check")])
def test_an_empty_kb_is_a_usage_error_not_the_current_directory(
    cli, tmp_path, monkeypatch, command
):
    """``--kb "$UNSET"`` must not quietly read whatever YAML sits in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "foot-massage-leg-soreness.yaml").write_text("not: [a topic\n")
    result = cli(*command, "--kb", "")
    assert result.code == 2 and result.out == ""
    assert result.err.count("\n") == 1 and "--kb" in result.err and "empty" in result.err


def test_an_empty_soreadvisor_kb_counts_as_unset(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "foot-massage-leg-soreness.yaml").write_text("not: [a topic\n")
    monkeypatch.setenv("SOREADVISOR_KB", "")
    assert cli("cope").code == 0


# --- overriding the built-in topic ---------------------------------------------------


def test_a_user_file_overrides_a_builtin_remedy_by_id(cli, shipped, topic):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"remedies": [my_ice(shipped)]})
    got = remedies(cli)
    assert got["ice"]["title"] == "Frozen peas, my way"
    assert got["ice"]["how"] == "Wrap the peas in a tea towel for ten minutes."
    # the other remedies and their order are untouched
    expected_order = [r.id for r in topic.remedies if "high" in r.severities]
    assert list(got) == expected_order
    compression = next(r for r in topic.remedies if r.id == "compression")
    assert got["compression"]["title"] == compression.title


def test_the_override_shows_in_plain_output_too(cli, shipped):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"remedies": [my_ice(shipped)]})
    out = cli("cope", "--format", "plain").out
    assert "Frozen peas, my way" in out


def test_an_overridden_remedy_keeps_its_safety_cautions_if_the_user_keeps_them(cli, shipped):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"remedies": [my_ice(shipped)]})
    assert remedies(cli, "--condition", "raynauds")["ice"]["advised"] is False


def test_a_user_file_adds_a_new_remedy(cli, shipped):
    new = entry(shipped, "remedies", "rest")
    new.update(id="foot-bath", title="A warm foot bath", severities=["low", "high"])
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"remedies": [new]})
    got = remedies(cli)
    assert list(got)[-1] == "foot-bath"
    assert got["foot-bath"]["title"] == "A warm foot bath"
    moderate = cli("cope", "--severity", "moderate", "--format", "json").out
    assert "foot-bath" not in moderate


def test_a_user_file_can_change_a_warning_sign_level(cli, shipped):
    fever = entry(shipped["triage"], "signs", "fever")
    fever["level"] = "urgent"
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"triage": {"signs": [fever]}})
    doc = json.loads(cli("check", "--symptom", "fever", "--format", "json").out)
    assert doc["level"] == "urgent"
    # the other signs are still there
    listed = cli("check", "--list").out.splitlines()
    assert len(listed) == len(shipped["triage"]["signs"])


def test_a_user_file_can_override_a_plain_value(cli):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"title": "My sore legs"})
    assert cli("explain", "--format", "plain").out.startswith("My sore legs")


def test_a_yml_suffix_works_too(cli):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yml", {"title": "From a .yml file"})
    assert cli("explain", "--format", "plain").out.startswith("From a .yml file")


def test_an_override_with_a_mistake_names_the_user_file(cli, shipped):
    ice = my_ice(shipped)
    ice["verdict"] = "great"  # not a field of a remedy
    path = dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"remedies": [ice]})
    result = cli("cope")
    assert result.code != 0
    assert str(path) in result.err and "verdict" in result.err
    assert "Traceback" not in result.err


# --- new topics --------------------------------------------------------------------------


def new_topic(shipped: dict, topic_id: str, title: str) -> dict:
    data = copy.deepcopy(shipped)
    data["id"], data["title"] = topic_id, title
    return data


def test_a_user_file_with_a_new_name_adds_a_topic(cli, shipped):
    dump(user_dir(cli) / "hand-massage.yaml", new_topic(shipped, "hand-massage", "Sore hands"))
    listing = cli("topics").out.splitlines()
    assert any(line.startswith("hand-massage") and "Sore hands" in line for line in listing)
    assert any(line.startswith(DEFAULT_TOPIC) for line in listing)
    doc = json.loads(cli("topics", "--format", "json").out)
    assert {t["id"] for t in doc["topics"]} == {DEFAULT_TOPIC, "hand-massage"}
    out = cli("explain", "--topic", "hand-massage", "--format", "plain").out
    assert out.startswith("Sore hands")


def test_a_broken_user_topic_is_listed_as_broken_without_hiding_the_others(cli, shipped):
    dump(user_dir(cli) / "broken-one.yaml", {"id": "broken-one"})
    result = cli("topics")
    assert result.code == 0
    lines = result.out.splitlines()
    assert any(line.startswith(DEFAULT_TOPIC) for line in lines)
    broken = [line for line in lines if line.startswith("broken-one")]
    assert broken and "broken-one.yaml:" in broken[0]


def test_a_misnamed_user_file_does_not_break_the_topic_listing(cli, shipped):
    dump(user_dir(cli) / "My Topic.yaml", new_topic(shipped, "my-topic", "Mine"))
    result = cli("topics")
    assert result.code == 0, result.err
    assert any(line.startswith(DEFAULT_TOPIC) for line in result.out.splitlines())
    assert "My Topic" in result.out  # listed, with why it cannot be used


def test_a_new_topic_can_be_checked_before_use(cli, shipped, tmp_path):
    path = dump(tmp_path / "hand-massage.yaml", new_topic(shipped, "hand-massage", "Sore hands"))
    result = cli("kb", "check", str(path))
    assert result.code == 0, result.out
    assert "Sore hands" not in result.out  # it checks, it does not print the topic


def test_kb_check_without_a_path_checks_the_user_directory_too(cli, shipped):
    dump(user_dir(cli) / "broken-one.yaml", {"id": "broken-one"})
    result = cli("kb", "check")
    assert result.code == 1
    assert "broken-one.yaml:" in result.out


# --- --kb and SOREADVISOR_KB ---------------------------------------------------------------


def test_kb_option_uses_the_given_directory_instead_of_the_user_directory(cli, tmp_path):
    dump(user_dir(cli) / f"{DEFAULT_TOPIC}.yaml", {"title": "From the user directory"})
    other = tmp_path / "elsewhere"
    other.mkdir()
    dump(other / f"{DEFAULT_TOPIC}.yaml", {"title": "From elsewhere"})
    assert cli("explain", "--kb", str(other), "--format", "plain").out.startswith("From elsewhere")
    assert cli("explain", "--format", "plain").out.startswith("From the user directory")


def test_kb_option_accepts_a_single_file(cli, tmp_path, shipped):
    path = dump(tmp_path / f"{DEFAULT_TOPIC}.yaml", {"remedies": [my_ice(shipped)]})
    assert remedies(cli, "--kb", str(path))["ice"]["title"] == "Frozen peas, my way"


def test_kb_option_with_a_single_new_topic_file(cli, tmp_path, shipped):
    path = dump(tmp_path / "hand-massage.yaml", new_topic(shipped, "hand-massage", "Sore hands"))
    out = cli("explain", "--kb", str(path), "--topic", "hand-massage", "--format", "plain").out
    assert out.startswith("Sore hands")
    # the built-in topic is still there next to it
    assert cli("explain", "--kb", str(path)).code == 0


def test_soreadvisor_kb_environment_variable_works_like_the_option(cli, tmp_path, monkeypatch):
    other = tmp_path / "elsewhere"
    other.mkdir()
    dump(other / f"{DEFAULT_TOPIC}.yaml", {"title": "From the environment"})
    monkeypatch.setenv("SOREADVISOR_KB", str(other))
    assert cli("explain", "--format", "plain").out.startswith("From the environment")


def test_soreadvisor_kb_is_read_by_a_real_process(sh, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    dump(other / f"{DEFAULT_TOPIC}.yaml", {"title": "From the environment"})
    result = sh("explain", env={"SOREADVISOR_KB": str(other)})
    assert result.code == 0, result.err
    assert result.out.startswith("From the environment")


def test_the_kb_option_wins_over_the_environment(cli, tmp_path, monkeypatch):
    for name in ("env", "opt"):
        (tmp_path / name).mkdir()
        dump(tmp_path / name / f"{DEFAULT_TOPIC}.yaml", {"title": f"From {name}"})
    monkeypatch.setenv("SOREADVISOR_KB", str(tmp_path / "env"))
    out = cli("explain", "--kb", str(tmp_path / "opt"), "--format", "plain").out
    assert out.startswith("From opt")


def test_a_kb_path_that_does_not_exist_is_one_clear_error(cli, tmp_path):
    result = cli("explain", "--kb", str(tmp_path / "nowhere"))
    assert result.code != 0
    assert "nowhere" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


@pytest.mark.parametrize("command", [["topics"], ["kb", "check"]])
def test_commands_that_list_topics_accept_kb_too(cli, tmp_path, shipped, command):
    path = dump(tmp_path / "hand-massage.yaml", new_topic(shipped, "hand-massage", "Sore hands"))
    result = cli(*command, "--kb", str(path))
    assert result.code == 0, result.out + result.err
    if command == ["topics"]:
        assert "hand-massage" in result.out


# --- --kb means what it says -------------------------------------------------------------


def own_topic(path: Path, topic_id: str, title: str) -> Path:
    """A whole topic of one's own: the shipped one under another id and title."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {topic_id}", text, count=1)
    text = re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_kb_file_is_the_topic_answered_without_topic(cli, tmp_path, monkeypatch, how):
    f = own_topic(tmp_path / "my-legs.yaml", "my-legs", "My legs, my notes")
    args = ["--kb", str(f)] if how == "flag" else []
    if how == "env":
        monkeypatch.setenv("SOREADVISOR_KB", str(f))
    result = cli("explain", *args, "--format", "plain")
    assert result.code == 0, result.err
    assert result.out.startswith("My legs, my notes")


@pytest.mark.parametrize("command", [["explain"], ["cope"], ["prevent"], ["plan"], ["sources"]])
@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_broken_kb_file_is_an_error_with_its_line_never_the_built_in_topic(
    cli, tmp_path, monkeypatch, command, how
):
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: 1\nid: broken\ntitle: [not, text]\n", encoding="utf-8")
    args = ["--kb", str(broken)] if how == "flag" else []
    if how == "env":
        monkeypatch.setenv("SOREADVISOR_KB", str(broken))
    result = cli(*command, *args)
    assert result.code == 1, result
    assert result.out == ""
    assert re.match(rf"soreadvisor: error: {re.escape(str(broken))}:\d+:", result.err), result.err


def test_a_kb_file_whose_id_disagrees_with_its_name_is_refused(cli, tmp_path):
    f = own_topic(tmp_path / "one-name.yaml", "another-name", "Two names")
    result = cli("explain", "--kb", str(f))
    assert result.code == 1
    assert f"{f}:" in result.err and "another-name" in result.err and "one-name" in result.err


def test_a_broken_file_in_a_kb_directory_is_an_error_for_every_topic(cli, tmp_path):
    """Asking for the built-in topic with --kb DIR still reads DIR whole: nothing in it is
    skipped; `topics` lists the broken file with the reason instead."""
    kb = tmp_path / "kb"
    kb.mkdir()
    own_topic(kb / "good-one.yaml", "good-one", "A good one")
    (kb / "bad-one.yaml").write_text("schema_version: 1\nid: bad-one\n", encoding="utf-8")
    for args in (["cope"], ["explain", "--topic", "good-one"], ["check", "--none"]):
        result = cli(*args, "--kb", str(kb))
        assert result.code == 1, (args, result)
        assert f"{kb / 'bad-one.yaml'}:" in result.err, (args, result.err)
    listed = cli("topics", "--kb", str(kb), "--format", "plain")
    assert "bad-one" in listed.out and "good-one" in listed.out
    assert f"{kb / 'bad-one.yaml'}:" in listed.out


@pytest.mark.parametrize(
    "line, words",
    [
        ("title: 5", "title: must be text, got int"),
        ("references: 5", "references: must be a list, got int"),
        ("donts: [{id: a, text: b, references: nope}]", "must be a list, got str"),
        ("diary: {high_score: lots}", "diary.high_score: must be a whole number, got str"),
        ("remedies: [{id: rest, severities: [extreme]}]", "must be 'low', 'moderate' or 'high'"),
        ("timeline: 3", "timeline: must be a mapping of keys to values, got int"),
    ],
    ids=["text", "list", "nested-list", "whole-number", "one-of", "mapping"],
)
def test_a_wrongly_typed_value_is_explained_in_our_words(cli, tmp_path, line, words):
    """Our sentences for pydantic's error codes, the same on every pydantic in range:
    its own English ("Input should be ...") is never shown."""
    overlay = tmp_path / f"{DEFAULT_TOPIC}.yaml"
    overlay.write_text(line + "\n", encoding="utf-8")
    result = cli("kb", "check", str(overlay))
    assert result.code == 1
    assert words in result.out, result.out
    assert "Input should" not in result.out + result.err
