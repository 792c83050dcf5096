"""Which lines of a file a review comment may point at: the new-side lines of its patch's hunks."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Hunk:
    """New-side line range [start, end] of one hunk, inclusive."""

    start: int
    end: int

    def contains(self, first: int, last: int) -> bool:
        return self.start <= first <= last <= self.end


def hunks(patch: str | None) -> list[Hunk]:
    """The hunks of a GitHub ``patch`` (None for binary files or diffs too large to show)."""
    out: list[Hunk] = []
    for line in (patch or "").splitlines():
        match = _HUNK.match(line)
        if match:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            if count:
                out.append(Hunk(start, start + count - 1))
    return out


def commentable(patch: str | None, first: int, last: int) -> bool:
    """Whether lines first..last of the new file lie inside one hunk, as GitHub requires of a
    (multi-line) review comment."""
    return any(h.contains(first, last) for h in hunks(patch))
