"""Dataclass methods compiled once and kept between runs, so that a console script's imports do not compile them again."""

from __future__ import annotations

import __future__
import builtins
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from types import CodeType
from typing import Any

# `dataclasses` writes the source of every generated method (``__init__``, ``__eq__``, ...) and
# compiles it with ``exec``. libcst defines about 230 frozen dataclasses: compiling their 800
# methods is about half of what importing libcst costs, and every run that parses pays it again.
# Python caches the bytecode of modules in __pycache__, never that of such generated code; this
# module does, keyed by the exact source text, in one file per Python bytecode format.

# Bump when what the file holds changes meaning.
FORMAT = 1
# A file grown past this (libcst upgrades leave old entries behind) is rewritten with only the
# entries the saving process used.
MAX_ENTRIES = 4_000
# Names the folder to keep the file in, instead of the user's cache folder.
FOLDER_VARIABLE = "PRODUCTOPS_LINT_CODE_CACHE"
# ``exec`` compiles its source with the future features of the code that calls it; the cache
# holds only code compiled with none, which is how `dataclasses` itself is written.
_FUTURE_FLAGS = sum(getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)


class CodeCache:
    """Compiled code by source text: what the file held, and what this process compiled or used."""

    def __init__(self, path: str, known: dict[str, CodeType]) -> None:
        self.path, self.known = path, known
        self.fresh: dict[str, CodeType] = {}
        self.used: set[str] = set()

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``exec`` as `dataclasses` calls it, with source text replaced by its cached compiled code."""
        if type(source) is str:
            flags = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
            if flags:  # not what the cache holds: compile as exec would have
                source = compile(source, "<string>", "exec", flags, True)
            else:
                code = self.known.get(source) or self.fresh.get(source)
                if code is None:
                    code = self.fresh[source] = compile(source, "<string>", "exec", 0, True)
                self.used.add(source)
                source = code
        builtins.exec(source, globals, locals, **options)

    def save(self) -> None:
        """Merge what this process compiled into the file, replacing it in one step; best effort.

        Nothing is written where Python writes no byte code either (``PYTHONDONTWRITEBYTECODE``).
        """
        if not self.fresh or sys.dont_write_bytecode:
            return
        merged = {**_read(self.path), **self.fresh}
        if len(merged) > MAX_ENTRIES:
            merged = {source: merged[source] for source in self.used if source in merged}
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(marshal.dumps((MAGIC_NUMBER, FORMAT, merged)))
            os.replace(tmp, self.path)  # a reader sees the old file or the new, never a mix
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        self.known.update(self.fresh)
        self.fresh = {}


# The cache this process's `dataclasses` uses, once ``install`` ran.
active: CodeCache | None = None


def install() -> CodeCache | None:
    """Make `dataclasses` compile through the cache file, for this process and those it forks.

    Where `dataclasses` does not look ``exec`` up among its globals, nothing calls the cache and
    nothing changes. Does nothing when something else already replaced it.
    """
    global active
    if active is not None:
        return active
    import dataclasses

    if "exec" in vars(dataclasses):
        return None
    path = os.path.join(folder(), f"dataclass-code-{sys.implementation.cache_tag}.marshal")
    active = CodeCache(path, _read(path))
    dataclasses.exec = active.exec  # type: ignore[attr-defined]
    return active


def uninstall() -> None:
    """Give `dataclasses` back its own ``exec``."""
    global active
    import dataclasses

    if active is not None and getattr(dataclasses, "exec", None) == active.exec:
        del dataclasses.exec  # type: ignore[attr-defined]
    active = None


def save() -> None:
    """Keep what this process compiled for the next run, if ``install`` ran."""
    if active is not None:
        active.save()


def folder() -> str:
    """Where the file lives: ``$PRODUCTOPS_LINT_CODE_CACHE``, else the user's cache folder."""
    chosen = os.environ.get(FOLDER_VARIABLE)
    if chosen:
        return chosen
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:  # the XDG base directory rule: an unset or relative XDG_CACHE_HOME means ~/.cache
        base = os.environ.get("XDG_CACHE_HOME", "")
        if not os.path.isabs(base):
            base = os.path.expanduser("~/.cache")
    return os.path.join(base, "productops-lint")


def _read(path: str) -> dict[str, CodeType]:
    """The file's entries; none if it is missing, cut short, foreign, or from another bytecode format."""
    try:
        with open(path, "rb") as handle:
            magic, version, entries = marshal.loads(handle.read())
    except Exception:  # noqa: BLE001 - missing, unreadable, truncated, or not ours: start afresh
        return {}
    if magic != MAGIC_NUMBER or version != FORMAT or not isinstance(entries, dict):
        return {}
    return entries
