"""Hook entry points (pre-commit and plain git hooks): one ``main(argv) -> int`` each, thin over the CLI and library."""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import click

from . import files as project_files
from .registry.loader import check_rule_files, load_plan
from .registry.model import TicketRules
from .tickets import check_message, compile_rules
from .types import Problem, Severity, UserError

# Codes whose outcome depends on the tracking plan: events, conventions, properties, lifecycle.
# The registry hook re-checks the whole repository for these only, so a rule-file commit is not
# blocked by detection findings (PO103 dynamic, PO104 unresolved) that no plan change can cause.
PLAN_CODES = ("PO101", "PO102", "PO2", "PO3")
PYTHON_SUFFIXES = (".py", ".pyi")


def _run_cli(args: Sequence[str]) -> int:
    """Run the ``productops-lint`` click group in-process and return its exit code."""
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
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return result if isinstance(result, int) else 0


def _python_files(filenames: Sequence[str]) -> list[str]:
    return [f for f in filenames if f.endswith(PYTHON_SUFFIXES)]


def _files_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("filenames", nargs="*", help="Changed files, as pre-commit passes them.")
    return parser


def lint_main(argv: Sequence[str] | None = None) -> int:
    """pre-commit ``productops-lint``: check the changed Python files against the tracking plan."""
    parser = _files_parser("productops-lint-hook", "Check the given Python files' tracking calls.")
    args, extra = parser.parse_known_args(argv)
    files = _python_files(args.filenames)
    if not files:
        # `check` with no paths means the whole project; a hook with nothing staged checks nothing.
        return 0
    return _run_cli(["check", *extra, "--", *files])


def _snapshot(paths: Sequence[str]) -> dict[str, str]:
    """Content hash of each path (and of files git sees as modified), to tell whether a fix wrote anything."""
    candidates = set(paths)
    if (out := _git("ls-files", "--modified")) is not None:
        candidates |= set(out.splitlines())
    digests: dict[str, str] = {}
    for path in sorted(candidates):
        try:
            digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            digests[path] = ""
    return digests


def fix_main(argv: Sequence[str] | None = None) -> int:
    """pre-commit ``productops-fix``: apply safe fixes; exit 1 when a file changed or findings remain."""
    parser = _files_parser("productops-fix-hook", "Apply safe fixes to the given Python files.")
    args, extra = parser.parse_known_args(argv)
    files = _python_files(args.filenames)
    if not files:
        return 0
    before = _snapshot(files)
    status = _run_cli(["check", "--fix", *extra, "--", *files])
    after = _snapshot(files)
    changed = sorted(p for p in after if after[p] != before.get(p))
    for path in changed:
        click.echo(f"Fixed {path}")
    return 1 if changed else status


def registry_main(argv: Sequence[str] | None = None) -> int:
    """pre-commit ``productops-registry``: validate the rule files, then re-check all code against them."""
    parser = _files_parser(
        "productops-registry-hook",
        "Validate the rule files and report code the plan no longer allows. "
        "With filenames, run only when one of them is a rule file.",
    )
    args, extra = parser.parse_known_args(argv)
    try:
        root = project_files.find_root()
        config = project_files.load_config(root)
        paths = project_files.rule_file_paths(root, config.registry)
        if args.filenames and not _any_rule_file(args.filenames, paths):
            return 0
        plan, problems = check_rule_files(project_files.read_rule_files(paths))
    except UserError as exc:
        _echo_problems(exc.problems)
        return 2
    _echo_problems(problems)
    if plan is None:
        return 1
    # pre-commit passes only changed files, so the lint hook never sees a call site the plan
    # change broke elsewhere; this whole-repository pass is what catches it.
    return _run_cli(["check", "--select", ",".join(PLAN_CODES), *extra, str(root)])


def _any_rule_file(filenames: Sequence[str], rule_files: Sequence[Path]) -> bool:
    wanted = {p.resolve() for p in rule_files}
    return any(Path(f).resolve() in wanted for f in filenames)


def _echo_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        click.echo(f"{problem} [{problem.severity.value}]" if problem.severity is not Severity.ERROR else str(problem))


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
    return bool(path) and Path(path).exists()


def _comment_char() -> str:
    value = _git("config", "core.commentChar") or "#"
    # `auto` lets git pick per message; `#` is what it picks unless the message already uses it.
    return "#" if value == "auto" else value[:1]


def _plan_ticket_rules() -> TicketRules:
    root = project_files.find_root()
    config = project_files.load_config(root)
    rule_files = project_files.read_rule_files(project_files.rule_file_paths(root, config.registry))
    return load_plan(rule_files).tickets


def ticket_main(argv: Sequence[str] | None = None) -> int:
    """pre-commit ``productops-ticket`` (commit-msg): require a ticket key in the message or branch name."""
    parser = argparse.ArgumentParser(
        prog="productops-ticket-hook",
        description="Require a ticket key in the commit message, or in the branch name.",
    )
    parser.add_argument("message_file", help="The commit message file git passes to commit-msg hooks.")
    parser.add_argument(
        "--add-from-branch",
        action="store_true",
        help="When only the branch name has a key, put `KEY: ` before the subject.",
    )
    parser.add_argument("--project-key", action="append", default=[], help="Accepted project key (repeatable); replaces the rule files' keys.")
    parser.add_argument("--pattern", help="Regular expression for a ticket reference; replaces the rule files' pattern.")
    parser.add_argument("--escape-word", action="append", default=[], help="Word that exempts a commit, such as `[trivial]` (repeatable).")
    args = parser.parse_args(argv)

    try:
        if args.project_key or args.pattern:
            rules = TicketRules(tuple(args.project_key), args.pattern, tuple(args.escape_word))
        else:
            rules = _plan_ticket_rules()
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
    verdict = check_message(
        raw,
        matcher,
        branch=current_branch(),
        add_from_branch=args.add_from_branch,
        merging=_merging(),
        comment_char=_comment_char(),
    )
    if verdict.new_message is not None:
        path.write_text(verdict.new_message, encoding="utf-8", errors="surrogateescape")
        click.echo(f"productops-ticket: added `{verdict.keys[0]}` from the branch name to the commit message")
    if verdict.ok:
        return 0
    escape = f", or mark a trivial commit with `{rules.escape_words[0]}`" if rules.escape_words else ""
    click.echo(f"productops-ticket: {verdict.reason}", err=True)
    click.echo(f"  Add the key to the message, or name the branch after the ticket{escape}.", err=True)
    return 1

