"""Reading one knowledge file: safe, bounded, with a line:column for every value.

The only place that parses YAML, once per file. A file is refused (with its position) when
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
        from ..text import inert

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
    # For a merged document: where a value overlaid from another file sits in
    # that file (``tips.0`` of an override is ``tips.3`` of the merged topic).
    origins: dict[Path_, Path_] = field(default_factory=dict)

    def where(self, path: Path_, fallback_file: str) -> tuple[str, int, int]:
        """The position of ``path`` or of its closest existing parent."""
        for end in range(len(path), -1, -1):
            hit = self.positions.get(tuple(path[:end]))
            if hit:
                return hit
        return (fallback_file, 1, 1)

    def origin(self, path: Path_) -> Path_:
        """``path`` as it is written in the file that ``where`` names."""
        for end in range(len(path), -1, -1):
            hit = self.origins.get(tuple(path[:end]))
            if hit is not None:
                return (*hit, *path[end:])
            if tuple(path[:end]) in self.positions:
                break  # the file ``where`` names has it under this very path
        return tuple(path)


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
            return _Builder(yaml, loader, text, name).doc()
        except yaml.YAMLError:
            if loader is yaml.SafeLoader:
                raise
            # libyaml refuses some files with limits of its own (a nesting depth
            # since PyYAML 6.0.2's wheels) before our checks see them. The
            # pure-Python reader has no such limits, so it finds our refusal
            # first, or the same syntax error: the message does not depend on
            # which reader or which libyaml is installed.
            return _Builder(yaml, yaml.SafeLoader, text, name).doc()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise FileProblems([Problem(name, line, col, f"invalid YAML: {msg}")]) from None
    except yaml.YAMLError as exc:
        raise FileProblems([Problem(name, 1, 1, f"invalid YAML: {exc}")]) from None


class _Builder:
    """One pass over the parser's events: the checks, the values and their positions.

    The values are those of composing PyYAML's node tree and constructing it
    safely, without the tree and without parsing twice: mappings and sequences
    are built here, scalars by the safe constructor after the resolver's tag
    (text that no implicit rule can claim is taken as it is). Anchors, aliases
    and deep nesting are refused as they come, before anything after them.
    """

    def __init__(self, yaml: Any, loader: Any, text: str, name: str):
        from yaml.constructor import SafeConstructor

        self.yaml, self.name = yaml, name
        self.parser = loader(text)
        self.next = self.parser.get_event
        self.resolver, self.constructor = yaml.resolver.Resolver(), SafeConstructor()
        implicit = self.resolver.yaml_implicit_resolvers
        # the first characters an implicit rule may claim (none claims any: no None key)
        self.claimed = frozenset(implicit) if None not in implicit else None
        self.scalar, self.alias = yaml.ScalarEvent, yaml.AliasEvent
        self.mapping, self.sequence = yaml.MappingStartEvent, yaml.SequenceStartEvent
        self.ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        self.positions: dict[Path_, tuple[str, int, int]] = {}
        self.problems: list[Problem] = []

    def doc(self) -> Doc:
        from yaml.composer import ComposerError

        yaml, next_ = self.yaml, self.next
        try:
            next_()  # the stream's start
            if isinstance(next_(), yaml.StreamEndEvent):
                raise FileProblems([Problem(self.name, 1, 1, "empty file")])
            root = next_()
            data = self.value(root, ())
            next_()  # the document's end
            extra = next_()
            if not isinstance(extra, yaml.StreamEndEvent):
                depth = 0  # the rest is still checked first, as reading it all did
                while not isinstance(e := self.checked(depth), yaml.StreamEndEvent):
                    if isinstance(e, (self.mapping, self.sequence)):
                        depth += 1
                    elif isinstance(e, self.ends):
                        depth -= 1
                raise ComposerError(
                    "expected a single document in the stream",
                    root.start_mark,
                    "but found another document",
                    extra.start_mark,
                )
        finally:
            self.parser.dispose()
        if self.problems:
            raise FileProblems(self.problems)
        return Doc(data, self.positions)

    def refuse(self, event: Any, message: str) -> FileProblems:
        m = event.start_mark
        return FileProblems([Problem(self.name, m.line + 1, m.column + 1, message)])

    def checked(self, depth: int = 0) -> Any:
        """The next event, with the checks ``value`` makes (for what is skipped)."""
        event = self.next()
        if isinstance(event, self.alias) or getattr(event, "anchor", None):
            raise self.refuse(event, "anchors and aliases are not allowed")
        if isinstance(event, (self.mapping, self.sequence)) and depth + 1 > MAX_DEPTH:
            raise self.refuse(event, f"nested deeper than {MAX_DEPTH}")
        return event

    def skip(self, event: Any, depth: int) -> None:
        """Pass over the value that starts with ``event`` (at nesting ``depth``)."""
        if isinstance(event, (self.mapping, self.sequence)):
            inside = depth
            while inside >= depth:
                e = self.checked(inside)
                if isinstance(e, (self.mapping, self.sequence)):
                    inside += 1
                elif isinstance(e, self.ends):
                    inside -= 1

    def tag(self, event: Any) -> str:
        """A scalar's tag: its own, or the one its plain text resolves to."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(self.yaml.ScalarNode, event.value, event.implicit)
        return str(tag)

    def plain_key(self, key: Any) -> bool:
        """A key that is text: a scalar that is not ``<<`` (a merge key)."""
        text = key.value
        if key.tag is None and (
            not key.implicit[0]
            or (self.claimed is not None and text and text[0] not in self.claimed)
        ):
            return True
        return not self.tag(key).endswith(":merge")

    def value(self, event: Any, path: Path_) -> Any:
        m = event.start_mark
        where = self.positions[path] = (self.name, m.line + 1, m.column + 1)
        if isinstance(event, self.alias) or event.anchor:
            raise self.refuse(event, "anchors and aliases are not allowed")
        if isinstance(event, self.scalar):
            text = event.value
            if event.tag is None and (
                not event.implicit[0]  # quoted or a block: text
                or (self.claimed is not None and text and text[0] not in self.claimed)
            ):
                return text
            return self.construct(event, where)
        depth = len(path) + 1
        if depth > MAX_DEPTH:
            raise self.refuse(event, f"nested deeper than {MAX_DEPTH}")
        yaml = self.yaml
        sequence = isinstance(event, self.sequence)
        tag = event.tag
        if tag is None or tag == "!":
            tag = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG if sequence else _MAP_TAG
        if tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list: refuse it, as for a scalar
            self.problems.append(Problem(*where, f"cannot read value: tag {tag!r}"))
            self.skip(event, depth)
            return None
        next_, ends, value = self.next, self.ends, self.value
        if sequence:
            items: list[Any] = []
            while not isinstance(e := next_(), ends):
                items.append(value(e, (*path, len(items))))
            return items
        out: dict[str, Any] = {}
        scalar = self.scalar
        while not isinstance(key := next_(), ends):
            if not isinstance(key, scalar) or key.anchor or not self.plain_key(key):
                if isinstance(key, self.alias) or key.anchor:
                    raise self.refuse(key, "anchors and aliases are not allowed")
                self.skip_pair(key, depth, "keys must be plain text")
                continue
            name = key.value
            if name in out:
                self.skip_pair(key, depth, f"duplicate key {name!r}")
                continue
            out[name] = value(next_(), (*path, name))
        return out

    def skip_pair(self, key: Any, depth: int, message: str) -> None:
        m = key.start_mark
        self.problems.append(Problem(self.name, m.line + 1, m.column + 1, message))
        if isinstance(key, (self.mapping, self.sequence)) and depth + 1 > MAX_DEPTH:
            raise self.refuse(key, f"nested deeper than {MAX_DEPTH}")
        self.skip(key, depth + 1)
        value = self.checked(depth)
        self.skip(value, depth + 1)

    def construct(self, event: Any, where: tuple[str, int, int]) -> Any:
        from yaml.constructor import ConstructorError

        node = self.yaml.ScalarNode(
            self.tag(event), event.value, event.start_mark, event.end_mark, event.style
        )
        try:
            return self.constructor.construct_object(node)
        except ConstructorError as exc:
            self.problems.append(Problem(*where, f"cannot read value: {exc.problem}"))
        except ValueError:  # e.g. an integer longer than Python converts (sys.int_info)
            self.problems.append(Problem(*where, "cannot read value: a number too long"))
        return None


_MAP_TAG = "tag:yaml.org,2002:map"
