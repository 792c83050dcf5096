"""A throwaway project on disk with a small tracking plan, and the CLI run in-process inside it."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from click.testing import CliRunner

from productops_lint.cli import main

PYPROJECT = '[tool.productops]\nregistry = ["rules"]\n'

# Safe fixes: case/separator variants of a plan event, and deprecated/removed events (replaced_by).
# Unsafe fixes: close misspellings of an event name or a property key.
PLAN = """\
conventions:
  event_name:
    style: title_case
  property_name:
    style: snake_case

events:
  - name: Order Completed
    description: The payment succeeded and the order was placed.
    properties:
      order_id: {type: string, required: true}
      revenue: number
  - name: Checkout Started
    description: The customer opened the checkout.
    properties:
      cart_value: number
  - name: Account Created
    description: A visitor created an account.
    properties:
      plan: string
  - name: Signed Up
    description: Old name of Account Created.
    status: deprecated
    replaced_by: Account Created
  - name: Coupon Applied
    description: No longer collected.
    status: removed
    replaced_by: Checkout Started
"""

CLEAN = 'import analytics\n\nanalytics.track("u", "Order Completed", {"order_id": "o-1"})\n'
# PO101 (error) on line 5 and PO301 (warning, deprecated) on line 6, both at column 30.
MIXED = (
    "import analytics\n\n\n"
    "def go(user_id):\n"
    '    analytics.track(user_id, "Checkout Stared", {"cart_value": 1.0})\n'
    '    analytics.track(user_id, "Signed Up")\n'
)


@dataclass(frozen=True)
class Run:
    """What one CLI invocation printed and returned."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class Project:
    """A project folder: pyproject.toml, rules/plan.yaml, and whatever Python files a test writes."""

    def __init__(self, root: Path, plan: str | None = PLAN, pyproject: str | None = PYPROJECT) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        if pyproject is not None:
            self.write("pyproject.toml", pyproject)
        if plan is not None:
            self.write("rules/plan.yaml", plan)

    def write(self, rel: str, content: str | bytes) -> Path:
        """Write ``content`` exactly: text as UTF-8 with its line endings untranslated, bytes as given."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def write_files(self, files: Mapping[str, str | bytes]) -> None:
        for rel, content in files.items():
            self.write(rel, content)

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")

    def read_bytes(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def snapshot(self) -> dict[str, bytes]:
        """Every file's bytes (the result cache left out), to show what a run wrote."""
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in sorted(self.root.rglob("*"))
            if p.is_file() and ".productops_cache" not in p.parts
        }

    def run(self, *args: str, cwd: Path | None = None, env: Mapping[str, str | None] | None = None) -> Run:
        """``productops-lint ARGS`` in-process, from ``cwd`` (default: the project root)."""
        # Never the debugging switch that lets tracebacks through, whatever the calling shell set.
        runner = CliRunner(env={"PRODUCTOPS_DEBUG": None, "NO_COLOR": None, **(env or {})})
        with working_directory(cwd or self.root):
            result = runner.invoke(main, list(args), catch_exceptions=False, prog_name="productops-lint")
        return Run(result.exit_code, result.stdout, result.stderr)


def python_files(project: Project) -> dict[str, bytes]:
    return {rel: data for rel, data in project.snapshot().items() if rel.endswith(".py")}
