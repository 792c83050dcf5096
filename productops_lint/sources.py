"""Leaf module: where source comes from (the provider and cache protocols), how it is decoded, and
the diagnostics about a whole file. Imports only ``types`` and ``config``, so every layer may use it."""

from __future__ import annotations

import io
import tokenize
from typing import Iterable, Mapping, Protocol, TypeVar

from .config import Config, is_enabled, severity_for
from .types import Diagnostic, Severity, Span

_T = TypeVar("_T")


class SourceProvider(Protocol):
    """Where the engine gets Python source: the filesystem (CLI), a git tree (App), or a dict (tests)."""

    def paths(self) -> Iterable[str]:
        """Every Python file of the project, as relative POSIX paths."""
        ...

    def read(self, path: str) -> bytes | None:
        """The file's bytes, or None when it cannot be read."""
        ...


class SummaryCache(Protocol):
    """Per-file summaries keyed by content digest (the filesystem one lives in files/store.py)."""

    def get(self, key: str, kind: type[_T]) -> _T | None: ...

    def put(self, key: str, value: object) -> None: ...


class MemorySummaries:
    """A ``SummaryCache`` in memory, for a process that analyzes many trees (the App): the most
    recently used ``limit`` entries. Summaries are pure functions of their key (a file's text and
    module name), so one analysis may reuse another's."""

    def __init__(self, limit: int = 20_000) -> None:
        from collections import OrderedDict
        from threading import Lock

        self.limit = limit
        self._entries: OrderedDict[str, object] = OrderedDict()
        self._lock = Lock()  # the App's worker threads share one

    def get(self, key: str, kind: type[_T]) -> _T | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None or type(value) is not kind:
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: object) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)


class DictProvider:
    """Sources held in memory: ``{"pkg/mod.py": "code"}``."""

    def __init__(self, files: Mapping[str, str | bytes]) -> None:
        self._files = {p: (v.encode() if isinstance(v, str) else v) for p, v in files.items()}

    def paths(self) -> Iterable[str]:
        return list(self._files)

    def read(self, path: str) -> bytes | None:
        return self._files.get(path)


def decode_source(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    return text[1:] if text.startswith("\ufeff") else text


def file_diagnostic(code: str, path: str, line: int, col: int, message: str, config: Config) -> Diagnostic | None:
    """A diagnostic about a whole file (unparsable, undecodable, too large), if its code is enabled."""
    if not is_enabled(config, code)[0]:
        return None
    return Diagnostic(
        code=code,
        path=path,
        span=Span(max(line, 1), max(col, 0), max(line, 1), max(col, 0)),
        message=message,
        severity=severity_for(config, code, Severity.ERROR),
    )


def oversized_message(limit: int) -> str:
    """PO003's message for a file over ``limit`` bytes (the `max-file-size` option)."""
    mib, kib = 1024 * 1024, 1024
    size = f"{limit // mib} MiB" if limit % mib == 0 else f"{limit // kib} KiB" if limit % kib == 0 else f"{limit} bytes"
    return f"File is larger than {size} and was not analyzed"
