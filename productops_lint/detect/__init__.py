"""Everything about finding tracking calls: presets, per-module summaries, resolution, wrapper inference.

Every check receives the TrackingCalls this package produces; none re-implements detection.
Submodules load on first use: a run whose pre-filter selects no file never imports libcst.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "PRESETS": "presets",
    "Tracker": "presets",
    "preset_trackers": "presets",
    "module_name": "modules",
    "summarize": "summarize",
    "ModuleSummary": "values",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_EXPORTS)
