"""Each node's scope, as libcst's ScopeProvider gives it, computed by libcst's own visitors in two read-only walks.

``ScopeProvider`` and ``ExpressionContextProvider`` are batchable providers whose ``visit_Module``
runs a whole-module visitor; the batched traversal each belongs to then walks every node again and
finds nothing to do. ``MetadataWrapper`` also runs one batched traversal per round of dependency
resolution even when no batchable provider is left in that round. And every walk rebuilds every
node (see ``walk.py``). Here the same two visitors run once each, read-only, and store their
answers in plain dicts. A test checks every node's scope against ``ScopeProvider`` (layout nodes,
whitespace and punctuation, get none: see ``_ScopeVisitor``).
"""

from __future__ import annotations

from typing import Any

import libcst as cst
from libcst.metadata import ExpressionContext, ExpressionContextProvider, Scope
from libcst.metadata.expression_context_provider import ExpressionContextVisitor
from libcst.metadata.scope_provider import _ASSIGNMENT_LIKE_NODES, ScopeVisitor

from .walk import ReadOnlyTraversal


class _ContextVisitor(ReadOnlyTraversal, ExpressionContextVisitor):
    """libcst's expression-context visitor, walked read-only."""


class _ScopeVisitor(ReadOnlyTraversal, ScopeVisitor):
    """libcst's scope visitor, walked read-only, not over whitespace, comments and punctuation.

    Its ``on_leave`` records the scope of every node it leaves; for those layout nodes that is
    all it does (they assign and read nothing), and nothing asks for their scope. Skipping them
    halves the nodes this walk visits.
    """

    walk_layout = False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        # ScopeVisitor.on_leave, with its test against 18 node classes answered once per node's
        # class: each isinstance against a libcst node class is an ABC check, and at one test per
        # node it took a third of this walk.
        kind = type(original_node)
        counts = _ASSIGNMENT_LIKE.get(kind)
        if counts is None:
            counts = _ASSIGNMENT_LIKE[kind] = isinstance(original_node, _ASSIGNMENT_LIKE_NODES)
        if counts:  # libcst's own on_leave counts it (orders assignments and accesses)
            ScopeVisitor.on_leave(self, original_node)
            return
        self.provider.set_metadata(original_node, self.scope)
        cst.CSTVisitor.on_leave(self, original_node)


# Node type -> whether ScopeVisitor counts it as an assignment when it leaves it.
_ASSIGNMENT_LIKE: dict[type, bool] = {}


class _Answers:
    """The two provider calls libcst's visitors make: store an answer, read an expression context."""

    def __init__(self, contexts: dict[cst.CSTNode, ExpressionContext] | None = None) -> None:
        self.values: dict[cst.CSTNode, Any] = {}
        self._contexts = contexts or {}

    def set_metadata(self, node: cst.CSTNode, value: Any) -> None:
        self.values[node] = value

    def get_metadata(self, key: Any, node: cst.CSTNode, default: Any = None) -> Any:
        if key is not ExpressionContextProvider:  # the only metadata ScopeVisitor reads
            raise KeyError(getattr(key, "__name__", key))
        return self._contexts.get(node, default)


def expression_contexts(module: cst.Module) -> dict[cst.CSTNode, ExpressionContext]:
    """What ``ExpressionContextProvider`` gives each node."""
    answers = _Answers()
    module.visit(_ContextVisitor(answers, ExpressionContext.LOAD))  # type: ignore[arg-type]
    return answers.values


def scopes(module: cst.Module) -> dict[cst.CSTNode, Scope | None]:
    """What ``ScopeProvider`` gives each node but whitespace, comments and punctuation."""
    answers = _Answers(expression_contexts(module))
    visitor = _ScopeVisitor(answers)  # type: ignore[arg-type]
    module.visit(visitor)
    visitor.infer_accesses()
    return answers.values
