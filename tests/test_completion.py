"""Tab completion of every id, driven as each shell drives it (Click's protocol
through Typer's environment variables), with the ids read from the knowledge base.
"""

from __future__ import annotations

import re

import pytest


@pytest.fixture(autouse=True)
def warm(private_home):
    """A cached topic: each completion is a whole process, and starts fast."""
    from soreadvisor.kb.store import KnowledgeBase

    KnowledgeBase.from_env().load()


def offered(sh, shell: str, line: str, extra: dict[str, str] | None = None) -> list[str]:
    """The values ``shell`` would offer for the last word of ``line``."""
    if shell == "bash":
        words = line.split()
        cword = len(words) - (0 if line.endswith(" ") else 1)
        env = {"COMP_WORDS": line, "COMP_CWORD": str(cword)}
    else:
        env = {"_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    if shell == "powershell":
        env["_TYPER_COMPLETE_WORD_TO_COMPLETE"] = "" if line.endswith(" ") else line.split()[-1]
    env["_SOREADVISOR_COMPLETE"] = f"complete_{shell}"
    result = sh(env={**env, **(extra or {})})
    assert result.code == 0 and "Traceback" not in result.err, result.err
    out = result.out
    if shell == "bash":
        return out.split()
    if shell == "zsh":  # _arguments '*: :(("id":"help" ...))'
        return re.findall(r'^\(?\(?"((?:[^"]|"")*)"', out.split("((", 1)[-1], re.M)
    if shell == "fish":
        return [row.split("\t")[0] for row in out.splitlines() if row]
    return [row.split(":::")[0] for row in out.splitlines() if row]


SHELLS = ["bash", "zsh", "fish", "powershell"]


@pytest.mark.parametrize("shell", SHELLS)
def test_check_symptom_completes_the_warning_sign_ids(sh, topic, shell):
    assert offered(sh, shell, "soreadvisor check --symptom ") == [s.id for s in topic.triage.signs]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    ("line", "ids"),
    [
        ("soreadvisor explain ", lambda t: [c.id for c in t.causes]),
        ("soreadvisor cope --condition ", lambda t: [c.id for c in t.conditions]),
        ("soreadvisor plan --medication ", lambda t: [m.id for m in t.medications]),
        ("soreadvisor profile set --region ", lambda t: [r.id for r in t.triage.regions]),
        ("soreadvisor handout --condition ", lambda t: [c.id for c in t.conditions]),
        ("soreadvisor sources --topic ", lambda t: [t.id]),
    ],
)
def test_every_id_option_completes_from_the_knowledge_base(sh, topic, shell, line, ids):
    assert offered(sh, shell, line) == ids(topic)


@pytest.mark.parametrize("shell", SHELLS)
def test_a_started_word_narrows_the_ids(sh, topic, shell):
    got = offered(sh, shell, "soreadvisor check --symptom leg")
    assert got == [s.id for s in topic.triage.signs if s.id.startswith("leg")] and got


@pytest.mark.parametrize("shell", SHELLS)
def test_ids_come_from_the_topic_asked_for_with_kb(sh, tmp_path, topic, shell):
    # a long title with brackets: one line per id still, and no markup error
    title = "Mine [/bold] " + "and a very long description " * 4
    (tmp_path / f"{topic.id}.yaml").write_text(
        "triage:\n  signs:\n"
        f"    - id: zz-my-sign\n      text: '{title}'\n      question: Mine?\n"
        f"      level: soon\n      references: [{topic.references[0].id}]\n"
    )
    got = offered(sh, shell, f"soreadvisor check --kb {tmp_path} --symptom zz")
    assert got == ["zz-my-sign"]


@pytest.mark.parametrize("shell", SHELLS)
def test_a_broken_knowledge_base_completes_nothing_and_prints_no_traceback(sh, tmp_path, shell):
    broken = tmp_path / "foot-massage-leg-soreness.yaml"
    broken.write_text("causes: [unclosed\n")
    line = "soreadvisor check --symptom "
    assert offered(sh, shell, line, {"SOREADVISOR_KB": str(broken)}) in ([], ["_files"])
