"""Layers run one way: each module's imports (read with ast, lazy and TYPE_CHECKING ones included)
point down the stack, and only the files layer and the entry points touch the filesystem.

The stack, bottom up (README, "Architecture"):

0. leaves: ``types``, ``syntax``, ``toml_lines``, ``prefilter``, ``userregex``, ``plain``, ``untrusted``,
   ``pr.types`` and the package root (its ``__version__``);
1. the plan and the settings: ``registry``, ``config``, ``sources`` (the provider protocols,
   ``decode_source``, the file diagnostics), ``tickets``, ``baseline``, ``inventory``;
2. ``detect``;  3. ``checks``;  4. ``project`` and ``parallel``;  5. ``engine``;
6. what consumes results: ``files``, ``fix``, ``report``, ``pr``, ``ci``;
7. entry points: ``run``, ``cli``, ``cli_extra``, ``cli_guard``, ``hooks``, ``install``,
   ``scripts``, ``__main__``, ``pr.action`` and the plan tooling's command line
   (``registry.cli``, ``registry.tooling_cli``).

A module may import its own layer or any below it. ``github_app`` sits above all of it and
``productops_lint`` never imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "productops_lint"

# Longest prefix wins, so `registry.cli` is an entry point while the rest of `registry` is layer 1.
LAYERS: dict[str, int] = {
    "": 0, "types": 0, "syntax": 0, "toml_lines": 0, "prefilter": 0, "userregex": 0, "plain": 0,
    "pr.types": 0, "schema": 0, "untrusted": 0,
    "registry": 1, "config": 1, "sources": 1, "tickets": 1, "baseline": 1, "inventory": 1,
    "detect": 2,
    "checks": 3,
    "project": 4, "parallel": 4,
    "engine": 5,
    "files": 6, "fix": 6, "report": 6, "pr": 6, "ci": 6,
    "run": 7, "cli": 7, "cli_extra": 7, "cli_guard": 7, "hooks": 7, "install": 7, "scripts": 7,
    "__main__": 7, "pr.action": 7, "registry.cli": 7, "registry.tooling_cli": 7,
}

# Imports that point up, each made inside the one function that needs it.
UPWARD_ALLOWED = {
    # Checking `select`/`ignore` codes and preset names against the catalogues, lazily, so that
    # reading the config does not import every check or the detection presets.
    ("config", "checks"),
    ("config", "detect.presets"),
}

# The modules that may read or write files, list folders or run programs (git).
FILESYSTEM = ("files", "run", "cli", "cli_extra", "hooks", "install", "ci", "pr.action", "scripts")

_OS_IO = {
    "open", "stat", "lstat", "walk", "scandir", "listdir", "replace", "rename", "remove", "unlink",
    "mkdir", "makedirs", "rmdir", "fsync", "chmod", "link", "symlink", "utime", "access", "getcwd",
}
_OS_PATH_IO = {"exists", "isfile", "isdir", "islink", "getsize", "getmtime", "realpath", "samefile"}
_PATH_IO = {
    "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "rglob", "glob", "mkdir",
    "unlink", "rmdir", "touch", "is_file", "is_dir", "exists", "stat", "lstat", "samefile", "chmod",
}
_IO_MODULES = {"subprocess", "shutil", "tempfile", "glob"}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(ROOT / PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module name an import statement of the file names (relative ones made absolute)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([PACKAGE, *base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def _internal(imported: str) -> str | None:
    """The package module an imported name belongs to (``productops_lint.a.b.C`` -> ``a.b``)."""
    if imported != PACKAGE and not imported.startswith(PACKAGE + "."):
        return None
    name = imported.removeprefix(PACKAGE).removeprefix(".")
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _area(name: str, table: dict[str, int] | tuple[str, ...]) -> str | None:
    keys = table if isinstance(table, tuple) else tuple(table)
    # "" is the package root only; any other key also covers the modules below it.
    matching = [key for key in keys if name == key or (key and name.startswith(key + "."))]
    return max(matching, key=len, default=None)


def _layer(name: str) -> int:
    area = _area(name, LAYERS)
    assert area is not None, (
        f"`{PACKAGE}.{name}` has no layer: add it to LAYERS in tests/test_layers.py (and the README's architecture section)"
    )
    return LAYERS[area]


def _edges() -> list[tuple[str, str]]:
    edges = []
    for name, path in MODULES.items():
        for imported in _imports(name, path):
            target = _internal(imported)
            if target is not None and target != name:
                edges.append((name, target))
    return sorted(set(edges))


def _allowed_upward(source: str, target: str) -> bool:
    return any(
        (source == s or source.startswith(s + ".")) and (target == t or target.startswith(t + "."))
        for s, t in UPWARD_ALLOWED
    )


def test_every_module_has_a_layer() -> None:
    for name in MODULES:
        _layer(name)


def test_imports_point_down_the_stack() -> None:
    upward = [
        f"{PACKAGE}.{source} (layer {_layer(source)}) imports {PACKAGE}.{target} (layer {_layer(target)})"
        for source, target in _edges()
        if _layer(target) > _layer(source) and not _allowed_upward(source, target)
    ]
    assert upward == []


def test_project_never_imports_the_engine() -> None:
    assert [t for s, t in _edges() if s == "project" and t == "engine"] == []
    assert ("engine", "project") in _edges()  # the engine drives the project, not the reverse


def test_the_leaves_import_nothing_above_them() -> None:
    edges = _edges()
    assert [t for s, t in edges if s == "types"] == []
    assert [t for s, t in edges if s == "syntax"] == []
    assert {t for s, t in edges if s == "sources"} <= {"types", "config"}


def test_productops_lint_never_imports_github_app() -> None:
    offending = [
        f"{PACKAGE}.{name} imports {imported}"
        for name, path in MODULES.items()
        for imported in _imports(name, path)
        if imported == "github_app" or imported.startswith("github_app.")
    ]
    assert offending == []


def _filesystem_uses(path: Path) -> list[str]:
    """Calls that read or write files, list folders or start programs, as `line: call`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            uses += [f"{node.lineno}: import {n}" for n in names if n.split(".")[0] in _IO_MODULES]
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        text = ast.unparse(func)
        if isinstance(func, ast.Name) and func.id == "open":
            uses.append(f"{node.lineno}: open()")
        elif isinstance(func, ast.Attribute):
            receiver = ast.unparse(func.value)
            if receiver.startswith("resources.files("):
                continue  # the package's own data files, not the user's filesystem
            on_os = (receiver == "os" and func.attr in _OS_IO) or (receiver == "os.path" and func.attr in _OS_PATH_IO)
            if on_os or (receiver not in ("os", "os.path", "ast") and func.attr in _PATH_IO):
                uses.append(f"{node.lineno}: {text}()")
    return uses


def test_only_the_files_layer_and_the_entry_points_touch_the_filesystem() -> None:
    offending = {
        f"{PACKAGE}.{name}": uses
        for name, path in MODULES.items()
        if _area(name, FILESYSTEM) is None and (uses := _filesystem_uses(path))
    }
    assert offending == {}


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from pathlib import Path\nPath('x').read_text()\n", ["2: Path('x').read_text()"]),
        ("import os\nos.walk('.')\n", ["2: os.walk()"]),
        ("with open('x') as f:\n    pass\n", ["1: open()"]),
        ("import subprocess\n", ["1: import subprocess"]),
        ("import ast\nast.walk(tree)\n'a'.replace('a', 'b')\n", []),
    ],
)
def test_the_filesystem_scan_sees_reads_listings_and_programs(tmp_path: Path, source: str, expected: list[str]) -> None:
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert _filesystem_uses(module) == expected


def test_the_import_scan_resolves_relative_imports() -> None:
    assert "productops_lint.project" in _imports("engine", MODULES["engine"])
    assert _internal("productops_lint.detect.values.Str") == "detect.values"
    assert _internal("github_app.render") is None
