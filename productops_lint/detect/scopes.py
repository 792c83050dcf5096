"""ScopeProvider's scopes without its second walk over the module.

libcst's ``ScopeProvider`` is a batchable provider whose ``visit_Module`` runs a ``ScopeVisitor``
over the whole module; the batched traversal it is part of then walks every node once more and
finds nothing to do (about a tenth of the cost of summarizing a module). Resolved as a plain
provider with the same dependency and the same visitor, the scopes are identical and that walk
is gone. A test checks the scopes node by node against ``ScopeProvider``.
"""

from __future__ import annotations

from typing import Optional

import libcst as cst
from libcst.metadata import BaseMetadataProvider, ExpressionContextProvider, Scope
from libcst.metadata.scope_provider import ScopeVisitor


class OneWalkScopeProvider(BaseMetadataProvider[Optional[Scope]]):
    """Exactly ``ScopeProvider.visit_Module``, run once by the resolver instead of inside a batch."""

    METADATA_DEPENDENCIES = (ExpressionContextProvider,)

    def _gen_impl(self, module: cst.Module) -> None:
        visitor = ScopeVisitor(self)  # type: ignore[arg-type]  # it only sets and reads metadata
        module.visit(visitor)
        visitor.infer_accesses()
