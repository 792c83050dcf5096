"""What each name is assigned, and keys added to dicts after they are built: metadata read before the summary pass."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .shapes import is_name_method_call, single_index_of_name
from .walk import ReadOnlyTraversal

# (the dict's name, key expression or None for `update(k=...)`, added value, the key's node)
DictAddition = tuple[cst.Name, "cst.BaseExpression | None", cst.BaseExpression, cst.CSTNode]


class _TablesVisitor(ReadOnlyTraversal, cst.CSTVisitor):
    """Records, per assignment target ``Name``, the expression assigned to it, and every key added
    to a dict after it was built (``props["k"] = v``, ``props.update(k=v)``), in one read-only walk.
    """

    def __init__(self) -> None:
        super().__init__()
        self.assigned: dict[int, cst.BaseExpression] = {}
        # Name target of `x: T = ...` -> T, for a local whose value says nothing of its type.
        self.annotated: dict[int, cst.BaseExpression] = {}
        self._additions: list[DictAddition] = []
        # Name bound by `with EXPR as name` -> EXPR: the name holds what `EXPR.__enter__()` returns.
        self.entered: dict[int, cst.BaseExpression] = {}
        # Name bound by `for name in EXPR` -> EXPR: the name holds one element of it.
        self.iterated: dict[int, cst.BaseExpression] = {}
        # Name bound by unpacking `a, b = EXPR` -> (EXPR, its position): one element of what EXPR gives.
        self.unpacked: dict[int, tuple[cst.BaseExpression, int]] = {}

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.annotated[id(node.target)] = node.annotation.annotation
        if node.value is not None:
            self._record(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.iterated[id(node.target)] = node.iter  # `for client in clients`

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.entered[id(node.asname.name)] = node.item  # `with Context() as ctx`

    def _record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.assigned[id(target)] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            elements = target.elements
            if not any(isinstance(el, cst.StarredElement) for el in elements):
                for i, el in enumerate(elements):
                    if isinstance(el.value, cst.Name):
                        self.unpacked[id(el.value)] = (value, i)
        elif (indexed := single_index_of_name(target)) is not None:
            name, key = indexed  # props["key"] = value
            self._additions.append((name, key, value, key))

    def visit_Call(self, node: cst.Call) -> None:
        if is_name_method_call(node, "update"):
            name = node.func.value  # type: ignore[attr-defined]
            for arg in node.args:
                if arg.keyword is not None:
                    self._additions.append((name, None, arg.value, arg.keyword))
                elif isinstance(arg.value, cst.Dict) and not arg.star:
                    for el in arg.value.elements:
                        if isinstance(el, cst.DictElement):
                            self._additions.append((name, el.key, el.value, el.key))


@dataclass
class LocalTables:
    """The provider's answers in the shape the expression converter looks them up."""

    assigned: dict[int, cst.BaseExpression] = field(default_factory=dict)
    dict_additions: tuple[DictAddition, ...] = ()
    annotated: dict[int, cst.BaseExpression] = field(default_factory=dict)
    entered: dict[int, cst.BaseExpression] = field(default_factory=dict)
    iterated: dict[int, cst.BaseExpression] = field(default_factory=dict)
    unpacked: dict[int, tuple[cst.BaseExpression, int]] = field(default_factory=dict)

    @classmethod
    def of(cls, module: cst.Module) -> "LocalTables":
        visitor = _TablesVisitor()
        module.visit(visitor)
        return cls(visitor.assigned, tuple(visitor._additions), visitor.annotated, visitor.entered, visitor.iterated, visitor.unpacked)
