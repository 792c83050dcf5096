"""Whether an edit to one selected module leaves the project-wide fixpoint (wrappers, gate) standing.

Most commits touch a tracking call in an ordinary function: an event name, a property, a line
moved. Such an edit cannot change which functions are wrappers or which names the pre-filter
looks for, so a run over that file may keep the last run's fixpoint instead of restoring every
selected summary and inferring again. ``keeps_fixpoint`` decides that from the module's old and
new summaries alone, and answers False whenever it cannot be sure.

Why its conditions are enough (see ``infer.infer_wrappers`` and ``Project._exports``):

- Other modules see this one only through its symbols, classes, functions and imports. Those are
  compared with every source position removed, so moved lines do not count as a change.
- No wrapper is defined in the module, before or after: the last fixpoint holds no tracker named
  in it, and no function of the new text derives one from any tracker its calls may reach.
- The set of wrappers its calls and decorators reach is the same, so no wrapper's "called" mark
  moves.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from ..types import Span
from .infer import derives_any, reached
from .presets import Tracker
from .resolve import Index
from .values import ModuleSummary


def keeps_fixpoint(old: ModuleSummary, new: ModuleSummary, trackers: dict[str, Tracker], index: Index) -> bool:
    """Whether replacing ``old`` by ``new`` leaves ``trackers`` (a finished fixpoint) and the gate as they are.

    ``index`` must resolve as the run that built ``trackers`` did, with ``new`` in place of ``old``.
    """
    if old.error is not None or new.error is not None or old.module != new.module:
        return False
    if interface(old) != interface(new):
        return False
    prefix = new.module + "."
    if any(key.startswith(prefix) for key in trackers):
        return False
    if derives_any(new, trackers, index):
        return False
    return reached(old, trackers, trackers, index) == reached(new, trackers, trackers, index)


def interface(summary: ModuleSummary) -> Any:
    """What other modules can see of ``summary``, without source positions (comparable, not for display)."""
    return _positionless((summary.symbols, summary.classes, summary.functions, summary.imports))


def _positionless(value: Any) -> Any:
    if isinstance(value, Span):
        return None
    if isinstance(value, (tuple, list)):
        return tuple(_positionless(v) for v in value)
    if isinstance(value, dict):
        return {k: _positionless(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple(_positionless(getattr(value, f.name)) for f in fields(value)))
    return value
