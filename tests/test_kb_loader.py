"""Loading knowledge: the shipped topic, safe YAML reading with positions, the cache.

File-level problems (malformed YAML, duplicate keys, anchors and aliases,
oversized, binary, not UTF-8, deeply nested) must each come back as
``file:line:column: message`` with the right line, from ``kb check`` (exit 1)
and from any other command given the file with ``--kb`` (one line on stderr,
non-zero exit, no traceback).
"""

from __future__ import annotations

import marshal
import os
import pickle
import re
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

from soreadvisor.kb import yamlfile
from soreadvisor.kb.store import DEFAULT_TOPIC, KnowledgeBase, KnowledgeError
from soreadvisor.kb.yamlfile import FileProblems, parse_doc, read_doc

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml"
PROBLEM = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")

# The ids the issue asks for, each named in the article.
ARTICLE_IDS = {
    "causes": ["muscle-stimulation", "blood-flow", "lactic-acid", "unaccustomed-intensity"],
    "remedies": ["rest", "ice", "compression", "heat", "stretching", "hydration", "pain-relief"],
    "tips": ["tell-therapist", "gradual-intensity", "regular-exercise"],
}
VERDICTS = {"supported", "mixed", "unsupported", "myth"}


# --- the shipped topic ------------------------------------------------------------


def test_shipped_knowledge_base_has_no_problems(monkeypatch, tmp_path):
    count, problems = KnowledgeBase(None, REPO / "data" / "topics").check()
    assert count >= 1
    assert problems == []


@pytest.mark.parametrize("section", sorted(ARTICLE_IDS))
def test_every_cause_remedy_and_tip_of_the_article_is_there(topic, section):
    ids = [item.id for item in getattr(topic, section)]
    for wanted in ARTICLE_IDS[section]:
        assert wanted in ids


def test_every_claim_carries_a_verdict_a_summary_and_a_known_reference(topic):
    refs = {r.id for r in topic.references}
    for item in [*topic.causes, *topic.remedies, *topic.tips]:
        assert item.evidence.verdict in VERDICTS, item.id
        assert item.evidence.summary.strip(), item.id
        assert item.evidence.references, item.id
        assert set(item.evidence.references) <= refs, item.id


def test_references_are_listed_once_with_a_citation_and_a_verified_flag(topic):
    ids = [r.id for r in topic.references]
    assert len(ids) == len(set(ids))
    for ref in topic.references:
        assert ref.citation.strip() and isinstance(ref.verified, bool), ref.id


def test_lactic_acid_is_labelled_a_myth_and_says_what_is_known_instead(topic):
    cause = next(c for c in topic.causes if c.id == "lactic-acid")
    assert cause.evidence.verdict == "myth"
    assert cause.article_claim.strip() and (cause.instead or "").strip()


def test_every_remedy_says_how_when_and_for_which_severities(topic):
    for remedy in topic.remedies:
        assert remedy.how.strip() and remedy.when.strip(), remedy.id
        assert remedy.severities and set(remedy.severities) <= {"low", "moderate", "high"}


def test_medicine_advice_says_follow_the_label(topic):
    pain = next(r for r in topic.remedies if r.id == "pain-relief")
    assert pain.options, "one option per medicine"
    for option in pain.options:
        assert "follow the label" in option.how.lower(), option.id


def test_the_timeline_and_the_warning_signs_are_in_the_knowledge_base(topic):
    assert topic.timeline is not None and topic.timeline.phases
    assert topic.timeline.see_professional
    assert topic.triage is not None and topic.triage.signs


# --- reading one file safely ---------------------------------------------------------


def problems_of(raw: bytes) -> list[yamlfile.Problem]:
    with pytest.raises(FileProblems) as info:
        parse_doc(raw, "f.yaml")
    return info.value.problems


def test_positions_are_one_based_line_and_column_of_each_value():
    doc = parse_doc(b"a: 1\nb:\n  - x\n  - y: 2\n", "f.yaml")
    assert doc.positions[("a",)] == ("f.yaml", 1, 4)
    assert doc.positions[("b", 1)] == ("f.yaml", 4, 5)
    assert doc.positions[("b", 1, "y")] == ("f.yaml", 4, 8)
    assert doc.where(("b", 1, "missing"), "f.yaml") == ("f.yaml", 4, 5)


def test_malformed_yaml_is_reported_on_its_line():
    (p,) = problems_of(b"a: 1\nb: x: y\nc: 2\n")
    assert (p.line, p.column) == (2, 5)
    assert "YAML" in p.message


def test_a_duplicate_key_is_an_error_on_the_second_key():
    (p,) = problems_of(b"a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (p.line, p.column) == (4, 3)
    assert "duplicate" in p.message and "c" in p.message


def test_every_duplicate_key_is_reported():
    problems = problems_of(b"a: 1\na: 2\nb:\n  c: 1\n  c: 2\n")
    assert [p.line for p in problems] == [2, 5]


@pytest.mark.parametrize(
    "raw,line",
    [
        (b"a: &x [1, 2]\nb: 1\n", 1),
        (b"a: 1\nb: *x\n", 2),
        (b"a: 1\nb:\n  <<: {c: 1}\n", 3),
    ],
)
def test_anchors_aliases_and_merge_keys_are_refused_with_their_line(raw, line):
    (p,) = problems_of(raw)
    assert p.line == line


def test_billion_laughs_is_refused_before_any_expansion():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    raw = "\n".join(lines).encode()
    tracemalloc.start()
    try:
        (p,) = problems_of(raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert p.line == 1 and "alias" in p.message
    assert peak < 4 * 1024 * 1024  # expanded, the nine levels would be 9**9 strings


def test_deep_nesting_is_refused_with_its_line_and_without_recursion_errors():
    depth = yamlfile.MAX_DEPTH + 1
    (p,) = problems_of(b"a: 1\nb: " + b"[" * depth + b"]" * depth + b"\n")
    assert p.line == 2
    (p,) = problems_of(b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")
    assert p.line == 1


HAS_LIBYAML = hasattr(yaml, "CSafeLoader")


@pytest.fixture(params=["libyaml", "pure-python"])
def either_reader(request, monkeypatch):
    """The C reader when PyYAML has one, and the pure-Python one: our refusals must
    read the same on both, whatever limits a libyaml release brings."""
    if request.param == "libyaml" and not HAS_LIBYAML:
        pytest.skip("this PyYAML was built without libyaml")
    loader = yaml.CSafeLoader if request.param == "libyaml" else yaml.SafeLoader
    monkeypatch.setattr(yamlfile, "_yaml", lambda: (yaml, loader))
    return request.param


@pytest.mark.parametrize(
    "raw, line, words",
    [
        (b"[" * 10_000 + b"]" * 10_000 + b"\n", 1, [f"nested deeper than {yamlfile.MAX_DEPTH}"]),
        (b"a: 1\nb: " + b"{x: " * 2_000 + b"1" + b"}" * 2_000 + b"\n", 2, ["nested deeper"]),
        (b"a: 1\nb: " + b"9" * 5_000 + b"\n", 2, ["number too long"]),
        (b"a: 1\nb: &x 2\nc: *x\n", 2, ["anchors and aliases"]),
        (b"a: 1\nb: [1,\n", 3, ["invalid YAML"]),
    ],
    ids=["10000-levels", "2000-mappings", "5000-digits", "alias", "unclosed-list"],
)
def test_a_refusal_reads_the_same_with_either_yaml_reader(either_reader, raw, line, words):
    (p,) = problems_of(raw)
    assert p.line == line, p
    assert all(w in p.message for w in words), p


def test_nesting_up_to_the_limit_is_fine():
    depth = yamlfile.MAX_DEPTH - 1  # plus the top-level mapping
    doc = parse_doc(b"a: " + b"[" * depth + b"]" * depth + b"\n", "f.yaml")
    assert "a" in doc.data


def test_binary_file_is_refused():
    (p,) = problems_of(b"id: x\n\x00\x01\x02")
    assert "binary" in p.message


def test_text_that_is_not_utf8_is_refused_on_the_line_of_the_bad_byte():
    (p,) = problems_of(b"a: 1\nb: 2\nc: caf\xe9\n")
    assert p.line == 3 and "UTF-8" in p.message


def test_a_utf8_byte_order_mark_is_accepted():
    assert parse_doc(b"\xef\xbb\xbfa: 1\n", "f.yaml").data == {"a": 1}


@pytest.mark.parametrize("raw", [b"", b"# only a comment\n", b"\n\n"])
def test_an_empty_file_is_a_problem_not_a_crash(raw):
    assert problems_of(raw)


@pytest.mark.parametrize(
    "template",
    [
        'a: 1\nb: !!python/object/apply:os.system ["touch {marker}"]\n',
        "a: 1\nb: !!python/object/apply:os.system {{args: [touch {marker}]}}\n",
        "a: 1\nb: !!python/name:os.system {marker}\n",
        "a: 1\nb: !custom [{marker}]\n",
    ],
)
def test_python_and_unknown_tags_are_refused_and_never_run(tmp_path, template):
    marker = tmp_path / "pwned"
    (p,) = problems_of(template.format(marker=marker).encode())
    assert p.line == 2
    assert not marker.exists()


@pytest.mark.parametrize(
    "value, kind",
    [("!!timestamp soon", "timestamp"), ("!!bool maybe", "bool"), ("!!int many", "int")],
)
def test_an_explicit_tag_the_text_does_not_fit_is_a_problem_on_its_line(value, kind):
    (p,) = problems_of(b"a: 1\nb: " + value.encode() + b"\n")
    assert (p.line, p.column) == (2, 4)
    assert p.message == f"cannot read value: not a valid {kind}"


def test_a_second_document_in_the_file_is_refused():
    (p,) = problems_of(b"a: 1\n---\nb: 2\n")
    assert p.line == 2


def test_an_oversized_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as fh:  # sparse: 3 GiB on paper, nothing on disk
        fh.truncate(3 * 1024**3)
    tracemalloc.start()
    try:
        with pytest.raises(FileProblems) as info:
            read_doc(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # not one block of the 3 GiB was read
    (p,) = info.value.problems
    assert (p.file, p.line) == (str(big), 1)
    assert f"{yamlfile.MAX_BYTES:,}" in p.message


def test_a_file_at_the_size_limit_is_read(tmp_path):
    f = tmp_path / "edge.yaml"
    body = b"a: 1\n"
    f.write_bytes(body + b"#" * (yamlfile.MAX_BYTES - len(body) - 1) + b"\n")
    assert f.stat().st_size == yamlfile.MAX_BYTES
    assert read_doc(f).data == {"a": 1}


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    with pytest.raises(FileProblems) as info:
        read_doc(tmp_path / "missing.yaml")
    assert info.value.problems[0].line == 1


# --- the same problems through the command line --------------------------------------

FILE_PROBLEMS = {
    "malformed": (b"id: tiny\ntitle: a: b\n", 2),
    "duplicate-key": (b"id: tiny\ntitle: x\ntitle: y\n", 3),
    "anchor": (b"id: tiny\ntitle: &t x\n", 2),
    "alias": (b"id: tiny\ntitle: *t\n", 2),
    "binary": (b"id: tiny\n\x00", 1),
    "not-utf8": (b"id: tiny\ntitle: caf\xe9\n", 2),
    "deep": (b"id: tiny\nx: " + b"[" * 200 + b"]" * 200 + b"\n", 2),
    "empty": (b"", 1),
}


@pytest.mark.parametrize("case", sorted(FILE_PROBLEMS))
def test_kb_check_reports_a_bad_file_as_file_line_column_and_exits_1(cli, tmp_path, case):
    raw, line = FILE_PROBLEMS[case]
    f = tmp_path / "tiny.yaml"
    f.write_bytes(raw)
    result = cli("kb", "check", str(f))
    assert result.code == 1
    lines = [m for m in map(PROBLEM.match, result.out.splitlines()) if m]
    assert lines, result.out
    assert lines[0]["file"] == str(f)
    assert int(lines[0]["line"]) == line
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize("case", sorted(FILE_PROBLEMS))
def test_a_bad_file_given_with_kb_is_one_line_on_stderr(cli, tmp_path, case):
    raw, line = FILE_PROBLEMS[case]
    f = tmp_path / "tiny.yaml"
    f.write_bytes(raw)
    result = cli("explain", "--kb", str(f), "--topic", "tiny")
    assert result.code != 0
    assert result.out == ""
    err = result.err.strip().splitlines()
    assert len(err) == 1, result.err
    assert f"{f}:{line}:" in err[0]
    assert "Traceback" not in result.err


def test_an_oversized_file_through_the_command_line(cli, tmp_path):
    f = tmp_path / "tiny.yaml"
    with f.open("wb") as fh:
        fh.truncate(yamlfile.MAX_BYTES + 1)
    result = cli("explain", "--kb", str(f), "--topic", "tiny")
    assert result.code != 0 and f"{f}:1:1:" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_bad_overlay_of_the_shipped_topic_points_at_the_user_file(cli, private_home):
    user_dir = Path(cli("kb", "path").out.strip())
    user_dir.mkdir(parents=True)
    overlay = user_dir / f"{DEFAULT_TOPIC}.yaml"
    overlay.write_bytes(b"title: x\ntitle: y\n")
    result = cli("cope")
    assert result.code != 0
    assert f"{overlay}:2:" in result.err
    assert len(result.err.strip().splitlines()) == 1


# --- the cache --------------------------------------------------------------------------


def kb_with(user: Path | None) -> KnowledgeBase:
    return KnowledgeBase(user, REPO / "data" / "topics")


def test_a_cached_topic_is_the_same_as_a_freshly_validated_one(topic, private_home):
    first = kb_with(None).load()
    second = kb_with(None).load()  # from the cache
    assert first == topic and second == topic
    assert list((private_home / "cache").rglob("*.cache")), "the topic should be cached"


def test_the_cache_serves_a_topic_without_reading_yaml(private_home, monkeypatch):
    kb_with(None).load()

    def no_yaml(*_):
        raise AssertionError("YAML read on a cache hit")

    monkeypatch.setattr("soreadvisor.kb.yamlfile.read_doc", no_yaml)
    assert kb_with(None).load().id == DEFAULT_TOPIC


@pytest.mark.parametrize(
    "junk",
    [b"", b"not a cache", marshal.dumps(("wrong key", "x")), pickle.dumps(("key", "x"))],
    ids=["empty", "text", "wrong-key", "a-pickle"],
)
def test_a_damaged_cache_is_rebuilt_silently(topic, private_home, junk):
    kb_with(None).load()
    caches = list((private_home / "cache").rglob("*.cache"))
    for c in caches:
        c.write_bytes(junk)
    assert kb_with(None).load() == topic


def cached_files(private_home: Path) -> list[Path]:
    found = list((private_home / "cache" / "topics").glob("*.cache"))
    assert found, "the topic should be cached"
    return found


def plant(cache_file: Path, key_from: Path, title: str) -> None:
    """Rewrite a cache file in place with a valid key and a changed title."""
    stored_key, tree = marshal.loads(key_from.read_bytes())
    tree[1]["title"] = title
    cache_file.write_bytes(marshal.dumps((stored_key, tree)))


def test_a_cache_file_we_wrote_ourselves_is_used(topic, private_home):
    """The control for the tests below: a planted title comes back when the file is ours."""
    kb_with(None).load()
    (c,) = cached_files(private_home)
    plant(c, c, "From the cache")
    assert kb_with(None).load().title == "From the cache"


@pytest.mark.parametrize("mode", [0o620, 0o602], ids=["group-w", "world-w"])
def test_a_cache_file_others_could_write_is_not_trusted(topic, private_home, mode):
    """The trust rule of all knowledge (paths.distrust): not writable by others."""
    kb_with(None).load()
    (c,) = cached_files(private_home)
    plant(c, c, "Planted")
    c.chmod(mode)
    assert kb_with(None).load() == topic


def test_a_cache_folder_others_can_write_to_is_not_trusted(topic, private_home):
    kb_with(None).load()
    (c,) = cached_files(private_home)
    plant(c, c, "Planted")
    c.parent.chmod(0o777)
    assert kb_with(None).load() == topic
    assert kb_with(None).load() == topic  # and nothing is written there either
    assert [f.name for f in c.parent.iterdir()] == [c.name]


def test_a_cache_file_that_is_a_link_is_not_followed(topic, private_home, tmp_path):
    kb_with(None).load()
    (c,) = cached_files(private_home)
    elsewhere = tmp_path / "elsewhere.cache"
    plant(elsewhere, c, "Through a link")
    elsewhere.chmod(0o600)
    c.unlink()
    c.symlink_to(elsewhere)
    assert kb_with(None).load() == topic


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file another user owns needs root")
def test_a_cache_file_another_user_owns_is_not_trusted(topic, private_home):
    kb_with(None).load()
    (c,) = cached_files(private_home)
    plant(c, c, "Owned by nobody")
    os.chown(c, 65534, 65534)
    assert kb_with(None).load() == topic


def test_a_cache_holding_code_never_runs_it(topic, private_home, tmp_path):
    """Even a file of ours with a pickle or a code object in it is data to be refused."""
    kb_with(None).load()
    (c,) = cached_files(private_home)
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    key, _ = marshal.loads(c.read_bytes())
    for payload in (
        pickle.dumps((key, Boom())),
        marshal.dumps((key, compile(f"open({str(marker)!r}, 'w')", "x", "exec"))),
        marshal.dumps((key, ("Topic", {"title": compile("1", "x", "eval")}))),
        marshal.dumps((key, ("Popen", {}))),
    ):
        c.write_bytes(payload)
        assert kb_with(None).load() == topic
        assert not marker.exists()


def test_a_cache_write_does_not_follow_a_planted_link(topic, private_home, tmp_path):
    kb_with(None).load()
    (c,) = cached_files(private_home)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for name in (f".{c.stem.rsplit('-', 1)[0]}.{os.getpid()}.tmp", c.name):
        (c.parent / name).unlink(missing_ok=True)
        (c.parent / name).symlink_to(victim)
    kb_with(None).load()
    assert victim.read_text() == "precious\n"


def test_a_cache_from_another_python_is_rebuilt(topic, private_home):
    """marshal's format may change between Python versions: the key names the interpreter."""
    from soreadvisor.kb import cache

    assert f"py{sys.version_info[0]}.{sys.version_info[1]}" in cache.FORMAT
    kb_with(None).load()
    (c,) = cached_files(private_home)
    key, _ = marshal.loads(c.read_bytes())
    assert cache.FORMAT in key


def test_editing_a_user_file_is_seen_on_the_next_run(tmp_path, private_home):
    user = tmp_path / "kb"
    user.mkdir()
    overlay = user / f"{DEFAULT_TOPIC}.yaml"
    overlay.write_text('title: "First title"\n')
    assert kb_with(user).load().title == "First title"
    overlay.write_text('title: "Second, longer title"\n')
    assert kb_with(user).load().title == "Second, longer title"
    overlay.unlink()
    assert kb_with(user).load().title != "Second, longer title"


def test_a_topic_loaded_with_an_overlay_does_not_leak_into_runs_without_it(tmp_path, topic):
    user = tmp_path / "kb"
    user.mkdir()
    (user / f"{DEFAULT_TOPIC}.yaml").write_text('title: "Overlaid"\n')
    assert kb_with(user).load().title == "Overlaid"
    assert kb_with(None).load().title == topic.title
    assert kb_with(tmp_path / "empty").load().title == topic.title


def test_an_invalid_topic_is_never_cached(tmp_path, private_home):
    user = tmp_path / "kb"
    user.mkdir()
    (user / f"{DEFAULT_TOPIC}.yaml").write_text("title: 5\n")
    for _ in range(2):
        with pytest.raises(KnowledgeError):
            kb_with(user).load()


def test_an_unwritable_cache_only_makes_it_slower(topic, tmp_path, monkeypatch):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the cache directory should go")
    monkeypatch.setenv("SOREADVISOR_HOME", str(blocker))
    assert kb_with(None).load() == topic
    assert kb_with(None).load() == topic


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "..", "FOO", "a/b"])
def test_a_topic_name_cannot_reach_outside_the_knowledge_directories(cli, name):
    result = cli("explain", "--topic", name)
    assert result.code != 0
    assert "unknown topic" in result.err
    assert "root:" not in result.out + result.err


def test_two_knowledge_directories_with_one_topic_id_keep_their_own_cache(
    tmp_path, private_home, monkeypatch
):
    """Alternating between two --kb directories must not rebuild the cache every run."""
    source = (REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml").read_text()
    dirs = []
    for name in ("one", "two"):
        d = tmp_path / name
        d.mkdir()
        (d / "mine.yaml").write_text(source.replace(f"id: {DEFAULT_TOPIC}", "id: mine", 1))
        dirs.append(d)
    for d in dirs:
        KnowledgeBase(d, REPO / "data" / "topics", explicit=True).load("mine")

    def no_yaml(*_):
        raise AssertionError("YAML read on a cache hit")

    monkeypatch.setattr("soreadvisor.kb.yamlfile.read_doc", no_yaml)
    for d in dirs:
        assert KnowledgeBase(d, REPO / "data" / "topics", explicit=True).load("mine").id == "mine"


def test_a_model_built_in_code_gets_its_own_default_lists():
    """Models become dataclasses on first use; their list defaults are then
    fresh per instance, as dataclasses.field(default_factory=list) makes them."""
    from soreadvisor.kb.models import Caution

    a, b = Caution(text="a"), Caution(text="b")
    a.conditions.append("raynauds")
    assert b.conditions == [] and a.level == "warn"
    assert a == Caution(text="a", conditions=["raynauds"])  # a real dataclass


def test_an_unusable_user_folder_is_a_warning_on_the_knowledge_base(tmp_path, capfd):
    loop = tmp_path / "topics"
    loop.symlink_to(loop)
    base = KnowledgeBase(loop, REPO / "data" / "topics")
    assert base.load().id
    (message,) = base.warnings
    assert message.startswith("cannot read knowledge") and "built-in" in message
    assert capfd.readouterr() == ("", "")
