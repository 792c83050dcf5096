"""The `project` fixture: a fresh project folder with the small tracking plan of cli.cli_helpers."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli.cli_helpers import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")
