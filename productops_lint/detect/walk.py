"""A read-only traversal for libcst visitors: the same hooks on the same nodes in the same order, nothing rebuilt.

``CSTNode.visit`` rebuilds every node it walks, even for a ``CSTVisitor`` that changes nothing:
each node's ``_visit_and_replace_children`` constructs and validates a fresh copy. On the
benchmark's tracking modules an empty visit costs more than parsing them. The summary pass walks
each module four times (expression contexts, assignment tables, scopes, the summary itself), so
those copies were most of its cost.

``ReadOnlyTraversal`` goes before ``CSTVisitor`` (or a visitor class built on it) in a class's
bases. Its ``on_visit`` calls the visitor's own ``visit_<Node>``, then walks the children itself
and returns ``False``, so ``CSTNode.visit`` rebuilds nothing. A visitor that walks a child by
hand (``node.body.visit(self)``, as libcst's scope and expression-context visitors do) comes back
through ``on_visit``, so its whole walk stays read-only.

What each node's children are, and their order, come from libcst itself: the field names its
``_visit_and_replace_children`` passes to ``visit_required``/``visit_sequence``/..., read off the
method's code object in the order they are written. Fields whose type admits only whitespace,
comments and punctuation are not walked for a visitor with no hook for those nodes. A test checks
the order against ``CSTNode.visit`` node by node, and that every field able to hold a node is
known; a class for which that does not hold at run time is handed back to libcst's own walk.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Callable

import libcst as cst

# Nodes that are only layout: whitespace, comments, and punctuation that holds only whitespace.
_TRIVIA: tuple[type, ...] = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Comment,
    cst.Newline,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.Asynchronous,
)

_TRIVIA_SET = frozenset(_TRIVIA)
_NODE_SET = frozenset({cst.CSTNode})


def _derives(cls: object, bases: frozenset[type]) -> bool:
    """``issubclass(cls, bases)``, read off the class's MRO.

    libcst's node classes are ABCs: a first ABC subclass check walks the base's subclasses, and
    deciding the node classes of one module that way took thousands of checks per process.
    """
    return isinstance(cls, type) and not bases.isdisjoint(cls.__mro__)


Hook = Callable[[Any, cst.CSTNode], Any] | None
# (field name, visit_<Node>_<field>, leave_<Node>_<field>)
Field = tuple[str, Hook, Hook]
# (visit_<Node>, leave_<Node>, the fields to walk, or None: libcst walks them)
Entry = tuple[Hook, Hook, tuple[Field, ...] | None]
# The entry of a field value that is not a node (None, a string, MaybeSentinel.DEFAULT).
_NOT_A_NODE: Entry = (None, None, ())


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []


def child_fields(cls: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields ``cls._visit_and_replace_children`` visits, in its order.

    Each ``visit_*(self, "field", ...)`` call names its field with a string constant, and the
    compiler records constants in the order it meets them, which is the order they are written.
    """
    names = set(_field_names(cls))
    code = cls._visit_and_replace_children.__code__
    order: list[str] = []
    for const in code.co_consts:
        if isinstance(const, str) and const in names and const not in order:
            order.append(const)
    return tuple(order)


def _classes_in(annotation: object) -> list[object]:
    origin = typing.get_origin(annotation)
    if origin is None:
        return [annotation]
    if origin is typing.Literal:
        return []
    return [c for arg in typing.get_args(annotation) for c in _classes_in(arg)]


def _holds_nodes(annotation: object) -> bool:
    """Whether a field of this type can hold a node (unresolvable types are assumed to)."""
    return any(not isinstance(c, type) or _derives(c, _NODE_SET) for c in _classes_in(annotation) if c not in (type(None), str))


def _only_layout(annotation: object) -> bool:
    """Whether a field of this type can hold nothing but whitespace, comments and punctuation."""
    for c in _classes_in(annotation):
        if c in (type(None), str, cst.MaybeSentinel):
            continue
        if not _derives(c, _TRIVIA_SET):
            return False
    return True


def _names_layout(cls: type) -> bool:
    """Whether the visitor has a hook of its own (not an inherited no-op stub) for a layout node."""
    for klass in cls.__mro__:
        if klass in cst.CSTVisitor.__mro__:
            continue  # CSTVisitor and the typed stubs it inherits: thousands of names, no hooks
        for name in vars(klass):
            if not name.startswith(("visit_", "leave_")) or _hook(cls, name) is None:
                continue
            node_cls = getattr(cst, name.split("_", 2)[1], None)
            if _derives(node_cls, _TRIVIA_SET):
                return True
    return False


# Per node class, what every visitor's entry is built from: the fields to walk in order (None:
# libcst walks them, see ReadOnlyTraversal._entry), and those of them that hold only layout. None
# for a value that is not a node. Worked out once per class, not once per visitor class: with
# get_type_hints and ABC subclass checks it is most of a process's first summary.
_Facts = tuple[tuple[str, ...] | None, frozenset[str]]
_FACTS: dict[type, _Facts | None] = {}


def _node_facts(node_cls: type) -> _Facts | None:
    if node_cls in _FACTS:
        return _FACTS[node_cls]
    facts: _Facts | None = None
    if _derives(node_cls, _NODE_SET):
        hints = typing.get_type_hints(node_cls)
        order = child_fields(node_cls)
        if any(f not in order and _holds_nodes(hints.get(f, object)) for f in _field_names(node_cls)):
            # A libcst release that names its children some other way: rather than miss a
            # child, let libcst walk this class's children (its own order and hooks; each such
            # node is rebuilt once, the children come back through on_visit).
            facts = (None, frozenset())
        else:
            facts = (order, frozenset(f for f in order if _only_layout(hints.get(f, object))))
    _FACTS[node_cls] = facts
    return facts


def _hook(cls: type, name: str) -> Hook:
    """A visitor's hook, or None where it only has the no-op stub every ``CSTVisitor`` inherits."""
    found = getattr(cls, name, None)
    return None if found is getattr(cst.CSTVisitor, name, None) else found


# To the type checker the mixin is the visitor it is mixed into; at run time it adds nothing to the MRO.
if typing.TYPE_CHECKING:
    _VisitorBase = cst.CSTVisitor
else:
    _VisitorBase = object


class ReadOnlyTraversal(_VisitorBase):
    """Mixin for a ``CSTVisitor``: the visit libcst makes, without rebuilding a node (see module doc)."""

    #: Whether whitespace, comments and punctuation are walked. ``None``: when a hook names one of
    #: them, or ``on_leave`` is overridden (it may act on every node). A subclass may decide.
    walk_layout: typing.ClassVar[bool | None] = None
    _entries: dict[type, Entry]
    _sees_layout: bool
    _on_leave: Hook

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Children are dispatched straight to visit_/leave_ hooks, so nothing may stand between.
        if cls.on_visit is not ReadOnlyTraversal.on_visit:
            raise TypeError(f"{cls.__name__} overrides on_visit, which ReadOnlyTraversal must own")
        for method in ("on_visit_attribute", "on_leave_attribute"):
            if getattr(cls, method) is not getattr(cst.CSTVisitor, method):
                raise TypeError(f"{cls.__name__} overrides {method}, which ReadOnlyTraversal bypasses")
        # A visitor whose on_leave acts on every node (ScopeVisitor records each node's scope) is
        # called for every node; otherwise the leave_<Node> hook is called straight away.
        cls._on_leave = None if cls.on_leave is cst.CSTVisitor.on_leave else cls.on_leave
        cls._entries = {}
        named = _names_layout(cls)
        cls._sees_layout = named or (cls._on_leave is not None if cls.walk_layout is None else cls.walk_layout)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if cst.CSTVisitor.on_visit(self, node):
            self._walk(node)
        return False  # CSTNode.visit then calls on_leave and keeps the node as it is

    def _walk(self, node: cst.CSTNode) -> None:
        # Hot path: entries are looked up by exact type (an isinstance check against the CSTNode
        # ABC costs more than the rest of a step), and non-node field values map to _NOT_A_NODE.
        entries = self._entries
        fields = (entries.get(type(node)) or self._entry(type(node)))[2]
        if fields is None:  # children not known for this class: libcst walks them (see _entry)
            node._visit_and_replace_children(self)
            return
        for name, visit_attr, leave_attr in fields:
            if visit_attr is not None:
                visit_attr(self, node)
            value = getattr(node, name)
            kind = type(value)
            for child in value if kind is tuple or kind is list else (value,):
                entry = entries.get(type(child)) or self._entry(type(child))
                if entry is _NOT_A_NODE:
                    continue
                visit, leave, _ = entry
                if visit is None or visit(self, child) is not False:
                    self._walk(child)
                if leave is not None:
                    leave(self, child)
            if leave_attr is not None:
                leave_attr(self, node)

    @classmethod
    def _entry(cls, node_cls: type) -> Entry:
        facts = _node_facts(node_cls)
        if facts is None:
            cls._entries[node_cls] = _NOT_A_NODE
            return _NOT_A_NODE
        order, layout = facts
        name = node_cls.__name__
        fields: list[Field] | None = None
        if order is not None:
            fields = []
            for field in order:
                visit_attr = _hook(cls, f"visit_{name}_{field}")
                leave_attr = _hook(cls, f"leave_{name}_{field}")
                if not cls._sees_layout and visit_attr is None and leave_attr is None and field in layout:
                    continue
                fields.append((field, visit_attr, leave_attr))
        leave = cls._on_leave or _hook(cls, f"leave_{name}")
        entry: Entry = (_hook(cls, f"visit_{name}"), leave, None if fields is None else tuple(fields))
        cls._entries[node_cls] = entry
        return entry
