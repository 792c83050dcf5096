"""ReadOnlyTraversal calls the same hooks on the same nodes in the same order as CSTNode.visit, and rebuilds nothing."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import libcst as cst
import pytest

from productops_lint.detect.walk import _TRIVIA, ReadOnlyTraversal, _classes_in, child_fields

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "everything-small": (
        "@d(1)\nasync def f(a, /, b: int = 2, *c, d, **e) -> 'T':\n    async with x as (y, z), w:\n"
        "        async for i in j: await k\n    return [m async for m in n if m], {o: p for o, p in q}\n"
    ),
    "strings": "x = f'{a!r:>{w}} {b=}' 'tail' \"\"\"doc\"\"\"\ny = rb'\\x00' b'z'\n",
    "statements": (
        "import a.b as c\nfrom . import (d, e,)\nfrom f import *\nglobal g\ndel h[i], j.k\n"
        "try:\n    pass\nexcept (L, M) as n:\n    raise O from n\nelse:\n    pass\nfinally:\n    pass\n"
        "while p: break\nelse: continue\nassert q, 'r'\nif s: t\nelif u: v\nelse: w\nx += 1; y: int = 2\n"
    ),
    "match": "match p:\n    case [1, *rest] if rest: pass\n    case {'k': v, **kw}: pass\n    case C(a=1) | None: pass\n",
    "comments-and-layout": "x = (  # c1\n    1 +  # c2\n    2\n)\n\n\n# c3\nclass K(  B , metaclass = M ):\n    ...\n",
    "lambda-slice-walrus": "f = lambda *a, k=1: a[1:2:3, ::-1]\nif (n := len(f)) > 1 and not x or y is not z: pass\n",
}


def _sources() -> dict[str, str]:
    files = sorted((ROOT / "productops_lint").rglob("*.py")) + sorted((ROOT / "examples").rglob("*.py"))
    return {**TRICKY, **{str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files}}


class _AllHooks(cst.CSTVisitor):
    """Records hook calls by node identity; `_hooked` gives it a hook for every node type."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []


def _hooked(base: type) -> type:
    """A visitor class with a visit_ and leave_ hook for every node type, recording each call."""
    namespace: dict[str, typing.Any] = {}
    for cls in _node_classes():
        def visit(self, node, _n=cls.__name__):  # noqa: ANN001
            self.calls.append((f"visit {_n}", id(node)))
            return not isinstance(node, cst.Lambda)

        def leave(self, node, _n=cls.__name__):  # noqa: ANN001
            self.calls.append((f"leave {_n}", id(node)))

        namespace[f"visit_{cls.__name__}"] = visit
        namespace[f"leave_{cls.__name__}"] = leave
    namespace["visit_Call_args"] = lambda self, node: self.calls.append(("attr Call.args", id(node)))
    namespace["leave_Call_args"] = lambda self, node: self.calls.append(("left Call.args", id(node)))
    return type(f"Hooked{base.__name__}", (base,), namespace)


def _node_classes() -> list[type]:
    found: list[type] = []
    todo: list[type] = [cst.CSTNode]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if "_visit_and_replace_children" in vars(sub) and not getattr(sub, "__abstractmethods__", None):
                found.append(sub)
    return found


class _Plain(_AllHooks):
    pass


_HookedPlain = _hooked(_Plain)
_HookedReadOnly = _hooked(type("_ReadOnlyAllHooks", (ReadOnlyTraversal, _AllHooks), {}))


def test_every_field_that_can_hold_a_node_is_walked():
    """child_fields misses no field a node class can hold a node in, for every class libcst has."""
    classes = _node_classes()
    assert len(classes) > 150
    for cls in classes:
        hints = typing.get_type_hints(cls)
        holders = {
            f.name
            for f in dataclasses.fields(cls)
            if any(isinstance(c, type) and issubclass(c, cst.CSTNode) for c in _classes_in(hints[f.name]))
        }
        assert holders <= set(child_fields(cls)), cls.__name__


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_same_hooks_in_the_same_order_on_tricky_sources(name):
    module = cst.parse_module(TRICKY[name])
    theirs, ours = _HookedPlain(), _HookedReadOnly()
    module.visit(theirs)
    module.visit(ours)
    assert len(theirs.calls) > 10
    assert ours.calls == theirs.calls


def test_same_hooks_in_the_same_order_on_this_project():
    total = 0
    for name, source in _sources().items():
        module = cst.parse_module(source)
        theirs, ours = _HookedPlain(), _HookedReadOnly()
        module.visit(theirs)
        module.visit(ours)
        assert ours.calls == theirs.calls, name
        total += len(ours.calls)
    assert total > 100_000


class _Names(ReadOnlyTraversal, cst.CSTVisitor):
    """A visitor with no hook for layout: whitespace and punctuation are not walked."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.nodes = 0

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(node.value)

    def visit_Comma(self, node: cst.Comma) -> None:  # pragma: no cover - defined on a subclass only
        raise AssertionError


class _NamesOnly(_Names):
    visit_Comma = cst.CSTVisitor.visit_Comma  # type: ignore[assignment]  # back to the no-op stub


def test_layout_is_skipped_only_without_hooks_for_it():
    assert not _NamesOnly._sees_layout
    assert _Names._sees_layout
    module = cst.parse_module("f(a, b)  # c\n")
    visitor = _NamesOnly()
    module.visit(visitor)
    assert visitor.names == ["f", "a", "b"]
    with pytest.raises(AssertionError):
        module.visit(_Names())


def test_nothing_is_rebuilt(monkeypatch):
    """No node's _visit_and_replace_children runs, even when a hook walks a child by hand."""
    rebuilt: list[str] = []
    original = cst.Call._visit_and_replace_children

    def spy(self, visitor):  # noqa: ANN001
        rebuilt.append("Call")
        return original(self, visitor)

    class ByHand(ReadOnlyTraversal, cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.seen = 0

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            node.body.visit(self)  # as libcst's scope visitor does
            return False

        def visit_Call(self, node: cst.Call) -> None:
            self.seen += 1

    module = cst.parse_module("def f():\n    g(h(1))\n")
    module.visit(ByHand())  # learns each node type's children before the spy goes in
    monkeypatch.setattr(cst.Call, "_visit_and_replace_children", spy)
    visitor = ByHand()
    module.visit(visitor)
    assert visitor.seen == 2 and rebuilt == []
    module.visit(cst.CSTVisitor())
    assert rebuilt == ["Call", "Call"]  # the spy works: a plain visit rebuilds both calls


def test_a_visitor_that_overrides_on_leave_sees_every_node():
    class Leaves(ReadOnlyTraversal, cst.CSTVisitor):
        def __init__(self) -> None:
            super().__init__()
            self.left: list[str] = []

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.left.append(type(original_node).__name__)

    assert Leaves._sees_layout
    module = cst.parse_module("f(a, b)\n")
    visitor = Leaves()
    module.visit(visitor)
    assert "Comma" in visitor.left and "SimpleWhitespace" in visitor.left and visitor.left[-1] == "Module"


def test_overriding_what_it_bypasses_is_refused():
    with pytest.raises(TypeError, match="on_visit_attribute"):

        class Bad(ReadOnlyTraversal, cst.CSTVisitor):
            def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
                pass

    with pytest.raises(TypeError, match="on_visit"):

        class AlsoBad(ReadOnlyTraversal, cst.CSTVisitor):
            def on_visit(self, node: cst.CSTNode) -> bool:
                return True


def test_layout_classes_hold_only_layout():
    """What is skipped as layout can contain no content node, so skipping it loses no hook call."""
    for cls in _node_classes():
        if not issubclass(cls, _TRIVIA):
            continue
        hints = typing.get_type_hints(cls)
        for field in child_fields(cls):
            inner = [c for c in _classes_in(hints[field]) if isinstance(c, type) and issubclass(c, cst.CSTNode)]
            assert all(issubclass(c, _TRIVIA) for c in inner), (cls.__name__, field)


def test_a_class_whose_children_it_cannot_name_is_walked_by_libcst(monkeypatch):
    """Should a libcst release name a class's children some other way, nothing is missed."""
    from productops_lint.detect import walk

    real = walk.child_fields
    monkeypatch.setattr(walk, "child_fields", lambda cls: () if cls is cst.Call else real(cls))
    monkeypatch.setattr(walk, "_FACTS", {})  # what other visitors learned of each node class
    hooked = _hooked(type("_Fresh", (ReadOnlyTraversal, _AllHooks), {}))  # a new class: no cached entries
    assert hooked._entry(cst.Call)[2] is None
    module = cst.parse_module(TRICKY["everything-small"] + "g(h(1), k=lambda: 2)\n")
    theirs, ours = _HookedPlain(), hooked()
    module.visit(theirs)
    module.visit(ours)
    assert ours.calls == theirs.calls
