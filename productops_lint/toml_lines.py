"""Where keys and values are written in pyproject.toml text: tomllib keeps no positions, config messages need them."""

from __future__ import annotations

import re

# A table header, `[tool.x]` or `[[tool.x]]` (not an array value such as `[1, 2]`).
_HEADER = re.compile(r"\s*\[\[?\s*[A-Za-z\"']")
_KEY_LINE = re.compile(r"\s*[\w\"'-]+\s*=")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")


def _key(stripped: str) -> str:
    return stripped.split("=", 1)[0].strip().strip("\"'")


def _header(stripped: str) -> str:
    return stripped.replace(" ", "").strip("[]")


def split_toml_error(message: str, text: str) -> tuple[str, int, int]:
    """tomllib's message without its "(at line N, column M)" suffix, and that line and column."""
    found = _TOML_POSITION.search(message)
    if found:
        return message[: found.start()], int(found.group(1)), int(found.group(2))
    at_end = _TOML_AT_END.search(message)
    if at_end:
        return message[: at_end.start()], max(len(text.splitlines()), 1), 0
    return message, 0, 0


def line_of(text: str, key: str) -> int:
    """Line of ``key`` in the [tool.productops] table or a sub-table, or of a header naming it; 0 if not found."""
    in_table = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if _HEADER.match(stripped):
            header = _header(stripped)
            in_table = header == "tool.productops" or header.startswith("tool.productops.")
            if in_table and header.rsplit(".", 1)[-1] == key:
                return number
            continue
        if in_table and _key(stripped) == key:
            return number
    return 0


def value_at(text: str, key: str, value: str) -> tuple[int, int]:
    """Line and 1-based column of the string ``value`` in ``key``'s array (which may span lines), else the key's line."""
    start = line_of(text, key)
    lines = text.splitlines()
    for number in range(start, len(lines) + 1) if start else ():
        line = lines[number - 1]
        if number > start and (_HEADER.match(line) or _KEY_LINE.match(line)):
            break
        for quoted in (f'"{value}"', f"'{value}'"):
            if quoted in line:
                return number, line.index(quoted) + 1
    return start, 0


def wrapper_line(text: str, index: int, key: str | None) -> int:
    """Line of ``key`` in the ``index``-th (0-based) ``[[tool.productops.wrappers]]`` table, else of its header.

    Falls back to the line of `wrappers` itself, for the inline form ``wrappers = [{...}]``.
    """
    seen, start = -1, 0
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.split("#", 1)[0].strip()
        if _HEADER.match(stripped):
            if start:
                break
            if stripped.startswith("[[") and _header(stripped) == "tool.productops.wrappers":
                seen += 1
                start = number if seen == index else 0
        elif start and key and _key(stripped) == key:
            return number
    return start or line_of(text, "wrappers")
