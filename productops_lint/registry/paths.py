"""Which paths of a tree are the rule files that `registry` names: each entry a file, or a folder whose YAML files count."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterable

from ..types import Location, Problem, UserError

if TYPE_CHECKING:
    from ..config import Config

RULE_SUFFIXES = (".yaml", ".yml")


def rule_paths_in(paths: Iterable[str], config: "Config", *, required: bool = False) -> list[str]:
    """The rule files ``config.registry`` names among a tree's ``paths``, found as the CLI finds them
    on disk. With ``required``, an entry that names nothing, or no rule file at all, is an error."""
    every = sorted(paths)
    found: list[str] = []
    problems: list[Problem] = []
    for entry in config.registry:
        entry = posixpath.normpath(posixpath.join(config.root, entry))
        prefix = "" if entry == "." else entry.rstrip("/") + "/"
        if entry in every:
            found.append(entry)
        elif any(p.startswith(prefix) for p in every):
            found.extend(p for p in every if p.startswith(prefix) and p.endswith(RULE_SUFFIXES))
        elif required and config.source is not None:
            problems.append(Problem(Location(entry), "rule file or folder does not exist (see `registry` in [tool.productops])"))
    if problems:
        raise UserError(problems)
    if required and not found:
        where = config.registry[0] if config.registry else "."
        raise UserError(Problem(Location(where), "no tracking plan found: add YAML rule files there or set `registry` in [tool.productops]"))
    return list(dict.fromkeys(found))
