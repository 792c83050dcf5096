"""Every check documents itself fully, and docs/rules.md is what the checks say today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from productops_lint.checks import all_checks
from productops_lint.checks.base import Check
from productops_lint.checks.docs import REGENERATE, find_rule, render_rule_page, render_rules_md
from productops_lint.checks.example_plan import EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML
from productops_lint.registry.loader import registry_check

RULES_MD = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
CHECKS = list(all_checks().values())
FAMILIES = {"0": "files", "1": "names", "2": "properties", "3": "lifecycle"}


def test_rules_md_is_up_to_date() -> None:
    current = RULES_MD.read_text(encoding="utf-8") if RULES_MD.exists() else ""
    assert current == render_rules_md(), f"docs/rules.md is stale; regenerate it with: {REGENERATE}"


def test_rules_md_lists_every_check_once() -> None:
    text = render_rules_md()
    for cls in CHECKS:
        assert text.count(f"\n## {cls.code} {cls.name}\n") == 1
        assert f"| [{cls.code}](#{cls.code.lower()}-{cls.name}) |" in text


def _headings(cls: type[Check]) -> list[str]:
    # Headings inside code fences are code, not structure.
    doc = re.sub(r"```.*?```", "", cls.documentation(), flags=re.S)
    return re.findall(r"^## (.+)$", doc, flags=re.M)


@pytest.mark.parametrize("cls", CHECKS, ids=[c.code for c in CHECKS])
def test_check_documents_itself_under_the_agreed_headings(cls: type[Check]) -> None:
    expected = ["What it does", "Why is this bad?", "Example"]
    if cls.fix_safety is not None:
        expected.append("Fix safety")
    if "## Options" in cls.documentation():
        expected.append("Options")
    expected.append("Known problems")
    assert _headings(cls) == expected
    assert "Use instead" in cls.documentation()
    assert cls.summary() and not cls.summary().startswith("#")


@pytest.mark.parametrize("cls", CHECKS, ids=[c.code for c in CHECKS])
def test_check_has_examples_of_both_kinds(cls: type[Check]) -> None:
    assert cls.valid, f"{cls.code} has no valid example"
    assert cls.invalid, f"{cls.code} has no invalid example"
    assert all(example.messages for example in cls.invalid)


@pytest.mark.parametrize("cls", CHECKS, ids=[c.code for c in CHECKS])
def test_check_code_name_and_family_agree(cls: type[Check]) -> None:
    match = re.fullmatch(r"PO([0123])\d\d", cls.code)
    assert match, f"{cls.code} is not a PO0xx/PO1xx/PO2xx/PO3xx code"
    module = cls.__module__.rsplit(".", 1)[-1]
    family = FAMILIES[match.group(1)]
    # Property checks are split over two modules to keep each short.
    assert module == family or module.startswith(family[:-3]), f"{cls.code} lives in `{module}`"
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", cls.name)
    assert cls.fix_safety in (None, "safe", "unsafe", "sometimes")


@pytest.mark.parametrize("cls", CHECKS, ids=[c.code for c in CHECKS])
def test_fix_safety_is_backed_by_an_example_with_a_fix(cls: type[Check]) -> None:
    fixed = [example for example in cls.invalid if example.fixed is not None]
    assert bool(fixed) == (cls.fix_safety is not None)


def test_messages_follow_the_style() -> None:
    for cls in CHECKS:
        for example in cls.invalid:
            for message in example.messages:
                assert not message.endswith("."), message
                assert message[0].isupper(), message


def test_rule_page_holds_documentation_examples_and_plan() -> None:
    cls = all_checks()["PO202"]
    page = render_rule_page(cls)
    assert page.startswith("# PO202 undeclared-property\n")
    assert cls.documentation() in page
    assert "### Invalid 1" in page and "After the fixes:" in page
    assert EXAMPLE_PLAN_YAML.rstrip() in page


def test_find_rule_by_code_or_name() -> None:
    assert find_rule("po101") is all_checks()["PO101"]
    assert find_rule("removed-event") is all_checks()["PO302"]
    assert find_rule("PO999") is None


def test_example_plan_passes_registry_check() -> None:
    assert registry_check([(EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML)]) == []
