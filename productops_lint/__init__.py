"""productops-lint: check analytics tracking calls in Python code against a tracking plan."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
