"""Naming conventions as pure functions: style and grammar checks, style conversion, PII hints, did-you-mean."""

from __future__ import annotations

import re
from typing import Iterable

import regex

from ..types import Location, UserError
from ..userregex import UserPattern, user_pattern
from .iglu import is_schema_name
from .model import Conventions, NamingRules, normalize_name

GRAMMARS = ("<object> <action>", "<action> <object>")

STYLE_LABELS = {
    "any": "any style",
    "title_case": "Title Case",
    "sentence_case": "Sentence case",
    "snake_case": "snake_case",
    "camel_case": "camelCase",
    "pascal_case": "PascalCase",
    "kebab_case": "kebab-case",
    "dot_separated": "dot.separated",
    "screaming_snake_case": "SCREAMING_SNAKE_CASE",
}

# Title Case keeps these lowercase when they are not the first word ("Product Added to Wishlist").
MINOR_WORDS = frozenset(
    "a an the and or but nor of to from in into on onto at by for with via as per vs".split()
)
# A trailing phrase that starts with one of these is not part of `<object> <action>`:
# in "Product Added to Wishlist" the action is "Added".
_PREPOSITIONS = frozenset("to from in into on onto at by for with via".split())
# Phrasal-verb particles: in "User Signed Up" the action is "Signed Up".
_PARTICLES = frozenset("up in out off on over down back away through".split())

IRREGULAR_PAST = frozenset(
    """
    ate awoke awoken became been began begun bent bet bid bitten blew blown bought brought broke broken
    built burnt came caught chose chosen cut dealt did done drawn drew driven drove eaten fed felt fell
    fallen fit flew flown forbade forbidden forgave forgiven forgot forgotten found froze frozen gave
    given gone got gotten grew grown had heard held hid hidden hit hung kept knew known laid led left
    lent let lit lost made meant met overridden overrode paid put quit ran rang read rebuilt redone
    reread resent reset rewritten rewrote rid ridden rode rose risen run rung said sang sat saw seen
    sent set shook shaken shot shown shrank shut slept sold sought spent split spoke spoken spread
    stood stole stolen struck stuck sung swept swore sworn swung taken taught thought threw thrown
    told took tore torn understood undid undone unset upheld upset wept withdrawn withdrew woke woken
    won wore worn wound written wrote
    """.split()
)
# Words ending in "ed" that are not past forms.
_NOT_PAST = frozenset("bed bleed breed deed embed feed greed need red seed shed speed steed weed".split())

_SEPARATORS = re.compile(r"[\s_\-.:/]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_STYLE_PATTERNS = {
    "snake_case": re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*"),
    "camel_case": re.compile(r"[a-z][a-z0-9]*([A-Z][a-z0-9]*)*"),
    "pascal_case": re.compile(r"([A-Z][a-z0-9]*)+"),
    "kebab_case": re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*"),
    "dot_separated": re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*"),
    "screaming_snake_case": re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*"),
}
_CAPITALIZED = re.compile(r"[A-Z][a-z0-9']*")
_ACRONYM = re.compile(r"[A-Z0-9]+s?")
_LOWER_WORD = re.compile(r"[a-z0-9][a-z0-9']*")


def split_words(name: str) -> list[str]:
    """Split a name in any style into its words (`orderCompleted` -> `order`, `Completed`)."""
    return [w for w in _SEPARATORS.split(_CAMEL.sub(" ", name)) if w]


def _title_word_ok(word: str, first: bool) -> bool:
    parts = word.split("-")
    if not all(parts):
        return False
    if not first and word in MINOR_WORDS:
        return True
    return all(_CAPITALIZED.fullmatch(p) or _ACRONYM.fullmatch(p) for p in parts)


def _sentence_word_ok(word: str, first: bool) -> bool:
    if _ACRONYM.fullmatch(word):
        return True
    return bool(_CAPITALIZED.fullmatch(word) if first else _LOWER_WORD.fullmatch(word))


def matches_style(name: str, style: str) -> bool:
    """Whether ``name`` is written in ``style`` (one of ``NAME_STYLES``); unknown styles match anything."""
    if style in ("title_case", "sentence_case"):
        words = name.split(" ")
        check = _title_word_ok if style == "title_case" else _sentence_word_ok
        return all(w and check(w, i == 0) for i, w in enumerate(words))
    pattern = _STYLE_PATTERNS.get(style)
    return pattern is None or bool(pattern.fullmatch(name))


def _convert_word(word: str, keep_acronyms: bool) -> str:
    if keep_acronyms and len(word) > 1 and word.isupper():
        return word
    return word.capitalize()


def to_style(name: str, style: str) -> str:
    """Rewrite ``name`` in ``style``, keeping its words (used for suggestions)."""
    words = split_words(name)
    if not words or style not in STYLE_LABELS or style == "any":
        return name
    lower = [w.lower() for w in words]
    # An all-caps name (SCREAMING_SNAKE) has no acronyms worth keeping.
    keep = any(c.islower() for c in name)
    if style == "title_case":
        return " ".join(
            lw if i and lw in MINOR_WORDS else _convert_word(w, keep) for i, (w, lw) in enumerate(zip(words, lower))
        )
    if style == "sentence_case":
        rest = [w if keep and len(w) > 1 and w.isupper() else w.lower() for w in words[1:]]
        return " ".join([_convert_word(words[0], keep), *rest])
    if style == "snake_case":
        return "_".join(lower)
    if style == "kebab_case":
        return "-".join(lower)
    if style == "dot_separated":
        return ".".join(lower)
    if style == "screaming_snake_case":
        return "_".join(w.upper() for w in words)
    capitalized = "".join(w.capitalize() for w in lower[1:])
    return (lower[0] + capitalized) if style == "camel_case" else lower[0].capitalize() + capitalized


def is_past_tense(word: str) -> bool:
    """Whether a verb reads as a past form: regular "-ed" or a common irregular form."""
    lw = word.lower()
    if lw in IRREGULAR_PAST:
        return True
    return lw.endswith("ed") and len(lw) > 3 and lw not in _NOT_PAST


def split_action(name: str, grammar: str | None) -> tuple[list[str], list[str]]:
    """The object words and the action words of an event name under ``grammar``.

    Without a grammar the action is taken to be at the end, the most common layout.
    """
    words = split_words(name)
    if grammar == "<action> <object>":
        return words[1:], words[:1]
    core = words
    for i in range(1, len(words) - 1):
        if words[i].lower() in _PREPOSITIONS:
            core = words[:i]
            break
    if len(core) >= 2 and core[-1].lower() in _PARTICLES:
        return core[:-2], core[-2:]
    return core[:-1], core[-1:]


def _common_problems(name: str, rules: NamingRules) -> list[str]:
    if not name.strip():
        return ["is empty"]
    reasons = []
    if name != name.strip():
        reasons.append("has leading or trailing spaces")
    if rules.style != "any" and not matches_style(name, rules.style):
        reasons.append(f"is not {STYLE_LABELS.get(rules.style, rules.style)}")
    for prefix in rules.reserved_prefixes:
        if prefix and name.lower().startswith(prefix.lower()):
            reasons.append(f"uses reserved prefix `{prefix}`")
            break
    if rules.max_length is not None and len(name) > rules.max_length:
        reasons.append(f"is {len(name)} characters long, over the limit of {rules.max_length}")
    return reasons


def event_name_problems(name: str, rules: NamingRules) -> list[str]:
    """Reasons why ``name`` breaks the event naming rules; empty when it follows them.

    A Snowplow schema (`iglu:com.acme/link_clicked/jsonschema/1-0-0`, `com.acme/link_clicked`) is
    named by Iglu's rules, which the schema registry enforces, not by the plan's event style.
    """
    if is_schema_name(name):
        return []
    reasons = _common_problems(name, rules)
    if not name.strip() or not (rules.grammar or rules.past_tense or rules.allowed_verbs):
        return reasons
    obj, action = split_action(name, rules.grammar)
    if rules.grammar and not (obj and action):
        reasons.append(f"needs both an object and an action (`{rules.grammar}`)")
        return reasons
    if not action:
        return reasons
    phrase, verb = " ".join(action), action[0]
    if rules.allowed_verbs:
        allowed = {normalize_name(v) for v in rules.allowed_verbs}
        if normalize_name(phrase) not in allowed and normalize_name(verb) not in allowed:
            # Verbs are short, so one slip costs a larger share of the word: a lower cutoff.
            hint = did_you_mean(phrase, rules.allowed_verbs, 0.6) or did_you_mean(verb, rules.allowed_verbs, 0.6)
            suffix = f" (did you mean `{hint}`?)" if hint else ""
            reasons.append(f"verb `{phrase}` is not in the allowed verbs{suffix}")
    if rules.past_tense and not is_past_tense(verb):
        reasons.append(f"verb `{verb}` is not in the past tense")
    return reasons


def property_name_problems(name: str, rules: NamingRules) -> list[str]:
    """Reasons why ``name`` breaks the property naming rules; empty when it follows them."""
    return _common_problems(name, rules)


def _compile(pattern: str, location: Location) -> UserPattern | None:
    try:
        return user_pattern(pattern, regex.IGNORECASE, location)
    except UserError:
        # The loader reports invalid patterns; here they simply never match.
        return None


def looks_like_pii(name: str, conventions: Conventions) -> str | None:
    """The first PII pattern that ``name`` matches (as written or in snake_case), or None.

    Raises UserError (`pattern too slow`, at the pattern's line) when a pattern exceeds the time bound.
    """
    forms = {name, to_style(name, "snake_case")}
    for index, pattern in enumerate(conventions.pii_patterns):
        compiled = _compile(pattern, conventions.pii_location(index))
        if compiled is not None and any(compiled.search(form) for form in forms):
            return pattern
    return None


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.85) -> str | None:
    """The candidate closest to ``name``: same name up to case and separators first, then a near spelling.

    The default cutoff still finds one or two slips (`Order Complted`, `cart_valeu`) but does not
    offer a different event that merely shares words (`product_shared` is not `Products Searched`).
    """
    pool = [c for c in dict.fromkeys(candidates) if c != name]
    key = normalize_name(name)
    if not pool or not key:
        return None
    by_key: dict[str, str] = {}
    for candidate in pool:
        by_key.setdefault(normalize_name(candidate), candidate)
    if key in by_key:
        return by_key[key]
    import difflib  # here, not at the top: a run that suggests nothing does not load it

    close = difflib.get_close_matches(key, [k for k in by_key if k], n=1, cutoff=cutoff)
    return by_key[close[0]] if close else None
