"""The sound pre-filter: which files can hold a tracking call, decided from bytes and import lines alone.

Resolution only ever reaches a tracker through an import: an SDK module, or a project module that
defines or re-exports a wrapper, client or tracker attribute ("relevant" modules). So a file needs
(1) the name of such a module somewhere in its bytes, and (2) an import statement of that module,
of something inside it, or of an ancestor package together with the rest of its dotted path. Stage
(1) is one regular expression over the bytes; stage (2) reads import lines without parsing Python.
Anything that fails both could not have resolved to a tracker, so skipping it changes no finding.
"""

from __future__ import annotations

import re
from typing import Iterable

_IMPORT = re.compile(
    r"(?:^|;)[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|[^\n#;]*)"
    r"|import[ \t]+(?P<mods>[^\n#;]*))",
    re.M,
)


def word_pattern(names: Iterable[str]) -> re.Pattern[bytes] | None:
    """Stage 1: any of ``names`` as a whole word."""
    names = sorted({n for n in names if n})
    if not names:
        return None
    return re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\b")


def _absolute(base: str, module: str, is_package: bool) -> str:
    dots = len(base) - len(base.lstrip("."))
    if not dots:
        return base
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(dots - 1):
        package = package.rpartition(".")[0]
    rest = base[dots:]
    return f"{package}.{rest}" if package and rest else (package or rest)


def imported_names(text: str, module: str, is_package: bool) -> set[str]:
    """Every absolute dotted name an import statement of ``text`` binds (modules and ``module.name``)."""
    out: set[str] = set()
    for match in _IMPORT.finditer(text.replace("\\\n", " ")):
        if match.group("mods") is not None:
            for part in match.group("mods").split(","):
                name = part.split(" as ")[0].strip()
                if name:
                    out.add(name)
            continue
        base = _absolute(match.group("base"), module, is_package)
        if base:
            out.add(base)
        for part in match.group("names").strip("()").split(","):
            name = part.split(" as ")[0].strip().strip("()")
            if name and name != "*":
                out.add(f"{base}.{name}" if base else name)
    return out


class ImportGate:
    """Stage 2: does a file import an SDK, or a relevant module (or its package plus the rest of the path)?"""

    def __init__(self, sdk_roots: Iterable[str], relevant_modules: Iterable[str]) -> None:
        self.sdk_roots = set(sdk_roots)
        self.relevant = set(relevant_modules)
        # Ancestor package -> the relevant modules below it, for `import pkg; pkg.sub.mod.f()`.
        self.below: dict[str, list[str]] = {}
        for rel in self.relevant:
            parts = rel.split(".")
            for i in range(1, len(parts)):
                self.below.setdefault(".".join(parts[:i]), []).append(rel)

    def admits(self, text: str, module: str, is_package: bool) -> bool:
        for name in imported_names(text, module, is_package):
            if name.split(".")[0] in self.sdk_roots:
                return True
            parts = name.split(".")
            if any(".".join(parts[:i]) in self.relevant for i in range(1, len(parts) + 1)):
                return True
            for rel in self.below.get(name, ()):
                rest = rel[len(name) + 1 :].split(".")
                if all(re.search(rf"\b{re.escape(seg)}\b", text) for seg in rest):
                    return True
        return False
