"""User-supplied regular expressions: compiled once, every match bounded in time (the `regex` package's timeout)."""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Callable, TypeVar

import regex

from .types import Location, Problem, UserError

DEFAULT_TIMEOUT_SECONDS = 0.25
TIMEOUT_ENV = "PRODUCTOPS_REGEX_TIMEOUT"
_T = TypeVar("_T")


def _timeout_from_env() -> float:
    try:
        value = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS
    return value if value > 0 else DEFAULT_TIMEOUT_SECONDS


# Per search, not per run: a legitimate pattern on a name or a value takes microseconds, so a
# quarter second only ever stops catastrophic backtracking (`^(a|aa)+$` on 40 `a`s and a `!`).
TIMEOUT_SECONDS = _timeout_from_env()


# The `regex` engine unrolls counted repeats as it compiles: `(?:x{65535}){65535}`, 19 characters in a
# rule file, would ask for four billion items. A pattern may unroll to this many at most.
MAX_UNROLLED_ITEMS = 100_000
_COUNTED = re.compile(r"\{(\d*)(?:,(\d*))?\}")


def _class_end(source: str, start: int) -> int:
    """The index after the character class opening at ``start`` (`[]a]` and `[^]a]` hold a `]`)."""
    i = start + 1
    if source.startswith("^", i):
        i += 1
    if source.startswith("]", i):
        i += 1
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i + 1


def unrolled_size(source: str, limit: int = MAX_UNROLLED_ITEMS) -> int:
    """An upper bound of the items ``source`` compiles to once its counted repeats are unrolled.

    A linear scan that stops as soon as the count passes ``limit``: alternatives are added up
    rather than compared, group syntax such as `?:` counts as items, so the bound is generous.
    """
    groups = [0]  # items so far in each open group, outermost first
    last = 0  # items of what a quantifier right here would repeat
    i = 0
    while i < len(source) and sum(groups) <= limit:
        char = source[i]
        counted = _COUNTED.match(source, i) if char == "{" else None
        if char == "(":
            groups.append(0)
            last, i = 0, i + 1
        elif char == ")" and len(groups) > 1:
            last = groups.pop()
            groups[-1] += last
            i += 1
        elif counted is not None and (counted.group(1) or counted.group(2)):
            times = int(counted.group(2) or counted.group(1))
            groups[-1] += last * (max(times, 1) - 1)
            last, i = last * times, counted.end()
        elif char in "*+?|":
            last, i = (0 if char == "|" else last), i + 1
        else:
            i = i + 2 if char == "\\" else _class_end(source, i) if char == "[" else i + 1
            last = 1
            groups[-1] += 1
    return sum(groups)


def pattern_error(source: str) -> str | None:
    """Why ``source`` cannot be a user pattern, worded to follow its name; None when it can.

    Python's own syntax and messages (`re`), then what would stop the `regex` engine compiling
    it: nesting too deep for its recursive compiler, or too many unrolled repeats.
    """
    if unrolled_size(source) > MAX_UNROLLED_ITEMS:
        return f"is too large: more than {MAX_UNROLLED_ITEMS} items once its counted repeats `{{n}}` are unrolled"
    try:
        re.compile(source)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    except RecursionError:
        return "is nested too deeply to compile"
    return None


class UserPattern:
    """A pattern from a rule file or the command line; a search over the time bound is a UserError at ``location``.

    Python's `re` cannot be interrupted, so a rule file could hang every run; the `regex` package
    (in its `re`-compatible V0 mode) stops a match after a timeout. Once a pattern was too slow it
    stays so, and every later search fails at once instead of waiting again.
    """

    def __init__(self, source: str, flags: int = 0, location: Location | None = None) -> None:
        self.pattern = source
        self.location = location or Location("<pattern>")
        self._slow: Problem | None = None
        reason = pattern_error(source)
        if reason is not None:
            raise UserError(Problem(self.location, f"pattern `{source}` {reason}"))
        try:
            self._compiled = regex.compile(source, flags | regex.V0)
        except regex.error as exc:
            raise UserError(Problem(self.location, f"pattern `{source}` is not a valid regular expression: {exc}")) from None
        except RecursionError:
            raise UserError(Problem(self.location, f"pattern `{source}` is nested too deeply to compile")) from None

    def search(self, text: str, pos: int = 0) -> regex.Match[str] | None:
        return self._bounded(lambda timeout: self._compiled.search(text, pos, timeout=timeout), text)

    def match(self, text: str) -> regex.Match[str] | None:
        return self._bounded(lambda timeout: self._compiled.match(text, timeout=timeout), text)

    def fullmatch(self, text: str) -> regex.Match[str] | None:
        return self._bounded(lambda timeout: self._compiled.fullmatch(text, timeout=timeout), text)

    def finditer(self, text: str) -> list[regex.Match[str]]:
        """Every match, collected here so that the bound covers the whole scan."""
        return self._bounded(lambda timeout: list(self._compiled.finditer(text, timeout=timeout)), text)

    @property
    def too_slow(self) -> bool:
        return self._slow is not None

    def _bounded(self, run: Callable[[float], _T], text: str) -> _T:
        if self._slow is not None:
            raise UserError(self._slow)
        try:
            return run(TIMEOUT_SECONDS)
        except TimeoutError:
            shown = text if len(text) <= 60 else text[:57] + "..."
            # The same Problem every time, so a report lists the pattern once however often it was tried.
            self._slow = Problem(
                self.location,
                f"pattern too slow: `{self.pattern}` did not finish within {TIMEOUT_SECONDS:g} s on `{shown}`; "
                "avoid nested repetition such as `(a+)+`",
            )
            raise UserError(self._slow) from None


@lru_cache(maxsize=1024)
def user_pattern(source: str, flags: int = 0, location: Location | None = None) -> UserPattern:
    """``source`` compiled once per process (per location, so each reports where it was written)."""
    return UserPattern(source, flags, location)


__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "MAX_UNROLLED_ITEMS",
    "TIMEOUT_ENV",
    "TIMEOUT_SECONDS",
    "UserPattern",
    "pattern_error",
    "unrolled_size",
    "user_pattern",
]
