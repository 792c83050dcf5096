"""Hook entry points (pre-commit and plain git hooks): one ``main(argv) -> int`` each, thin over the CLI and library."""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import click

from .registry.model import TicketRules
from .tickets import check_message, compile_rules
from .types import UserError

# Codes whose outcome the tracking plan decides: event names, conventions, properties, lifecycle.
# The registry hook re-checks the whole repository for these only, so a rule-file commit is not
# blocked by detection findings (PO0xx files, PO103 dynamic, PO104 unresolved) no plan change causes.
PLAN_CODES = ("PO101", "PO102", "PO2", "PO3")
PYTHON_SUFFIXES = (".py",)


def _run_cli(args: Sequence[str]) -> int:
    """Run the ``productops-lint`` click group in-process and return its exit status."""
    from .cli import main as cli

    try:
        result = cli.main(args=list(args), prog_name="productops-lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 1
    except SystemExit as exc:
        # Some commands (`registry check`) exit directly.
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return result if isinstance(result, int) else 0


def _python_files(filenames: Sequence[str]) -> list[str]:
    return [f for f in filenames if f.endswith(PYTHON_SUFFIXES)]


def _split_check_args(argv: Sequence[str] | None) -> tuple[list[str], list[str], list[str]]:
    """Split hook arguments into group options (``--config``), ``check`` options, and file names.

    pre-commit puts the config's ``args:`` before the file names; which of them take a value is
    read from the ``check`` command itself, so ``--format json`` never makes `json` a file name.
    """
    from .cli import check

    takes_value = {name for p in check.params if isinstance(p, click.Option) and not p.is_flag for name in p.opts}
    args = list(sys.argv[1:] if argv is None else argv)
    group: list[str] = []
    options: list[str] = []
    filenames: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        name = arg.split("=", 1)[0]
        if arg == "--":
            filenames.extend(args[index + 1 :])
            break
        if name == "--config":
            consumed = 1 if "=" in arg else 2
            group.extend(args[index : index + consumed])
        elif arg.startswith("-") and arg != "-":
            consumed = 2 if name in takes_value and "=" not in arg else 1
            options.extend(args[index : index + consumed])
        else:
            consumed = 1
            filenames.append(arg)
        index += consumed
    return group, options, filenames


def lint_main(argv: Sequence[str] | None = None) -> int:
    """``productops-lint``: check the changed Python files; options are those of ``check``."""
    group, options, filenames = _split_check_args(argv)
    files = _python_files(filenames)
    if not files:
        # `check` with no paths means the whole project; a hook with nothing staged checks nothing.
        return 0
    return _run_cli([*group, "check", *options, "--", *files])


def _snapshot(paths: Sequence[str]) -> dict[str, str]:
    """Content hash of each path and of every file git sees as modified, to tell whether a fix wrote."""
    candidates = set(paths)
    # A fix may rename a constant in a file that was not passed in.
    candidates.update((_git("ls-files", "--modified") or "").splitlines())
    digests: dict[str, str] = {}
    for path in sorted(candidates):
        try:
            digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            digests[path] = ""
    return digests


def fix_main(argv: Sequence[str] | None = None) -> int:
    """``productops-fix``: apply safe fixes; exit 1 when it changed a file or findings remain."""
    group, options, filenames = _split_check_args(argv)
    files = _python_files(filenames)
    if not files:
        return 0
    before = _snapshot(files)
    status = _run_cli([*group, "check", "--fix", *options, "--", *files])
    after = _snapshot(files)
    changed = sorted(p for p in after if after[p] != before.get(p))
    for path in changed:
        click.echo(f"Rewrote {path}; review and stage it.")
    return 1 if changed else status


def registry_main(argv: Sequence[str] | None = None) -> int:
    """``productops-registry``: validate the rule files, then re-check every Python file against them.

    Given file names (the plain git hook passes the staged YAML files), it runs only when one of
    them is a rule file; options are those of ``check``.
    """
    from . import files as project_files
    from .checks import all_checks
    from .config import is_enabled

    group, options, filenames = _split_check_args(argv)
    config_path = group[-1].split("=", 1)[-1] if group else None
    try:
        root = project_files.find_root(Path(config_path).resolve().parent if config_path else None)
        config = project_files.load_config(root, Path(config_path).resolve() if config_path else None)
        rule_files = project_files.rule_file_paths(root, config.registry, required=False)
    except UserError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        return 2
    if filenames and not _any_rule_file(filenames, rule_files):
        return 0
    status = _run_cli([*group, "registry", "check"])
    if status != 0:
        return status
    # The user's own selection still applies: only its plan-dependent part is re-checked.
    codes = [code for code in all_checks() if code.startswith(PLAN_CODES) and is_enabled(config, code)[0]]
    if not codes:
        return 0
    # pre-commit passes only changed files, so the lint hook never sees a call site that the plan
    # change broke elsewhere; this whole-project pass is what catches it.
    click.echo("Checking every Python file against the changed plan:")
    return _run_cli([*group, "check", "--select", ",".join(codes), *options])


def _any_rule_file(filenames: Sequence[str], rule_files: Sequence[Path]) -> bool:
    wanted = {p.resolve() for p in rule_files}
    return any(Path(f).resolve() in wanted for f in filenames)


def _git(*args: str) -> str | None:
    """Output of a git command, or None outside a repository or when git fails."""
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def current_branch() -> str | None:
    """The branch being committed to; during a rebase the branch being rebased; None when detached."""
    branch = _git("symbolic-ref", "--quiet", "--short", "HEAD")
    if branch:
        return branch
    for state in ("rebase-merge/head-name", "rebase-apply/head-name"):
        path = _git("rev-parse", "--git-path", state)
        if path and Path(path).is_file():
            name = Path(path).read_text(encoding="utf-8").strip()
            return name.removeprefix("refs/heads/") or None
    return None


def _merging() -> bool:
    path = _git("rev-parse", "--git-path", "MERGE_HEAD")
    return path is not None and path != "" and Path(path).exists()


def _comment_char() -> str:
    value = _git("config", "core.commentChar") or "#"
    # `auto` lets git pick per message; `#` is what it picks unless the message already uses it.
    return "#" if value == "auto" else value[:1]


def _plan_ticket_rules(config: str | None) -> TicketRules:
    from .run import open_workspace

    # No plan at all is fine here: the generic ticket pattern applies.
    return open_workspace(config, require_plan=False, analyze=False).plan.tickets


def ticket_main(argv: Sequence[str] | None = None) -> int:
    """``productops-ticket`` (commit-msg): require a ticket key in the message or the branch name."""
    parser = argparse.ArgumentParser(
        prog="productops-ticket-hook", description="Require a ticket key in the commit message, or in the branch name."
    )
    parser.add_argument("--config", help="pyproject.toml to use (default: found from the current folder).")
    parser.add_argument("message_file", help="The commit message file git passes to commit-msg hooks.")
    parser.add_argument(
        "--add-from-branch",
        action="store_true",
        help="When only the branch name has a key, put `KEY: ` before the subject.",
    )
    parser.add_argument("--project-key", action="append", default=[], help="Accepted project key (repeatable); replaces the rule files' keys.")
    parser.add_argument("--pattern", help="Regular expression for a ticket reference; replaces the rule files' pattern.")
    parser.add_argument("--escape-word", action="append", default=[], help="Word that excuses a commit, such as `[trivial]` (repeatable).")
    args = parser.parse_args(argv)

    try:
        if args.project_key or args.pattern:
            rules = TicketRules(tuple(args.project_key), args.pattern, tuple(args.escape_word))
        else:
            rules = _plan_ticket_rules(args.config)
            if args.escape_word:
                rules = TicketRules(rules.project_keys, rules.pattern, tuple(args.escape_word), rules.location)
        matcher = compile_rules(rules)
    except UserError as exc:
        click.echo("productops-ticket: the ticket rules could not be read:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        return 2

    path = Path(args.message_file)
    try:
        # surrogateescape: a message in another encoding is written back byte for byte.
        raw = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        click.echo(f"productops-ticket: cannot read {path}: {exc.strerror}", err=True)
        return 2
    try:
        verdict = check_message(
            raw,
            matcher,
            branch=current_branch(),
            add_from_branch=args.add_from_branch,
            merging=_merging(),
            comment_char=_comment_char(),
        )
    except UserError as exc:  # a pattern too slow on this message
        click.echo("productops-ticket: the ticket rules could not be applied:", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        return 2
    if verdict.new_message is not None:
        path.write_text(verdict.new_message, encoding="utf-8", errors="surrogateescape")
        click.echo(f"productops-ticket: added `{verdict.keys[0]}` from the branch name to the commit message")
    if verdict.ok:
        return 0
    escape = f", or mark a trivial commit with `{rules.escape_words[0]}`" if rules.escape_words else ""
    click.echo(f"productops-ticket: {verdict.reason}", err=True)
    click.echo(f"  Add the key to the message, or name the branch after the ticket{escape}.", err=True)
    return 1
