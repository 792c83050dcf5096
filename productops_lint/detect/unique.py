"""Receivers no analysis can type, resolved by an attribute name that one tracker class alone defines.

``order.user.analytics.track(...)`` (an ORM relation) or ``telemetry.log_api(...)`` (an untyped
parameter) has no type to follow. When the chain's last attribute, or the called method itself,
is defined in the whole tree by one class only, and on that class it leads to a tracker (an SDK
client attribute, or a wrapper method), the call is read as made on an instance of that class.
A name two classes define is ambiguous and never resolved. The summary records such a call with
the ref ``?.user.analytics.track``; the calls output says the rule in ``via``.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence

from .values import CallSite, ModuleSummary

# Ref prefix of a call on a receiver of unknown type: `?.log_api`, `?.user.analytics.track`.
UNKNOWN_ROOT = "?."
# A name more files than this spell is taken as ambiguous without reading them all: the word is
# common, and reading every file that spells it would cost what the pre-filter saves.
MAX_NAMING_FILES = 40


def rule_label(name: str) -> str:
    """The ``via`` entry that says a call was resolved by the unique-name rule."""
    return f"unique attribute name `{name}`"


def candidates(ref: str) -> list[tuple[int, str]]:
    """(position in the chain, attribute name) to try, in order: the called method, then the
    receiver's last attribute."""
    segs = ref[len(UNKNOWN_ROOT) :].split(".")
    out = []
    for at in (len(segs) - 1, len(segs) - 2):
        if at >= 0:
            out.append((at, segs[at].removesuffix("()")))
    return out


def resolved_name(call: CallSite, unique: Mapping[str, str]) -> str | None:
    """The unique attribute name a call was resolved through, if it was."""
    if not call.refs or not all(r.startswith(UNKNOWN_ROOT) for r in call.refs):
        return None
    for ref in call.refs:
        for _, name in candidates(ref):
            if name in unique:
                return name
    return None


def unique_attributes(
    modules: Iterable[ModuleSummary],
    leads: Callable[[str], bool],
    naming: Callable[[Sequence[str]], Mapping[str, Sequence[ModuleSummary] | None]],
) -> dict[str, str]:
    """Attribute name -> the one class of the tree that defines it, for names leading to a tracker.

    ``leads(ref)`` says whether ``pkg.C().name`` is a tracker or a receiver of one; ``naming``
    gives, for each name, the modules of every file that spells it (None when there are too
    many), so the answer covers the whole tree however much of it the pre-filter read.
    """
    wanted: set[str] = set()
    for summary in modules:
        for cls, info in summary.classes.items():
            for name in (*info.methods, *info.attrs):
                if not name.startswith("__") and name not in wanted and leads(f"{cls}().{name}"):
                    wanted.add(name)
    out: dict[str, str] = {}
    spelled = naming(sorted(wanted))
    for name in sorted(wanted):
        found = spelled.get(name)
        if found is None:
            continue
        owners = {cls for s in found for cls, info in s.classes.items() if name in info.methods or name in info.attrs}
        if len(owners) == 1:
            out[name] = owners.pop()
    return out
