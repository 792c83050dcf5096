"""Ticket keys in commit messages and branch names: find them, honour escape words, add one from the branch."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .registry.model import TicketRules
from .types import Location, Problem, UserError
from .userregex import UserPattern, pattern_error, user_pattern

# Used when the rule files name no project keys and no pattern: a Jira-style key. Two leading
# letters keep versions such as `V1-2` out; dates never match because a key starts with a letter.
DEFAULT_KEY_PATTERN = r"[A-Z][A-Z][A-Z0-9_]*-[1-9][0-9]*"

# Upper-case words followed by a number that name standards, encodings or hashes, not projects.
# Only the default pattern needs this; configured project keys are matched exactly.
NOT_PROJECT_KEYS = frozenset(
    {"AES", "CVE", "CWE", "ECMA", "ES", "HTTP", "IEC", "IEEE", "ISO", "MD", "PEP", "RFC", "RSA", "SHA",
     "SSL", "TLS", "UCS", "UTF"}
)

# A key is a whole token: no letter or digit glued to either side, and no `.5` or `-5` after it,
# which would make it part of a version or a date (`SHOP-1.2`, `SHOP-2024-11`).
_BEFORE = r"(?<![A-Za-z0-9])"
_AFTER = r"(?![A-Za-z0-9])(?![.\-][0-9])"

# Subjects git or a rebase writes, which carry no ticket of their own.
_EXEMPT_SUBJECTS = (
    ("Merge ", "merge commit"),
    ("fixup! ", "fixup commit"),
    ("squash! ", "squash commit"),
    ("amend! ", "amend commit"),
)
_SCISSORS = re.compile(r"^. -+ >8 -+$")


@dataclass(frozen=True)
class TicketMatcher:
    """Compiled ticket rules: one regex for messages, one for branch names, and the escape words.

    Both key regexes hold the rule files' pattern, so each search is bounded in time (UserPattern).
    """

    message_re: UserPattern
    branch_re: UserPattern
    escape_re: re.Pattern[str] | None
    # Canonical spelling of each configured key, by upper case, for keys found in lower-case branches.
    canonical: dict[str, str]
    generic: bool
    description: str

    def find(self, text: str, *, branch: bool = False) -> list[str]:
        """Every distinct key in ``text``, in order of appearance, spelled canonically."""
        return list(dict.fromkeys(key for key, _ in self.find_at(text, branch=branch)))

    def find_at(self, text: str, *, branch: bool = False) -> Iterator[tuple[str, int]]:
        """Each key in ``text`` with where it starts, spelled canonically (repeats included)."""
        for match in (self.branch_re if branch else self.message_re).finditer(text):
            key = match.group(0)
            prefix, _, number = key.rpartition("-")
            if self.generic and prefix in NOT_PROJECT_KEYS:
                continue
            if prefix.upper() in self.canonical:
                key = f"{self.canonical[prefix.upper()]}-{number}"
            yield key, match.start()

    def escaped(self, text: str) -> str | None:
        """The escape word ``text`` carries, if any."""
        if self.escape_re is None:
            return None
        match = self.escape_re.search(text)
        return match.group(0) if match else None


def _word(literal: str) -> str:
    """``literal`` as a regex, bounded where it starts or ends with a word character."""
    body = re.escape(literal)
    if re.match(r"\w", literal):
        body = r"(?<!\w)" + body
    if re.search(r"\w$", literal):
        body += r"(?!\w)"
    return body


def compile_rules(rules: TicketRules) -> TicketMatcher:
    """Compile ``rules``; an invalid pattern or key is a UserError pointing at the rule file."""
    location = rules.location or Location("<tickets>")
    problems: list[Problem] = []
    keys = [k.strip() for k in rules.project_keys if k.strip()]
    for key in keys:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", key):
            problems.append(Problem(location, f"project key `{key}` must be letters, digits or `_`, starting with a letter"))
    key_alternative = ""
    if keys:
        # Longest first, so `SHOPX` is not read as `SHOP` when both are keys.
        names = "|".join(re.escape(k) for k in sorted(set(keys), key=len, reverse=True))
        key_alternative = f"(?:{names})-[1-9][0-9]*"
    if rules.pattern:
        reason = pattern_error(rules.pattern)
        if reason is not None:
            problems.append(Problem(location, f"ticket pattern `{rules.pattern}` {reason}"))
    if problems:
        raise UserError(problems)
    generic = not keys and not rules.pattern
    pattern_alternatives = [f"(?:{rules.pattern})"] if rules.pattern else []
    if generic:
        pattern_alternatives.append(DEFAULT_KEY_PATTERN)

    def compiled(key_part: str) -> UserPattern:
        alternatives = ([key_part] if key_part else []) + pattern_alternatives
        return user_pattern(_BEFORE + "(?:" + "|".join(alternatives) + ")" + _AFTER, 0, location)

    message_re = compiled(key_alternative)
    # Branch names are often lower-cased (`feature/shop-123-cart`); only exact project keys can be
    # trusted case-insensitively, since the generic pattern would then match `utf-8` or `v1-2`.
    branch_re = compiled(f"(?i:{key_alternative})" if key_alternative else "")
    escape_words = [w for w in rules.escape_words if w.strip()]
    escape_re = (
        re.compile("|".join(_word(w) for w in escape_words), re.IGNORECASE) if escape_words else None
    )
    if keys:
        quoted = [f"`{k}`" for k in keys]
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
        description = f"a key of project {listed}, such as `{keys[0]}-123`"
        if rules.pattern:
            description += f", or text matching `{rules.pattern}`"
    elif rules.pattern:
        description = f"text matching `{rules.pattern}`"
    else:
        description = "a ticket key such as `SHOP-123`"
    return TicketMatcher(
        message_re=message_re,
        branch_re=branch_re,
        escape_re=escape_re,
        canonical={k.upper(): k for k in keys},
        generic=generic,
        description=description,
    )


def _matcher(rules: TicketRules | TicketMatcher) -> TicketMatcher:
    return rules if isinstance(rules, TicketMatcher) else compile_rules(rules)


def find_keys(text: str, rules: TicketRules | TicketMatcher) -> list[str]:
    """Ticket keys written in ``text`` (a commit message), in order, without duplicates."""
    return _matcher(rules).find(text)


def find_branch_keys(branch: str, rules: TicketRules | TicketMatcher) -> list[str]:
    """Ticket keys in a branch name; configured keys match in any case and come back canonical."""
    return _matcher(rules).find(branch, branch=True)


def message_text(raw: str, comment_char: str = "#") -> str:
    """What git will keep of a message file: no comment lines, nothing below the scissors line."""
    kept: list[str] = []
    for line in raw.splitlines():
        if _SCISSORS.match(line) and line.startswith(comment_char):
            break
        if line.startswith(comment_char):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def exemption(text: str) -> str | None:
    """Why a message needs no ticket (a merge or an autosquash commit), or None."""
    subject = text.lstrip().split("\n", 1)[0]
    for prefix, reason in _EXEMPT_SUBJECTS:
        if subject.startswith(prefix):
            return reason
    return None


def add_key(raw: str, key: str, comment_char: str = "#") -> str:
    """``raw`` with ``key: `` put before its subject line; comments and trailing text are kept."""
    lines = raw.split("\n")
    for index, line in enumerate(lines):
        if line.strip() and not line.startswith(comment_char):
            lines[index] = f"{key}: {line.lstrip()}"
            return "\n".join(lines)
    return raw


@dataclass(frozen=True)
class Verdict:
    """The outcome for one commit message."""

    ok: bool
    reason: str
    keys: tuple[str, ...] = ()
    # The rewritten message file when a key from the branch was added, else None.
    new_message: str | None = None


def check_message(
    raw: str,
    rules: TicketRules | TicketMatcher,
    *,
    branch: str | None = None,
    add_from_branch: bool = False,
    merging: bool = False,
    comment_char: str = "#",
) -> Verdict:
    """Whether the commit message file ``raw`` satisfies the ticket rules, and how to fix it if it can."""
    matcher = _matcher(rules)
    text = message_text(raw, comment_char)
    if not text:
        # git aborts an empty message itself; adding a key here would turn that abort into a commit.
        return Verdict(True, "empty message")
    reason = "merge commit" if merging else exemption(text)
    if reason:
        return Verdict(True, reason)
    word = matcher.escaped(text)
    if word:
        return Verdict(True, f"escape word `{word}`")
    keys = matcher.find(text)
    if keys:
        return Verdict(True, "key in message", tuple(keys))
    branch_keys = matcher.find(branch, branch=True) if branch else []
    if branch_keys:
        if add_from_branch:
            return Verdict(True, "key added from branch", tuple(branch_keys[:1]), add_key(raw, branch_keys[0], comment_char))
        return Verdict(True, "key in branch name", tuple(branch_keys))
    return Verdict(False, f"commit message names no ticket: expected {matcher.description}")
