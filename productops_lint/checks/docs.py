"""Rule documentation from the checks themselves: one page per rule, and docs/rules.md.

Regenerate the committed file with ``python -m productops_lint.checks.docs > docs/rules.md``.
"""

from __future__ import annotations

import json
import re
import sys

from . import all_checks
from .base import Check, Invalid, Valid
from .example_plan import EXAMPLE_PLAN_PATH, EXAMPLE_PLAN_YAML

REGENERATE = "python -m productops_lint.checks.docs > docs/rules.md"

_FIX_WORDS: dict[str | None, str] = {"safe": "safe", "unsafe": "unsafe", "sometimes": "safe or unsafe", None: "none"}


def fix_label(cls: type[Check]) -> str:
    """How a rule's fix is described to people."""
    return _FIX_WORDS.get(cls.fix_safety, str(cls.fix_safety))


def find_rule(code_or_name: str) -> type[Check] | None:
    """A check by code (`PO101`, any case) or by name (`unknown-event`)."""
    wanted = code_or_name.strip()
    for code, cls in all_checks().items():
        if wanted.upper() == code or wanted.lower() == cls.name:
            return cls
    return None


def _demote(markdown: str, levels: int) -> str:
    """Push headings down so a docstring's `##` nests under the page's own headings."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#+ ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


def _code_block(code: str, language: str = "python") -> str:
    return f"```{language}\n{code.rstrip()}\n```"


def _settings(example: Valid | Invalid) -> list[str]:
    """The settings an example runs with, as the user would write them (none for most examples)."""
    if not example.config:
        return []
    lines = [f"{key.replace('_', '-')} = {json.dumps(value)}" for key, value in example.config.items()]
    return ["With:", _code_block("\n".join(["[tool.productops]", *lines]), "toml")]


def _valid_section(example: Valid, number: int, level: str) -> str:
    return "\n\n".join([f"{level} Valid {number}", *_settings(example), _code_block(example.code)])


def _invalid_section(example: Invalid, number: int, level: str) -> str:
    parts = [f"{level} Invalid {number}", *_settings(example), _code_block(example.code), "Reports:"]
    parts.append("\n".join(f"- {message}" for message in example.messages))
    if example.fixed is None:
        parts.append("No fix is offered.")
    else:
        parts.extend(["After the fixes:", _code_block(example.fixed)])
    return "\n\n".join(parts)


def _examples(cls: type[Check], level: str) -> str:
    sections = [_valid_section(ex, i, level) for i, ex in enumerate(cls.valid, 1)]
    sections += [_invalid_section(ex, i, level) for i, ex in enumerate(cls.invalid, 1)]
    return "\n\n".join(sections)


def _header_line(cls: type[Check]) -> str:
    return f"`{cls.__name__}` · default severity: {cls.default_severity.value} · fix: {fix_label(cls)}"


def render_rule_page(cls: type[Check]) -> str:
    """The page `productops-lint rule CODE` prints: documentation, examples and the example plan."""
    parts = [
        f"# {cls.code} {cls.name}",
        _header_line(cls),
        cls.documentation(),
        "## Examples",
        f"Each example is checked against the example plan below, by the test suite, with only "
        f"`{cls.code}` selected.",
        _examples(cls, "###"),
        "## Example plan",
        _code_block(EXAMPLE_PLAN_YAML, "yaml"),
    ]
    return "\n\n".join(parts) + "\n"


def _anchor(cls: type[Check]) -> str:
    return f"{cls.code} {cls.name}".lower().replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_rules_md() -> str:
    """The whole of docs/rules.md: a table of every rule, then each rule's page, then the example plan."""
    checks = list(all_checks().values())
    table = ["| Code | Name | What it does | Default severity | Fix |", "| --- | --- | --- | --- | --- |"]
    for cls in checks:
        table.append(
            f"| [{cls.code}](#{_anchor(cls)}) | `{cls.name}` | {_cell(cls.summary())} "
            f"| {cls.default_severity.value} | {fix_label(cls)} |"
        )
    parts = [
        "# Rules",
        f"<!-- Generated from the checks' docstrings and examples; do not edit. Regenerate with: {REGENERATE} -->",
        "Codes are stable: `PO0xx` whole files, `PO1xx` event names, `PO2xx` properties, `PO3xx` lifecycle. "
        "Run `productops-lint rule CODE` to read one rule in the terminal.",
        "\n".join(table),
        f"Every example below is run by the test suite against the [example plan](#example-plan) "
        f"(`{EXAMPLE_PLAN_PATH}`), with only the rule's own code selected.",
    ]
    for cls in checks:
        parts += [
            f"## {cls.code} {cls.name}",
            _header_line(cls),
            _demote(cls.documentation(), 1),
            "### Examples",
            _examples(cls, "####"),
        ]
    parts += ["## Example plan", _code_block(EXAMPLE_PLAN_YAML, "yaml")]
    return "\n\n".join(parts) + "\n"


def main() -> int:
    sys.stdout.write(render_rules_md())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["REGENERATE", "find_rule", "fix_label", "render_rule_page", "render_rules_md"]
