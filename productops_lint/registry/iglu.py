"""Snowplow schema URIs (`iglu:vendor/name/format/version`): how the plan names a self-describing event."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# Iglu's own grammar: a vendor (reverse domain), a name, a format, and a SchemaVer MODEL-REVISION-ADDITION.
_URI = re.compile(r"iglu:(?P<vendor>[A-Za-z0-9_.\-]+)/(?P<name>[A-Za-z0-9_\-]+)/(?P<format>[A-Za-z0-9_\-]+)/(?P<version>\d+-\d+-\d+)")
# `com.acme/checkout_started`: every version of the schema. The vendor holds a dot, as reverse
# domains do, which keeps a plan event such as `Search/Filter` from reading as one.
_VENDOR_NAME = re.compile(r"[A-Za-z0-9_\-]+\.[A-Za-z0-9_.\-]+/[A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class Schema:
    vendor: str
    name: str
    format: str
    version: str

    @property
    def key(self) -> str:
        """The name of every version of this schema: `vendor/name`."""
        return f"{self.vendor}/{self.name}"


def parse_schema(text: str) -> Schema | None:
    """The parts of an Iglu URI, or None when ``text`` is not one."""
    match = _URI.fullmatch(text)
    return Schema(**match.groupdict()) if match else None


def is_schema_name(text: str) -> bool:
    """Whether a plan event name is a Snowplow schema, by full URI or as `vendor/name`."""
    return parse_schema(text) is not None or _VENDOR_NAME.fullmatch(text) is not None


def other_versions(uri: str, names: Iterable[str]) -> list[str]:
    """The versions of ``uri``'s schema that the plan names by full URI, when ``uri`` is not among them."""
    schema = parse_schema(uri)
    if schema is None:
        return []
    found = [s.version for s in map(parse_schema, names) if s is not None and s.key == schema.key]
    return sorted(v for v in set(found) if v != schema.version)
