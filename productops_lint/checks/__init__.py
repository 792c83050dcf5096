"""The catalogue of checks: every check class, keyed by its stable code."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .base import Check, CheckContext, Invalid, Valid

# One module per check family; each defines Check subclasses. Codes are stable and never reused.
_MODULES = (
    "productops_lint.checks.names",
    "productops_lint.checks.properties",
    "productops_lint.checks.property_values",
    "productops_lint.checks.property_names",
    "productops_lint.checks.lifecycle",
)


@lru_cache(maxsize=1)
def all_checks() -> dict[str, type[Check]]:
    """Every check class by code, in code order."""
    found: dict[str, type[Check]] = {}
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Check) and obj is not Check and hasattr(obj, "code"):
                if obj.code in found and found[obj.code] is not obj:
                    raise RuntimeError(f"check code {obj.code} is used twice")
                found[obj.code] = obj
    return dict(sorted(found.items()))


__all__ = ["Check", "CheckContext", "Invalid", "Valid", "all_checks"]
