"""The `registry` command group: `registry check` lists every problem of the rule files."""

from __future__ import annotations

from typing import Callable, Sequence

import click

from ..types import Severity, UserError
from .loader import check_rule_files

# Reads rule files (or folders of them) and returns (path, text) pairs; raises UserError for bad paths.
RuleReader = Callable[[Sequence[str]], list[tuple[str, str]]]
# The rule paths to use when none are given on the command line (the config's `registry`).
DefaultPaths = Callable[[], Sequence[str]]


def _read_from_disk(paths: Sequence[str]) -> list[tuple[str, str]]:
    from ..files import (
        read_rule_files,  # imported late: the filesystem layer sits above this package
    )

    return read_rule_files(paths)


def _configured_paths() -> Sequence[str]:
    from ..config import Config

    return Config().registry


def make_registry_group(
    reader: RuleReader = _read_from_disk, default_paths: DefaultPaths = _configured_paths
) -> click.Group:
    """Build the `registry` group; tests and the CLI inject how rule files are read."""

    @click.group("registry")
    def registry() -> None:
        """Check and inspect the tracking plan's rule files."""

    @registry.command("check")
    @click.argument("paths", nargs=-1)
    def check(paths: tuple[str, ...]) -> None:
        """Validate rule files (default: the configured `registry`) and list every problem.

        Exit status: 0 when there are no errors, 1 when there are, 2 when the files cannot be read.
        """
        try:
            files = reader(paths or tuple(default_paths()))
        except UserError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise SystemExit(2) from None
        plan, problems = check_rule_files(files)
        errors = sum(p.severity is Severity.ERROR for p in problems)
        for problem in problems:
            level = "" if problem.severity is Severity.ERROR else f"{problem.severity.value}: "
            click.echo(f"{problem.location}: {level}{problem.message}")
        warnings = len(problems) - errors
        if errors:
            click.echo(f"Found {_count(errors, 'error')}{_also(warnings)} in {_count(len(files), 'rule file')}")
            raise SystemExit(1)
        events = len(plan.events) if plan else 0
        click.echo(f"{_count(len(files), 'rule file')} valid: {_count(events, 'event')}{_also(warnings)}")

    return registry


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _also(warnings: int) -> str:
    return f" and {_count(warnings, 'warning')}" if warnings else ""


registry = make_registry_group()
