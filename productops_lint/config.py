"""The user's settings: parse ``[tool.productops]`` text into a frozen Config (no filesystem access here)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from .registry.model import WrapperSpec, wrapper_from_data
from .types import Location, Problem, Severity, UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True)
class Config:
    """Effective settings for one run. Paths are relative to ``root``."""

    root: str = "."
    # Where the config came from (for `debug` and messages); None when built from defaults.
    source: str | None = None
    registry: tuple[str, ...] = ("rules",)
    src: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ("PO",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    presets: tuple[str, ...] | None = None
    wrappers: tuple[WrapperSpec, ...] = ()
    infer_wrappers: bool = True
    baseline: str | None = None
    cache_dir: str = ".productops_cache"
    respect_gitignore: bool = True

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# Documented in docs/config.md; a test keeps the two in step.
OPTIONS: dict[str, str] = {
    "registry": "Rule files or folders of YAML rule files (tracking plan, conventions, trackers).",
    "src": "Folders that are import roots, used to turn file paths into module names.",
    "exclude": "Gitignore-style patterns of paths to skip, on top of .gitignore.",
    "select": "Check codes or code prefixes to enable.",
    "ignore": "Check codes or code prefixes to disable (wins over select).",
    "severity": "Table of code (or prefix) to `error`, `warning` or `info`.",
    "presets": "Built-in SDK presets to detect; omit for all of them.",
    "wrappers": "Array of tables declaring the project's own tracking functions.",
    "infer-wrappers": "Infer wrappers from code that forwards a parameter into a tracking call.",
    "baseline": "Baseline file; findings recorded in it are not reported.",
    "cache-dir": "Folder for the per-file result cache.",
    "respect-gitignore": "Skip files that .gitignore excludes.",
}

_TUPLE_KEYS = {"registry", "src", "exclude", "select", "ignore"}


def _suggest(key: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, choices, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _line_of(text: str, key: str) -> int:
    """Best-effort line of ``key`` inside the [tool.productops] table (tomllib keeps no positions)."""
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped.strip("[]").strip().startswith("tool.productops")
            if in_table and key in stripped:
                return number
            continue
        if in_table and stripped.split("=", 1)[0].strip().strip('"') == key:
            return number
    return 0


def parse_config(text: str, path: str = "pyproject.toml", root: str = ".") -> Config:
    """Parse a pyproject.toml; raise UserError listing every problem with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)".
        raise UserError(Problem(Location(path), f"invalid TOML: {exc}")) from None
    table = data.get("tool", {}).get("productops")
    if table is None:
        return Config(root=root)
    return config_from_table(table, path=path, root=root, text=text)


def config_from_table(
    table: Mapping[str, Any], path: str = "pyproject.toml", root: str = ".", text: str = ""
) -> Config:
    problems: list[Problem] = []
    values: dict[str, Any] = {"root": root, "source": path}

    def problem(key: str, message: str) -> None:
        problems.append(Problem(Location(path, _line_of(text, key)), message))

    for key, value in table.items():
        attr = key.replace("-", "_")
        if key not in OPTIONS:
            problem(key, f"unknown option `tool.productops.{key}`{_suggest(key, list(OPTIONS))}")
            continue
        if key in _TUPLE_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problem(key, f"`{key}` must be a list of strings")
                continue
            values[attr] = tuple(value)
        elif key == "severity":
            if not isinstance(value, dict):
                problem(key, "`severity` must be a table of code = level")
                continue
            levels: dict[str, Severity] = {}
            for code, level in value.items():
                try:
                    levels[code] = Severity.parse(str(level))
                except ValueError as exc:
                    problem(code, f"severity of `{code}`: {exc}")
            values["severity"] = levels
        elif key == "presets":
            if not isinstance(value, list):
                problem(key, "`presets` must be a list of preset names")
                continue
            values["presets"] = tuple(str(v) for v in value)
        elif key == "wrappers":
            if not isinstance(value, list) or not all(isinstance(v, dict) and "name" in v for v in value):
                problem(key, "`wrappers` must be an array of tables, each with a `name`")
                continue
            loc = Location(path, _line_of(text, key))
            values["wrappers"] = tuple(wrapper_from_data(v, loc) for v in value)
        elif key in ("infer-wrappers", "respect-gitignore"):
            if not isinstance(value, bool):
                problem(key, f"`{key}` must be true or false")
                continue
            values[attr] = value
        else:
            if not isinstance(value, str):
                problem(key, f"`{key}` must be a string")
                continue
            values[attr] = value
    if problems:
        raise UserError(problems)
    known = {f.name for f in fields(Config)}
    return Config(**{k: v for k, v in values.items() if k in known})


def severity_for(config: Config, code: str, default: Severity) -> Severity:
    """The most specific severity override for ``code`` (``PO101`` beats ``PO1``)."""
    best: tuple[int, Severity] | None = None
    for prefix, level in config.severity.items():
        if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), level)
    return best[1] if best else default


def is_enabled(config: Config, code: str) -> tuple[bool, str]:
    """Whether ``code`` runs, and why (for `debug`): the longest matching select/ignore prefix wins."""
    sel = max((p for p in config.select if code.startswith(p)), key=len, default=None)
    ign = max((p for p in config.ignore if code.startswith(p)), key=len, default=None)
    if sel is None:
        return False, "not selected"
    if ign is not None and len(ign) >= len(sel):
        return False, f"ignored by `{ign}`"
    return True, f"selected by `{sel}`"
