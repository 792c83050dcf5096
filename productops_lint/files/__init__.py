"""The one place that touches the filesystem: discovery (discovery.py), safe storage (store.py), run traces (trace.py).

Everything else in productops_lint works on text and data handed to it, so the GitHub App can feed
the same engine from a git tree read through the API.
"""

from __future__ import annotations

from ..registry.paths import RULE_SUFFIXES
from .discovery import (
    DEFAULT_EXCLUDES,
    FileProvider,
    find_root,
    is_test_path,
    load_config,
    read_rule_files,
    read_rule_files_at,
    rule_file_paths,
)
from .store import (
    ChangedOnDisk,
    FileCache,
    digest,
    open_cache,
    read_text,
    write_bytes_atomic,
    write_source_if_unchanged,
    write_text,
)
from .trace import Trace, Tracing, still_holds

__all__ = [
    "DEFAULT_EXCLUDES",
    "is_test_path",
    "RULE_SUFFIXES",
    "ChangedOnDisk",
    "FileCache",
    "open_cache",
    "FileProvider",
    "digest",
    "find_root",
    "load_config",
    "read_rule_files",
    "read_rule_files_at",
    "read_text",
    "rule_file_paths",
    "write_bytes_atomic",
    "write_source_if_unchanged",
    "write_text",
    "Trace",
    "Tracing",
    "still_holds",
]
