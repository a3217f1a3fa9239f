"""explain, cope, prevent, sources, search, topics."""

from typing import Annotated

import typer

from ..kb.store import DEFAULT_TOPIC
from .application import app
from .options import (
    GIVEN,
    Asked,
    Color,
    ColorOpt,
    DetailsOpt,
    Format,
    FormatOpt,
    KbOpt,
    NoPagerOpt,
    SeverityChoice,
    SourcesOpt,
    TopicOpt,
    completes,
    emit,
    load_topic,
    person,
    profile_options,
)


@app.command()
def explain(
    cause: Annotated[
        str | None,
        typer.Argument(
            metavar="CAUSE", autocompletion=completes("cause"), help="A cause id, e.g. lactic-acid."
        ),
    ] = None,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """Why legs ache after a massage: each cause and what the evidence says.

    \b
    Example:
      soreadvisor explain lactic-acid
    """
    from ..advice.explain import explain as build

    emit(build(load_topic(topic, kb), cause), format, color, sources, no_pager=no_pager)


@app.command()
@profile_options()
def cope(
    severity: Annotated[
        SeverityChoice, typer.Option("--severity", "-s", help="How sore: low, moderate or high.")
    ] = SeverityChoice.moderate,
    asked: Asked = GIVEN,
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    details: DetailsOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """What to do now, fitted to how sore you are and to you.

    Remedies your profile rules out are listed apart, with the reason.

    \b
    Example:
      soreadvisor cope --severity high --condition raynauds
    """
    from ..advice.cope import cope as build

    t = load_topic(topic, kb)
    who = person(t, asked)
    emit(build(t, severity.value, who), format, color, sources, details=details, no_pager=no_pager)


@app.command()
def prevent(
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """How to avoid soreness next time, with a checklist for your therapist.

    \b
    Example:
      soreadvisor prevent --format markdown >> notes.md
    """
    from ..advice.explain import prevent as build

    emit(build(load_topic(topic, kb)), format, color, sources, no_pager=no_pager)


@app.command()
def sources(
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    no_pager: NoPagerOpt = False,
) -> None:
    """The references behind the advice, numbered, with verdict counts.

    \b
    Example:
      soreadvisor sources --format json
    """
    from ..advice.explain import sources as build

    emit(build(load_topic(topic, kb)), format, color, no_pager=no_pager)


@app.command()
def search(
    words: Annotated[
        list[str], typer.Argument(metavar="WORDS...", help="Words that must all appear.")
    ],
    topic: TopicOpt = DEFAULT_TOPIC,
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    sources: SourcesOpt = False,
    no_pager: NoPagerOpt = False,
) -> None:
    """Find causes, remedies, tips, warning signs, conditions and medicines.

    Whole words (bruise finds bruising), best matches first; exits 1 when
    nothing matches.

    \b
    Example:
      soreadvisor search cold
    """
    from ..advice.search import search as build

    emit(build(load_topic(topic, kb), words), format, color, sources, no_pager=no_pager)


@app.command()
def topics(
    kb: KbOpt = None,
    format: FormatOpt = Format.auto,
    color: ColorOpt = Color.auto,
    no_pager: NoPagerOpt = False,
) -> None:
    """The topics available, built-in and your own.

    \b
    Example:
      soreadvisor topics
    """
    from ..advice.explain import topics as build
    from ..kb.store import KnowledgeBase
    from .options import warning

    base = KnowledgeBase.from_env(kb)
    try:
        entries = base.index()
    finally:
        for message in base.warnings:
            warning(message)
    loaded = [e for e in entries if e.problem is None]
    broken = {e.id: e.problem for e in entries if e.problem}
    emit(build(loaded, broken, base.words), format, color, no_pager=no_pager)
