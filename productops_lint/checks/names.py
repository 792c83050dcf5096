"""Event-name checks (PO1xx): unknown, non-conventional, dynamic and unresolved event names."""

from __future__ import annotations

import re
from typing import Iterator

from ..registry.conventions import event_name_problems
from ..registry.iglu import other_versions
from ..registry.model import Plan, normalize_name
from ..types import Applicability, Diagnostic, Severity, TrackingCall
from .base import Check, CheckContext, Invalid, Valid
from .fixes import rename_event_fix, unique_suggestion

# Only these kinds carry a name that is known exactly; dynamic and unresolved names have their own checks.
_STATIC_KINDS = ("literal", "constant")


def _static_name(call: TrackingCall) -> str | None:
    return call.event if call.event_kind in _STATIC_KINDS else None


class UnknownEvent(Check):
    """
    ## What it does
    Checks that every event name sent by a tracking call is an event of the tracking plan.

    ## Why is this bad?
    An event that is not in the plan lands in the analytics tool unannounced: no dashboard or
    funnel looks for it, and a near-miss spelling (`order completed` for `Order Completed`) splits
    one event's data in two.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "order completed", {"order_id": "o-1", "revenue": 42.0})
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})
    ```

    ## Fix safety
    The fix is safe when the name differs from a plan event only in case and separators
    (`order_completed` for `Order Completed`), and unsafe when it is merely a unique close match
    (`Checkout Stared` for `Checkout Started`), which may be a genuinely new event.

    The fix edits the string where it is spelled, which may be a constant in another module. It is
    withheld when that constant is also read elsewhere for other purposes, and when a wrapper adds a
    prefix or suffix that the suggested name does not carry (only the part written at the call site
    is rewritten).

    ## Known problems
    Names built at run time are not checked here; see `PO103` and `PO104`.
    """

    code = "PO101"
    name = "unknown-event"
    fix_safety = "sometimes"
    valid = (
        Valid('import analytics\n\nanalytics.track("user-1", "Report Exported", {"format": "csv"})\n'),
    )
    invalid = (
        Invalid(
            'import analytics\n\nanalytics.track("user-1", "order completed", {"order_id": "o-1", "revenue": 42.0})\n',
            ("Event `order completed` is not in the tracking plan; did you mean `Order Completed`?",),
            'import analytics\n\nanalytics.track("user-1", "Order Completed", {"order_id": "o-1", "revenue": 42.0})\n',
        ),
        Invalid(
            "import analytics\n\nCHECKOUT_STARTED = 'Checkout Stared'\n\n"
            'analytics.track("user-1", CHECKOUT_STARTED, {"cart_value": 19.9})\n',
            ("Event `Checkout Stared` is not in the tracking plan; did you mean `Checkout Started`?",),
            "import analytics\n\nCHECKOUT_STARTED = 'Checkout Started'\n\n"
            'analytics.track("user-1", CHECKOUT_STARTED, {"cart_value": 19.9})\n',
        ),
        Invalid(
            'import analytics\n\nanalytics.track("user-1", "Wishlist Shared")\n',
            ("Event `Wishlist Shared` is not in the tracking plan",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        name = _static_name(call)
        if name is None or ctx.plan.get(name) is not None or other_versions(name, ctx.plan.events):
            return  # another version of a known Snowplow schema: PO105 says which
        suggestion, applicability = _suggest(name, ctx.plan)
        if suggestion is None:
            yield self.diagnostic(call, f"Event `{name}` is not in the tracking plan")
            return
        fix, note = rename_event_fix(call, suggestion, applicability) if applicability else (None, None)
        message = f"Event `{name}` is not in the tracking plan; did you mean `{suggestion}`?"
        yield self.diagnostic(call, message, fix=fix, note=note)


def _suggest(name: str, plan: Plan) -> tuple[str | None, Applicability | None]:
    """The plan event ``name`` most likely meant, and how safe renaming to it is (None: no fix)."""
    # A removed event is no better than an unknown one, so it is never suggested.
    candidates = [ev.name for ev in plan.events.values() if ev.status != "removed"]
    folded = plan.by_normalized().get(normalize_name(name), [])
    same = [ev.name for ev in folded if ev.status != "removed"]
    if len(same) == 1:
        return same[0], "safe"
    if len(same) > 1:
        # Several plan events fold to this name: no single one can be picked.
        return None, None
    suggestion, unique = unique_suggestion(name, candidates)
    return suggestion, "unsafe" if unique else None


class NonConventionalEventName(Check):
    """
    ## What it does
    Checks that event names which are not in the tracking plan follow the plan's naming
    conventions (style, grammar, tense, reserved prefixes, length).

    ## Why is this bad?
    A new event is often added in code before ProductOps registers it. When its name already
    follows the conventions, registering it is a formality; when it does not (`wishlist_shared`
    among `Title Case` events), it either gets renamed later, which breaks its history, or it
    stays as an inconsistency that every analyst has to remember.

    ## Example
    ```python
    import analytics

    analytics.track("user-1", "wishlist_shared")
    ```

    Use instead:
    ```python
    import analytics

    analytics.track("user-1", "Wishlist Shared")
    ```

    ## Options
    Reads `conventions.event_name` of the tracking plan (`style`, `grammar`, `allowed_verbs`,
    `past_tense`, `reserved_prefixes`, `max_length`).

    ## Known problems
    Events of the plan are not reported here: `productops-lint registry check` validates them once,
    where they are defined. Names built at run time are not checked.
    """

    code = "PO102"
    name = "non-conventional-event-name"
    valid = (
        Valid('import analytics\n\nanalytics.track("user-1", "Wishlist Shared")\n'),
        Valid('import analytics\n\nanalytics.track("user-1", "Report Exported", {"format": "pdf"})\n'),
    )
    invalid = (
        Invalid(
            'import analytics\n\nanalytics.track("user-1", "wishlist_shared")\n',
            ("Event name `wishlist_shared` does not follow the naming conventions: is not Title Case",),
        ),
        Invalid(
            'import analytics\n\nanalytics.track("user-1", "Wishlist Share")\n',
            (
                "Event name `Wishlist Share` does not follow the naming conventions: "
                "verb `Share` is not in the past tense",
            ),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        name = _static_name(call)
        if name is None or ctx.plan.get(name) is not None:
            return
        problems = event_name_problems(name, ctx.plan.conventions.event)
        if problems:
            message = f"Event name `{name}` does not follow the naming conventions: {'; '.join(problems)}"
            yield self.diagnostic(call, message)


class DynamicEventName(Check):
    """
    ## What it does
    Checks for event names built at run time with an f-string, `%` or `.format()`.

    ## Why is this bad?
    A name assembled from variables can take values no one planned: one event per value of the
    variable, invisible in code review and impossible to check against the plan. Analytics tools
    also cap the number of distinct event names.

    ## Example
    ```python
    import analytics

    def export(user_id: str, kind: str) -> None:
        analytics.track(user_id, f"{kind} Exported")
    ```

    Use instead (one event, the variable part as a property):
    ```python
    import analytics

    def export(user_id: str, kind: str) -> None:
        analytics.track(user_id, "Report Exported", {"format": kind})
    ```

    ## Known problems
    The message lists plan events that the static parts could spell; that is a hint, not proof.
    """

    code = "PO103"
    name = "dynamic-event-name"
    default_severity = Severity.WARNING
    valid = (Valid('import analytics\n\nanalytics.track("user-1", "Report Exported", {"format": "csv"})\n'),)
    invalid = (
        Invalid(
            "import analytics\n\ndef export(user_id: str, kind: str) -> None:\n"
            '    analytics.track(user_id, f"{kind} Exported")\n',
            ("Event name is built at run time (static parts: ` Exported`); it may be `Report Exported`",),
        ),
        Invalid(
            "import analytics\n\ndef step(user_id: str, n: int) -> None:\n"
            '    analytics.track(user_id, "Onboarding Step %d Completed" % n)\n',
            ("Event name is built at run time (static parts: `Onboarding Step `, ` Completed`)",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        if call.event_kind != "dynamic":
            return
        parts = [p for p in call.event_parts if p]
        if parts:
            message = "Event name is built at run time (static parts: " + ", ".join(f"`{p}`" for p in parts) + ")"
        else:
            message = f"Event name `{call.event_expr}` is built at run time with no static part"
        matches = _spellable(call, parts, ctx.plan)
        if matches:
            message += "; it may be " + ", ".join(f"`{m}`" for m in matches)
        yield self.diagnostic(call, message)


# More than this many candidates says nothing useful about the name.
_MAX_HINTS = 3


def _spellable(call: TrackingCall, parts: list[str], plan: Plan) -> list[str]:
    """Plan events whose names contain the static parts in order, within the wrapper's affix."""
    if not parts:
        return []
    prefix, suffix = call.affix
    # The parts' positions relative to the variable bits are unknown, so gaps are allowed everywhere.
    middle = ".*".join(re.escape(p) for p in parts)
    pattern = re.compile(f"{re.escape(prefix)}.*{middle}.*{re.escape(suffix)}", re.S)
    found = [ev.name for ev in plan.events.values() if ev.status != "removed" and pattern.fullmatch(ev.name)]
    return found if len(found) <= _MAX_HINTS else []


class UnresolvedEventName(Check):
    """
    ## What it does
    Checks for event names whose value cannot be worked out from the source: a function's return
    value, a dictionary lookup, an attribute of an object built at run time.

    ## Why is this bad?
    The linter cannot tell which event such a call sends, so none of the plan's checks apply to it
    and a typo or an unplanned event slips through.

    ## Example
    ```python
    import analytics

    def track_step(user_id: str, step: dict) -> None:
        analytics.track(user_id, step["event"])
    ```

    Use instead:
    ```python
    import analytics

    CHECKOUT_STARTED = "Checkout Started"

    def track_step(user_id: str) -> None:
        analytics.track(user_id, CHECKOUT_STARTED, {"cart_value": 19.9})
    ```

    ## Known problems
    Module-level constants, class attributes, enums and names imported from other modules are
    resolved; values passed through function parameters are resolved only when the function is a
    recognised wrapper.
    """

    code = "PO104"
    name = "unresolved-event-name"
    default_severity = Severity.WARNING
    valid = (
        Valid(
            'import analytics\n\nCHECKOUT_STARTED = "Checkout Started"\n\n'
            'analytics.track("user-1", CHECKOUT_STARTED, {"cart_value": 19.9})\n'
        ),
    )
    invalid = (
        Invalid(
            "import analytics\n\ndef track_step(user_id: str, step: dict) -> None:\n"
            '    analytics.track(user_id, step["event"])\n',
            ('Event name `step["event"]` cannot be resolved statically: a value read from a container',),
        ),
        Invalid(
            "import analytics\n\ndef track_step(user_id: str, make) -> None:\n"
            "    analytics.track(user_id, make())\n",
            ("Event name `make()` cannot be resolved statically: the result of a call",),
        ),
    )

    def check_call(self, call: TrackingCall, ctx: CheckContext) -> Iterator[Diagnostic]:
        if call.event_kind == "unresolved":
            reason = f": {call.unresolved_reason}" if call.unresolved_reason else ""
            yield self.diagnostic(call, f"Event name `{call.event_expr}` cannot be resolved statically{reason}")


__all__ = ["DynamicEventName", "NonConventionalEventName", "UnknownEvent", "UnresolvedEventName"]
