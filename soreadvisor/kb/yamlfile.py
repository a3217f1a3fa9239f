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


_STR = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class _Builder:
    """One pass over the parser's events: the checks, the values and their positions.

    Twice as fast as composing PyYAML's node tree and walking it (see
    docs/design.md). The values are those of ``yaml.safe_load``: text as it is,
    other scalars by the safe constructor after the resolver's tag. Anchors,
    aliases and deep nesting are refused as they come, before anything after them.
    """

    def __init__(self, yaml: Any, loader: Any, text: str, name: str):
        from yaml.constructor import SafeConstructor

        self.yaml, self.name = yaml, name
        self.parser = loader(text)
        self.next = self.parser.get_event
        self.resolver, self.constructor = yaml.resolver.Resolver(), SafeConstructor()
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
            data = self.read(root, (), 1)
            next_()  # the document's end
            extra = following = next_()
            while not isinstance(following, yaml.StreamEndEvent):
                self.read(next_(), (), 1, keep=False)  # another document: checked first
                next_()  # its end
                following = next_()
            if following is not extra:
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

    def read(self, event: Any, path: Path_, depth: int, keep: bool = True) -> Any:
        """The value that starts with ``event``, ``depth`` collections down.

        With ``keep`` false it is only passed over: refused if it holds an anchor,
        an alias or deep nesting, else neither built nor kept nor checked further.
        """
        yaml, m = self.yaml, event.start_mark
        where = (self.name, m.line + 1, m.column + 1)
        if keep:
            self.positions[path] = where
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise FileProblems([Problem(*where, "anchors and aliases are not allowed")])
        if isinstance(event, yaml.ScalarEvent):
            if not keep:
                return None
            tag = self.tag(event)
            return event.value if tag == _STR else self.construct(event, tag, where)
        if depth > MAX_DEPTH:
            raise FileProblems([Problem(*where, f"nested deeper than {MAX_DEPTH}")])
        if event.tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list: refused, as on a scalar
            self.problems.append(Problem(*where, f"cannot read value: tag {event.tag!r}"))
            keep = False
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            while not isinstance(e := self.next(), yaml.SequenceEndEvent):
                items.append(self.read(e, (*path, len(items)), depth + 1, keep))
            return items if keep else None
        out: dict[str, Any] = {}
        while not isinstance(key := self.next(), yaml.MappingEndEvent):
            problem = self.key_problem(key, out) if keep else None
            if keep and problem is None:
                out[key.value] = self.read(self.next(), (*path, key.value), depth + 1)
                continue
            if problem:
                m = key.start_mark
                self.problems.append(Problem(self.name, m.line + 1, m.column + 1, problem))
            self.read(key, path, depth + 1, keep=False)
            self.read(self.next(), path, depth + 1, keep=False)
        return out if keep else None

    def key_problem(self, key: Any, seen: dict[str, Any]) -> str | None:
        """Why ``key`` cannot name a value: a key is text, not ``<<`` (a merge key)."""
        if not isinstance(key, self.yaml.ScalarEvent) or self.tag(key).endswith(":merge"):
            return "keys must be plain text"
        if key.value in seen:
            return f"duplicate key {key.value!r}"
        return None

    def tag(self, event: Any) -> str:
        """A scalar's tag: its own, or the one its plain text resolves to."""
        tag = event.tag
        if tag is not None and tag != "!":
            return str(tag)
        # quoted, a block, or plain text whose first character no implicit rule claims
        if not event.implicit[0] or event.value[:1] not in self.resolver.yaml_implicit_resolvers:
            return _STR
        return str(self.resolver.resolve(self.yaml.ScalarNode, event.value, event.implicit))

    def construct(self, event: Any, tag: str, where: tuple[str, int, int]) -> Any:
        from yaml.constructor import ConstructorError

        node = self.yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node)
        except ConstructorError:  # a tag the safe constructor has no reader for
            self.problems.append(Problem(*where, f"cannot read value: tag {tag!r}"))
        except (ValueError, KeyError, AttributeError):
            # The safe constructor trusts an explicit tag (``!!bool maybe``), and
            # Python converts no integer of thousands of digits (sys.int_info).
            kind = tag.rsplit(":", 1)[-1]
            what = "a number too long" if event.value.isdigit() else f"not a valid {kind}"
            self.problems.append(Problem(*where, f"cannot read value: {what}"))
        return None
