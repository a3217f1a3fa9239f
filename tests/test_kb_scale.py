"""Knowledge at scale: `topics` from its index, `kb check` in one pass over many files.

What a user relies on: `topics` lists what the files say now (a changed file is
seen on the next run, an index nobody but us wrote is trusted), `kb check`
finds every problem of many topics, with the same location as loading the
topic, in every format, and in plain words.
"""

from __future__ import annotations

import json
import marshal
from pathlib import Path

import pytest

from soreadvisor.kb.store import DEFAULT_TOPIC, KnowledgeBase
from soreadvisor.kb.yamlfile import FileProblems, parse_doc

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"
BUILTIN = REPO / "data" / "topics"


def copies(folder: Path, count: int, title: str = "Copy") -> Path:
    """``count`` full copies of the shipped topic under new ids (as a user's own topics)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SHIPPED.read_text(encoding="utf-8")
    for n in range(count):
        topic_id = f"copy-{n:03d}"
        body = text.replace(f"id: {DEFAULT_TOPIC}", f"id: {topic_id}", 1)
        body = body.replace('title: "Leg soreness after a foot massage"', f"title: {title} {n}", 1)
        (folder / f"{topic_id}.yaml").write_text(body, encoding="utf-8")
    return folder


def index_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "topics").glob("*.index"))


# --- topics: an index of ids and titles ------------------------------------------------------


def test_topics_lists_each_title_from_the_index_without_reading_a_topic(cli, tmp_path, monkeypatch):
    kb = copies(tmp_path / "kb", 3)
    first = cli("topics", "--kb", str(kb))
    assert first.code == 0, first.err
    assert "copy-002\tCopy 2" in first.out.splitlines()

    def no_loading(*_args, **_kw):
        raise AssertionError("a topic was loaded although no file changed")

    monkeypatch.setattr(KnowledgeBase, "_load", no_loading)
    again = cli("topics", "--kb", str(kb))
    assert again.code == 0 and again.out == first.out


def test_a_changed_file_is_seen_by_topics_on_the_next_run(cli, tmp_path):
    kb = copies(tmp_path / "kb", 2)
    assert "copy-001\tCopy 1" in cli("topics", "--kb", str(kb)).out
    target = kb / "copy-001.yaml"
    target.write_text(target.read_text().replace("title: Copy 1", "title: Renamed, longer"))
    listing = cli("topics", "--kb", str(kb)).out.splitlines()
    assert "copy-001\tRenamed, longer" in listing and "copy-000\tCopy 0" in listing


def test_a_topic_that_breaks_is_listed_with_its_reason_and_not_from_the_index(cli, tmp_path):
    kb = copies(tmp_path / "kb", 2)
    cli("topics", "--kb", str(kb))
    (kb / "copy-000.yaml").write_text("title: [unclosed\n")
    result = cli("topics", "--kb", str(kb))
    assert result.code == 0
    (line,) = [x for x in result.out.splitlines() if x.startswith("copy-000")]
    assert "(cannot load:" in line and "copy-000.yaml:" in line
    assert "copy-001\tCopy 1" in result.out


def test_the_json_listing_is_the_same_from_the_index(cli, tmp_path):
    kb = copies(tmp_path / "kb", 2)
    first = cli("topics", "--kb", str(kb), "--format", "json").out
    assert json.loads(cli("topics", "--kb", str(kb), "--format", "json").out) == json.loads(first)
    assert [t["id"] for t in json.loads(first)["topics"]] == ["copy-000", "copy-001", DEFAULT_TOPIC]


@pytest.mark.parametrize("how", ["others-writable", "folder-writable", "link"])
def test_an_index_others_could_have_written_is_not_believed(cli, tmp_path, private_home, how):
    kb = copies(tmp_path / "kb", 1)
    cli("topics", "--kb", str(kb))
    (index,) = [f for f in index_files(private_home) if marshal.loads(f.read_bytes())[1]]
    key, entries = marshal.loads(index.read_bytes())
    stamp, _, disclaimer = entries["copy-000"]
    planted = marshal.dumps((key, {"copy-000": (stamp, "Planted title", disclaimer)}))
    index.write_bytes(planted)
    assert "Planted title" in cli("topics", "--kb", str(kb)).out  # the control: ours is used
    index.write_bytes(planted)
    if how == "others-writable":  # the trust rule (paths.distrust): readable is no harm
        index.chmod(0o646)
    elif how == "folder-writable":
        index.parent.chmod(0o777)
    else:
        elsewhere = tmp_path / "elsewhere.index"
        elsewhere.write_bytes(planted)
        elsewhere.chmod(0o600)
        index.unlink()
        index.symlink_to(elsewhere)
    assert "Planted title" not in cli("topics", "--kb", str(kb)).out


@pytest.mark.parametrize(
    "junk",
    [b"", b"junk", marshal.dumps(("key", [1, 2])), marshal.dumps(("key", {"copy-000": (1,)}))],
    ids=["empty", "text", "not-a-dict", "bad-entry"],
)
def test_a_damaged_index_is_rebuilt(cli, tmp_path, private_home, junk):
    kb = copies(tmp_path / "kb", 1)
    first = cli("topics", "--kb", str(kb)).out
    for index in index_files(private_home):
        index.write_bytes(junk)
    assert cli("topics", "--kb", str(kb)).out == first


# --- kb check --------------------------------------------------------------------------------


def broken_override(folder: Path) -> Path:
    """An override whose one tip has a title that is not text (tips.0 of this file)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{DEFAULT_TOPIC}.yaml"
    path.write_text(
        "tips:\n"
        "  - id: my-tip\n"
        "    title: 5\n"
        "    summary: Warm up.\n"
        "    evidence: {verdict: unsupported, summary: Mine., references: [R1]}\n"
    )
    return path


def test_a_problem_has_the_same_location_in_kb_check_and_when_loaded(cli, tmp_path):
    path = broken_override(tmp_path / "kb")
    checked = cli("kb", "check", str(path.parent))
    loaded = cli("cope", "--kb", str(path.parent))
    assert checked.code == 1 and loaded.code == 1
    (line,) = checked.out.splitlines()
    assert line == f"{path}:3:12: tips.0.title: must be text, got int"  # as the file has it
    assert loaded.err.strip() == f"soreadvisor: error: {line}"


@pytest.mark.parametrize(
    ("count", "words"), [(1, "1 problem in 1 topic"), (2, "2 problems in 1 topic")]
)
def test_kb_check_counts_in_plain_words(cli, tmp_path, count, words):
    path = tmp_path / "mine.yaml"
    path.write_text("".join(f"k{i}: 1\nk{i}: 2\n" for i in range(count)))
    result = cli("kb", "check", str(path))
    assert result.code == 1 and len(result.out.splitlines()) == count
    assert result.err == words + "\n"


def test_kb_check_json_names_each_problem_with_its_place(cli, tmp_path):
    path = broken_override(tmp_path / "kb")
    result = cli("kb", "check", str(path.parent), "--format", "json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc["command"] == "kb check" and doc["topics_checked"] == 1 and doc["valid"] is False
    (problem,) = doc["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == (str(path), 3, 12)
    assert problem["message"] == "tips.0.title: must be text, got int"
    ok = json.loads(cli("kb", "check", "--format", "json").out)
    assert ok["valid"] is True and ok["problems"] == [] and ok["topics_checked"] == 1


def test_kb_check_markdown_is_a_list_of_problems(cli, tmp_path):
    path = broken_override(tmp_path / "kb")
    result = cli("kb", "check", str(path.parent), "--format", "markdown")
    assert result.code == 1
    assert "## Problems" in result.out and "tips.0.title" in result.out


def test_every_one_of_many_topics_is_checked_and_the_progress_told(tmp_path):
    kb = copies(tmp_path / "kb", 18)
    bad = kb / "copy-003.yaml"
    bad.write_text(bad.read_text().replace("verdict: myth", "verdict: nonsense", 1))
    (kb / "copy-007.yaml").write_text("id: copy-007\nid: again\n")
    base = KnowledgeBase(None, BUILTIN)
    seen: list[tuple[int, int]] = []
    count, problems = base.check(kb, progress=lambda done, total: seen.append((done, total)))
    assert count == 18
    assert {Path(p.file).name for p in problems} == {"copy-003.yaml", "copy-007.yaml"}
    assert seen == [(n, count) for n in range(1, count + 1)]


def test_kb_check_in_a_pipe_draws_no_progress_bar(sh, tmp_path):
    kb = copies(tmp_path / "kb", 16)
    result = sh("kb", "check", str(kb))
    assert result.code == 0, result.err
    assert result.out == "" and result.err == "ok: 16 topics valid\n"


# --- one pass over the YAML ------------------------------------------------------------------


def test_reading_in_one_pass_gives_what_pyyaml_gives():
    import yaml

    raw = SHIPPED.read_bytes()
    assert parse_doc(raw, "x").data == yaml.safe_load(raw)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("a: 1\n---\nb: 2\n", (2, 1), "single document"),
        ("a: 1\n---\nb: &x 2\n", (3, 4), "anchors"),
        ("? [a, b]\n: 1\nc: 2\n", (1, 3), "plain text"),
        ("<<: {a: 1}\n", (1, 1), "plain text"),
        ("a: !!python/object/apply:os.system [x]\n", (1, 4), "cannot read value"),
        ("a: 1\na: [x, &y z]\n", (2, 8), "anchors"),
    ],
)
def test_what_the_single_pass_refuses_is_located(text, where, words):
    with pytest.raises(FileProblems) as caught:
        parse_doc(text.encode(), "f.yaml")
    problem = caught.value.problems[0]
    assert words in problem.message and (problem.line, problem.column) == where
