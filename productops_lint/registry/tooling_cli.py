"""``registry coverage|diff|docs|export|import``: flags and output only; reading files is injected (ToolingIO)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import click

from ..types import TrackingCall, UserError
from .catalog import render_catalog
from .coverage import compute_coverage, coverage_passes, render_coverage_json, render_coverage_text
from .diff import diff_plans
from .diff_render import (
    DEFAULT_MARKDOWN_LIMIT,
    render_diff_json,
    render_diff_markdown,
    render_diff_text,
)
from .interchange import EXPORT_FORMATS, IMPORT_FORMATS, detect_format, export_plan, import_plan
from .model import Plan

RuleFiles = list[tuple[str, str]]
IO_KEY = "productops_lint.tooling_io"


def _default_load_plan(files: Sequence[tuple[str, str]]) -> Plan:
    # Imported late: the loader pulls in JSON Schema validation that --help does not need.
    from .loader import load_plan

    return load_plan(files)


@dataclass(frozen=True)
class ToolingIO:
    """What the commands read, provided by the caller (files.py in the CLI, dicts in tests)."""

    # None: the working tree's rule files; otherwise a path or a git revision (`main`, `HEAD~1`).
    read_rule_files: Callable[[str | None], RuleFiles]
    # Every tracking call of the working tree, as `check` finds them.
    read_calls: Callable[[], Sequence[TrackingCall]]
    # The text of an import source; `-` is standard input.
    read_input: Callable[[str], str]
    load_plan: Callable[[Sequence[tuple[str, str]]], Plan] = _default_load_plan


class PlanInputError(click.ClickException):
    """Unusable rule files or import source: every problem with its location, exit status 2."""

    exit_code = 2

    def __init__(self, error: UserError) -> None:
        super().__init__(str(error))


def _io(ctx: click.Context) -> ToolingIO:
    found = ctx.meta.get(IO_KEY) or ctx.find_object(ToolingIO)
    if found is None:
        raise click.UsageError("no ToolingIO: register the commands with register_tooling(group, io)")
    return found


def _plan(io: ToolingIO, spec: str | None) -> Plan:
    try:
        return io.load_plan(io.read_rule_files(spec))
    except UserError as exc:
        raise PlanInputError(exc) from None


def _calls(io: ToolingIO, wanted: bool = True) -> Sequence[TrackingCall] | None:
    if not wanted:
        return None
    try:
        return io.read_calls()
    except UserError as exc:
        raise PlanInputError(exc) from None


_CALLS_OPTION = click.option(
    "--calls/--no-calls",
    "with_calls",
    default=True,
    show_default=True,
    help="Look at the tracking calls of the working tree.",
)


@click.command("coverage")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PCT",
    help="Exit 1 when less than PCT percent of active events are tracked.",
)
@click.pass_context
def coverage_command(ctx: click.Context, fmt: str, fail_under: float | None) -> None:
    """Show which plan events the code tracks, which it never does, and which it tracks off-plan."""
    io = _io(ctx)
    report = compute_coverage(_plan(io, None), _calls(io) or ())
    click.echo(render_coverage_json(report) if fmt == "json" else render_coverage_text(report), nl=False)
    if fail_under is not None and not coverage_passes(report, fail_under):
        click.echo(f"Coverage {report.percent:.1f}% is under {fail_under:g}%", err=True)
        ctx.exit(1)


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_MARKDOWN_LIMIT,
    show_default=True,
    help="Most changes listed in Markdown before `and N more`.",
)
@_CALLS_OPTION
@click.option("--fail-on-breaking", is_flag=True, help="Exit 1 when a change breaks tracking code.")
@click.pass_context
def diff_command(
    ctx: click.Context,
    old: str,
    new: str | None,
    fmt: str,
    limit: int,
    with_calls: bool,
    fail_on_breaking: bool,
) -> None:
    """Compare the plan at OLD with NEW (default: the working tree). Each is a path or a git revision."""
    io = _io(ctx)
    plan_diff = diff_plans(_plan(io, old), _plan(io, new), _calls(io, with_calls))
    if fmt == "markdown":
        text = render_diff_markdown(plan_diff, limit=limit)
    elif fmt == "json":
        text = render_diff_json(plan_diff)
    else:
        text = render_diff_text(plan_diff)
    click.echo(text, nl=False)
    if fail_on_breaking and plan_diff.breaking:
        ctx.exit(1)


@click.command("docs")
@_CALLS_OPTION
@click.option("--title", default="Tracking plan", show_default=True, help="Heading of the catalog.")
@click.pass_context
def docs_command(ctx: click.Context, with_calls: bool, title: str) -> None:
    """Print the plan as a Markdown catalog, per area and owner, with where each event is tracked."""
    io = _io(ctx)
    plan = _plan(io, None)
    click.echo(render_catalog(plan, _calls(io, with_calls), title=title), nl=False)


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="json-schema", show_default=True
)
@click.pass_context
def export_command(ctx: click.Context, fmt: str) -> None:
    """Print the plan as JSON Schema per event, or as CSV with one row per property."""
    click.echo(export_plan(_plan(_io(ctx), None), fmt), nl=False)


@click.command("import")
@click.argument("source")
@click.option(
    "--from",
    "fmt",
    type=click.Choice(("auto",) + IMPORT_FORMATS),
    default="auto",
    show_default=True,
    help="Format of SOURCE; auto tells CSV by name and JSON by shape.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when anything could not be mapped.")
@click.pass_context
def import_command(ctx: click.Context, source: str, fmt: str, strict: bool) -> None:
    """Print a rule file built from SOURCE (JSON Schema, CSV, or the `calls` JSON); `-` reads stdin.

    What could not be mapped is listed on standard error.
    """
    text = _io(ctx).read_input(source)
    name = "<stdin>" if source == "-" else source
    if fmt == "auto":
        detected = detect_format(name, text)
        if detected is None:
            raise click.UsageError(f"cannot tell the format of {name}; pass --from")
        fmt = detected
    try:
        result = import_plan(text, fmt, name)
    except UserError as exc:
        raise PlanInputError(exc) from None
    click.echo(result.yaml, nl=False)
    click.echo(result.report.render(), err=True, nl=False)
    if strict and not result.report.complete:
        ctx.exit(1)


COMMANDS: tuple[click.Command, ...] = (
    coverage_command,
    diff_command,
    docs_command,
    export_command,
    import_command,
)


def install_io(ctx: click.Context, io: ToolingIO) -> None:
    """Make ``io`` what the commands read through, for this context and every one below it."""
    ctx.meta[IO_KEY] = io


def register_tooling(group: click.Group) -> None:
    """Add the commands to ``group``, whose callback calls ``install_io`` (or sets ``ctx.obj``)."""
    for command in COMMANDS:
        group.add_command(command)
