"""Import roots inferred from a tree's paths and packaging files, as Python and type checkers find them."""

from __future__ import annotations

import ast
import configparser
import posixpath
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence

from ..types import ImportRoot

if TYPE_CHECKING:
    from ..config import Config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# The files that make a folder a project folder; the listing hands their text to `infer_roots`.
PACKAGING_FILES = ("pyproject.toml", "setup.cfg", "setup.py")


def _join(folder: str, sub: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, sub.strip() or "."))
    return "." if joined in ("", ".") else joined


def _parent(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _inside(path: str, root: str) -> bool:
    """Whether folder ``path`` is ``root`` or below it."""
    return root == "." or path == root or path.startswith(root + "/")


def with_inferred_roots(config: "Config", py_paths: Sequence[str], packaging: Mapping[str, str]) -> "Config":
    """``config`` with the import roots inferred from the tree, unless ``src`` is configured."""
    if config.src:
        return config
    roots = infer_roots(py_paths, packaging)
    return replace(config, src=tuple(r.path for r in roots), import_roots=roots)


def infer_roots(py_paths: Iterable[str], packaging: Mapping[str, str]) -> tuple[ImportRoot, ...]:
    """The import roots of a tree, longest first.

    ``py_paths`` are the tree's Python files; ``packaging`` maps the path of each
    pyproject.toml, setup.cfg or setup.py to its text. Three kinds of root, as in
    docs/config.md#src:

    - *declared*: where a project's packaging config puts its packages (setuptools, hatch,
      poetry, flit, pdm, maturin), or its ``src/`` folder (the src layout). Below one, every
      folder is a package, so namespace packages get their full names.
    - *package*: the folder above the topmost folder of an ``__init__.py`` chain, as mypy
      crawls, for packages under no declared root.
    - *folder*: a project folder, and the project root, for modules in no package.
    """
    paths = sorted(set(py_paths))
    package_dirs = {_parent(p) for p in paths if p.rpartition("/")[2] == "__init__.py" and "/" in p}
    has_init_at_top = "__init__.py" in paths
    python_dirs = {_parent(p) for p in paths}
    declared: dict[str, str] = {}
    folders: dict[str, str] = {".": "the project root"}
    # A setup.py or pyproject.toml inside a package is a module or data of it, not a project's.
    packaging = {p: text for p, text in packaging.items() if _parent(p) not in package_dirs}
    projects = sorted({_parent(p) for p in packaging})
    for project in projects:
        found = list(_declared_roots(project, packaging))
        if not found:
            src = _join(project, "src")
            if src not in package_dirs and any(_inside(d, src) for d in python_dirs):
                found = [(src, f"src layout of the project in {project}")]
        for root, why in found:
            declared.setdefault(root, why)
        if project != ".":
            folders.setdefault(project, f"project folder ({_names(project, packaging)})")
    packages: dict[str, str] = {}
    for folder in sorted(package_dirs):
        parent = _parent(folder)
        if (parent in package_dirs) or (parent == "." and has_init_at_top):
            continue
        if any(_inside(folder, root) for root in declared):
            continue
        packages.setdefault(parent, f"holds the package `{folder.rpartition('/')[2]}`")
    roots: dict[str, str] = {}
    for table in (declared, packages, folders):
        for root, why in table.items():
            roots.setdefault(root, why)
    # A folder root inside a declared root would cut a namespace package's name short.
    kept = [
        ImportRoot(root, why)
        for root, why in roots.items()
        if root in declared or not any(_inside(root, d) and root != d for d in declared)
    ]
    return tuple(sorted(kept, key=lambda r: (-len(r.path) if r.path != "." else 1, r.path)))


def _names(project: str, packaging: Mapping[str, str]) -> str:
    return ", ".join(p.rpartition("/")[2] for p in sorted(packaging) if _parent(p) == project)


def _declared_roots(project: str, packaging: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """Package folders that the packaging files of ``project`` name explicitly."""
    for name in PACKAGING_FILES:
        path = name if project == "." else f"{project}/{name}"
        text = packaging.get(path)
        if text is None:
            continue
        try:
            subs = list(_PARSERS[name](text))
        except (ValueError, SyntaxError, configparser.Error, RecursionError, MemoryError):
            continue  # a broken packaging file names nothing; the project's own tools report it
        for sub, key in subs:
            yield _join(project, sub), f"`{key}` in {path}"


def _table(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _from_pyproject(text: str) -> Iterator[tuple[str, str]]:
    data = tomllib.loads(text)
    tool = _table(data, "tool")
    setuptools = _table(tool, "setuptools")
    for where in _strings(_table(setuptools, "packages", "find", "where")):
        yield where, "tool.setuptools.packages.find.where"
    package_dir = _table(setuptools, "package-dir")
    if isinstance(package_dir, dict):
        yield from _package_dir(package_dir, "tool.setuptools.package-dir")
    for entry in _table(tool, "poetry", "packages") or []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            yield entry.get("from", "."), "tool.poetry.packages"
    wheel = _table(tool, "hatch", "build", "targets", "wheel")
    for package in _strings(_table(wheel, "packages")):
        yield _parent(package.rstrip("/")), "tool.hatch.build.targets.wheel.packages"
    sources = _table(wheel, "sources")
    if isinstance(sources, dict):
        yield from ((src, "tool.hatch.build.targets.wheel.sources") for src, dest in sources.items() if dest in ("", "."))
    else:
        yield from ((src, "tool.hatch.build.targets.wheel.sources") for src in _strings(sources))
    pdm = _table(tool, "pdm", "build", "package-dir")
    if isinstance(pdm, str):
        yield pdm, "tool.pdm.build.package-dir"
    maturin = _table(tool, "maturin", "python-source")
    if isinstance(maturin, str):
        yield maturin, "tool.maturin.python-source"


def _package_dir(mapping: Mapping[str, Any], key: str) -> Iterator[tuple[str, str]]:
    """``{"": "src"}`` makes ``src`` a root; ``{"shop": "lib/shop"}`` makes ``lib`` one."""
    for package, folder in mapping.items():
        if not isinstance(folder, str):
            continue
        if package == "":
            yield folder, key
        elif folder.rstrip("/").rpartition("/")[2] == package.rpartition(".")[2]:
            yield _parent(folder.rstrip("/")), key


def _from_setup_cfg(text: str) -> Iterator[tuple[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    if parser.has_option("options.packages.find", "where"):
        for where in parser.get("options.packages.find", "where").split():
            yield where, "options.packages.find.where"
    if parser.has_option("options", "package_dir"):
        mapping = {}
        for line in parser.get("options", "package_dir").splitlines():
            package, sep, folder = line.partition("=")
            if sep:
                mapping[package.strip()] = folder.strip()
        yield from _package_dir(mapping, "options.package_dir")


def _from_setup_py(text: str) -> Iterator[tuple[str, str]]:
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for kw in node.keywords:
            if kw.arg == "package_dir" and isinstance(kw.value, ast.Dict):
                mapping = {
                    k.value: v.value
                    for k, v in zip(kw.value.keys, kw.value.values)
                    if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Constant)
                }
                yield from _package_dir(mapping, "package_dir")
        if callee in ("find_packages", "find_namespace_packages"):
            where = [kw.value for kw in node.keywords if kw.arg == "where"] or node.args[:1]
            if where and isinstance(where[0], ast.Constant) and isinstance(where[0].value, str):
                yield where[0].value, f"{callee}(where=...)"


_PARSERS = {"pyproject.toml": _from_pyproject, "setup.cfg": _from_setup_cfg, "setup.py": _from_setup_py}
