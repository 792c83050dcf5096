"""Report formats: the context every renderer gets, and the table of renderers, each loaded on first use."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

from ..types import Diagnostic

if TYPE_CHECKING:
    from ..checks.base import Check

TOOL_NAME = "productops-lint"
# Where people can read about the tool (SARIF `informationUri`); override per run if needed.
PROJECT_URL = "https://pypi.org/project/productops-lint/"


@dataclass(frozen=True)
class ReportContext:
    """What renderers may know besides the diagnostics. Renderers are pure: text in, text out."""

    tool_version: str
    # Project root: paths in diagnostics are relative to it; SARIF turns it into `%SRCROOT%`.
    root: str = "."
    # File text by path, for fingerprints. May be partial: missing files get a content-less fingerprint.
    sources: Mapping[str, str] = field(default_factory=dict)
    files_checked: int = 0
    # Only the text format colours; the caller decides (e.g. from whether stdout is a terminal).
    color: bool = False
    # Findings the baseline hid, so the text summary can say they exist.
    baselined: int = 0
    # Check classes by code; None means the full catalogue, imported only by formats that need it.
    checks: Mapping[str, type[Check]] | None = None
    information_uri: str = PROJECT_URL


Renderer = Callable[[Sequence[Diagnostic], ReportContext], str]

# Format name -> module in this package that defines `render`.
_MODULES: dict[str, str] = {
    "text": "text",
    "json": "json",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "gitlab": "gitlab",
}


class _LazyFormats(Mapping[str, Renderer]):
    """Listing formats imports nothing; looking one up imports only its module (`text` stays cheap)."""

    def __getitem__(self, name: str) -> Renderer:
        module_name = _MODULES[name]
        module = importlib.import_module(f"{__name__}.{module_name}")
        renderer: Renderer = module.render
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


FORMATS: Mapping[str, Renderer] = _LazyFormats()


def render(format_name: str, diagnostics: Sequence[Diagnostic], ctx: ReportContext) -> str:
    """Render ``diagnostics`` in the named format (one of ``FORMATS``)."""
    return FORMATS[format_name](diagnostics, ctx)


__all__ = ["FORMATS", "PROJECT_URL", "TOOL_NAME", "ReportContext", "Renderer", "render"]
