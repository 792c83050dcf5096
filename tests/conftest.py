"""Settings for the whole test run."""

from __future__ import annotations
