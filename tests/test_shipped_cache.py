"""The topic cache built with the wheel: used only while it matches what it was built from.

An installed layout is made in a temporary folder (``data/topics`` with the
shipped files, ``data/cache`` written by ``write_shipped`` as the build hook
writes it). The wheel itself, and a first run that imports no pydantic, are
in test_wheel.py.
"""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from soreadvisor import paths
from soreadvisor.kb import cache, models, store
from soreadvisor.kb.store import DEFAULT_TOPIC, KnowledgeBase, KnowledgeError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """The topics folder of an installed wheel, with its shipped cache beside it."""
    data = tmp_path / "site" / "soreadvisor" / "data"
    shutil.copytree(REPO / "data" / "topics", data / "topics")
    shutil.copy(REPO / "data" / store.WORDING_FILE, data)  # merged under every topic
    written = cache.write_shipped(data / "topics", data)
    assert [p.name for p in written] == [f"{DEFAULT_TOPIC}.cache"]
    written[0].parent.chmod(0o755)  # as pip makes it under the usual umask
    return data / "topics"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The topics validated from YAML from now on (not taken from a cache)."""
    seen: list[str] = []
    real = store.validate_files

    def spy(topic_id: str, files: list[Path]):
        seen.append(topic_id)
        return real(topic_id, files)

    monkeypatch.setattr(store, "validate_files", spy)
    return seen


def shipped(topics: Path) -> Path:
    return cache.shipped_file(topics, DEFAULT_TOPIC)


def test_the_shipped_cache_is_the_validated_topic_and_nothing_is_written(
    installed, validations, topic
):
    loaded = KnowledgeBase(None, installed).load()
    assert validations == []
    assert cache.encode(loaded) == cache.encode(topic)
    # Read-only: no user cache is made, and the shipped one is as built.
    assert not paths.cache_dir().exists()


def test_a_source_file_edited_in_place_is_read_even_with_its_size_and_mtime_kept(
    installed, validations, topic
):
    source = installed / f"{DEFAULT_TOPIC}.yaml"
    before = source.stat()
    text = source.read_text(encoding="utf-8")
    edited = text.replace(f'title: "{topic.title}"', f'title: "{topic.title[::-1]}"', 1)
    assert edited != text and len(edited) == len(text)
    source.write_text(edited, encoding="utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))

    loaded = KnowledgeBase(None, installed).load()
    assert loaded.title == topic.title[::-1]
    assert validations == [DEFAULT_TOPIC]


@pytest.mark.parametrize(
    ("where", "name", "value"),
    [
        (cache, "FORMAT", "marshal-4-py3.99"),  # a wheel built on another Python
        (cache, "__version__", "0.0.1"),  # another release of soreadvisor
        (models, "SCHEMA_VERSION", 99),  # another schema
    ],
)
def test_a_cache_built_under_something_else_is_ignored(
    tmp_path, monkeypatch, validations, topic, where, name, value
):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "topics", data / "topics")
    shutil.copy(REPO / "data" / store.WORDING_FILE, data)  # merged under every topic
    with monkeypatch.context() as built_elsewhere:
        built_elsewhere.setattr(where, name, value)
        cache.write_shipped(data / "topics", data)
    validations.clear()  # the build's own validation

    loaded = KnowledgeBase(None, data / "topics").load()
    assert validations == [DEFAULT_TOPIC]
    assert cache.encode(loaded) == cache.encode(topic)


def test_a_cache_whose_schema_file_differs_is_ignored(installed, validations, monkeypatch):
    # models.py is part of the key: a field added without a new SCHEMA_VERSION
    # must not bring back topics built without it.
    other = installed.parent / "models.py"
    other.write_bytes(Path(models.__file__).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(models, "__file__", str(other))
    KnowledgeBase(None, installed).load()
    assert validations == [DEFAULT_TOPIC]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda f: f.chmod(0o664), id="group-writable file"),
        pytest.param(lambda f: f.chmod(0o646), id="world-writable file"),
        pytest.param(lambda f: f.parent.chmod(0o775), id="group-writable folder"),
        pytest.param(lambda f: f.write_bytes(f.read_bytes()[:1000]), id="truncated"),
        pytest.param(
            lambda f: f.write_bytes(marshal.dumps(("shipped", {"title": "x"}))), id="wrong key"
        ),
    ],
)
def test_a_shipped_cache_that_cannot_be_trusted_is_passed_over(
    installed, validations, topic, spoil
):
    spoil(shipped(installed))
    loaded = KnowledgeBase(None, installed).load()
    assert validations == [DEFAULT_TOPIC]
    assert cache.encode(loaded) == cache.encode(topic)


def test_a_link_in_place_of_the_shipped_cache_is_not_followed(installed, validations):
    planted = installed.parent / "elsewhere.cache"
    shipped(installed).rename(planted)
    shipped(installed).symlink_to(planted)
    KnowledgeBase(None, installed).load()
    assert validations == [DEFAULT_TOPIC]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_a_shipped_cache_owned_by_another_user_is_passed_over(installed, validations):
    os.chown(shipped(installed), 12345, 12345)
    KnowledgeBase(None, installed).load()
    assert validations == [DEFAULT_TOPIC]


def test_a_user_override_of_a_shipped_topic_is_merged_not_shadowed(
    installed, validations, tmp_path, topic
):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / f"{DEFAULT_TOPIC}.yaml").write_text('title: "My own title"\n', encoding="utf-8")
    loaded = KnowledgeBase(mine, installed).load()
    assert loaded.title == "My own title"
    assert [r.id for r in loaded.remedies] == [r.id for r in topic.remedies]
    assert validations == [DEFAULT_TOPIC]


def test_a_shipped_topic_that_does_not_validate_stops_the_build(tmp_path):
    topics = tmp_path / "data" / "topics"
    shutil.copytree(REPO / "data" / "topics", topics)
    shutil.copy(REPO / "data" / store.WORDING_FILE, topics.parent)
    source = topics / f"{DEFAULT_TOPIC}.yaml"
    source.write_text(
        source.read_text(encoding="utf-8").replace("\ntitle:", "\ntitel:", 1), encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as caught:
        cache.write_shipped(topics, tmp_path / "data")
    assert caught.value.problems[0].file == str(source)
    assert not (tmp_path / "data" / "cache").exists()
