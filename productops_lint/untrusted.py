"""Text from a pull request or a ticket tracker quoted in the Markdown the App and `pr check` post: no HTML or markers, no mentions, no fence break-out."""

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
    """``text`` on one line (a newline could start a new Markdown block) and made inert, brackets
    included: ``[text](url)`` in a ticket title would otherwise post a link as the bot."""
    return neutral(" ".join(text.splitlines())).replace("[", "\\[").replace("]", "\\]")


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


# A link GitHub renders as it reads: http(s), and nothing that ends the target early.
_SAFE_URL = re.compile(r"https?://[^\s()<>\[\]`\"']+")


def link(text: str, url: str | None) -> str:
    """``[text](url)`` with ``text`` made inert; the text alone when ``url`` is not a plain http(s) address."""
    shown = inline(text)
    return f"[{shown}]({url})" if url and _SAFE_URL.fullmatch(url) else shown
