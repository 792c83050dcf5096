"""Shared helpers for the rule-file tests: run the checks on dedented YAML and get `file:line:col: reason` lines."""

from __future__ import annotations

from textwrap import dedent

from productops_lint.registry.loader import registry_check

CONVENTIONS = """\
conventions:
  event_name:
    style: title_case
    grammar: "<object> <action>"
    past_tense: true
  property_name:
    style: snake_case
"""


def problems(*files: tuple[str, str]) -> list[str]:
    """Every problem of the (path, text) files, texts dedented, as printed by `registry check`."""
    return [str(p) for p in registry_check([(path, dedent(text)) for path, text in files])]


def only(text: str, path: str = "plan.yaml") -> list[str]:
    """Every problem of one file."""
    return problems((path, text))
