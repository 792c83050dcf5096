"""Fix builders the checks share: rewrite a string literal in place, rename an event or a property key."""

from __future__ import annotations

import ast
import io
import keyword
import tokenize

from ..registry.conventions import did_you_mean
from ..types import Applicability, Edit, Fix, PropertyArg, TrackingCall

_TRIPLE_QUOTES = ('"""', "'''")


def rewrite_string_literal(source: str, new_value: str) -> str:
    """A string literal spelling ``new_value`` with the prefix and quotes of ``source``.

    Raises ValueError when ``source`` is not one plain string literal (bytes, implicit
    concatenation and f-strings with placeholders cannot be rewritten as a whole).
    """
    text = source.strip()
    # The standard library's parser and tokenizer, not libcst's: the run that builds fixes has
    # often parsed everything in worker processes, and importing libcst here would cost more
    # than the rest of a one-file run.
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ValueError(f"not a string literal: {source!r}") from None
    if isinstance(node, ast.JoinedStr):
        # Only an f-string without placeholders spells a fixed name.
        if not all(isinstance(part, ast.Constant) for part in node.values):
            raise ValueError(f"f-string with placeholders: {source!r}")
    elif not (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))):
        raise ValueError(f"not a single string literal: {source!r}")
    if _literal_count(text) != 1:
        raise ValueError(f"not a single string literal: {source!r}")
    # The prefix and quotes as written (ast keeps only the value).
    start = min(i for i in (text.find('"'), text.find("'")) if i >= 0)
    prefix, rest = text[:start], text[start:]
    if "b" in prefix.lower():
        raise ValueError(f"bytes literal: {source!r}")
    quote = rest[:3] if rest[:3] in _TRIPLE_QUOTES else rest[0]

    if "r" in prefix.lower() and _fits_raw(new_value, quote):
        body = new_value
    else:
        # A raw literal cannot spell every value; drop the `r` rather than produce a wrong string.
        prefix = prefix.replace("r", "").replace("R", "")
        body = _escape(new_value, quote)
    if "f" in prefix.lower():
        body = body.replace("{", "{{").replace("}", "}}")
    result = f"{prefix}{quote}{body}{quote}"
    if _literal_value(result) != new_value:  # pragma: no cover - a bug in _escape, never a user error
        raise ValueError(f"could not spell {new_value!r} in the style of {source!r}")
    return result


def _literal_count(text: str) -> int:
    """How many string literals ``text`` holds (more than one: implicit concatenation)."""
    starts = {tokenize.STRING, getattr(tokenize, "FSTRING_START", tokenize.STRING)}  # 3.12 splits f-strings
    try:
        return sum(token.type in starts for token in tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return 0


def _fits_raw(value: str, quote: str) -> bool:
    return not (quote[0] in value or value.endswith("\\") or not value.isprintable())


def _escape(value: str, quote: str) -> str:
    triple = len(quote) == 3
    out: list[str] = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == quote[0]:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\n" if triple else "\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _literal_value(text: str) -> str | None:
    """The value a plain string or placeholder-free f-string literal spells, else None."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def unique_suggestion(name: str, candidates: list[str]) -> tuple[str | None, bool]:
    """The candidate closest to ``name``, and whether it is the only close one.

    A suggestion helps in a message either way; a fix needs it to be unambiguous.
    """
    best = did_you_mean(name, candidates)
    if best is None:
        return None, False
    return best, did_you_mean(name, [c for c in candidates if c != best]) is None


def _places(count: int) -> str:
    return f"{count} place" if count == 1 else f"{count} places"


def rename_event_fix(
    call: TrackingCall, new_name: str, applicability: Applicability
) -> tuple[Fix | None, str | None]:
    """A fix renaming the call's event to ``new_name`` where its literal is spelled, or why there is none.

    Returns ``(fix, None)``, or ``(None, note)`` when a fix is withheld for a reason worth telling,
    or ``(None, None)`` when the name simply has no editable literal.
    """
    origin = call.origin
    if origin is None or call.event is None:
        return None, None
    prefix, suffix = call.affix
    if prefix or suffix:
        wrapper = f"`{call.via[-1]}`" if call.via else "the wrapper"
        added = " and ".join(
            part for part in (f"prefix `{prefix}`" if prefix else "", f"suffix `{suffix}`" if suffix else "") if part
        )
        if not _carries(new_name, prefix, suffix):
            return None, f"`{new_name}` lacks the {added} that {wrapper} adds, so the call is not rewritten"
        if not _carries(call.event, prefix, suffix):
            return None, None
    written = new_name[len(prefix) : len(new_name) - len(suffix)]
    current = call.event[len(prefix) : len(call.event) - len(suffix)]
    # The literal must spell exactly the part written at the call site, or the edit would be wrong.
    if _literal_value(origin.source.strip()) != current:
        return None, None
    if origin.constant and origin.other_uses > 0:
        return None, (
            f"The constant `{origin.constant}` is also used elsewhere ({_places(origin.other_uses)}), "
            "so it is not renamed"
        )
    try:
        replacement = rewrite_string_literal(origin.source, written)
    except ValueError:
        return None, None
    edit = Edit(origin.path, origin.span, replacement)
    return Fix(f"Rename to `{new_name}`", applicability, (edit,)), None


def _carries(name: str, prefix: str, suffix: str) -> bool:
    return len(name) >= len(prefix) + len(suffix) and name.startswith(prefix) and name.endswith(suffix)


def rename_key_fix(call: TrackingCall, prop: PropertyArg, new_key: str, applicability: Applicability) -> Fix | None:
    """A fix renaming a property key where it is written, keeping its quoting; None when it cannot."""
    source = prop.key_source.strip()
    if not source:
        return None
    if source.isidentifier():
        # A `dict(key=...)` keyword: the new key must be a keyword argument name too.
        if not new_key.isidentifier() or keyword.iskeyword(new_key):
            return None
        replacement = new_key
    else:
        try:
            replacement = rewrite_string_literal(source, new_key)
        except ValueError:
            return None
    edit = Edit(prop.path or call.path, prop.key_span, replacement)
    return Fix(f"Rename to `{new_key}`", applicability, (edit,))


__all__ = ["rename_event_fix", "rename_key_fix", "rewrite_string_literal", "unique_suggestion"]
