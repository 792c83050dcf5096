"""The tracking plan: load and check rule files, naming conventions, and the plan model."""

from __future__ import annotations

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

__all__ = [
    "Conventions",
    "EventSpec",
    "NamingRules",
    "Plan",
    "PropertySpec",
    "check_rule_files",
    "did_you_mean",
    "event_name_problems",
    "load_plan",
    "looks_like_pii",
    "normalize_name",
    "property_name_problems",
    "registry_check",
    "rules_schema",
    "to_style",
]
