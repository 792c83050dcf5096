"""The sound pre-filter: which files can hold a tracking call, decided from bytes and import lines alone.

Resolution only ever reaches a tracker through an import: of an SDK module, or of an *export* of
the project (a qualified name that leads to a tracker: a wrapper, a client, a class holding one, or
a name re-exporting one). So a file needs (1) an SDK's name or an export's last name somewhere in
its bytes, and (2) an import statement of the SDK, of the export, or of a module above the export
with the rest of its dotted path spelled out in the file. Stage (1) searches the bytes for each
word; stage (2) reads import lines without parsing Python. A file that fails either could not
have resolved to a tracker, so skipping it changes no finding. The one other way in is a call on
a receiver nothing types, resolved by an attribute name one tracker class alone defines: such a
name is an export ``?.name``, and a file that accesses ``.name`` passes stage 2. New exports found while analysing
(inferred wrappers) widen both stages, and the files skipped so far are looked at again.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

# One import statement, matched where a line or a `;` starts it. The scan only tries the places
# just before each occurrence of the word `import` (found with a substring search), instead of
# letting the expression try every position of the file.
_STATEMENT = re.compile(
    r"[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\((?:[^)#]|\#[^\n]*)*\)|[^\n#;]*)"
    r"|import[ \t]+(?P<mods>[^\n#;]*))"
)


def _statements(text: str) -> Iterator[re.Match[str]]:
    """Every import statement of ``text``, as a scan from each line start and each `;` would find them."""
    end = 0
    at = text.find("import")
    while at != -1:
        line = text.rfind("\n", 0, at) + 1
        start = text.rfind(";", line, at) + 1 or line
        if start >= end:  # not inside the statement found last (a parenthesized list)
            match = _STATEMENT.match(text, start)
            if match is not None:
                end = match.end()
                yield match
        at = text.find("import", at + 6)


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


# A comment inside a parenthesized `from x import (a,  # note` list.
_COMMENT = re.compile(r"#[^\n]*")


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` (an identifier) occurs in ``text`` as a whole word, as `\\bword\\b` would find it.

    A substring search finds each occurrence; only those are checked for word boundaries (what
    `\\w` counts as a word character in a str pattern: ``isalnum()`` or `_`).
    """
    size = len(text)
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        before = text[at - 1] if at else " "
        after = text[end] if end < size else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        at = text.find(word, at + 1)
    return False


def _bound_name(part: str) -> str:
    """The dotted name one comma-separated item of an import statement imports (`a.b as c` -> `a.b`)."""
    tokens = part.split()
    return tokens[0].strip("()") if tokens else ""


def _joined(text: str) -> str:
    """``text`` with old-Mac `\\r` and Windows `\\r\\n` line ends as `\\n`, and backslash continuations joined."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\\\n" in text:
        text = text.replace("\\\n", " ")
    return text


def imported_names(text: str, module: str, is_package: bool) -> set[str]:
    """Every absolute dotted name an import statement of ``text`` binds (modules and ``module.name``)."""
    return names_of(_statements(_joined(text)), module, is_package)


def names_of(statements: Iterable[re.Match[str]], module: str, is_package: bool) -> set[str]:
    """The absolute dotted names the matched import statements bind."""
    return {name for match in statements for name in _statement_names(match, module, is_package)}


def _statement_names(match: re.Match[str], module: str, is_package: bool) -> Iterator[str]:
    if match.group("mods") is not None:
        for part in match.group("mods").split(","):
            name = _bound_name(part)
            if name:
                yield name
        return
    base = _absolute(match.group("base"), module, is_package)
    if base:
        yield base
    names = match.group("names")
    if names.startswith("("):
        names = _COMMENT.sub("", names).strip("()")
    for part in names.split(","):
        name = _bound_name(part)
        if name and name != "*":
            yield f"{base}.{name}" if base else name


# Each ingestion host as the text after its first dot and the names that precede it there
# (`.com`: mixpanel, posthog, ...): a file is searched once per suffix, not once per host.
_HOST_SUFFIXES: dict[str, tuple[str, ...]] = {}
for _host in INGESTION_HOSTS:
    _name, _, _rest = _host.partition(".")
    _HOST_SUFFIXES["." + _rest] = (*_HOST_SUFFIXES.get("." + _rest, ()), _name)


def spells_host(text: str) -> bool:
    """Whether ``text`` contains one of INGESTION_HOSTS (as ``any(host in text ...)`` answers)."""
    for suffix, names in _HOST_SUFFIXES.items():
        at = text.find(suffix)
        while at != -1:
            if text.endswith(names, 0, at):
                return True
            at = text.find(suffix, at + 1)
    return False


class ImportGate:
    """Stage 2: does a file import an SDK, or an *export* that leads to a tracker?

    Exports are qualified names (``app.tracking.track_event``, ``app.clients.mp``): wrappers,
    clients, classes holding one, and names that re-export them. A file passes when it imports
    an export (or something inside one), or a module above an export and spells out the rest of
    the export's dotted path, or any SDK module.

    Everything the gate compares with is a dotted name starting with an SDK root or with an
    export's first segment (its ``tops``), so an import of anything else is dismissed with one
    set lookup; only an import of a module above an export has the rest of the export's path
    searched for, one substring search per segment.
    """

    def __init__(self, sdk_roots: Iterable[str], exports: Iterable[str]) -> None:
        self.sdk_roots = set(sdk_roots)
        self.exports = set(exports)
        # Module or package -> the rest of each export below it, for `import pkg.mod` then `pkg.mod.name(...)`.
        self.below: dict[str, list[tuple[str, ...]]] = {}
        for export in self.exports:
            parts = export.split(".")
            for i in range(1, len(parts)):
                self.below.setdefault(".".join(parts[:i]), []).append(tuple(parts[i:]))
        self._tops = frozenset(self.sdk_roots | {e.partition(".")[0] for e in self.exports})
        attributes = [e[2:] for e in self.exports if e.startswith("?.")]
        self._attributes = (
            re.compile(r"\.\s*(?:" + "|".join(re.escape(a) for a in attributes) + r")\b") if attributes else None
        )

    def admits(self, text: str, module: str, is_package: bool) -> bool:
        # A module that defines an export (a declared wrapper's own module) calls it without importing it.
        if module in self.below:
            return True
        if spells_host(text):
            return True
        # `?.log_api`: a tracker reached by an attribute name one class alone defines, on a
        # receiver no import types (detect/unique.py); the attribute access is the evidence.
        if self._attributes is not None and self._attributes.search(text):
            return True
        # Segment -> whether the file spells it: each is searched for once per file.
        spelled: dict[str, bool] = {}
        for match in _statements(_joined(text)):
            base = match.group("base")
            # Every name of `from pkg.mod import ...` starts with `pkg`: one lookup dismisses them all.
            if base and base[0] != "." and base.partition(".")[0] not in self._tops:
                continue
            if self._admits_any(_statement_names(match, module, is_package), text, spelled):
                return True
        return False

    def _admits_any(self, names: Iterable[str], text: str, spelled: dict[str, bool]) -> bool:
        for name in names:
            top = name.partition(".")[0]
            if top not in self._tops:
                continue
            if top in self.sdk_roots:
                return True
            parts = name.split(".")
            if any(".".join(parts[:i]) in self.exports for i in range(1, len(parts) + 1)):
                return True
            for rest in self.below.get(name, ()):
                for seg in rest:
                    if seg not in spelled:
                        spelled[seg] = _spelled(text, seg)
                if all(spelled[seg] for seg in rest):
                    return True
        return False


def _spelled(text: str, segment: str) -> bool:
    """Whether ``segment`` of a dotted name occurs in ``text`` as a whole word."""
    if segment.isascii() and segment.isidentifier():
        return _has_word(text, segment)
    return re.search(rf"\b{re.escape(segment)}\b", text) is not None
