"""Callee references: every qualified name an expression may stand for, from scopes and annotations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import libcst as cst
from .shapes import is_binary, is_optional_subscript
from libcst.metadata import BuiltinAssignment, ClassScope, GlobalScope, ImportAssignment

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
            return tuple(f"{r}()" for r in self.refs(node.func, depth + 1))
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

    def annotation_refs(self, node: cst.BaseExpression) -> tuple[str, ...]:
        """Classes an annotation names: ``T``, ``mod.T``, ``Optional[T]``, ``T | None``, ``"T"`` is not read."""
        if is_optional_subscript(node):
            inner = node.slice[0].slice  # type: ignore[attr-defined]
            return self.annotation_refs(inner.value) if isinstance(inner, cst.Index) else ()
        if is_binary(node, cst.BitOr):
            return (*self.annotation_refs(node.left), *self.annotation_refs(node.right))  # type: ignore[attr-defined]
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.refs(node)
        return ()

