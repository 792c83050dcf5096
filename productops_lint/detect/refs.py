"""Callee references: every qualified name an expression may stand for, from scopes and annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, BuiltinAssignment, ClassScope, GlobalScope, ImportAssignment

from .shapes import is_binary, is_optional_subscript
from .values import TYPE_ARG

if TYPE_CHECKING:
    from .summarize import _Collector

_MAX_DEPTH = 8


class RefFinder:
    """Names for callees and receivers: ``a.b.C().m`` is method ``m`` of an instance of ``C``."""

    def __init__(self, collector: "_Collector") -> None:
        self.c = collector

    def refs(self, node: cst.BaseExpression, depth: int = 0) -> tuple[str, ...]:
        """Every qualified name ``node`` may refer to; ``X()`` marks an instance of ``X``."""
        if depth > _MAX_DEPTH:
            return ()
        if isinstance(node, cst.Attribute):
            return tuple(f"{b}.{node.attr.value}" for b in self.refs(node.value, depth + 1))
        if isinstance(node, cst.Call):
            called = tuple(f"{r}()" for r in self.refs(node.func, depth + 1))
            return called + self._type_arg_refs(node, called, depth)
        if isinstance(node, cst.IfExp):  # `Posthog(key) if key else None`: either branch
            return tuple(sorted({*self.refs(node.body, depth + 1), *self.refs(node.orelse, depth + 1)}))
        if not isinstance(node, cst.Name):
            return ()
        scope = self.c.scopes.get(node)
        if scope is None:
            return ()
        out: set[str] = set()
        for a in scope[node.value]:
            if isinstance(a, BuiltinAssignment):
                continue
            if isinstance(a, ImportAssignment):
                out.update(self.c.import_names(node))
            elif isinstance(a.scope, GlobalScope):
                out.add(f"{self.c.module}.{node.value}")
            elif isinstance(a.scope, ClassScope):
                qual = self.c.def_quals.get(id(a.scope.node))
                if qual:
                    out.add(f"{qual}.{node.value}")
            else:
                out.update(self._local_refs(node, a, depth))
        return tuple(sorted(out))

    def _local_refs(self, node: cst.Name, a: Any, depth: int) -> Sequence[str]:
        bound = a.node
        if isinstance(bound, cst.Param):
            # `self` (or `cls`) of a method, also read from a nested function, lambda or comprehension.
            owner = self.c.self_params.get(id(bound))
            if owner:
                return (f"{owner}()",)
            if bound.annotation is not None:
                return tuple(f"{r}()" for r in self.annotation_refs(bound.annotation.annotation))
            return ()
        if isinstance(bound, (cst.FunctionDef, cst.ClassDef)):
            qual = self.c.def_quals.get(id(bound))
            return (qual,) if qual else ()
        iterated = self.c.tables.iterated.get(id(bound))
        if iterated is not None:
            return self._element_refs(iterated, depth)
        entered = self.c.tables.entered.get(id(bound))
        if entered is not None:
            # `with AnalyticsContext() as ctx`: what the class's `__enter__` returns (often `self`).
            return tuple(f"{r}.__enter__()" for r in self.refs(entered, depth + 1))
        expr = self.c.tables.assigned.get(id(bound))
        found: Sequence[str] = ()
        if isinstance(expr, (cst.Name, cst.Attribute, cst.Call, cst.IfExp)):
            found = self.refs(expr, depth + 1)
        annotation = self.c.tables.annotated.get(id(bound)) if not found else None
        if annotation is not None:
            # `tracker: Tracker = ctx.obj["tracker"]`: the annotation says what the local holds.
            found = tuple(f"{r}()" for r in self.annotation_refs(annotation))
        return found

    def _type_arg_refs(self, node: cst.Call, called: tuple[str, ...], depth: int) -> tuple[str, ...]:
        """`system.instance(TelemetryClient)`: also the candidate "an instance of the class passed",
        which resolution keeps only when the callee is annotated `(type: Type[T]) -> T`."""
        first = node.args[0] if node.args else None
        if not called or first is None or first.keyword is not None or first.star:
            return ()
        arg = first.value
        name = arg.attr.value if isinstance(arg, cst.Attribute) else arg.value if isinstance(arg, cst.Name) else ""
        if not name[:1].isupper():  # classes by convention; keeps constants and locals out
            return ()
        classes = self.refs(arg, depth + 1)
        return tuple(f"{c[:-2]}{TYPE_ARG}{k.replace('.', '/')})" for c in called for k in classes if c.endswith("()"))

    def annotation_refs(self, node: cst.BaseExpression) -> tuple[str, ...]:
        """Classes an annotation names: ``T``, ``mod.T``, ``Optional[T]``, ``T | None``, ``"T"`` is not read."""
        if is_optional_subscript(node):
            inner = node.slice[0].slice  # type: ignore[attr-defined]
            return self.annotation_refs(inner.value) if isinstance(inner, cst.Index) else ()
        if is_binary(node, cst.BitOr):
            return (*self.annotation_refs(node.left), *self.annotation_refs(node.right))  # type: ignore[attr-defined]
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.refs(node)
        if isinstance(node, cst.SimpleString) and isinstance(node.evaluated_value, str):
            return self._string_annotation_refs(node, node.evaluated_value)
        return ()

    def _element_refs(self, node: cst.BaseExpression, depth: int) -> tuple[str, ...]:
        """What one element of an iterated value is: an item of a literal list or tuple, or the
        element type of a parameter annotated `list[T]`, `Sequence[T]`, `tuple[T, ...]`."""
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            return tuple(sorted({r for el in node.elements for r in self.refs(el.value, depth + 1)}))
        scope = self.c.scopes.get(node) if isinstance(node, cst.Name) else None
        for a in scope[node.value] if scope is not None else ():  # type: ignore[attr-defined]
            if isinstance(a, Assignment) and isinstance(a.node, cst.Param) and a.node.annotation is not None:
                element = _element_annotation(a.node.annotation.annotation)
                if element is not None:
                    return tuple(f"{r}()" for r in self.annotation_refs(element))
        return ()

    def _string_annotation_refs(self, node: cst.SimpleString, text: str) -> tuple[str, ...]:
        """`client: "Posthog | None"`, often with `Posthog` imported under `if TYPE_CHECKING:`: the
        string parsed as an expression, its names looked up in the scope the annotation is in."""
        scope = self.c.scopes.get(node)
        try:
            parsed = cst.parse_expression(text)
        except cst.ParserSyntaxError:
            return ()
        out: list[str] = []
        for dotted in _annotation_names(parsed):
            head, _, rest = dotted.partition(".")
            for a in scope[head] if scope is not None else ():
                if isinstance(a, ImportAssignment):
                    found: tuple[str, ...] = self.c._imported(a.node, head)
                elif isinstance(a, Assignment) and isinstance(a.scope, GlobalScope) and isinstance(a.node, cst.ClassDef):
                    found = (f"{self.c.module}.{head}",)
                else:
                    continue
                out.extend(f"{f}.{rest}" if rest else f for f in found)
        return tuple(sorted(set(out)))


def _annotation_names(node: cst.BaseExpression) -> list[str]:
    """The dotted class names a parsed annotation names (`A | None`, `Optional[mod.A]`, `A`)."""
    if is_optional_subscript(node):
        inner = node.slice[0].slice  # type: ignore[attr-defined]
        return _annotation_names(inner.value) if isinstance(inner, cst.Index) else []
    if is_binary(node, cst.BitOr):
        return [*_annotation_names(node.left), *_annotation_names(node.right)]  # type: ignore[attr-defined]
    name = get_full_name_for_node(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    return [name] if name and name != "None" else []


_CONTAINERS = frozenset({"list", "List", "Sequence", "Iterable", "Iterator", "Collection", "set", "Set", "frozenset", "tuple", "Tuple"})


def _element_annotation(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """`list[T]` (and the other sequence types) -> `T`."""
    if not isinstance(node, cst.Subscript) or not node.slice:
        return None
    base = node.value.attr.value if isinstance(node.value, cst.Attribute) else getattr(node.value, "value", "")
    first = node.slice[0].slice
    return first.value if base in _CONTAINERS and isinstance(first, cst.Index) else None
