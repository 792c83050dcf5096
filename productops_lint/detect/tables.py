"""What each name is assigned, and keys added to dicts after they are built: metadata read before the summary pass."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import BatchableMetadataProvider, MetadataWrapper

from .shapes import is_name_method_call, is_single_index_of_name

# (the dict's name, key expression or None for `update(k=...)`, added value, the key's node)
DictAddition = tuple[cst.Name, "cst.BaseExpression | None", cst.BaseExpression, cst.CSTNode]


class AssignmentTablesProvider(BatchableMetadataProvider[object]):
    """Records, per assignment target ``Name``, the expression assigned to it, and on the module
    every key added to a dict after it was built (``props["k"] = v``, ``props.update(k=v)``).

    A batchable provider, so it rides along the traversal libcst already makes for the
    expression contexts that ``ScopeProvider`` needs, instead of walking the module again.
    """

    def __init__(self) -> None:
        super().__init__()
        self._additions: list[DictAddition] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._record(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._record(node.target, node.value)

    def _record(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.set_metadata(target, value)
        elif is_single_index_of_name(target):
            sub = target  # props["key"] = value
            key = sub.slice[0].slice.value  # type: ignore[union-attr, attr-defined]
            self._additions.append((sub.value, key, value, key))  # type: ignore[arg-type]

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

    def leave_Module(self, original_node: cst.Module) -> None:
        self.set_metadata(original_node, tuple(self._additions))


@dataclass
class LocalTables:
    """The provider's answers in the shape the expression converter looks them up."""

    assigned: dict[int, cst.BaseExpression] = field(default_factory=dict)
    dict_additions: tuple[DictAddition, ...] = ()

    @classmethod
    def of(cls, wrapper: MetadataWrapper) -> "LocalTables":
        found = wrapper.resolve(AssignmentTablesProvider)
        additions = found.get(wrapper.module, ())
        assigned = {id(n): v for n, v in found.items() if isinstance(n, cst.Name)}
        return cls(assigned, additions)  # type: ignore[arg-type]
