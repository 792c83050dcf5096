"""Run detection over in-memory source trees and pick calls out of the result, for the detect tests."""

from __future__ import annotations

import textwrap
from typing import Mapping

from productops_lint.config import Config
from productops_lint.project import Project
from productops_lint.registry.model import ArgSpec, Plan, WrapperSpec
from productops_lint.sources import DictProvider
from productops_lint.types import TrackingCall


def dedent_all(files: Mapping[str, str]) -> dict[str, str]:
    return {path: textwrap.dedent(code).lstrip("\n") for path, code in files.items()}


def project(files: Mapping[str, str], config: Config | None = None) -> Project:
    return Project(DictProvider(dedent_all(files)), config or Config(), Plan())


def detect(files: Mapping[str, str] | str, config: Config | None = None, sinks: bool = False) -> list[TrackingCall]:
    """The call sites of the tree (a bare string is the one file ``app.py``).

    With ``sinks``, also the SDK calls inside wrappers whose callers name the event.
    """
    if isinstance(files, str):
        files = {"app.py": files}
    found = project(files, config).tracking_calls(None)
    return found if sinks else [c for c in found if c.role == "site"]


def events(files: Mapping[str, str] | str, config: Config | None = None) -> list[str | None]:
    return [c.event for c in detect(files, config)]


def only(files: Mapping[str, str] | str, config: Config | None = None) -> TrackingCall:
    """The single tracking call of the tree; fails when there are none or several."""
    found = detect(files, config)
    assert len(found) == 1, [(c.path, c.line, c.sdk, c.event) for c in found]
    return found[0]


def on_line(found: list[TrackingCall], path: str, line: int) -> TrackingCall:
    hits = [c for c in found if c.path == path and c.line == line]
    assert len(hits) == 1, [(c.path, c.line, c.event) for c in found]
    return hits[0]


def wrapper(qualname: str, event: int | str, properties: int | str | None = None) -> WrapperSpec:
    """A declared wrapper, as ``[[tool.productops.wrappers]]`` would give it."""

    def spec(value: int | str | None) -> ArgSpec:
        if value is None:
            return ArgSpec()
        return ArgSpec(value, None) if isinstance(value, int) else ArgSpec(None, value)

    return WrapperSpec(qualname, spec(event), spec(properties))
