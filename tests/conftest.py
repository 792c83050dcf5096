"""Settings for the whole test run."""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Console scripts started by the tests keep their compiled dataclass methods
    # (productops_lint.codecache) in a folder of this run's, never in the user's cache folder.
    os.environ["PRODUCTOPS_LINT_CODE_CACHE"] = tempfile.mkdtemp(prefix="productops-code-cache-")
