"""Language as data, proved: a pseudo-language built at test time from the English
words (every letter of every value swapped for an accented one, placeholders kept)
is run through every command and format, and no English may be left in what they
say, except ids, numbers, and the knowledge the topic itself holds.

The pseudo-language is made from data/wording/en.yaml as it is when the tests run,
so a key added there is covered without a change here.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from typing import Any

import pytest
import yaml
from conftest import REPO, WORDS

from soreadvisor.kb.store import DEFAULT_TOPIC

PLACEHOLDER = re.compile(r"(\{[^{}]*\})")
ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "áƀçðéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁɃÇÐÉƑĜĤÍĴĶĹⱮÑÓÞǪŔŠŢÚṼŴẊÝŽ",
        strict=True,
    )
)
CODE = "qps"  # no language has this code (ISO 639-3 reserves qaa-qtz for local use)


def pseudo(text: str) -> str:
    """Every letter accented; ``{placeholders}`` as they are (the program fills them)."""
    return "".join(
        part if PLACEHOLDER.fullmatch(part) else "".join(ACCENTED.get(c, c) for c in part)
        for part in PLACEHOLDER.split(text)
    )


def strings(node: Any, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every text in a YAML document: keys and values, all the way down."""
    if isinstance(node, dict):
        out = []
        for key, value in node.items():
            if key not in skip:
                out += [str(key), *strings(value, skip=skip)]
        return out
    if isinstance(node, list):
        return [s for item in node for s in strings(item, skip=skip)]
    return [] if node is None else [str(node)]


def squeeze(text: str) -> str:
    return " ".join(text.casefold().split())


TOPIC_TEXT = strings(
    yaml.safe_load((REPO / "data" / "topics" / f"{DEFAULT_TOPIC}.yaml").read_bytes()),
    # Not what it says: the program's words, and the words a person may type
    # (free text's lexicon, the aliases of a name: "a", "to", "at" would hide English).
    skip=frozenset({"wording", "lexicon", "aliases"}),
)
# What the topic says, in pieces between its placeholders, longest first: they are
# taken out of an answer before looking for English.
FRAGMENTS = sorted(
    {squeeze(p) for t in TOPIC_TEXT for p in PLACEHOLDER.split(t) if not PLACEHOLDER.fullmatch(p)}
    - {""},
    key=len,
    reverse=True,
)
TOPIC_SAYS = re.compile(
    "|".join(rf"(?<!\w){re.escape(f)}(?!\w)" if f[0].isalnum() else re.escape(f) for f in FRAGMENTS)
)
PATH = re.compile(r"(?<![\w.:/])/[\w./-]+")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
# What a person typed on the command line below, and the names of formats, given as is.
TYPED = {"calves", "stiff", "sam", "alex", "jo"}


def leaks(text: str, also: tuple[str, ...] = ()) -> list[str]:
    """The English words left in ``text`` once the topic's own text is taken out."""
    # A line of an index (id, kind, title; tab-separated for scripts) starts with ids.
    text = "\n".join(line.split("\t", 2)[-1] for line in text.splitlines())
    text = PATH.sub(" ", text.replace("\\", ""))  # a file's name is the user's, not ours
    rest = squeeze(text)
    for known in (squeeze(a) for a in also if a):
        rest = rest.replace(known, " ")
    rest = TOPIC_SAYS.sub(" ", rest)
    return sorted({w for w in ENGLISH_WORD.findall(rest) if w.casefold() not in TYPED})


def json_texts(doc: Any) -> list[str]:
    """The values of a JSON answer (its keys are for programs, not people)."""
    if isinstance(doc, dict):  # the command's name is a program's too
        return [t for k, v in doc.items() if k != "command" for t in json_texts(v)]
    if isinstance(doc, list):
        return [t for v in doc for t in json_texts(v)]
    return [doc] if isinstance(doc, str) and not ID.fullmatch(doc) else []


# A value for programs: `rising`, `lactic-acid`, a calendar entry's `3f…9a@soreadvisor`.
ID = re.compile(r"[a-z0-9]+([-_@][a-z0-9]+)*")


@pytest.fixture
def pseudo_cli(cli, tmp_path, monkeypatch):
    """``cli`` over a copy of data/ that has the pseudo-language, chosen by the locale."""
    from soreadvisor import paths

    data = tmp_path / "data"
    shutil.copytree(REPO / "data" / "topics", data / "topics")
    shutil.copytree(REPO / "data" / "wording", data / "wording")
    pseudo_words = {key: pseudo(text) for key, text in WORDS.items()}
    (data / "wording" / f"{CODE}.yaml").write_text(
        yaml.safe_dump({"wording": pseudo_words}, allow_unicode=True), encoding="utf-8"
    )
    monkeypatch.setattr(paths, "builtin_topics_dir", lambda: data / "topics")
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", f"{CODE}.UTF-8")
    monkeypatch.setenv("COLUMNS", "400")  # a line Rich wraps is still one sentence
    return cli


# Each answer, as a user would ask for it (after `soreadvisor`).
ANSWERS = {
    "explain": ["explain"],
    "explain-cause": ["explain", "lactic-acid"],
    "cope": ["cope", "--severity", "high", "--condition", "raynauds", "--age", "70"],
    "cope-pregnant": ["cope", "--pregnant-weeks", "20", "--region", "uk"],
    "prevent": ["prevent"],
    "sources": ["sources"],
    "search": ["search", "ice"],
    "topics": ["topics"],
    "check-none": ["check", "--none"],
    "check-sign": ["check", "--symptom", "one-leg-swelling"],
    "check-list": ["check", "--list"],
    "plan": ["plan", "--at", "30h", "--condition", "raynauds"],
    "history": ["history"],
    "remind": ["remind"],
    "profile": ["profile", "show"],
    "diary-report": ["diary", "report", "--include-profile"],
}
FORMATS = ["rich", "plain", "markdown", "json"]


def diary(run) -> None:  # type: ignore[no-untyped-def]
    for args in (
        ["massage", "--at", "30h ago", "--intensity", "deep", "--note", "stiff"],
        ["log", "7", "--at", "20h ago", "--where", "calves", "--note", "stiff"],
        ["log", "8", "--at", "2h ago"],
        ["profile", "set", "--age", "40", "--region", "uk", "--condition", "raynauds"],
        ["check", "--symptom", "one-leg-swelling", "--save", "--format", "json"],
        ["check", "--none", "--save", "--format", "json"],
    ):
        assert run(*args).code == 0


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("answer", list(ANSWERS))
def test_no_english_is_left_in_any_answer(pseudo_cli, private_home, answer, fmt):
    diary(pseudo_cli)
    result = pseudo_cli(*ANSWERS[answer], "--format", fmt, "--color", "never")
    assert result.code == 0, result.err
    texts = json_texts(json.loads(result.out)) if fmt == "json" else [result.out]
    assert [w for t in texts for w in leaks(t, (str(private_home),))] == []


def test_every_confirmation_is_in_the_language(pseudo_cli, private_home, tmp_path):
    said = []
    for args in (
        ["massage", "--at", "30h ago", "--intensity", "deep"],
        ["log", "7", "--at", "20h ago", "--where", "calves"],
        ["remind", "--at", "2h ago", "-o", str(tmp_path / "checkins.ics")],
        ["diary", "delete", "--id", "1", "--yes"],
        ["diary", "delete", "--all", "--yes"],
        ["diary", "delete", "--all", "--yes"],  # nothing left to delete
        ["profile", "set", "--age", "40"],
        ["profile", "clear"],
        ["profile", "clear"],  # nothing left to clear
    ):
        result = pseudo_cli(*args)
        assert result.code == 0, result.err
        said += [line for line in result.err.splitlines() if not line.startswith("soreadvisor:")]
    assert len(said) >= 9
    assert [w for line in said for w in leaks(line, (str(private_home), str(tmp_path)))] == []


def test_the_diary_report_page_is_in_the_language(pseudo_cli, private_home, tmp_path):
    """The page for a doctor (chart, its key, saved checks, notes, profile), written
    to a file as it is to be printed, and its confirmation."""
    diary(pseudo_cli)
    page = tmp_path / "report.html"
    result = pseudo_cli("diary", "report", "--include-profile", "-o", str(page))
    assert result.code == 0, result.err
    text = html.unescape(re.sub(r"<style.*?</style>|<[^>]*>", " ", page.read_text(), flags=re.S))
    assert "<svg" in page.read_text()  # the chart is there, so its words were read
    assert leaks(text) == []
    said = [line for line in result.err.splitlines() if not line.startswith("soreadvisor:")]
    assert said and leaks(" ".join(said), (str(tmp_path),)) == []


@pytest.mark.parametrize("fmt", ["rich", "plain", "markdown", "json"])
def test_free_text_in_check_is_answered_in_the_language(pseudo_cli, private_home, fmt):
    """What check understood from a person's own words (its answer piped), and what
    it did not ask, in the language; the words typed are theirs, so they are left out."""
    typed = "my calf is swollen and red, I have no fever"
    result = pseudo_cli("check", typed, "--format", fmt, "--color", "never")
    assert result.code in (0, 1, 2, 3), result.err
    assert result.out.strip()
    texts = json_texts(json.loads(result.out)) if fmt == "json" else [result.out]
    quoted = re.compile(r"“[^”]*”")  # what it understood, quoted as the person wrote it
    texts = [t for t in texts if t not in typed]  # JSON's "words": theirs, as typed
    assert [w for t in texts for w in leaks(quoted.sub(" ", t), (typed,))] == []


def test_saving_check_results_and_deleting_them_is_said_in_the_language(pseudo_cli, private_home):
    """check --save's confirmation, and the delete question's count of the check
    results that go with the diary."""
    said = []
    for args in (
        ["massage", "--at", "3h ago"],
        ["check", "--none", "--save"],
        ["diary", "delete", "--all", "--yes"],
    ):
        result = pseudo_cli(*args)
        assert result.code == 0, result.err
        said += [line for line in result.err.splitlines() if not line.startswith("soreadvisor:")]
    assert len(said) >= 3
    assert [w for line in said for w in leaks(line, (str(private_home),))] == []


@pytest.mark.parametrize("fmt", ["markdown", "csv", "json"])
def test_the_diary_export_is_in_the_language(pseudo_cli, fmt):
    diary(pseudo_cli)
    result = pseudo_cli("diary", "export", "--format", fmt)
    assert result.code == 0, result.err
    if fmt == "markdown":
        assert leaks(result.out) == []
    else:  # CSV and JSON are for programs: their columns, keys and kinds are ids
        assert "calves" in result.out


@pytest.mark.parametrize("fmt", ["html", "html-large", "markdown", "plain"])
def test_the_handout_is_in_the_language(pseudo_cli, fmt):
    args = ["handout", "--client", "Sam", "--therapist", "Jo", "--date", "2026-01-05"]
    args += ["--practice", "Alex", "--contact", "jo@example.org"]
    if fmt == "html-large":
        args.append("--large-print")
    form = fmt.split("-")[0]
    result = pseudo_cli(*args, "--intensity", "deep", "--region", "uk", "--format", form)
    assert result.code == 0, result.err
    text = result.out.replace("jo@example.org", " ")
    if form == "html":
        text = html.unescape(re.sub(r"<style.*?</style>|<[^>]*>", " ", text, flags=re.S))
    assert leaks(text) == []


def test_the_handout_written_and_saved_says_so_in_the_language(pseudo_cli, private_home, tmp_path):
    """--save's confirmation, the page count after writing the sheet, and the
    saved details on the next sheet (with no date given: today, in words)."""
    result = pseudo_cli("handout", "--therapist", "Jo", "--contact", "0123 456789", "--save")
    assert result.code == 0, result.err
    said = result.err.splitlines()
    for n, extra in enumerate((["--large-print"], [])):
        out = tmp_path / f"sheet{n}.html"
        result = pseudo_cli("handout", *extra, "-o", str(out))
        assert result.code == 0, result.err
        said += [line for line in result.err.splitlines() if not line.startswith("soreadvisor:")]
        page = html.unescape(re.sub(r"<style.*?</style>|<[^>]*>", " ", out.read_text(), flags=re.S))
        assert leaks(page) == []
    assert len(said) >= 3
    also = (str(private_home), str(tmp_path))
    assert [w for line in said for w in leaks(line, also)] == []


def test_a_pseudo_word_is_not_english(pseudo_cli):
    """The check itself can fail: the English words are found when they are there."""
    assert leaks(WORDS["cope.remedies"]) != []
    assert leaks(pseudo(WORDS["cope.remedies"])) == []


def test_kb_check_passes_with_the_pseudo_language_and_says_so_in_it(pseudo_cli):
    result = pseudo_cli("kb", "check")
    assert result.code == 0, result.out + result.err
    assert result.err.strip() and leaks(result.err) == []
    doc = json.loads(pseudo_cli("kb", "check", "--format", "json").out)
    assert leaks(doc["title"]) == []


def test_the_questions_of_check_on_a_terminal_are_in_the_language(
    private_home, tmp_path, monkeypatch
):
    """The interactive check, in a real pseudo-terminal: its guide line, each
    question's frame and the answers it takes are words too. The pseudo-language
    reaches the child process as a topic overlay (a knowledge file's own
    `wording:`), which is merged over the English words as a language file is."""
    from conftest import PtySession

    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    words = {key: pseudo(text) for key, text in WORDS.items()}
    (mine / f"{DEFAULT_TOPIC}.yaml").write_text(
        yaml.safe_dump({"wording": words}, allow_unicode=True), encoding="utf-8"
    )
    monkeypatch.setenv("SOREADVISOR_KB", str(mine))
    frame = re.escape(pseudo("[y/n/?]"))
    no = pseudo("n")  # the first of the pseudo-language's answers for "no"
    assert no in [a.strip() for a in words["check.answers_no"].split(",")]
    s = PtySession("check", "--format", "json")
    try:
        s.expect(frame, timeout=30)
        s.send(no + "\n")
        for _ in range(40):  # every question, answered "no"
            try:
                s.expect(frame, timeout=10)
            except AssertionError:
                break
            s.send(no + "\n")
        assert s.wait() == 0, s.screen
        assert s.result()["level"] == "self-care"
        assert leaks(s.screen) == []
    finally:
        s.close()
