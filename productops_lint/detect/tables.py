"""First pass over a module: what each name is assigned, and keys added to dicts after they are built."""

from __future__ import annotations

import libcst as cst
from .shapes import is_name_method_call, is_single_index_of_name



class LocalTables(cst.CSTVisitor):
    """First pass: what each assignment target is bound to, and keys added to dicts afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.assigned: dict[int, cst.BaseExpression] = {}
        # (id of target-name node's binding statement scope is unknown here) -> keyed by name only,
        # then filtered by scope at lookup time.
        self.dict_additions: list[tuple[cst.Name, cst.BaseExpression | None, cst.BaseExpression, cst.CSTNode]] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record(node.target, node.value)

    def _record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.assigned[id(target)] = value
        elif is_single_index_of_name(target):
            sub = target  # props["key"] = value
            key = sub.slice[0].slice.value  # type: ignore[union-attr, attr-defined]
            self.dict_additions.append((sub.value, key, value, key))  # type: ignore[arg-type]

    def visit_Call(self, node: cst.Call) -> None:
        if is_name_method_call(node, "update"):
            name = node.func.value  # type: ignore[attr-defined]
            for arg in node.args:
                if arg.keyword is not None:
                    self.dict_additions.append((name, None, arg.value, arg.keyword))
                elif isinstance(arg.value, cst.Dict) and not arg.star:
                    for el in arg.value.elements:
                        if isinstance(el, cst.DictElement):
                            self.dict_additions.append((name, el.key, el.value, el.key))
