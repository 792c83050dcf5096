"""The `productops-lint` command line: parses flags and prints; the work happens in run.py and below."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import click

from . import __version__
from .cli_guard import GuardedGroup
from .types import Severity

FORMAT_NAMES = ("text", "json", "sarif", "github", "junit", "gitlab")


class _Group(GuardedGroup):
    """Errors end as `file:line: reason` lines and exit 2 (GuardedGroup), never a traceback.

    Secondary commands load on first use (click's lazy-group pattern), so `check` on one file,
    as pre-commit runs it, does not import the plan tooling, JSON Schema or hook installers.
    """

    lazy: dict[str, str] = {
        "registry": "productops_lint.cli_extra:registry_group",
        "debug": "productops_lint.cli_extra:debug",
        "install-hooks": "productops_lint.install:install_hooks",
        "pr": "productops_lint.pr.action:pr_group",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            import importlib

            module, _, attr = self.lazy[cmd_name].partition(":")
            found = getattr(importlib.import_module(module), attr)
            command: click.Command = found() if attr == "registry_group" else found
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="productops-lint")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="pyproject.toml to use.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None) -> None:
    """Check analytics tracking calls against the tracking plan."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def _progress_callback() -> tuple[Callable[[int, int], None] | None, Callable[[], None]]:
    """A rich progress bar on a terminal, shown only once a run has taken over a second."""
    if not sys.stderr.isatty():
        return None, lambda: None
    started = time.monotonic()
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if time.monotonic() - started < 1.0:
                return
            from rich.console import Console
            from rich.progress import Progress

            # On stderr: stdout carries the report, which may be redirected to a file.
            bar = Progress(transient=True, console=Console(stderr=True))
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("Parsing", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    def stop() -> None:
        if "bar" in state:
            state["bar"].stop()

    return update, stop


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _codes(value: str | None, option: str = "--select") -> tuple[str, ...] | None:
    """Codes or prefixes from a comma-separated flag; one matching no check is a usage error."""
    if value is None:
        return None
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    if not codes:
        raise click.BadParameter("expected comma-separated check codes, such as `PO101,PO2`", param_hint=option)
    from .checks import code_problem

    for code in codes:
        problem = code_problem(code)
        if problem is not None:
            raise click.BadParameter(problem, param_hint=option)
    return codes


def _workspace(ctx: click.Context, require_plan: bool = True, **overrides: Any):  # type: ignore[no-untyped-def]
    from .run import open_workspace

    return open_workspace(ctx.obj.get("config_path"), require_plan=require_plan, **overrides)


def _lint(ctx: click.Context, ws: Any, paths: Sequence[str], jobs: int | None, no_cache: bool):  # type: ignore[no-untyped-def]
    from .run import lint

    update, stop = _progress_callback()
    try:
        return lint(ws, paths, jobs=jobs, use_cache=not no_cache, progress=update)
    finally:
        stop()


def _report_context(ws: Any, result: Any, baselined: int = 0):  # type: ignore[no-untyped-def]
    from .report import ReportContext

    return ReportContext(
        tool_version=__version__,
        root=str(ws.root),
        sources=result.sources,
        files_checked=result.files_total,
        color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
        baselined=baselined,
    )


_common = [
    click.argument("paths", nargs=-1, type=click.Path()),
    click.option("--select", help="Comma-separated codes or prefixes to enable (replaces the config)."),
    click.option("--ignore", help="Comma-separated codes or prefixes to disable."),
    click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel parsers (default: all cores)."),
    click.option("--no-cache", is_flag=True, help="Ignore and do not write the result cache."),
]


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(_common):
        func = decorator(func)
    return func


@main.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to a file.")
@click.option("--fix", is_flag=True, help="Apply safe fixes.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--baseline", "baseline_file", help="Baseline file (default: `baseline` in the config).")
@click.option("--no-baseline", is_flag=True, help="Report findings the baseline records too.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are errors (warn-only mode).")
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[str, ...],
    select: str | None,
    ignore: str | None,
    jobs: int | None,
    no_cache: bool,
    fmt: str,
    output: str | None,
    fix: bool,
    unsafe_fixes: bool,
    show_diff: bool,
    baseline_file: str | None,
    no_baseline: bool,
    exit_zero: bool,
) -> None:
    """Check tracking calls in PATHS (default: the whole project)."""
    ws = _workspace(ctx, select=_codes(select), ignore=_codes(ignore, "--ignore"))
    from .report import FORMATS
    from .run import apply_baseline, apply_fixes, baseline_path

    render = FORMATS[fmt]
    result = _lint(ctx, ws, paths, jobs, no_cache)
    if show_diff or fix:
        outcome = apply_fixes(
            ws, result, unsafe=unsafe_fixes, write=fix and not show_diff, paths=paths, jobs=jobs, use_cache=not no_cache
        )
        for diagnostic, reason in outcome.fixes.skipped:
            click.echo(f"warning: {diagnostic.path}:{diagnostic.line}: fix for {diagnostic.code} not applied: {reason}", err=True)
        if show_diff:
            click.echo(outcome.fixes.diff(), nl=False)
            n = len(outcome.fixes.applied)
            click.echo(f"Would fix {_plural(n, 'problem')}", err=True)
            ctx.exit(1 if outcome.fixes.new_sources else 0)
        for path in outcome.changed_on_disk:
            click.echo(f"warning: {path} changed while it was being checked; not fixed", err=True)
        for path, reason in outcome.unwritable:
            click.echo(f"warning: {path} could not be written ({reason}); not fixed", err=True)
        if outcome.written:
            n = len(outcome.fixed)
            click.echo(f"Fixed {_plural(n, 'problem')} in {_plural(len(outcome.written), 'file')}", err=True)
        if outcome.fixes.new_sources:
            result = _lint(ctx, ws, paths, jobs, no_cache)
    chosen = None if no_baseline else baseline_path(ws, baseline_file)
    diagnostics, hidden = apply_baseline(ws, result, chosen)
    text = render(diagnostics, _report_context(ws, result, hidden))
    if output:
        from .files import write_text

        write_text(Path(output), text)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    errors = any(d.severity is Severity.ERROR for d in diagnostics)
    ctx.exit(1 if errors and not exit_zero else 0)


@main.command()
@common_options
@click.option("--format", "fmt", type=click.Choice(("json", "text")), default="text", show_default=True)
@click.pass_context
def calls(
    ctx: click.Context, paths: tuple[str, ...], select: str | None, ignore: str | None, jobs: int | None, no_cache: bool, fmt: str
) -> None:
    """List every tracking call found: the inventory ProductOps bootstraps a plan from."""
    from .inventory import calls_as_json, calls_as_text

    ws = _workspace(ctx, require_plan=False, missing_registry_ok=True)
    result = _lint(ctx, ws, paths, jobs, no_cache)
    rendered = calls_as_json(result.calls, ws.root) if fmt == "json" else calls_as_text(result.calls, ws.root)
    click.echo(rendered)


@main.command()
@common_options
@click.option("--baseline", "baseline_file", help="Where to write (default: `baseline` in the config, else .productops-baseline.json).")
@click.pass_context
def baseline(
    ctx: click.Context, paths: tuple[str, ...], select: str | None, ignore: str | None, jobs: int | None, no_cache: bool, baseline_file: str | None
) -> None:
    """Record today's findings so later runs report only new ones (warn-first adoption)."""
    from .run import baseline_path, write_baseline

    ws = _workspace(ctx, select=_codes(select), ignore=_codes(ignore, "--ignore"))
    result = _lint(ctx, ws, paths, jobs, no_cache)
    target = baseline_path(ws, baseline_file) or ws.root / ".productops-baseline.json"
    write_baseline(result, target)
    n = len(result.diagnostics)
    click.echo(f"Recorded {n} finding{'s' if n != 1 else ''} in {os.path.relpath(target)}")
    if not ws.config.baseline and not baseline_file:
        click.echo(f'Add `baseline = "{os.path.relpath(target, ws.root)}"` to [tool.productops] to use it.', err=True)


@main.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every check.")
def rule(code: str | None, show_all: bool) -> None:
    """Explain a check: `productops-lint rule PO101`."""
    from .checks import all_checks
    from .checks.docs import render_rule_page

    checks = all_checks()
    if show_all or not code:
        width = max((len(cls.name) for cls in checks.values()), default=0)
        for c, cls in checks.items():
            click.echo(f"{c}  {cls.name:<{width}}  {cls.summary()}")
        return
    by_name = {cls.name: cls for cls in checks.values()}
    check = checks.get(code.upper()) or by_name.get(code.lower())
    if check is None:
        import difflib

        close = difflib.get_close_matches(code.upper(), list(checks), n=1) or difflib.get_close_matches(
            code.lower(), list(by_name), n=1
        )
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise click.UsageError(f"unknown check `{code}`{hint}; `productops-lint rule --all` lists them")
    click.echo(render_rule_page(check))




if __name__ == "__main__":  # pragma: no cover
    main()
