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
# compiles it with ``exec``. libcst defines about 230 frozen dataclasses: compiling their methods
# (about 1,000 ``exec`` calls, 620 distinct sources) is about half of what importing libcst
# costs, and every run that parses pays it again. Python caches the bytecode of modules in
# __pycache__, never that of such generated code; this module does, keyed by the exact source
# text, in one file per Python bytecode format.

# Bump when what the file holds changes meaning.
FORMAT = 2
# A shard grown past this (libcst upgrades leave old entries behind) is rewritten with only the
# entries the saving process used.
MAX_ENTRIES = 4_000
# Names the folder to keep the file in, instead of the user's cache folder.
FOLDER_VARIABLE = "PRODUCTOPS_LINT_CODE_CACHE"
# inspect.CO_OPTIMIZED, without importing inspect: a function's frame, not a module's or a class's.
_OPTIMIZED = 0x1
# ``exec`` compiles its source with the future features of the code that calls it; the cache
# holds only code compiled with none, which is how `dataclasses` itself is written.
_FUTURE_FLAGS = sum(getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)


class CodeCache:
    """Compiled code by source text, in one shard per top-level package, each read on first use.

    A process reads only the shards of the packages it defines dataclasses in: the main process
    of a run over one file never reads libcst's, which its warm worker alone imports.
    """

    def __init__(self, path: str, shards: dict[str, bytes]) -> None:
        self.path = path
        self._stored = shards  # shard -> its marshalled entries, as the file holds them
        self.known: dict[str, dict[str, CodeType]] = {}  # the shards read so far
        self.fresh: dict[str, dict[str, CodeType]] = {}  # compiled by this process
        self.used: dict[str, set[str]] = {}

    def entries(self, shard: str) -> dict[str, CodeType]:
        """The shard's entries from the file (none if it has none or they are unreadable)."""
        known = self.known.get(shard)
        if known is None:
            known = self.known[shard] = _entries(self._stored.get(shard))
        return known

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``exec`` as `dataclasses` calls it, with source text replaced by its cached compiled code."""
        if type(source) is str:
            caller = sys._getframe(1)
            if globals is None:  # as exec does: the caller's namespaces, not this method's
                globals = caller.f_globals
                if locals is None:  # since 3.13 (PEP 667), a snapshot of a function's locals
                    snapshot = sys.version_info >= (3, 13) and caller.f_code.co_flags & _OPTIMIZED
                    locals = dict(caller.f_locals) if snapshot else caller.f_locals
            flags = caller.f_code.co_flags & _FUTURE_FLAGS
            if flags:  # not what the cache holds: compile as exec would have
                source = compile(source, "<string>", "exec", flags, True)
            else:
                shard = _shard(globals)
                code = self.entries(shard).get(source)
                if code is None:
                    fresh = self.fresh.setdefault(shard, {})
                    code = fresh.get(source)
                    if code is None:
                        code = fresh[source] = compile(source, "<string>", "exec", 0, True)
                self.used.setdefault(shard, set()).add(source)
                source = code
        builtins.exec(source, globals, locals, **options)

    def save(self) -> None:
        """Merge what this process compiled into the file, replacing it in one step; best effort.

        Nothing is written where Python writes no byte code either (``PYTHONDONTWRITEBYTECODE``).
        """
        if not self.fresh or sys.dont_write_bytecode:
            return
        shards = _read(self.path)  # as it is now: another run may have saved meanwhile
        for shard, fresh in self.fresh.items():
            merged = {**_entries(shards.get(shard)), **fresh}
            if len(merged) > MAX_ENTRIES:
                merged = {source: merged[source] for source in self.used.get(shard, ()) if source in merged}
            shards[shard] = marshal.dumps(merged)
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(marshal.dumps((MAGIC_NUMBER, FORMAT, shards)))
            os.replace(tmp, self.path)  # a reader sees the old file or the new, never a mix
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        for shard, fresh in self.fresh.items():
            self.entries(shard).update(fresh)
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


def _read(path: str) -> dict[str, bytes]:
    """The file's shards; none if it is missing, cut short, foreign, or from another bytecode format."""
    try:
        with open(path, "rb") as handle:
            magic, version, shards = marshal.loads(handle.read())
    except Exception:  # noqa: BLE001 - missing, unreadable, truncated, or not ours: start afresh
        return {}
    if magic != MAGIC_NUMBER or version != FORMAT or not isinstance(shards, dict):
        return {}
    return {shard: blob for shard, blob in shards.items() if isinstance(shard, str) and isinstance(blob, bytes)}


def _entries(blob: bytes | None) -> dict[str, CodeType]:
    """One shard's entries, read from its bytes; none if they are missing or unreadable."""
    if blob is None:
        return {}
    try:
        entries = marshal.loads(blob)
    except Exception:  # noqa: BLE001 - cut short or foreign
        return {}
    return entries if isinstance(entries, dict) else {}


def _shard(namespace: Any) -> str:
    """The top-level package of the module whose namespace a method is compiled in."""
    name = namespace.get("__name__") if isinstance(namespace, dict) else None
    return name.partition(".")[0] if isinstance(name, str) else ""
