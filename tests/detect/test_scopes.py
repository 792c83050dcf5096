"""scopes() gives every node but layout the same scope as libcst's ScopeProvider, and the same expression contexts."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import ExpressionContextProvider, MetadataWrapper, ScopeProvider

from productops_lint.detect.scopes import expression_contexts, scopes
from productops_lint.detect.walk import _TRIVIA

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "comprehension-and-class": (
        "import a\nfrom b import c as d\n\nclass K(d):\n    x = [a.f(i) for i in range(3)]\n"
        "    def m(self, y: 'K') -> None:\n        nonlocal_ = lambda z: z + self.x\n        global G\n        G = y\n"
    ),
    "walrus-and-match": "if (n := f()) > 1:\n    match n:\n        case [x, *rest]:\n            print(x, rest)\n",
    "annotations": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from m import T\ndef f(x: 'T') -> 'list[T]':\n    return [x]\n",
    "star-import": "from os import *\nprint(path)\n",
    "assignments": "a, (b, *c) = x\nd[e] = f.g = h\ndel i[j], k.l\nfor m in n: pass\nwith o as (p, q): pass\n",
    "fstrings-and-lambdas": "x = f'{a!r:>{w}}' + (lambda b, *c, d=e, **g: b)(h)\ny = {k: v for k, v in z if k}\n",
    "async-and-try": "async def f():\n    async with a as b:\n        async for c in b:\n            try:\n                await c\n            except E as e:\n                raise X from e\n",
}


def _describe(scope) -> tuple:
    """A scope by what can be compared across two runs: kind, name, and its assignments and accesses."""
    if scope is None:
        return (None,)
    # The index orders assignments against accesses (which assignments a read can see).
    assignments = sorted((a.name, type(a).__name__, len(a.references), getattr(a, "_Assignment__index", None)) for a in scope.assignments)
    accesses = sorted((a.node.value if isinstance(a.node, cst.Name) else type(a.node).__name__, len(a.referents)) for a in scope.accesses)
    return (type(scope).__name__, getattr(scope, "name", None), tuple(assignments), tuple(accesses))


def _all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    class Every(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    found: list[cst.CSTNode] = []
    module.visit(Every())
    return found


def _assert_same(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs = wrapper.resolve(ScopeProvider)
    ours = scopes(module)
    # Layout nodes (whitespace, comments, punctuation) are not walked, so most get no scope; the
    # few that libcst's visitor visits by hand (`async` of a `for`) get the same one.
    # String annotations are parsed anew by each run, so their nodes differ by identity: the
    # module's own nodes are compared one by one, the others by number.
    own = set(theirs) & set(ours)
    content = [n for n in _all_nodes(module) if not isinstance(n, _TRIVIA) and n in theirs]
    assert content and all(n in ours for n in content)
    assert sum(not isinstance(n, _TRIVIA) for n in theirs) == sum(not isinstance(n, _TRIVIA) for n in ours)
    assert dict(wrapper.resolve(ExpressionContextProvider)) == expression_contexts(module)
    seen: dict[int, tuple] = {}
    for node in own:
        scope = theirs[node]
        if id(scope) not in seen:
            seen[id(scope)] = _describe(scope)
        assert _describe(ours[node]) == seen[id(scope)], type(node).__name__
    return len(own)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_sources(name):
    _assert_same(TRICKY[name])


def test_every_node_of_this_project_and_its_example():
    files = sorted((ROOT / "productops_lint").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
    assert len(files) > 80
    assert sum(_assert_same(p.read_text(encoding="utf-8")) for p in files) > 50_000
