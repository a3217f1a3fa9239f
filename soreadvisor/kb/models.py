"""The knowledge-base schema: one set of typed models for every topic file.

These are standard-library dataclasses, so the hot path (a cached topic)
needs no validation library at all. Validation of YAML files is done by
pydantic in ``kb.validate`` against these same classes; semantic checks (ids,
references, duplicates) live there too.

Turning a class into a dataclass generates and compiles its methods, which
for this module's classes is a good part of a cached run (docs/design.md has
the figure). A cached topic is rebuilt from the cache without calling
``__init__``, so ``@model`` defers that work: ``materialize()`` makes every
model a real dataclass, and runs by itself the first time a model is
constructed or validated. ``dataclass_transform`` tells type checkers that the
classes are dataclasses all along.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # a marker for type checkers only; nothing to do at run time

    def dataclass_transform(**_: Any) -> Any:
        return lambda f: f


SCHEMA_VERSION = 1
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def word_key(text: str) -> str:
    """A name or id as typed, compared: case, spaces, dashes and underscores
    do not matter (``Blood-Thinners`` is ``blood thinners``)."""
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


Verdict = Literal["supported", "mixed", "unsupported", "myth"]
Severity = Literal["low", "moderate", "high"]
VERDICTS: tuple[Verdict, ...] = ("supported", "mixed", "unsupported", "myth")

_T = TypeVar("_T")
_PENDING: list[type] = []
# Every knowledge model by class name: what the cache may rebuild (kb.cache).
MODELS: dict[str, type] = {}


class _Factory:
    """A field default made by a factory, until its class becomes a dataclass."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]):
        self.make = make


def field(*, default_factory: Callable[[], _T]) -> _T:
    """``dataclasses.field(default_factory=...)``, which ``materialize`` puts in
    its place; the hot path never imports dataclasses."""
    return _Factory(default_factory)  # type: ignore[return-value]


# pydantic reads ``__pydantic_config__`` from a stdlib dataclass: every model
# rejects unknown keys. (Lax mode is kept because strict mode refuses mappings
# for dataclasses; pydantic 2 never turns a number or a boolean into text in
# lax mode either.)
_STRICT = {"extra": "forbid"}


@dataclass_transform(field_specifiers=(field,))
def model(cls: type[_T]) -> type[_T]:
    """Declare a knowledge model; it becomes a dataclass on first use."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        materialize()
        type(self).__init__(self, *args, **kwargs)

    cls.__init__ = __init__  # type: ignore[method-assign,misc]
    cls.__pydantic_config__ = _STRICT  # type: ignore[attr-defined]
    _PENDING.append(cls)
    MODELS[cls.__name__] = cls
    return cls


def materialize() -> None:
    """Make every declared model a real dataclass (idempotent)."""
    if not _PENDING:
        return
    import dataclasses

    while _PENDING:
        cls = _PENDING.pop(0)
        del cls.__init__  # type: ignore[misc]
        for name, value in list(vars(cls).items()):
            if isinstance(value, _Factory):
                setattr(cls, name, dataclasses.field(default_factory=value.make))
        dataclasses.dataclass(cls)


@model
class Reference:
    id: str
    citation: str
    verified: bool
    url: str | None = None
    note: str | None = None
    # A source that speaks for one region's rules (a national medicine page):
    # the aftercare sheet cites it only for a client in that region.
    region: str | None = None


@model
class Evidence:
    """What the evidence says about one claim."""

    verdict: Verdict
    summary: str
    references: list[str]
    # The claim the verdict judges, in plain words ("drinking extra water
    # flushes out toxins"), so "myth" is never read as a verdict on the advice.
    claim: str | None = None


@model
class Known:
    """What is known, in plain words, with the references behind it."""

    text: str
    references: list[str] = field(default_factory=list)


@model
class Article:
    """The source article whose claims ``article_claim`` fields quote."""

    title: str
    # One sentence that introduces it, shown once wherever its claims appear.
    intro: str


@model
class Cause:
    id: str
    title: str
    summary: str
    article_claim: str
    evidence: Evidence
    instead: str | None = None


@model
class Caution:
    """A reason to avoid or take care with a remedy.

    A caution with no selector (conditions, medications, pregnancy, age)
    applies to everyone and is shown as advice. With selectors it applies
    when the person's profile matches any of them. ``level: avoid`` moves the
    remedy (or option) to "not advised"; ``warn`` keeps it with a warning.
    """

    text: str
    level: Literal["avoid", "warn"] = "warn"
    conditions: list[str] = field(default_factory=list)
    medications: list[str] = field(default_factory=list)
    pregnant_from_weeks: int | None = None
    age_over: int | None = None
    # Applies when the profile has every one of these (two medicines that are
    # risky only together), beside ``medications`` (any one of them).
    all_medications: list[str] = field(default_factory=list)
    # Said only when no health facts are on file (no conditions, medicines or
    # pregnancy): the short list of who the remedy is not for, so a person
    # with no profile can decide. With a profile, the cautions above decide.
    no_profile: bool = False
    references: list[str] = field(default_factory=list)


@model
class RegionalText:
    """What the aftercare sheet says in one region (its own medicine label)."""

    region: str
    text: str
    references: list[str] = field(default_factory=list)


@model
class Option:
    """One way of doing a remedy (e.g. one medicine within pain relief)."""

    id: str
    title: str
    how: str
    cautions: list[Caution] = field(default_factory=list)
    # ``how`` is for adults from this age; younger people are told
    # ``child_how`` instead (never an adult dose), and with no age on file
    # both are said, each labelled.
    adult_from_age: int | None = None
    child_how: str | None = None
    references: list[str] = field(default_factory=list)
    # The aftercare sheet's words (a client's, not ours): ``how`` for a
    # region whose label the data has (with its source), else ``client_how``
    # (no country's label, no note on what we checked).
    client_how: str | None = None
    regional_how: list[RegionalText] = field(default_factory=list)


@model
class Remedy:
    id: str
    title: str
    summary: str
    how: str
    when: str
    severities: list[Severity]
    evidence: Evidence
    article_claim: str | None = None
    cautions: list[Caution] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    # The aftercare sheet's ``when``, where ours carries a note meant for us.
    client_when: str | None = None


@model
class Tip:
    id: str
    title: str
    summary: str
    evidence: Evidence
    article_claim: str | None = None
    checklist: list[str] = field(default_factory=list)


@model
class Dont:
    """Something not to do, at any severity."""

    id: str
    text: str
    references: list[str] = field(default_factory=list)
    # The remedy whose own caution says this too: a compact screen that shows
    # that remedy, and the aftercare sheet, say it once, there (and the sheet
    # not at all when it leaves that remedy out).
    remedy: str | None = None


@model
class Step:
    """Something to do now; ``remedy`` names the remedy it uses, so a person
    that remedy does not suit is not told to do it."""

    text: str
    remedy: str | None = None


@model
class Phase:
    """A stretch of the recovery timeline, in hours since the massage."""

    id: str
    title: str
    from_hours: float
    summary: str
    now: list[Step]
    next: str
    get_help_if: list[str]
    references: list[str] = field(default_factory=list)
    # The aftercare sheet's line, with real dates: {start} is the day this
    # phase begins, {end} the day the next one does.
    client: str | None = None


@model
class Timeline:
    summary: str
    phases: list[Phase]
    see_professional: list[str]
    references: list[str] = field(default_factory=list)
    # The aftercare sheet's lines (after what to expect, in a client's words),
    # where ours carry notes meant for us.
    client_see_professional: list[str] = field(default_factory=list)


@model
class Level:
    """A triage level; the list order in the file is lowest to highest.

    ``role`` is what the program does with a level: ``emergency`` (the number
    to call leads, nothing softens it) or ``same-day`` (the same-day service
    is named). Texts may say ``{number}`` and ``{service}``: the person's
    region fills them in (or the triage's generic wording).
    """

    id: str
    title: str
    action: str
    timeframe: str
    if_worse: str
    role: Literal["emergency", "same-day"] | None = None
    # Where advice lists the serious signs of this level, their heading.
    heading: str | None = None
    # The disclaimer for a check result at this level, when the topic's
    # general one would soften it (an emergency).
    disclaimer: str | None = None


@model
class Sign:
    """A warning sign, asked as a yes / no / not sure question."""

    id: str
    text: str
    question: str
    level: str
    references: list[str]
    clot: bool = False
    # A sign that can be mistaken for a clot (R49): with a clot sign, the
    # clot warning names both (``clot_mimic_warning``).
    clot_mimic: bool = False
    # What to do about this sign, when its level's action is not enough
    # ("go now", not "today"); may say {number} and {service}.
    action: str | None = None
    # The check's headline when this sign sets the result ("Get medical help
    # now"), where the level's title would say a weaker time frame.
    headline: str | None = None
    # The sign in a few words, for a list that must fit on one screen (a
    # terminal's compact answer); the text is shown everywhere else. A sign
    # with its own action says what to do in these words too.
    short: str | None = None
    # A question that is several questions in one is asked in these parts, one
    # yes/no each; a yes or "not sure" to any part answers the sign.
    parts: list[str] = field(default_factory=list)


@model
class Rule:
    """Signs (and profile facts) that together raise the level.

    ``all_of`` is a list of groups; the rule fires when at least one sign of
    every group is present and, if ``medications`` or ``conditions`` are
    given, the profile has one of them.
    """

    id: str
    text: str
    all_of: list[list[str]]
    level: str
    references: list[str]
    medications: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


@model
class Region:
    id: str
    name: str
    emergency_number: str
    urgent_service: str
    # Other names people give for it (gb for uk): an unknown region suggests the id.
    aliases: list[str] = field(default_factory=list)
    # How a date is written there (the wording's handout.date_long/_short otherwise).
    date_long: str | None = None
    date_short: str | None = None


@model
class Triage:
    levels: list[Level]
    signs: list[Sign]
    rules: list[Rule]
    regions: list[Region]
    # What fills {number} and {service} when the person's region is not known.
    generic_number: str
    generic_service: str
    clot_warning: str
    not_sure_counts_as_yes: list[str]
    # The one line that names the warning signs where advice lists none of
    # them (cope at low severity) and points to the check.
    pointer: str
    # The last line of every "get help if" list: the number, whatever the phase.
    emergency_reminder: str
    # Said first when a sign answered "not sure" did not count; {level} is
    # what that sign would mean.
    unsure_lead: str
    # The reason line of a check where no sign was answered yes.
    none_reported: str
    # The clot warning when a sign that can look like a clot is also present.
    clot_mimic_warning: str | None = None
    # With no region, the generic number is said once per answer; after that,
    # this shorter form ("your local emergency number").
    generic_number_again: str | None = None


@model
class Named:
    """A condition or medication id with its plain-language name."""

    id: str
    name: str
    # The words people type for it (warfarin for anticoagulant): taken for
    # the id on the command line, and offered when a word is not known.
    aliases: list[str] = field(default_factory=list)


@model
class DiaryRules:
    """When a soreness diary should say "get this checked"."""

    lasting_after_hours: float
    rising_after_hours: float
    high_score: int
    flat_band: float
    messages: dict[str, str]
    # Lower bounds of the score bands a chart colours by (e.g. 0, 4, 7).
    bands: list[int] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    # A score this high within this many hours of a massage counts as pain
    # far worse than a massage explains (message ``worst``).
    worst_score: int | None = None
    worst_within_hours: float | None = None


@model
class Checkin:
    """A moment to look at the soreness again, ``after_hours`` after the massage;
    with ``clock`` (local ``HH:MM``) the first such time of day from then on
    (the next morning). ``title`` and ``look_for`` may say ``{after}``: the hours
    as words ("2 days"), so the text cannot disagree with the number."""

    id: str
    after_hours: float
    title: str
    look_for: str
    references: list[str]
    clock: str | None = None


@model
class Night:
    """Local ``HH:MM`` times: a check-in that falls from ``starts`` to ``ends``
    (across midnight) waits until ``ends``, so no alarm wakes anyone."""

    starts: str
    ends: str


@model
class Reminders:
    """The check-ins `soreadvisor remind` puts in the person's calendar."""

    checkins: list[Checkin]
    # How long the calendar shows each check-in.
    minutes: int
    night: Night | None = None
    references: list[str] = field(default_factory=list)


@model
class Search:
    """What ``search`` knows beyond the entries' own words."""

    # Shown with a warning sign that search finds; a sign at the highest level
    # shows that level's action instead (call the emergency number).
    sign_note: str
    # A word a person may type -> the words the knowledge uses for it (dvt -> clot).
    synonyms: dict[str, list[str]] = field(default_factory=dict)


@model
class Lexicon:
    """How a person's own words are read (``check "..."`` and ``search``), in
    the topic's language: the words and phrases for each warning sign (listed
    with their simple stems and common misspellings), and the words that negate
    or hedge them (docs/knowledge.md, "Free text")."""

    # sign id -> the words and phrases a person may use for it
    signs: dict[str, list[str]]
    # a negation within ``window`` words of a sign, in the same sentence, with
    # no terminator between, sets it to "no" ("n't" also matches don't, isn't)
    negations: list[str]
    # phrases that look like a negation and are not one ("not only", "no change")
    pseudo_negations: list[str]
    # words that end a negation's reach ("but", "apart from")
    terminators: list[str]
    # words that make a sign "not sure" ("maybe", "a bit", "what if")
    hedges: list[str]
    window: int = 5
    # words too common for ``search`` to find anything by ("my", "the")
    common: list[str] = field(default_factory=list)


@model
class Topic:
    schema_version: int
    id: str
    title: str
    summary: str
    disclaimer: str
    evidence_note: str
    references: list[Reference]
    causes: list[Cause]
    remedies: list[Remedy]
    tips: list[Tip]
    donts: list[Dont] = field(default_factory=list)
    timeline: Timeline | None = None
    triage: Triage | None = None
    conditions: list[Named] = field(default_factory=list)
    medications: list[Named] = field(default_factory=list)
    diary: DiaryRules | None = None
    # What is known about why it happens, said before the article's claims.
    known: Known | None = None
    article: Article | None = None
    # The program's own words around the knowledge (data/wording/<language>.yaml,
    # merged under every topic): the keys of en.yaml, each with its placeholders.
    wording: dict[str, str] = field(default_factory=dict)
    search: Search | None = None
    reminders: Reminders | None = None
    lexicon: Lexicon | None = None
