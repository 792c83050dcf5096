"""User-supplied regular expressions: compiled once, every match bounded in time (the `regex` package's timeout)."""

from __future__ import annotations

import os
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
        try:
            self._compiled = regex.compile(source, flags | regex.V0)
        except regex.error as exc:
            raise UserError(Problem(self.location, f"pattern `{source}` is not a valid regular expression: {exc}")) from None

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


__all__ = ["DEFAULT_TIMEOUT_SECONDS", "TIMEOUT_ENV", "TIMEOUT_SECONDS", "UserPattern", "user_pattern"]
