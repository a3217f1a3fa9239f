"""A person's own words, read for warning signs (``check "my calf is swollen"``).

The words for each sign, and the words that negate or hedge them, are the
topic's ``lexicon`` (data). The rules are TRIAGE's "Free-text input", after
NegEx: a negation within the lexicon's window of a sign, in the same sentence,
with no terminator (``but``, ``apart from``) between, sets "no"; a hedge
(``maybe``, ``a bit``), a question or two negations make it "not sure";
anything not mentioned stays unanswered. Pseudo-negations ("not sure", "no
change") and the words of a sign's own phrase ("can't walk") never negate.
A negation before a sign belongs to the nearest sign after it ("no fever or
swelling" negates only fever: over-reading "yes" is the safe mistake), and one
after a sign only when no sign follows it ("swollen and hot, no fever" leaves
"hot" alone).

Words are compared by their simple stems (``bruising`` ~ ``bruise``), the same
stems ``search`` uses.
"""

from __future__ import annotations

import re

from ..kb.models import Lexicon, Topic

# A word (letters or digits, with inner apostrophes: don't), or a sentence end.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.!?;\n]")
WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def stem(word: str) -> str:
    """A crude stem, enough for the plurals and -ing/-ed/-ness forms people type."""
    w = word.casefold()
    if len(w) > 6 and w.endswith("ness"):
        w = w[:-4]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if len(w) - len(suffix) >= 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stopped -> stop
            break
    if len(w) > 2 and w.endswith("e"):
        w = w[:-1]
    return w


def stems(text: str) -> set[str]:
    return {stem(w) for w in WORD.findall(text)}


def _phrase(text: str) -> list[str]:
    """A lexicon phrase as the stems of its words, in order."""
    return [stem(w) for w in _TOKEN.findall(text.translate(_APOSTROPHES)) if w not in ".!?;\n"]


ANSWER_ORDER = {"yes": 2, "unsure": 1, "no": 0}


class Reading:
    """What the words say about one sign: ``yes``, ``no`` or ``unsure``, and
    the words it came from (as the person wrote them)."""

    def __init__(self, sign: str, answer: str, words: str):
        self.sign = sign
        self.answer = answer
        self.words = words
        # a "no" that counts only once the person answers the question themselves
        self.confirm = False

    def __repr__(self) -> str:  # for test failures
        return f"Reading({self.sign!r}, {self.answer!r}, {self.words!r})"


class _Sentence:
    def __init__(self) -> None:
        self.stems: list[str] = []
        self.spans: list[tuple[int, int]] = []  # each word's place in the text
        self.question = False


def _sentences(text: str) -> list[_Sentence]:
    out = [_Sentence()]
    for m in _TOKEN.finditer(text.translate(_APOSTROPHES)):
        tok = m[0]
        if tok in ".!?;\n":
            out[-1].question = out[-1].question or tok == "?"
            out.append(_Sentence())
            continue
        out[-1].stems.append(stem(tok))
        out[-1].spans.append(m.span())
    return [s for s in out if s.stems]


def _places(stems_: list[str], phrases: list[list[str]]) -> list[tuple[int, int]]:
    """Where each of ``phrases`` (in order) occurs in ``stems_``: (first, last) word."""
    out = []
    for p in phrases:
        n = len(p)
        for i in range(len(stems_) - n + 1):
            if stems_[i : i + n] == p:
                out.append((i, i + n - 1))
    return out


def _is_negation(word: str, negations: set[str], suffixes: tuple[str, ...]) -> bool:
    return word in negations or word.endswith(suffixes)


class Reader:
    """The lexicon of a topic, compiled once."""

    def __init__(self, lexicon: Lexicon):
        self.window = lexicon.window
        self.signs = {sid: [_phrase(p) for p in ps] for sid, ps in lexicon.signs.items()}
        words = [w.casefold().translate(_APOSTROPHES) for w in lexicon.negations]
        self.suffixes = tuple(w[1:] for w in words if w.startswith("-"))
        self.negations = {stem(w) for w in words if not w.startswith("-")}
        self.pseudo = [_phrase(p) for p in lexicon.pseudo_negations]
        self.terminators = [_phrase(p) for p in lexicon.terminators]
        self.hedges = [_phrase(p) for p in lexicon.hedges]

    def _matches(self, s: _Sentence, ends: set[int]) -> list[tuple[str, int, int, set[int]]]:
        """Each sign phrase found: (sign, first word, last word, the phrase's own words).

        A phrase's words may come in any order, at most ``window`` extra words
        apart, never across a terminator."""
        found = []
        n = len(s.stems)
        for sid, phrases in self.signs.items():
            for p in phrases:
                want = set(p)
                if not want:
                    continue
                for i in range(n):
                    if s.stems[i] not in want or i in ends:
                        continue
                    need = set(want)
                    own = set()
                    for j in range(i, min(n, i + len(p) + self.window)):
                        if j in ends:
                            break
                        if s.stems[j] in need:
                            need.discard(s.stems[j])
                            own.add(j)
                        if not need:
                            found.append((sid, i, j, own))
                            break
        return found

    def read(self, text: str) -> dict[str, Reading]:
        """The signs the words mention, each with what they say about it."""
        out: dict[str, Reading] = {}
        for s in _sentences(text):
            for reading in self._sentence(text, s):
                have = out.get(reading.sign)
                # two mentions: the more worrying reading stands
                if have is None or ANSWER_ORDER[reading.answer] > ANSWER_ORDER[have.answer]:
                    out[reading.sign] = reading
        return out

    def _sentence(self, text: str, s: _Sentence) -> list[Reading]:
        ends = {i for a, b in _places(s.stems, self.terminators) for i in range(a, b + 1)}
        pseudo = {i for a, b in _places(s.stems, self.pseudo) for i in range(a, b + 1)}
        hedge_places = _places(s.stems, self.hedges)
        hedged = {i for a, b in hedge_places for i in range(a, b + 1)}
        matches = self._matches(s, ends)
        starts = sorted({a for _, a, _, _ in matches})
        # "can't walk", "rash does not fade": a sign's own words never negate
        owned = {i for *_, own in matches for i in own}
        triggers = [
            i
            for i, w in enumerate(s.stems)
            if i not in pseudo and i not in owned and _is_negation(w, self.negations, self.suffixes)
        ]

        def reaches(t: int, a: int, b: int) -> bool:
            """Whether a negation or hedge at ``t`` reaches the sign at ``a``..``b``:
            within the window, the nearest sign after it, no terminator between."""
            if t < a:
                ok = a - t <= self.window and not any(t < x < a for x in starts)
            elif t > b:
                ok = t - b <= self.window and not any(t < x <= t + self.window for x in starts)
            else:
                ok = True  # "calf is not swollen"
            return ok and not any(min(t, a) < e < max(t, b) for e in ends)

        readings = []
        for sid, a, b, own in matches:
            neg = [t for t in triggers if reaches(t, a, b)]
            near = [h for h in hedged if h not in own and h not in owned and reaches(h, a, b)]
            if near or s.question or len(neg) > 1:
                answer = "unsure"
            elif neg:
                answer = "no"
            else:
                answer = "yes"
            # the words it came from, a hedge whole ("not sure", not "sure")
            near += [i for h in near for x, y in hedge_places if x <= h <= y for i in (x, y)]
            lo = min([a, *neg, *near])
            hi = max([b, *neg, *near])
            words = " ".join(text[s.spans[lo][0] : s.spans[hi][1]].split())
            readings.append(Reading(sid, answer, words))
        return readings


def read(topic: Topic, text: str) -> dict[str, Reading]:
    """The signs ``text`` mentions; {} if the topic has no lexicon."""
    return Reader(topic.lexicon).read(text) if topic.lexicon else {}
