"""YAML text to plain data, remembering the ``file:line:col`` of every key and value."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..types import Location, Problem

# A path into the data: mapping keys and list indexes, e.g. ("events", 0, "properties", "plan").
DataPath = tuple[str | int, ...]

# Rule files come from pull requests too; an alias bomb must not expand without bound. Only values
# reached again through an alias count: without aliases the values are bounded by the text.
MAX_ALIASED_VALUES = 100_000
# Far deeper than any rule file needs, and shallow enough for every recursive step after parsing.
MAX_DEPTH = 64
_MERGE_TAG = "tag:yaml.org,2002:merge"
_YAML_TAGS = "tag:yaml.org,2002:"
# What a mapping or a list may be tagged; anything else (`!!python/tuple`, `!!set`) is refused by name.
_COLLECTION_TAGS = frozenset({_YAML_TAGS + "seq", _YAML_TAGS + "map"})
# libyaml's parser when PyYAML was built with it: about 13 times faster, same nodes and marks.
# Its error messages are terser, so a file it rejects is parsed again for the message.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Document:
    """One parsed rule file: its data (None when empty or unreadable) and where each value is written."""

    path: str
    data: Any
    problems: tuple[Problem, ...] = ()
    # (line, col), both 1-based, of each value node and of each mapping key node.
    value_marks: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[DataPath, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: DataPath) -> Location:
        """Where the value at ``path`` is written, or its closest written ancestor."""
        return self._find(path, self.value_marks)

    def key_at(self, path: DataPath) -> Location:
        """Where the key of the entry at ``path`` is written (falls back to the value)."""
        return self._find(path, self.key_marks)

    def _find(self, path: DataPath, marks: dict[DataPath, tuple[int, int]]) -> Location:
        for end in range(len(path), -1, -1):
            mark = marks.get(path[:end]) or self.value_marks.get(path[:end])
            if mark:
                return Location(self.path, *mark)
        return Location(self.path, 1, 1)


class _TooLarge(Exception):
    """Aliases expanded past MAX_ALIASED_VALUES while building the value at ``path``."""

    def __init__(self, path: DataPath) -> None:
        super().__init__(path)
        self.path = path


class _Builder:
    """Turns a node tree into plain data, recording marks and collecting problems along the way."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.value_marks: dict[DataPath, tuple[int, int]] = {}
        self.key_marks: dict[DataPath, tuple[int, int]] = {}
        self._constructor = yaml.constructor.SafeConstructor()
        self._count = 0
        self._active: set[int] = set()
        # Collections built once already: building one again is an alias being expanded.
        self._built: set[int] = set()
        self._repeating = 0

    def problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(Location(self.path, mark.line + 1, mark.column + 1), message))

    def build(self, node: Node, path: DataPath) -> Any:
        if self._repeating:
            self._count += 1
            if self._count > MAX_ALIASED_VALUES:
                raise _TooLarge(path)
        self.value_marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if len(path) > MAX_DEPTH:
            self.problem(node, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if _is_python(node):
            # PyYAML's safe loader refuses these anyway; name the tag rather than the type it left behind.
            self.problem(node, f"tag {_short_tag(node.tag)} is not allowed")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if node.tag not in _COLLECTION_TAGS:
            self.problem(node, f"unsupported YAML tag `{_short_tag(node.tag)}`")
        if id(node) in self._active:
            self.problem(node, "an alias refers to a node that contains it")
            return None
        again = id(node) in self._built
        self._built.add(id(node))
        self._active.add(id(node))
        self._repeating += again
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self._active.discard(id(node))
            self._repeating -= again

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            value = self._constructor.construct_object(node)
        except yaml.constructor.ConstructorError:
            self.problem(node, f"unsupported YAML tag `{node.tag}`")
            return node.value
        except ValueError:
            # e.g. `2025-13-01` looks like a date but is not one: keep the text so the schema reports it.
            return node.value
        if isinstance(value, (datetime.date, datetime.datetime)):
            # JSON Schema has no date type; dates are strings with `format: date`.
            return value.isoformat()
        if isinstance(value, bytes):
            # `!!binary`: name the tag, not the type error its bytes would give.
            self.problem(node, f"unsupported YAML tag `{_short_tag(node.tag)}`")
            return node.value
        return value

    def _key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, "a key must be plain text, not a list or mapping")
            return None
        # Keys keep their text: a property called `on` or `404` stays a string.
        return str(node.value)

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(value_node.value if isinstance(value_node, SequenceNode) else [value_node])
                continue
            key = self._key(key_node)
            if key is None:
                continue
            if key in first_lines:
                self.problem(key_node, f"duplicate key `{key}` (first at line {first_lines[key]})")
                continue
            mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            first_lines[key] = mark[0]
            self.key_marks.setdefault((*path, key), mark)
            value = self.build(value_node, (*path, key))
            if not _is_python(value_node):  # left out, so the schema adds no type error to the tag's
                out[key] = value
        # `<<: *defaults` fills in keys that the mapping does not set itself.
        for source in merged:
            if not isinstance(source, MappingNode):
                self.problem(source, "`<<` must merge a mapping")
                continue
            # Built whole, so that the merged mapping's own `<<` are merged too, as PyYAML does.
            built = self.build(source, path)
            for key, value in (built.items() if isinstance(built, dict) else ()):
                out.setdefault(key, value)
        return out


def _is_python(node: Node) -> bool:
    return bool(node.tag) and node.tag.startswith(_YAML_TAGS + "python/")


def _short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/tuple`` as it is written, ``!!python/tuple``."""
    return "!!" + tag[len(_YAML_TAGS):] if tag.startswith(_YAML_TAGS) else tag


def _syntax_problem(path: str, text: str, exc: yaml.YAMLError) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        message = f"invalid YAML: {exc.problem}"
        if exc.context and str(exc.problem).startswith("but "):
            # e.g. "expected a single document in the stream, but found another document"
            message = f"invalid YAML: {exc.context}, {exc.problem}"
        elif exc.context and exc.context_mark is not None and exc.context_mark.line != mark.line:
            message += f" ({exc.context} at line {exc.context_mark.line + 1})"
        return Problem(Location(path, mark.line + 1, mark.column + 1), message)
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        col = position - (text.rfind("\n", 0, position) + 1) + 1
        reason = getattr(exc, "reason", None) or str(exc)
        return Problem(Location(path, line, col), f"invalid YAML: {reason}")
    return Problem(Location(path), f"invalid YAML: {exc}")


def _too_deep(path: str, text: str) -> Problem:
    """Where the nesting that overflowed PyYAML's recursive composer passes MAX_DEPTH.

    The parser's event stream is flat, so walking it finds the place without recursing.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    where = Location(path) if mark is None else Location(path, mark.line + 1, mark.column + 1)
                    return Problem(where, f"nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        return _syntax_problem(path, text, exc)
    return Problem(Location(path, 1, 1), "invalid YAML: nested too deeply")


def parse_document(path: str, text: str) -> Document:
    """Parse one rule file. Never raises: syntax errors and oddities become problems."""
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except yaml.YAMLError:
            # PyYAML's own parser words its errors better ("expected ..., but found ...").
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return Document(path, None, (_syntax_problem(path, text, exc),))
    except RecursionError:
        return Document(path, None, (_too_deep(path, text),))
    if node is None:
        return Document(path, None)
    builder = _Builder(path)
    try:
        data = builder.build(node, ())
    except _TooLarge as exc:
        key = exc.path[:1]
        where = Location(path, *builder.key_marks.get(key, (1, 1)))
        what = f"`{key[0]}`" if key else "the file"
        message = f"{what} expands to more than {MAX_ALIASED_VALUES} values through aliases"
        return Document(path, None, (Problem(where, message),))
    return Document(path, data, tuple(builder.problems), builder.value_marks, builder.key_marks)
