"""The catalogue of checks: every check class, keyed by its stable code."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .base import Check, CheckContext, Invalid, Valid

# One module per check family; each defines Check subclasses. Codes are stable and never reused.
_MODULES = (
    "productops_lint.checks.files",
    "productops_lint.checks.names",
    "productops_lint.checks.names_schemas",
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


def code_problem(code: str, where: str = "") -> str | None:
    """Why ``code`` (a code or a prefix such as `PO1`) selects no check, or None when it selects one.

    The one validation of codes that `--select`/`--ignore` and the config share. ``where`` names
    the setting for the message (`` in `tool.productops.select` ``).
    """
    known = list(all_checks())
    if code and any(k.startswith(code) for k in known):
        return None
    if not code:
        return f"empty code{where}"
    import difflib

    # Codes are upper case; a lower-case spelling gets the right one as its hint.
    close = [code.upper()] if any(k.startswith(code.upper()) for k in known) else []
    close = close or difflib.get_close_matches(code.upper(), known, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return f"`{code}`{where} matches no check{hint}"


__all__ = ["Check", "CheckContext", "Invalid", "Valid", "all_checks", "code_problem"]
