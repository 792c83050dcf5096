"""The tracking plan: load and check rule files, naming conventions, and the plan model."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .conventions import (
        did_you_mean,
        event_name_problems,
        looks_like_pii,
        property_name_problems,
        to_style,
    )
    from .loader import check_rule_files, load_plan, registry_check
    from .model import Conventions, EventSpec, NamingRules, Plan, PropertySpec, normalize_name
    from .schema import rules_schema

# Resolved on first use: importing the model (as config and checks do) must not pull in YAML and
# JSON Schema, which only loading rule files needs.
_EXPORTS = {
    "check_rule_files": "loader",
    "load_plan": "loader",
    "registry_check": "loader",
    "rules_schema": "schema",
    "did_you_mean": "conventions",
    "event_name_problems": "conventions",
    "looks_like_pii": "conventions",
    "property_name_problems": "conventions",
    "to_style": "conventions",
    "Conventions": "model",
    "EventSpec": "model",
    "NamingRules": "model",
    "Plan": "model",
    "PropertySpec": "model",
    "normalize_name": "model",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = sorted(_EXPORTS)
