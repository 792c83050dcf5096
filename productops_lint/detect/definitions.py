"""Facts a summary reads off definitions as written: dataclass fields, `Type[T] -> T`, narrowing guards."""

from __future__ import annotations

from typing import Iterator

import libcst as cst

from .shapes import is_attribute, is_name, not_equal_to_string, type_subscript_of

DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attrs.define", "attrs.frozen"})


def decorator_callee(node: cst.BaseExpression) -> cst.BaseExpression:
    """`@dataclass(frozen=True)` names the decorator `dataclass`."""
    return node.func if isinstance(node, cst.Call) else node


def is_classvar(annotation: cst.BaseExpression) -> bool:
    """`ClassVar[...]` annotations are class attributes, not dataclass fields."""
    base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    return is_name(base, "ClassVar") or is_attribute(base, "ClassVar")


def type_arg(node: cst.FunctionDef, positional: list[cst.Param], shift: int) -> int | None:
    """The caller's position of a parameter `x: Type[T]` when the function returns `T`."""
    returned = node.returns.annotation if node.returns else None
    if not isinstance(returned, cst.Name):
        return None
    for i, p in enumerate(positional[shift:]):
        ann = p.annotation.annotation if p.annotation else None
        named = type_subscript_of(ann) if ann is not None else None
        if named is not None and named.value == returned.value:
            return i
    return None


def _or_parts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`a or b or c` as its parts: after a guard that returns on any of them, none holds."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return [*_or_parts(test.left), *_or_parts(test.right)]
    return [test]


def _exits(body: cst.BaseSuite) -> bool:
    """Whether a block always leaves the function (ends in `return` or `raise`)."""
    stmts = body.body if isinstance(body, cst.IndentedBlock) else [body]
    last = stmts[-1] if stmts else None
    small = last.body if isinstance(last, cst.SimpleStatementLine) else (last.body if isinstance(last, cst.SimpleStatementSuite) else ())
    return bool(small) and isinstance(small[-1], (cst.Return, cst.Raise))


def narrowing_guards(node: cst.FunctionDef) -> Iterator[tuple[cst.BaseExpression, cst.BaseExpression, cst.If]]:
    """`if msg.name != "Signed Up": return` at the top of a body: (subject, string, guard); below the
    guard the subject equals the string."""
    if not isinstance(node.body, cst.IndentedBlock):
        return
    for stmt in node.body.body:
        if not (isinstance(stmt, cst.If) and stmt.orelse is None and _exits(stmt.body)):
            continue
        for test in _or_parts(stmt.test):
            found = not_equal_to_string(test)
            if found is not None:
                yield found[0], found[1], stmt
