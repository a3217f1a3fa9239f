"""The arrows of the house run one way: knowledge knows no screen and builds no
document; the small shared pieces know no domain. Read from the source's imports
(at the top or inside functions alike), so a lazy import cannot slip past."""

from __future__ import annotations

import ast

import pytest
from conftest import REPO

PACKAGE = REPO / "soreadvisor"


def imported(source: str, package: tuple[str, ...]) -> set[str]:
    """The soreadvisor modules ``source`` (a file of ``package``, ``("kb",)``)
    imports, as dotted names under soreadvisor: ``render``, ``kb.models``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(package[: len(package) - node.level + 1])
            if node.module:
                found.add(".".join([*base, node.module]))
            else:
                found.update(".".join([*base, a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("soreadvisor."):
            found.add(str(node.module).removeprefix("soreadvisor."))
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("soreadvisor.")
                for a in node.names
                if a.name.startswith("soreadvisor.")
            )
    return found


def of_file(path) -> set[str]:  # type: ignore[no-untyped-def]
    package = path.relative_to(PACKAGE).parts[:-1]
    return imported(path.read_text(encoding="utf-8"), package)


# Who may not import whom: (the files, the modules they must not reach).
RULES = [
    ("kb", ("render", "report", "advice", "cli", "diary", "userprofile")),
    ("userprofile.py", ("advice", "render", "report", "kb", "cli")),
    ("text.py", ("advice", "render", "report", "kb", "cli", "diary")),
    ("timeparse.py", ("advice", "render", "report", "kb", "cli", "diary")),
    ("language.py", ("advice", "render", "report", "kb", "cli", "diary")),
    ("diary", ("advice", "render", "cli", "kb")),
]


@pytest.mark.parametrize(("where", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_no_arrow_runs_the_wrong_way(where, forbidden):
    target = PACKAGE / where
    files = sorted(target.glob("*.py")) if target.is_dir() else [target]
    wrong = [
        f"{f.relative_to(PACKAGE)} imports {name}"
        for f in files
        for name in sorted(of_file(f))
        if name.split(".")[0] in forbidden
    ]
    assert wrong == []


def test_the_check_sees_every_way_of_importing():
    """The rule can fail: each form of import is seen, lazy ones included."""
    source = (
        "from ..render import inert\n"
        "def f():\n"
        "    from ..report import Report\n"
        "    from .. import advice\n"
        "    import soreadvisor.cli.options\n"
    )
    assert imported(source, ("kb",)) == {"render", "report", "advice", "cli.options"}
