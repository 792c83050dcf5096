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


class ModuleIndex:
    """Module name -> its file: what ``module_name`` over every file gives, asked one name at a time.

    Where several files have one name, the first in path order answers. A run over one changed
    file asks a few dozen names of a project of 10,000 files: looking up the files each name can
    be (two per import root) costs less than naming every file (about 8 ms).
    """

    def __init__(self, paths: Iterable[str], src_roots: Sequence[str] = (".",)) -> None:
        """``paths``: relative POSIX paths with no empty part, as every source provider lists them."""
        self._src = tuple(src_roots)
        roots = {root.strip("/") for root in src_roots} - {"", "."}
        # "" as well: a file under no root is named from the project root (module_name).
        self._prefixes = ["", *sorted(root + "/" for root in roots)]
        self._paths = set(paths)
        # Files that no name maps back to by replacing dots: a dot in a folder or file name, a
        # file that is not .py, a root that is itself a file. Rare, so named up front. When the
        # joined paths show that every path ends in ".py" and has no other dot, only the roots
        # are tested, not each of 10,000 files.
        joined = "\0".join(self._paths) + "\0"
        plain = joined.count(".py\0") == len(self._paths) == joined.count(".")
        self._odd: dict[str, list[str]] = {}
        for path in roots & self._paths if plain else self._paths:
            if path.count(".") != 1 or not path.endswith(".py") or path in roots:
                self._odd.setdefault(module_name(path, self._src), []).append(path)
        self._answers: dict[str, str | None] = {}

    def get(self, name: str) -> str | None:
        """The file of module ``name``, or None."""
        if name in self._answers:
            return self._answers[name]
        rel = name.replace(".", "/")
        endings = (rel + ".py", rel + "/__init__.py") if name else ("__init__.py",)
        found = [
            candidate
            for prefix in self._prefixes
            for ending in endings
            if (candidate := prefix + ending) in self._paths and module_name(candidate, self._src) == name
        ]
        found.extend(self._odd.get(name, ()))
        answer = self._answers[name] = min(found) if found else None
        return answer

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None
