"""The user's settings: parse ``[tool.productops]`` text into a frozen Config (no filesystem access here)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterator, Mapping

from .registry.model import WRAPPER_NAME, WrapperSpec, wrapper_from_data
from .toml_lines import line_of, split_toml_error, value_at, wrapper_line
from .types import ImportRoot, Location, Problem, Severity, UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# Larger files are usually generated code or vendored bundles: parsing them costs more than it finds.
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    """Effective settings for one run. Paths are relative to ``root``."""

    root: str = "."
    # Where the config came from (for `debug` and messages); None when built from defaults.
    source: str | None = None
    registry: tuple[str, ...] = ("rules",)
    # Empty: not configured, so the import roots are inferred from the tree (detect/roots.py)
    # and stored here, with why each was chosen in ``import_roots``.
    src: tuple[str, ...] = ()
    import_roots: tuple[ImportRoot, ...] = ()
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
    check_tests: bool = False
    max_file_size: int = DEFAULT_MAX_FILE_SIZE

    def with_overrides(self, **changes: Any) -> "Config":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


# Documented in docs/config.md; a test keeps the two in step.
OPTIONS: dict[str, str] = {
    "registry": "Rule files or folders of YAML rule files (tracking plan, conventions, trackers).",
    "src": "Folders that are import roots, used to turn file paths into module names; inferred when not set.",
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
    "check-tests": "Also check test files, which are skipped by default.",
    "max-file-size": "Size in bytes above which a file is reported (PO003) instead of analyzed.",
}

_TUPLE_KEYS = {"registry", "src", "exclude", "select", "ignore", "presets"}
_WRAPPER_KEYS = ["name", "event", "properties"]
_ARGUMENT_KEYS = ["position", "keyword"]
# As in the rule-file schema (registry/model.WRAPPER_NAME): a dotted path to the callable.
_QUALNAME = WRAPPER_NAME
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _suggest(key: str, choices: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, choices, n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


_KINDS = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"), (list, "an array"), (dict, "a table"))


def _kind(value: Any) -> str:
    """TOML's word for the type of ``value``, for messages (bool before int: True is an int)."""
    return next((word for kind, word in _KINDS if isinstance(value, kind)), "a date or time")


# -- validation of the structured options ---------------------------------------------------------
def _argument_problems(value: Any, where: str) -> Iterator[str]:
    """What is wrong with a wrapper's `event` or `properties`: a position, a keyword, or a table of both."""
    if isinstance(value, dict):
        for key in value:
            if key not in _ARGUMENT_KEYS:
                yield f"unknown key `{key}` in `{where}`{_suggest(key, _ARGUMENT_KEYS)}"
        if not value:
            yield f"`{where}` must not be empty: give `position`, `keyword` or both"
        if "position" in value:
            yield from _position_or_keyword(value["position"], f"{where}.position", position=True)
        if "keyword" in value:
            yield from _position_or_keyword(value["keyword"], f"{where}.keyword", position=False)
    elif isinstance(value, (int, str)) and not isinstance(value, bool):
        yield from _position_or_keyword(value, where, position=isinstance(value, int))
    else:
        yield (
            f"`{where}` must be a position (an integer), a keyword (a string) "
            f"or a table of `position` and `keyword`, not {_kind(value)}"
        )


def _position_or_keyword(value: Any, where: str, position: bool) -> Iterator[str]:
    if not isinstance(value, int if position else str) or isinstance(value, bool):
        yield f"`{where}` must be {'an integer' if position else 'a string'}, not {_kind(value)}"
    elif isinstance(value, int):
        if value < 0:
            yield f"`{where}` must be at least 0"
    elif not _IDENTIFIER.fullmatch(value):
        yield f"`{where}` is `{value}`, which is not a keyword argument name"


def _wrapper_problems(entry: Any, where: str) -> Iterator[tuple[str | None, str]]:
    """Each problem of one wrapper table, with the key whose line it is reported on."""
    if not isinstance(entry, dict):
        yield None, f"`{where}` must be a table with `name` and `event`, not {_kind(entry)}"
        return
    for key in entry:
        if key not in _WRAPPER_KEYS:
            yield key, f"unknown key `{key}` in `{where}`{_suggest(key, _WRAPPER_KEYS)}"
    for key in ("name", "event"):
        if key not in entry:
            yield None, f"`{where}` is missing `{key}`"
    name = entry.get("name")
    if name is not None and not isinstance(name, str):
        yield "name", f"`{where}.name` must be a string, not {_kind(name)}"
    elif name is not None and not _QUALNAME.fullmatch(name):
        yield "name", (
            f"`{where}.name` is `{name}`, which does not look like `shop.analytics.track_event`, "
            "`sdk.Client().send` or `tools/send-metrics.py:track`"
        )
    for key in ("event", "properties"):
        if key in entry:
            yield from ((key, message) for message in _argument_problems(entry[key], f"{where}.{key}"))


def _item_problem(key: str, item: str) -> str | None:
    """What is wrong with one entry of `presets`, `select` or `ignore`, or a `severity` key (None if nothing)."""
    if key == "presets":
        from .detect.presets import PRESETS  # lazily: the presets pull in detection

        if item in PRESETS:
            return None
        hint = _suggest(item, list(PRESETS)) or f" (the presets are {', '.join(f'`{p}`' for p in PRESETS)})"
        return f"unknown preset `{item}` in `tool.productops.presets`{hint}"
    if key in ("select", "ignore", "severity"):
        from .checks import code_problem  # lazily: the catalogue imports every check

        return code_problem(item, f" in `tool.productops.{key}`")
    return None


# -- parsing ---------------------------------------------------------------------------------------
def parse_config(text: str, path: str = "pyproject.toml", root: str = ".") -> Config:
    """Parse a pyproject.toml; raise UserError listing every problem with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        reason, line, col = split_toml_error(str(exc), text)
        raise UserError(Problem(Location(path, line, col), f"invalid TOML: {reason}")) from None
    tool = data.get("tool")
    table = tool.get("productops") if isinstance(tool, dict) else None
    if table is None:
        return Config(root=root)
    if not isinstance(table, dict):
        raise UserError(Problem(Location(path), "`tool.productops` must be a table"))
    return config_from_table(table, path=path, root=root, text=text)


def config_from_table(
    table: Mapping[str, Any], path: str = "pyproject.toml", root: str = ".", text: str = ""
) -> Config:
    problems: list[Problem] = []
    values: dict[str, Any] = {"root": root, "source": path}

    def problem(key: str, message: str, line: int = 0, col: int = 0) -> None:
        problems.append(Problem(Location(path, line or line_of(text, key), col), message))

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
            if key in ("select", "ignore"):
                # Codes are upper case everywhere; `ignore = ["po1"]` means PO1, as `--ignore po1` does.
                value = [v.strip().upper() for v in value]
            bad = [(item, why) for item in value if (why := _item_problem(key, item))]
            for item, why in bad:
                problem(key, why, *value_at(text, key, item))
            if not bad:
                values[attr] = tuple(value)
        elif key == "severity":
            if not isinstance(value, dict):
                problem(key, "`severity` must be a table of code = level")
                continue
            levels: dict[str, Severity] = {}
            for code, level in value.items():
                line = line_of(text, code) or line_of(text, key)
                why = _item_problem(key, code.strip().upper())
                if why:
                    problem(key, why, line)
                    continue
                try:
                    levels[code.strip().upper()] = Severity.parse(str(level))
                except ValueError as exc:
                    problem(key, f"severity of `{code}`: {exc}", line)
            values["severity"] = levels
        elif key == "wrappers":
            if not isinstance(value, list):
                problem(key, f"`wrappers` must be an array of tables (`[[tool.productops.wrappers]]`), not {_kind(value)}")
                continue
            found = [
                (index, sub, message)
                for index, entry in enumerate(value)
                for sub, message in _wrapper_problems(entry, f"tool.productops.wrappers[{index}]")
            ]
            for index, sub, message in found:
                problem(key, message, wrapper_line(text, index, sub))
            if not found:
                values["wrappers"] = tuple(
                    wrapper_from_data(v, Location(path, wrapper_line(text, i, None))) for i, v in enumerate(value)
                )
        elif key in ("infer-wrappers", "respect-gitignore", "check-tests"):
            if not isinstance(value, bool):
                problem(key, f"`{key}` must be true or false")
                continue
            values[attr] = value
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problem(key, f"`{key}` must be a positive number of bytes, not `{value}`")
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
