"""`search`: whole words with simple stems, every kind of entry, ranked by where it matches.

Through the CLI as a person types it, and the stemming and ranking directly.
The oracle for "contains the word" is an independent reading of the topic:
every string of the entry, searched with a regular expression.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from soreadvisor.advice.search import search, stem
from soreadvisor.advice.triage import fill
from soreadvisor.errors import NotFound, UsageProblem


def results(cli, *words: str) -> list[dict]:
    result = cli("search", *words, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)["results"]


def strings(obj) -> list[str]:
    """Every string inside a knowledge model (its fields, recursively)."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if hasattr(obj, "__dict__"):
        return [s for v in vars(obj).values() for s in strings(v)]
    return []


def entries(topic) -> dict[tuple[str, str], object]:
    """(kind, id) -> the entry, for every kind search covers."""
    out: dict[tuple[str, str], object] = {}
    for kind, items in (
        ("sign", topic.triage.signs),
        ("cause", topic.causes),
        ("remedy", topic.remedies),
        ("tip", topic.tips),
        ("condition", topic.conditions),
        ("medication", topic.medications),
    ):
        out.update({(kind, i.id): i for i in items})
    return out


def text_of(topic, hit: dict) -> str:
    return " ".join(strings(entries(topic)[hit["kind"], hit["id"]]))


def test_search_breathless_finds_the_warning_sign_and_says_to_call(cli, topic):
    hits = results(cli, "breathless")
    sign = next(h for h in hits if h["id"] == "breathless")
    assert sign["kind"] == "sign" and sign["level"] == "emergency"
    emergency = next(lv for lv in topic.triage.levels if lv.id == "emergency")
    # the level's own words, from the data, with the number filled in
    assert sign["warnings"] == [fill(emergency.action, topic.triage, None)]
    assert "{number}" not in sign["warnings"][0]


def test_breathlessness_in_a_rule_or_question_matches_breathless_too(topic):
    hits = search(topic, ["breathlessness"]).sections[0].items
    assert "breathless" in [i.id for i in hits]


def test_every_hit_for_ice_contains_the_word_and_notice_or_advice_alone_are_not_hits(cli, topic):
    word = re.compile(r"\bic(e|ed|es|ing)\b", re.I)
    hits = results(cli, "ice")
    assert hits
    for hit in hits:
        assert word.search(text_of(topic, hit)), hit["id"]
    lookalikes = [
        key
        for key, entry in entries(topic).items()
        if re.search(r"notice|advice|office|justice", " ".join(strings(entry)), re.I)
        and not word.search(" ".join(strings(entry)))
    ]
    assert lookalikes, "the data has entries that say notice or advice but not ice"
    found = {(h["kind"], h["id"]) for h in hits}
    assert not found & set(lookalikes)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("urine", {("sign", "dark-urine"), ("sign", "little-urine")}),
        ("bruise", {("sign", "large-bruising")}),
        ("anticoagulant", {("medication", "anticoagulant")}),
        ("raynauds", {("condition", "raynauds")}),
    ],
)
def test_signs_conditions_and_medicines_are_searched(cli, word, expected):
    found = {(h["kind"], h["id"]) for h in results(cli, word)}
    assert expected <= found


def test_an_urgent_sign_says_get_help_today_not_run_a_command(cli, topic):
    (hit,) = [h for h in results(cli, "urine") if h["id"] == "dark-urine"]
    assert hit["level"] == "urgent"
    urgent = next(lv for lv in topic.triage.levels if lv.id == "urgent")
    assert hit["warnings"] == [fill(urgent.action, topic.triage, None)]
    assert "soreadvisor" not in hit["warnings"][0] and "today" in hit["warnings"][0]


@pytest.mark.parametrize(
    "words,sign_id",
    [
        (["cold", "foot"], "cold-pale-limb"),
        (["swollen", "lips"], "allergy-serious"),
        (["stroke"], "stroke-signs"),
    ],
)
def test_the_new_emergency_signs_are_found_with_the_number(cli, words, sign_id):
    hits = results(cli, *words)
    assert hits[0]["id"] == sign_id and hits[0]["level"] == "emergency"
    assert hits[0]["warnings"][0].startswith("Call your local emergency number")


@pytest.mark.parametrize(
    "words,sign_id",
    [
        (["hives"], "allergy-rash"),
        (["achilles"], "injury-signs"),
        (["pregnant"], "preeclampsia-signs"),
    ],
)
def test_the_new_urgent_signs_are_found_with_their_own_action(cli, topic, words, sign_id):
    hit = next(h for h in results(cli, *words) if h["id"] == sign_id)
    sign = next(s for s in topic.triage.signs if s.id == sign_id)
    # (the generic emergency line is said in full once per answer, then short)
    tr = topic.triage

    def short(text: str) -> str:
        return text.replace(tr.generic_number, tr.generic_number_again)

    assert [short(w) for w in hit["warnings"]] == [short(fill(sign.action, tr, None))]


@pytest.mark.parametrize(
    "word,medication",
    [
        ("clopidogrel", "antiplatelet"),
        ("eliquis", "anticoagulant"),
        ("warfarin", "anticoagulant"),
        ("sertraline", "ssri"),
        ("zoloft", "ssri"),
        ("prednisolone", "steroid"),
        ("ramipril", "ace-inhibitor-or-arb"),
        ("losartan", "ace-inhibitor-or-arb"),
        ("furosemide", "diuretic"),
    ],
)
def test_common_drug_names_find_their_medicine(cli, word, medication):
    assert ("medication", medication) in {(h["kind"], h["id"]) for h in results(cli, word)}


def test_a_warning_sign_in_a_pipe_is_one_line_with_its_pointer(cli):
    out = cli("search", "urine").out
    line = next(row for row in out.splitlines() if row.startswith("dark-urine\t"))
    assert line.split("\t")[1] == "sign" and "today" in line.split("\t")[3]


def test_a_match_in_the_name_ranks_before_one_in_the_text(cli, topic):
    hits = results(cli, "heat")
    assert hits[0]["id"] == "heat"
    later = [h for h in hits[1:] if not re.search(r"\bheat", h["id"] + " " + h["title"], re.I)]
    assert later, "other entries mention heat only in their text"


def test_any_word_finds_and_the_entry_matching_more_words_ranks_higher(cli, topic):
    """Issue 22: "swollen calf" found only compression socks when every word had
    to match; now any word finds, and matching more of them ranks higher."""
    both = results(cli, "urine", "dark")
    ids = [h["id"] for h in both]
    assert ids[0] == "dark-urine"
    assert "little-urine" in ids, "one word is enough to be found"


def test_nothing_found_is_exit_1_and_no_words_is_a_usage_error(topic):
    with pytest.raises(NotFound):
        search(topic, ["xylophone"])
    with pytest.raises(UsageProblem):
        search(topic, ["--", "  "])


def test_synonyms_come_from_the_knowledge_base(topic):
    from soreadvisor.kb.models import Search

    custom = copy.deepcopy(topic)
    custom.search = Search(sign_note="Run the check.", synonyms={"zorble": ["bruising"]})
    hits = search(custom, ["zorble"]).sections[0].items
    assert "large-bruising" in {i.id for i in hits}
    assert all(i.warnings == ["Run the check."] for i in hits if i.data["kind"] == "sign")
    custom.search = None
    with pytest.raises(NotFound):
        search(custom, ["zorble"])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("bruise", "bruising"),
        ("bruise", "bruises"),
        ("bruise", "bruised"),
        ("breathless", "breathlessness"),
        ("clot", "clots"),
        ("ice", "icing"),
        ("swelling", "swellings"),
        ("stop", "stopped"),
    ],
)
def test_simple_stems_join_the_forms_people_type(a, b):
    assert stem(a) == stem(b)


@pytest.mark.parametrize(("a", "b"), [("ice", "notice"), ("ice", "advice"), ("urine", "urinate")])
def test_stems_keep_different_words_apart(a, b):
    assert stem(a) != stem(b)


def test_dvt_finds_the_clot_signs_through_the_datas_synonyms(cli, topic):
    hits = results(cli, "dvt")
    clot_signs = {s.id for s in topic.triage.signs if s.clot}
    assert clot_signs <= {h["id"] for h in hits if h["kind"] == "sign"}
    assert "dvt" in topic.search.synonyms  # the word is knowledge, not code
    assert hits[0]["kind"] == "sign"  # a warning sign before the advice that mentions it


def test_the_sign_note_is_the_datas(cli, topic):
    """A sign below the same-day level shows the data's note (within a few days)."""
    (hit,) = [h for h in results(cli, "fever") if h["id"] == "fever"]
    assert hit["warnings"] == [topic.search.sign_note]
    assert "within a few days" in hit["warnings"][0]
