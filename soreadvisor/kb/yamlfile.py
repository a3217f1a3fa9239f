"""Reading one knowledge file: safe, bounded, with a line:column for every value.

The only place that parses YAML. A file is refused (with its position) when
it is too big, not a regular file, not UTF-8, nested too deeply, uses anchors
or aliases (the "billion laughs" expansion), repeats a key, or has a non-text key.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
_COLLECTION_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

Path_ = tuple[str | int, ...]


@dataclass
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        # a file name or key may carry controls: shown as escapes, on one line
        from ..render import inert

        return inert(f"{self.file}:{self.line}:{self.column}: {self.message}")


class FileProblems(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass
class Doc:
    """Parsed YAML plus where each value came from: path -> (file, line, column)."""

    data: Any
    positions: dict[Path_, tuple[str, int, int]] = field(default_factory=dict)

    def where(self, path: Path_, fallback_file: str) -> tuple[str, int, int]:
        """The position of ``path`` or of its closest existing parent."""
        for end in range(len(path), -1, -1):
            hit = self.positions.get(tuple(path[:end]))
            if hit:
                return hit
        return (fallback_file, 1, 1)


def _yaml():
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml, loader


def read_doc(path: Path) -> Doc:
    """Parse ``path`` into a Doc, or raise FileProblems with positions."""
    name = str(path)
    try:
        # O_NONBLOCK: a FIFO must not block the open; fstat then refuses it,
        # and a device such as /dev/zero, before anything is read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as fh:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise FileProblems([Problem(name, 1, 1, "not a regular file")])
            size = st.st_size
            raw = fh.read(MAX_BYTES + 1) if size <= MAX_BYTES else b""
        if size > MAX_BYTES or len(raw) > MAX_BYTES:  # or it grew while we looked
            what = f"{size:,}" if size > MAX_BYTES else f"more than {MAX_BYTES:,}"
            raise FileProblems(
                [Problem(name, 1, 1, f"file is {what} bytes; the limit is {MAX_BYTES:,}")]
            )
    except OSError as exc:
        raise FileProblems([Problem(name, 1, 1, f"cannot read: {exc.strerror or exc}")]) from None
    return parse_doc(raw, name)


def parse_doc(raw: bytes, name: str) -> Doc:
    for bom, encoding in _WIDE_BOMS:
        if raw.startswith(bom):
            raise FileProblems([Problem(name, 1, 1, f"{encoding} text; save it as UTF-8")])
    if b"\x00" in raw:
        raise FileProblems([Problem(name, 1, 1, "binary file, not YAML text")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblems([Problem(name, line, 1, "not UTF-8 text")]) from None
    yaml, loader = _yaml()
    try:
        try:
            _precheck(yaml, loader, text, name)
            node = yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            if loader is yaml.SafeLoader:
                raise
            # libyaml refuses some files with limits of its own (a nesting depth
            # since PyYAML 6.0.2's wheels) before our checks see them. The
            # pure-Python reader has no such limits, so it finds our refusal
            # first, or the same syntax error: the message does not depend on
            # which reader or which libyaml is installed.
            _precheck(yaml, yaml.SafeLoader, text, name)
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise FileProblems([Problem(name, line, col, f"invalid YAML: {msg}")]) from None
    except yaml.YAMLError as exc:
        raise FileProblems([Problem(name, 1, 1, f"invalid YAML: {exc}")]) from None
    doc = Doc(None)
    if node is None:
        raise FileProblems([Problem(name, 1, 1, "empty file")])
    problems: list[Problem] = []
    from yaml.constructor import ConstructorError, SafeConstructor

    constructor = SafeConstructor()

    def build(n: Any, path: Path_) -> Any:
        doc.positions[path] = (name, n.start_mark.line + 1, n.start_mark.column + 1)
        if isinstance(n, yaml.CollectionNode) and n.tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list: refuse it, as for a scalar
            problems.append(Problem(*doc.positions[path], f"cannot read value: tag {n.tag!r}"))
            return None
        if isinstance(n, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in n.value:
                where = (name, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    problems.append(Problem(*where, "keys must be plain text"))
                    continue
                key = key_node.value
                if key in out:
                    problems.append(Problem(*where, f"duplicate key {key!r}"))
                    continue
                out[key] = build(value_node, (*path, key))
            return out
        if isinstance(n, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(n.value)]
        try:
            return constructor.construct_object(n)
        except ConstructorError as exc:
            problems.append(Problem(*doc.positions[path], f"cannot read value: {exc.problem}"))
            return None
        except ValueError:  # e.g. an integer longer than Python converts (sys.int_info)
            problems.append(Problem(*doc.positions[path], "cannot read value: a number too long"))
            return None

    doc.data = build(node, ())
    if problems:
        raise FileProblems(problems)
    return doc


def _precheck(yaml: Any, loader: Any, text: str, name: str) -> None:
    """Refuse aliases and deep nesting from the event stream, before building."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            m = event.start_mark
            raise FileProblems(
                [Problem(name, m.line + 1, m.column + 1, "anchors and aliases are not allowed")]
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                m = event.start_mark
                raise FileProblems(
                    [Problem(name, m.line + 1, m.column + 1, f"nested deeper than {MAX_DEPTH}")]
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
