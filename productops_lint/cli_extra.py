"""The CLI's secondary commands: `registry ...`, `debug` and `install-hooks`, wired to the filesystem."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

if TYPE_CHECKING:
    from .run import Workspace


def _ws(ctx: click.Context, require_plan: bool = True, missing_registry_ok: bool = False) -> Workspace:
    from .run import open_workspace

    root = ctx.find_root()
    return open_workspace(root.obj.get("config_path"), require_plan=require_plan, missing_registry_ok=missing_registry_ok)


@click.group("registry")
@click.pass_context
def registry(ctx: click.Context) -> None:
    """Validate, measure, diff, document, export and import the tracking plan."""
    from . import files
    from .registry.tooling_cli import ToolingIO, install_io

    def read_rule_files(spec: str | None) -> list[tuple[str, str]]:
        ws = _ws(ctx, require_plan=False)
        if spec is None:
            return ws.rule_files
        return files.read_rule_files_at(spec, ws.root, ws.config.registry)

    def read_calls() -> Sequence[Any]:
        from .run import lint

        ws = _ws(ctx, require_plan=False)
        return lint(ws).calls

    def read_input(source: str) -> str:
        if source == "-":
            return sys.stdin.read()
        text = files.read_text(Path(source))
        if text is None:
            raise click.UsageError(f"cannot read `{source}`")
        return text

    install_io(ctx, ToolingIO(read_rule_files, read_calls, read_input))


def _read_rules(paths: Sequence[str]) -> list[tuple[str, str]]:
    from . import files

    found: list[Path] = []
    for p in paths:
        found.extend(files.rule_file_paths(Path("."), [p]))
    return files.read_rule_files(found)


def _default_rule_paths() -> Sequence[str]:
    from . import files

    root = files.find_root()
    config = files.load_config(root)
    return [os.path.relpath(root / entry) for entry in config.registry]


@registry.command("init")
@click.option("--from-code", is_flag=True, required=True, help="Build the plan from the tracking calls in the code.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Rule file to write (default: <registry>/from-code.yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_context
def init(ctx: click.Context, from_code: bool, output: str | None, force: bool) -> None:
    """Write a starter plan from every tracking call found in the code."""
    from . import files
    from .inventory import calls_as_json
    from .registry.interchange import import_plan
    from .run import lint

    ws = _ws(ctx, require_plan=False, missing_registry_ok=True)
    result = lint(ws)
    imported = import_plan(calls_as_json(result.calls, ws.root, values=True), "calls", "code")
    registry_dir = ws.root / (ws.config.registry[0] if ws.config.registry else "rules")
    target = Path(output) if output else (registry_dir if registry_dir.suffix == "" else registry_dir.parent) / "from-code.yaml"
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; pass --force to overwrite it")
    files.write_text(target, imported.yaml)
    click.echo(imported.report.render(), err=True, nl=False)
    click.echo(f"Wrote {len(imported.events)} events to {os.path.relpath(target)}")


@click.command()
@click.option("--wrappers", is_flag=True, help="Also scan the code and list the wrappers found.")
@click.option("--parsed", is_flag=True, help="Only list the files a run without the cache parses, one a line.")
@click.pass_context
def debug(ctx: click.Context, wrappers: bool, parsed: bool) -> None:
    """Show the effective config, the plan's files, and which checks run (and why the others do not)."""
    from .checks import all_checks
    from .config import OPTIONS, is_enabled, severity_for
    from .detect.presets import PRESETS

    # As `calls`: a project with no rule files yet can still be inspected.
    ws = _ws(ctx, require_plan=False, missing_registry_ok=True)
    if parsed:
        from .run import lint

        # What the pre-filter let through and resolution read: the files a cold run parses.
        click.echo("\n".join(lint(ws, use_cache=False).summarized))
        return
    cfg = ws.config
    click.echo(f"root:      {ws.root}")
    click.echo(f"config:    {cfg.source or '(none: built-in defaults)'}")
    for option in OPTIONS:
        value = getattr(cfg, option.replace("-", "_"))
        if option == "wrappers":
            value = [w.qualname for w in value]
        elif option == "severity":
            value = {k: v.value for k, v in value.items()}
        click.echo(f"  {option:<18} {value!r}")
    if cfg.import_roots:
        click.echo("import roots (inferred; set `src` to choose them):")
        for root in cfg.import_roots:
            click.echo(f"  {root.path:<30} {root.why}")
    else:
        click.echo(f"import roots: {', '.join(cfg.src) or '.'} (configured `src`)")
    click.echo(f"rule files: {len(ws.rule_files)} ({len(ws.plan.events)} events)")
    for path, _ in ws.rule_files:
        click.echo(f"  {path}")
    presets = ws.plan.presets if ws.plan.presets is not None else cfg.presets
    click.echo(f"presets:   {', '.join(presets) if presets is not None else ', '.join(PRESETS) + ' (all)'}")
    declared = [w.qualname for w in (*cfg.wrappers, *ws.plan.wrappers)]
    click.echo(f"declared wrappers: {', '.join(declared) or '(none)'}")
    click.echo("checks:")
    checks = all_checks()
    width = max((len(cls.name) for cls in checks.values()), default=0)
    for code, cls in checks.items():
        enabled, why = is_enabled(cfg, code)
        level = severity_for(cfg, code, cls.default_severity).value
        state = f"on  ({why}; {level})" if enabled else f"off ({why})"
        click.echo(f"  {code} {cls.name:<{width}}  {state}")
    if wrappers:
        from .run import lint

        result = lint(ws)
        click.echo("wrappers (declared and inferred):")
        for name, chain in result.wrappers.items():
            click.echo(f"  {name}  ->  {' -> '.join(chain[1:]) or '(declared)'}")


def registry_group() -> click.Group:
    """The `registry` group with `check` and the plan-tooling commands attached (built once)."""
    if "check" not in registry.commands:
        from .registry.cli import make_registry_group
        from .registry.tooling_cli import register_tooling

        check_group = make_registry_group(reader=_read_rules, default_paths=_default_rule_paths)
        registry.add_command(check_group.commands["check"])
        register_tooling(registry)
    return registry
