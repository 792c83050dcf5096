"""CI glue the GitHub Action runs: the job summary (Markdown) from a JSON report, and the cache folder's CI keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Mapping, Sequence

# GitHub caps a step summary at 1 MiB; a long table is also useless to read, annotations have the rest.
DEFAULT_LIMIT = 50
_SEVERITY_ORDER = ("error", "warning", "info")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_markdown(report: Mapping[str, Any] | None, *, exit_code: int = 0, limit: int = DEFAULT_LIMIT) -> str:
    """The job summary: a verdict line, counts by check, and the first ``limit`` findings."""
    lines = ["### productops-lint", ""]
    if report is None:
        lines.append(f":x: The check could not run (exit status {exit_code}); the step log says why.")
        return "\n".join(lines) + "\n"
    diagnostics: list[Mapping[str, Any]] = list(report.get("diagnostics", []))
    if not diagnostics:
        lines.append(":white_check_mark: No findings.")
        return "\n".join(lines) + "\n"

    severities = Counter(str(d.get("severity", "error")) for d in diagnostics)
    files = len({d.get("path") for d in diagnostics})
    counts = ", ".join(_plural(severities[s], s) for s in _SEVERITY_ORDER if severities[s])
    icon = ":x:" if exit_code else ":warning:"
    lines += [f"{icon} {counts} in {_plural(files, 'file')}.", ""]

    by_code = Counter((str(d.get("code")), str(d.get("name") or "")) for d in diagnostics)
    lines += ["| Code | Check | Findings |", "| --- | --- | ---: |"]
    for (code, name), count in sorted(by_code.items()):
        lines.append(f"| `{code}` | {_cell(name)} | {count} |")
    lines.append("")

    shown = diagnostics[:limit]
    lines += ["<details><summary>Findings</summary>", "", "| Where | Code | Message |", "| --- | --- | --- |"]
    for d in shown:
        where = f"{d.get('path')}:{d.get('line')}:{d.get('column')}"
        message = str(d.get("message", ""))
        if d.get("note"):
            message += f" ({d['note']})"
        lines.append(f"| `{_cell(where)}` | `{d.get('code')}` | {_cell(message)} |")
    lines += ["", "</details>", ""]
    if len(diagnostics) > len(shown):
        lines.append(f"{len(diagnostics) - len(shown)} more not shown here; the annotations list every finding.")
    return "\n".join(lines).rstrip("\n") + "\n"


def _read_report(path: Path) -> Mapping[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and "diagnostics" in data else None


def cache_outputs(start: Path, runner_os: str, commit: str) -> dict[str, str]:
    """Where the project's cache folder is (its `cache-dir`) and the keys a CI cache saves and restores it under.

    The key names the OS, the tool's version, a hash of the config and rule files, and the
    commit; the restore prefixes drop the commit, then the hash, so a pull request's first run
    starts from the newest cache of its base branch. Any restored entry is safe to offer: each is
    keyed by the content it was computed from, so one that does not match is never used.
    """
    import hashlib
    import os

    from . import __version__, files
    from .types import UserError

    root = files.find_root(start)
    digest = hashlib.sha256()
    try:
        config = files.load_config(root)
        rules = files.read_rule_files(files.rule_file_paths(root, config.registry, required=False))
        cache_dir = config.cache_dir
    except UserError:  # the check step reports it; the cache keeps the default place
        rules, cache_dir = [], ".productops_cache"
    pyproject = root / "pyproject.toml"
    digest.update(pyproject.read_bytes() if pyproject.is_file() else b"")
    for path, text in rules:
        digest.update(f"\0{os.path.relpath(path, root)}\0{text}".encode())
    base = f"productops-lint-{runner_os}-{__version__}-"
    inputs = f"{base}{digest.hexdigest()[:16]}-"
    return {"path": str(root / cache_dir), "key": inputs + commit, "restore-prefix": inputs, "restore-fallback": base}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m productops_lint.ci")
    commands = parser.add_subparsers(dest="command", required=True)
    summary = commands.add_parser("summary", help="Print the Markdown job summary of a JSON report.")
    summary.add_argument("report", type=Path, help="Output of `productops-lint check --format json`.")
    summary.add_argument("--exit-code", type=int, default=0, help="Exit status of the check run.")
    summary.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="Findings to list at most.")
    keys = commands.add_parser("cache-key", help="Print the cache folder and CI cache keys as GITHUB_OUTPUT lines.")
    keys.add_argument("--os", default="", help="The runner's OS (RUNNER_OS).")
    keys.add_argument("--commit", default="", help="The commit being checked (GITHUB_SHA).")
    args = parser.parse_args(argv)
    if args.command == "cache-key":
        outputs = cache_outputs(Path.cwd(), args.os or sys.platform, args.commit or "unknown")
        sys.stdout.write("".join(f"{name}={value}\n" for name, value in outputs.items()))
        return 0
    # A report from a run that could not start (exit 2) is absent or empty: say so instead of "clean".
    report = _read_report(args.report) if args.exit_code in (0, 1) else None
    sys.stdout.write(summary_markdown(report, exit_code=args.exit_code, limit=args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
