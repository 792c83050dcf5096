"""The shape of each routed webhook event, checked against GitHub's payload schemas before anything is queued."""

from __future__ import annotations

import json
import threading
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Mapping

import fastjsonschema

# Derived by `scripts/derive_fixtures.py app-webhook-schema` (README.md and LICENSE beside it).
SCHEMA_PACKAGE = "github_app.webhook_schema"
_MAX_REASON = 200
_compile_lock = threading.Lock()


@lru_cache(maxsize=1)
def _definitions() -> Mapping[str, Any]:
    text = resources.files(SCHEMA_PACKAGE).joinpath("schema.json").read_text(encoding="utf-8")
    definitions: Mapping[str, Any] = json.loads(text)["definitions"]
    return definitions


def known(event: str, action: str | None) -> bool:
    """Whether the App ships a schema for ``event`` with ``action``."""
    return f"{event}${action}" in _definitions()


@lru_cache(maxsize=64)
def _validator(name: str) -> Callable[[Any], Any]:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": _definitions(),
        # GitHub's schemas leave these optional (some events reach users, not Apps); every job needs both.
        "allOf": [{"$ref": f"#/definitions/{name}"}],
        "required": ["installation", "repository"],
    }
    # fastjsonschema, not jsonschema: it compiles the schema to Python once (about a second per event,
    # on its first delivery), then checks a pull request payload in ~3 ms instead of ~20 ms.
    # Formats unchecked, as jsonschema does by default: GitHub's examples themselves break `date-time`.
    with _compile_lock:
        return fastjsonschema.compile(schema, use_formats=False)


def shape_problem(event: str, action: str | None, payload: Mapping[str, Any]) -> str | None:
    """One line saying how ``payload`` differs from GitHub's schema for the event, or None when it fits.

    Events and actions without a shipped schema (not routed by the App) are not judged here.
    """
    if not known(event, action):
        return None
    try:
        _validator(f"{event}${action}")(payload)
    except fastjsonschema.JsonSchemaValueException as exc:
        reason = " ".join(str(exc.message).split())
        return reason if len(reason) <= _MAX_REASON else reason[: _MAX_REASON - 3] + "..."
    except RecursionError:
        return "payload nested too deeply to check"
    return None
