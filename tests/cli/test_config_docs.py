"""docs/config.md documents exactly the options of `config.OPTIONS`, with true defaults and valid examples."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from productops_lint.checks import all_checks
from productops_lint.config import OPTIONS, Config, parse_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DOC = Path(__file__).resolve().parents[2] / "docs" / "config.md"
TOML_BLOCK = re.compile(r"```toml\n(.*?)```", re.S)


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text under `## title`, up to the next second-level heading."""
    return doc().split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def option_sections() -> dict[str, str]:
    """Option name -> its text, from the ``### `name` `` headings under ``## Options``."""
    parts = re.split(r"^### `([^`]+)`[ \t]*$", section("Options"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def plain(value: Any) -> Any:
    """A Config value as TOML would spell it (tuples as lists, severities as strings)."""
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: getattr(v, "value", v) for k, v in value.items()}
    return value


def test_documents_exactly_the_options_there_are() -> None:
    documented = set(option_sections())

    assert documented - set(OPTIONS) == set(), "documented but not an option"
    assert set(OPTIONS) - documented == set(), "an option without its section in docs/config.md"


@pytest.mark.parametrize("option", list(OPTIONS))
def test_each_option_gives_its_true_default(option: str) -> None:
    text = option_sections()[option]
    line = re.search(r"^- Default: (.+)$", text, re.M)
    assert line is not None and re.search(r"^- Type: .+$", text, re.M), f"`{option}` needs Type and Default lines"
    default = getattr(Config(), option.replace("-", "_"))

    spelled = re.match(r"`([^`]+)`", line.group(1))
    if spelled is None:  # "none", "all of them": the option is unset by default
        assert default is None
    else:
        assert tomllib.loads(f"value = {spelled.group(1)}")["value"] == plain(default)


@pytest.mark.parametrize("option", list(OPTIONS))
def test_each_option_has_an_example_that_the_config_accepts_and_that_changes_it(option: str) -> None:
    examples = TOML_BLOCK.findall(option_sections()[option])
    assert len(examples) == 1, f"`{option}` needs one toml example"

    table = tomllib.loads(examples[0])["tool"]["productops"]
    config = parse_config(examples[0])

    assert option in table
    attr = option.replace("-", "_")
    assert plain(getattr(config, attr)) != plain(getattr(Config(), attr))


def test_the_opening_example_is_a_valid_config() -> None:
    opening = doc().split("\n## ", 1)[0]

    config = parse_config(TOML_BLOCK.findall(opening)[0])

    assert config.baseline == ".productops-baseline.json"


def test_severity_table_lists_every_code_with_its_own_severity() -> None:
    rows = re.findall(r"^\| `(PO\d{3})` \| ([^|]+?) \| (error|warning|info) \|$", section("Severity"), re.M)
    listed = {code: (name, level) for code, name, level in rows}

    assert set(listed) == set(all_checks())
    for code, cls in all_checks().items():
        assert listed[code] == (cls.name, cls.default_severity.value), code


def test_documents_exactly_the_environment_variables_the_tool_reads() -> None:
    package = Path(__file__).resolve().parents[2] / "productops_lint"
    read: set[str] = set()
    for path in package.rglob("*.py"):
        read |= set(re.findall(r"environ[^\n]*?\"(PRODUCTOPS_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert "PRODUCTOPS_DEBUG" in read  # the scan finds what it should
    documented = set(re.findall(r"^\| `(PRODUCTOPS_[A-Z_]+)` \|", section("Environment variables"), re.M))
    assert documented == read
