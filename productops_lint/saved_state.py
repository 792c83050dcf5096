"""How a run's ProjectState is kept in the cache: every file's digest in a base that many states share, the rest small."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .resume import STATE_FORMAT, ProjectState

if TYPE_CHECKING:
    from .engine import SummaryCache

# A state carries the digests that differ from its base itself, up to this many; past that the
# base is rewritten. Each costs every later run a dictionary entry, where a base costs a pickle of
# every file's digest (about 10 ms at 10,000 files).
DELTA_MAX = 256


@dataclass(frozen=True)
class _Stored:
    """A state as written: its digests are the base's of generation ``base``, updated by ``delta``."""

    state: ProjectState  # with no digests of its own
    base: str
    delta: dict[str, str]


@dataclass(frozen=True)
class Saved:
    """A state read from the cache (None: none, or unusable), and the digests base it was read with."""

    state: ProjectState | None
    base: tuple[str, dict[str, str]] | None = None


def base_key(key: str) -> str:
    return "digests-" + key


def load(cache: SummaryCache, key: str) -> Saved:
    """The state under ``key``; an old format, a missing entry or a base of another generation reads as none."""
    stored = cache.get(key)
    if not isinstance(stored, _Stored) or not isinstance(stored.state, ProjectState) or stored.state.format != STATE_FORMAT:
        return Saved(None)
    base = cache.get(base_key(key))
    # A base another run rewrote after this state was written: its digests would not be this state's.
    if not (isinstance(base, tuple) and len(base) == 2 and base[0] == stored.base and isinstance(base[1], dict)):
        return Saved(None)
    return Saved(replace(stored.state, digests={**base[1], **stored.delta}), base)


def store(cache: SummaryCache, key: str, new: ProjectState, saved: Saved) -> None:
    """Write ``new`` under ``key``: with a delta over the base it was read with when few digests moved.

    A state is written after its base, and names the base's generation, so a run that reads
    a state and a base of two different runs (two runs sharing the cache) sees no state.
    """
    if saved.base is not None:
        generation, digests = saved.base
        if digests.keys() == new.digests.keys():
            delta = {path: value for path, value in new.digests.items() if digests[path] != value}
            if len(delta) <= DELTA_MAX:
                cache.put(key, _Stored(replace(new, digests={}), generation, delta))
                return
    generation = os.urandom(16).hex()
    cache.put(base_key(key), (generation, new.digests))
    cache.put(key, _Stored(replace(new, digests={}), generation, {}))
