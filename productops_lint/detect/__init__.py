"""Everything about finding tracking calls: presets, per-module summaries, resolution, wrapper inference.

Every check receives the TrackingCalls this package produces; none re-implements detection.
"""

from .presets import PRESETS, Tracker, preset_trackers
from .summarize import module_name, summarize
from .values import ModuleSummary

__all__ = ["PRESETS", "ModuleSummary", "Tracker", "module_name", "preset_trackers", "summarize"]
