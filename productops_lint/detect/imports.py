"""What a module's import statements bind: qualified names of imported names, and the module's import table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ImportAssignment

from .modules import absolutize
from .values import Ref, Value

if TYPE_CHECKING:
    from libcst.metadata import Scope


class ImportsMixin:
    """The collector's import handling (kept apart so the collector stays readable).

    Expects on ``self``: ``module``, ``is_package``, ``scopes``, ``ctx``, ``code``, ``symbols``,
    ``symbol_kinds``, ``imports``, ``imported_locals`` and ``_import_cache``, all set by the collector.
    """

    ctx: Any
    code: Callable[[cst.CSTNode], str]
    module: str
    is_package: bool
    scopes: "dict[cst.CSTNode, Scope | None]"
    symbols: dict[str, list[Value]]
    symbol_kinds: dict[str, str]
    imports: dict[str, str]
    imported_locals: set[str]
    _import_cache: dict[tuple[int, str], tuple[str, ...]]

    def import_names(self, node: cst.CSTNode) -> tuple[str, ...]:
        """Qualified names an imported ``Name`` stands for, read off the import statements in scope.

        This is what QualifiedNameProvider reports for imports; computing it for the one
        statement at hand avoids the provider's pass over every node and its scan of every
        assignment per lookup.
        """
        scope = self.scopes.get(node)
        if scope is None or not isinstance(node, cst.Name):
            return ()
        out: set[str] = set()
        for assignment in scope[node.value]:
            if isinstance(assignment, ImportAssignment):
                out.update(self._imported(assignment.node, node.value))
        return tuple(sorted(out))

    def _imported(self, statement: cst.CSTNode, name: str) -> tuple[str, ...]:
        key = (id(statement), name)
        cached = self._import_cache.get(key)
        if cached is not None:
            return cached
        found: list[str] = []
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                full = get_full_name_for_node(alias.name) or ""
                if alias.asname is not None and alias.evaluated_alias == name:
                    found.append(full)
                elif alias.asname is None and full.split(".")[0] == name:
                    found.append(name)
        elif isinstance(statement, cst.ImportFrom) and not isinstance(statement.names, cst.ImportStar):
            base = "." * len(statement.relative) + (get_full_name_for_node(statement.module) or "" if statement.module else "")
            for alias in statement.names:
                imported = get_full_name_for_node(alias.name) or ""
                if (alias.evaluated_alias or imported) == name:
                    joined = f"{base}{imported}" if base.endswith(".") or not base else f"{base}.{imported}"
                    found.append(absolutize(joined, self.module, self.is_package))
        result = tuple(found)
        self._import_cache[key] = result
        return result

    def visit_Import(self, node: cst.Import) -> None:
        if self.ctx.stack:
            return
        for alias in node.names:
            full = self.code(alias.name)
            local = alias.evaluated_alias or full.split(".")[0]
            target = full if alias.asname else full.split(".")[0]
            self.symbols.setdefault(local, []).append(Ref((target,)))
            self.symbol_kinds[local] = "import"
            self.imports[target] = local
            self.imported_locals.add(local)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if self.ctx.stack or isinstance(node.names, cst.ImportStar):
            return
        base = "." * len(node.relative) + (self.code(node.module) if node.module else "")
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else self.code(alias.name)
            local = alias.evaluated_alias or name
            joined = f"{base}.{name}" if not base.endswith(".") else f"{base}{name}"
            full = absolutize(joined, self.module, self.is_package)
            self.symbols.setdefault(local, []).append(Ref((full,)))
            self.symbol_kinds[local] = "import"
            self.imports[full] = local
            self.imported_locals.add(local)

    # -- calls ---------------------------------------------------------------------------
