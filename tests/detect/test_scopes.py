"""OneWalkScopeProvider gives every node the same scope as libcst's ScopeProvider."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ScopeProvider

from productops_lint.detect.scopes import OneWalkScopeProvider

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "comprehension-and-class": (
        "import a\nfrom b import c as d\n\nclass K(d):\n    x = [a.f(i) for i in range(3)]\n"
        "    def m(self, y: 'K') -> None:\n        nonlocal_ = lambda z: z + self.x\n        global G\n        G = y\n"
    ),
    "walrus-and-match": "if (n := f()) > 1:\n    match n:\n        case [x, *rest]:\n            print(x, rest)\n",
    "annotations": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from m import T\ndef f(x: 'T') -> 'list[T]':\n    return [x]\n",
    "star-import": "from os import *\nprint(path)\n",
}


def _describe(scope) -> tuple:
    """A scope by what can be compared across two runs: kind, name, and its assignments and accesses."""
    if scope is None:
        return (None,)
    assignments = sorted((a.name, type(a).__name__, len(a.references)) for a in scope.assignments)
    accesses = sorted((a.node.value if isinstance(a.node, cst.Name) else type(a.node).__name__, len(a.referents)) for a in scope.accesses)
    return (type(scope).__name__, getattr(scope, "name", None), tuple(assignments), tuple(accesses))


def _assert_same(source: str) -> int:
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs = wrapper.resolve(ScopeProvider)
    ours = wrapper.resolve(OneWalkScopeProvider)
    # String annotations are parsed anew by each run, so their nodes differ by identity: the
    # module's own nodes are compared one by one, the others by number.
    own = set(theirs) & set(ours)
    assert len(theirs) == len(ours) and len(own) > 0
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
