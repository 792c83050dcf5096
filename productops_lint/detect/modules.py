"""Module names: from a file path under the import roots, and of a relative import seen in a module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:
    from libcst.metadata import CodeRange

from ..types import Span


def span_of(rng: CodeRange) -> Span:
    return Span(rng.start.line, rng.start.column, rng.end.line, rng.end.column)


def absolutize(name: str, module: str, is_package: bool) -> str:
    """Turn ``..events.ORDER`` seen in ``module`` into an absolute qualified name."""
    if not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(dots - 1):
        package = package.rpartition(".")[0]
    rest = name[dots:]
    return f"{package}.{rest}" if package and rest else (package or rest)


def module_name(path: str, src_roots: Sequence[str] = (".",)) -> str:
    """Module name of a relative POSIX path under the longest matching import root."""
    best = ""
    for root in src_roots:
        root = root.strip("/")
        if root in ("", "."):
            candidate = ""
        elif path == root or path.startswith(root + "/"):
            candidate = root + "/"
        else:
            continue
        if len(candidate) >= len(best):
            best = candidate
    rel = path[len(best):]
    rel = rel[:-3] if rel.endswith(".py") else rel
    parts = [p for p in rel.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_table(paths: Iterable[str], src_roots: Sequence[str] = (".",)) -> dict[str, str]:
    """Module name -> the first of ``paths`` with that name: ``module_name`` over a whole project in one loop."""
    # Longest first, so the first root that matches is the one module_name picks.
    roots = sorted({r.strip("/") for r in src_roots} - {"", "."}, key=len, reverse=True)
    prefixes = [(root + "/", root) for root in roots]
    table: dict[str, str] = {}
    for path in paths:
        rel = path
        for prefix, root in prefixes:
            if path.startswith(prefix) or path == root:
                rel = path[len(prefix) :]
                break
        if rel.endswith(".py"):
            rel = rel[:-3]
        if "//" in rel or rel.startswith("/") or rel.endswith("/"):
            name = ".".join(part for part in rel.split("/") if part)
        else:
            name = rel.replace("/", ".")
        if name == "__init__":
            name = ""
        elif name.endswith(".__init__"):
            name = name[:-9]
        table.setdefault(name, path)
    return table
