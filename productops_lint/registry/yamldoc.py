"""YAML text to plain data, remembering the ``file:line:col`` of every key and value."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..types import Location, Problem

# A path into the data: mapping keys and list indexes, e.g. ("events", 0, "properties", "plan").
DataPath = tuple[Union[str, int], ...]

# Rule files come from pull requests too; an alias bomb must not expand without bound.
MAX_VALUES = 200_000
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
    pass


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

    def problem(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(Location(self.path, mark.line + 1, mark.column + 1), message))

    def build(self, node: Node, path: DataPath) -> Any:
        self._count += 1
        if self._count > MAX_VALUES:
            raise _TooLarge
        self.value_marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
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
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

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
        return value

    def _key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem(node, "a key must be plain text, not a list or mapping")
            return None
        # Keys keep their text: a property called `on` or `404` stays a string.
        return node.value

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.extend(value_node.value if isinstance(value_node, SequenceNode) else [value_node])
                continue
            key = self._key(key_node)
            if key is None:
                continue
            if key in out:
                first = self.key_marks[(*path, key)][0]
                self.problem(key_node, f"duplicate key `{key}` (first at line {first})")
                continue
            self.key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            value = self.build(value_node, (*path, key))
            if not _is_python(value_node):  # left out, so the schema adds no type error to the tag's
                out[key] = value
        # `<<: *defaults` fills in keys that the mapping does not set itself.
        for source in merged:
            if not isinstance(source, MappingNode):
                self.problem(source, "`<<` must merge a mapping")
                continue
            for key_node, value_node in source.value:
                key = self._key(key_node)
                if key is not None and key not in out:
                    self.key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                    out[key] = self.build(value_node, (*path, key))
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
        return Document(path, None, (Problem(Location(path, 1, 1), "invalid YAML: nested too deeply"),))
    if node is None:
        return Document(path, None)
    builder = _Builder(path)
    try:
        data = builder.build(node, ())
    except (_TooLarge, RecursionError):
        message = f"the file expands to more than {MAX_VALUES} values (through aliases?) or is nested too deeply"
        return Document(path, None, (Problem(Location(path, 1, 1), message),))
    return Document(path, data, tuple(builder.problems), builder.value_marks, builder.key_marks)
