"""The sound pre-filter: which files can hold a tracking call, decided from bytes and import lines alone.

Resolution only ever reaches a tracker through an import: of an SDK module, or of an *export* of
the project (a qualified name that leads to a tracker: a wrapper, a client, a class holding one, or
a name re-exporting one). So a file needs (1) an SDK's name or an export's last name somewhere in
its bytes, and (2) an import statement of the SDK, of the export, or of a module above the export
with the rest of its dotted path spelled out in the file. Stage (1) searches the bytes for each
word; stage (2) reads import lines without parsing Python. A file that fails either could not
have resolved to a tracker, so skipping it changes no finding. New exports found while analysing
(inferred wrappers) widen both stages, and the files skipped so far are looked at again.
"""

from __future__ import annotations

import re
from typing import Iterable

_IMPORT = re.compile(
    r"(?:^|;)[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|[^\n#;]*)"
    r"|import[ \t]+(?P<mods>[^\n#;]*))",
    re.M,
)


# The `http` preset's clients are in every other project, so importing one admits nothing: the
# URL must be spelled out. A file that spells an ingestion host passes (it sends, or defines the
# URL constant, which is then an export); INGESTION_WORDS get such files through stage 1.
INGESTION_HOSTS = (
    "heapanalytics.com", "mixpanel.com", "posthog.com", "rudderlabs.com", "rudderstack.com", "segment.io", "segmentapis.com",
)
INGESTION_WORDS = ("heapanalytics", "mixpanel", "posthog", "rudderlabs", "rudderstack", "segment", "segmentapis")

# What `\b` counts as a word character in a bytes pattern: ASCII letters, digits and `_`.
_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Words:
    """Stage 1: whole words to find in a file's bytes.

    Each word is looked for with a plain substring search (C ``memmem``), which rejects almost
    every file; only its occurrences are then checked for word boundaries. That answers as the
    regular expression ``\b(?:word|...)\b`` would (a whole-word occurrence of an identifier
    is a whole run of word characters, so no two can overlap), without scanning a whole file
    once per candidate. Words that are not identifiers go to that expression instead.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted({n for n in names if n}))
        self.name_set = frozenset(self.names)
        plain = {n for n in self.names if n.isascii() and n.isidentifier()}
        self._needles = tuple((n.encode(), n) for n in self.names if n in plain)
        other = [n.encode() for n in self.names if n not in plain]
        self._pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n) for n in other) + rb")\b") if other else None

    def __bool__(self) -> bool:
        return bool(self.names)

    def find(self, data: bytes) -> set[str]:
        found: set[str] = set()
        size = len(data)
        for needle, name in self._needles:
            at = data.find(needle)
            while at != -1:
                end = at + len(needle)
                if (at == 0 or data[at - 1] not in _WORD) and (end == size or data[end] not in _WORD):
                    found.add(name)
                    break
                at = data.find(needle, at + 1)
        if self._pattern is not None:
            found.update(m.decode() for m in self._pattern.findall(data))
        return found


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
    # Old-Mac `\r` and Windows `\r\n` line ends count as line ends; backslash continuations join.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\\\n", " ")
    for match in _IMPORT.finditer(text):
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
    """Stage 2: does a file import an SDK, or an *export* that leads to a tracker?

    Exports are qualified names (``app.tracking.track_event``, ``app.clients.mp``): wrappers,
    clients, classes holding one, and names that re-export them. A file passes when it imports
    an export (or something inside one), or a module above an export and spells out the rest of
    the export's dotted path, or any SDK module.
    """

    def __init__(self, sdk_roots: Iterable[str], exports: Iterable[str]) -> None:
        self.sdk_roots = set(sdk_roots)
        self.exports = set(exports)
        # Module or package -> the exports below it, for `import pkg.mod` then `pkg.mod.name(...)`.
        self.below: dict[str, list[str]] = {}
        for export in self.exports:
            parts = export.split(".")
            for i in range(1, len(parts)):
                self.below.setdefault(".".join(parts[:i]), []).append(export)

    def admits(self, text: str, module: str, is_package: bool) -> bool:
        # A module that defines an export (a declared wrapper's own module) calls it without importing it.
        if module in self.below:
            return True
        if any(host in text for host in INGESTION_HOSTS):
            return True
        for name in imported_names(text, module, is_package):
            parts = name.split(".")
            if parts[0] in self.sdk_roots:
                return True
            if any(".".join(parts[:i]) in self.exports for i in range(1, len(parts) + 1)):
                return True
            for export in self.below.get(name, ()):
                rest = export[len(name) + 1 :].split(".")
                if all(re.search(rf"\b{re.escape(seg)}\b", text) for seg in rest):
                    return True
        return False
