"""`registry check`: output lines, the count, and exit codes, with rule files read through an injected reader."""

from __future__ import annotations

from typing import Sequence

from click.testing import CliRunner

from productops_lint.registry.cli import make_registry_group
from productops_lint.types import Location, Problem, UserError

GOOD = "events:\n  - name: Order Completed\n    description: Paid.\n"
BAD = "events:\n  - name: Order Completed\n    descripton: Paid.\n"
WARN = "events:\n  - name: Account Created\n    description: Signed up.\n    properties:\n      email: string\n"


def fake_reader(files: dict[str, str], seen: list[Sequence[str]]):
    def read(paths: Sequence[str]) -> list[tuple[str, str]]:
        seen.append(tuple(paths))
        return list(files.items())

    return read


def test_clean_files_exit_zero_with_a_summary() -> None:
    seen: list[Sequence[str]] = []
    group = make_registry_group(fake_reader({"rules/a.yaml": GOOD, "rules/b.yaml": ""}, seen))
    result = CliRunner().invoke(group, ["check", "rules"])
    assert result.exit_code == 0
    assert result.output == "2 rule files valid: 1 event\n"
    assert seen == [("rules",)]


def test_problems_are_listed_with_locations_and_exit_one() -> None:
    group = make_registry_group(fake_reader({"a.yaml": BAD, "b.yaml": WARN}, []))
    result = CliRunner().invoke(group, ["check"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "a.yaml:2:5: event `Order Completed` is missing `description`",
        "a.yaml:3:5: unknown key `descripton` in event `Order Completed` (did you mean `description`?)",
        "b.yaml:5:7: warning: property `email` of event `Account Created` looks like personal data "
        "(matches `e[-_]?mail`); set `pii: true`, or `pii: false` if it is not",
        "Found 2 errors and 1 warning in 2 rule files",
    ]


def test_warnings_alone_exit_zero() -> None:
    group = make_registry_group(fake_reader({"b.yaml": WARN}, []))
    result = CliRunner().invoke(group, ["check"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1 rule file valid: 1 event and 1 warning"


def test_without_paths_the_configured_ones_are_read() -> None:
    seen: list[Sequence[str]] = []
    group = make_registry_group(fake_reader({}, seen), default_paths=lambda: ["plan", "conventions.yaml"])
    assert CliRunner().invoke(group, ["check"]).exit_code == 0
    assert seen == [("plan", "conventions.yaml")]


def test_unreadable_paths_exit_two() -> None:
    def reader(paths: Sequence[str]) -> list[tuple[str, str]]:
        raise UserError(Problem(Location("missing/"), "no such file or folder"))

    result = CliRunner().invoke(make_registry_group(reader), ["check", "missing/"])
    assert result.exit_code == 2
    assert "missing/: no such file or folder" in result.output
