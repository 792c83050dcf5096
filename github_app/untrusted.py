"""Text from a pull request quoted in the App's Markdown: no HTML or markers, no mentions, no fence break-out."""

from __future__ import annotations

import re

# "<" that could open a tag or a comment (`<!-- productops-lint:... -->`, `<img`, `</details>`).
_TAG = re.compile(r"<(?=[A-Za-z/!?])")
# "@name" or "@org/team": GitHub would notify them from the bot's comment.
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
_TICKS = re.compile(r"`+")
# Invisible, and breaks the mention without changing what a reader sees.
_WORD_JOINER = "\u2060"


def neutral(text: str) -> str:
    """``text`` with tags, comments and mentions made inert; line breaks kept."""
    return _MENTION.sub("@" + _WORD_JOINER, _TAG.sub("&lt;", text))


def inline(text: str) -> str:
    """``text`` on one line (a newline could start a new Markdown block) and made inert."""
    return neutral(" ".join(text.splitlines()))


def _longest_ticks(text: str) -> int:
    return max((len(m) for m in _TICKS.findall(text)), default=0)


def code_span(text: str) -> str:
    """A code span showing ``text`` literally, whatever backticks it holds."""
    ticks = "`" * (_longest_ticks(text) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{' '.join(text.splitlines())}{pad}{ticks}"


def fenced(text: str, info: str = "") -> str:
    """A fenced block holding ``text`` (ending in a newline) that no line of it can close early."""
    fence = "`" * max(3, _longest_ticks(text) + 1)
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}{info}\n{body}{fence}\n"
