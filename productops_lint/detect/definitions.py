"""Facts a summary reads off definitions as written: dataclass fields, `Type[T] -> T`, narrowing guards."""

from __future__ import annotations

from typing import Iterator

import libcst as cst
import libcst.matchers as m

from .shapes import is_attribute, is_name

DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attr.attrs", "attr.define", "attr.frozen", "attrs.define", "attrs.frozen"})


def decorator_callee(node: cst.BaseExpression) -> cst.BaseExpression:
    """`@dataclass(frozen=True)` names the decorator `dataclass`."""
    return node.func if isinstance(node, cst.Call) else node


def is_classvar(annotation: cst.BaseExpression) -> bool:
    """`ClassVar[...]` annotations are class attributes, not dataclass fields."""
    base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    return is_name(base, "ClassVar") or is_attribute(base, "ClassVar")


_TYPE = m.Subscript(value=m.Name("Type") | m.Name("type") | m.Attribute(attr=m.Name("Type")), slice=[m.SubscriptElement(m.Index(m.Name()))])


def type_arg(node: cst.FunctionDef, positional: list[cst.Param], shift: int) -> int | None:
    """The caller's position of a parameter `x: Type[T]` when the function returns `T`."""
    returned = node.returns.annotation if node.returns else None
    if not isinstance(returned, cst.Name):
        return None
    for i, p in enumerate(positional[shift:]):
        ann = p.annotation.annotation if p.annotation else None
        if ann is not None and m.matches(ann, _TYPE) and ann.slice[0].slice.value.value == returned.value:  # type: ignore[attr-defined]
            return i
    return None


_NOT_EQUAL_TO_STRING = m.Comparison(
    left=m.Name() | m.Attribute(),
    comparisons=[m.ComparisonTarget(operator=m.NotEqual(), comparator=m.SimpleString())],
)


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
            if m.matches(test, _NOT_EQUAL_TO_STRING):
                yield test.left, test.comparisons[0].comparator, stmt  # type: ignore[attr-defined]
