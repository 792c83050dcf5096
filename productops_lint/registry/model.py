"""The tracking plan as frozen data: events, properties, conventions, tracker declarations, ticket rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..types import Location
from .iglu import parse_schema
from .pr_rules import Checklist, EpicRules

PROPERTY_TYPES = ("string", "integer", "number", "boolean", "datetime", "array", "object", "enum")
EVENT_STATUSES = ("planned", "active", "deprecated", "removed")
NAME_STYLES = (
    "any",
    "title_case",  # "Order Completed"
    "sentence_case",  # "Order completed"
    "snake_case",  # "order_completed"
    "camel_case",  # "orderCompleted"
    "pascal_case",  # "OrderCompleted"
    "kebab_case",  # "order-completed"
    "dot_separated",  # "order.completed"
    "screaming_snake_case",  # "ORDER_COMPLETED"
)
# The SDKs that detection knows out of the box; rule files name them under `trackers.presets`.
# The same names, in the same order, as `detect.presets.PRESETS` (a test holds them equal).
TRACKER_PRESETS = (
    "segment", "rudderstack", "posthog", "mixpanel", "amplitude", "snowplow", "customerio", "june", "heap", "intercom", "http",
)
DEFAULT_PII_PATTERNS = (
    r"e[-_]?mail",
    r"phone",
    r"mobile",
    r"(^|_)ip(_|$)|ip_?address",
    r"ssn|social_security",
    r"first_?name|last_?name|full_?name|surname",
    r"(street_?)?address|postcode|zip_?code",
    r"birth_?date|date_?of_?birth|dob",
    r"passport|credit_?card|card_?number|iban",
)


@dataclass(frozen=True)
class PropertySpec:
    """One declared property of an event."""

    name: str
    type: str = "string"
    values: tuple[Any, ...] = ()
    required: bool = False
    pii: bool = False
    description: str = ""
    pattern: str | None = None
    location: Location = Location("<plan>")


@dataclass(frozen=True)
class EventSpec:
    """One event of the plan."""

    name: str
    description: str = ""
    owner: str | None = None
    status: str = "active"
    replaced_by: str | None = None
    sunset: str | None = None
    epic: str | None = None
    must_track: bool = False
    area: str | None = None
    properties: Mapping[str, PropertySpec] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    location: Location = Location("<plan>")

    @property
    def file(self) -> str:
        return self.location.path

    @property
    def required_properties(self) -> list[str]:
        return [p.name for p in self.properties.values() if p.required]


@dataclass(frozen=True)
class NamingRules:
    """Naming rules for either event names or property names."""

    style: str = "any"
    grammar: str | None = None  # e.g. "<object> <action>"
    allowed_verbs: tuple[str, ...] = ()
    past_tense: bool = False
    reserved_prefixes: tuple[str, ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class Conventions:
    """Naming conventions: event names, property names, and PII-looking property names."""

    event: NamingRules = NamingRules(reserved_prefixes=("$", "mp_", "amplitude_"))
    property: NamingRules = NamingRules(reserved_prefixes=("$", "mp_"))
    pii_patterns: tuple[str, ...] = DEFAULT_PII_PATTERNS
    location: Location | None = None
    # Where each of `pii_patterns` is written, so a pattern that is too slow names its own line.
    pii_locations: tuple[Location, ...] = ()

    def pii_location(self, index: int) -> Location:
        if index < len(self.pii_locations):
            return self.pii_locations[index]
        return self.location or Location("<plan>")


@dataclass(frozen=True)
class ArgSpec:
    """Which argument of a call carries a value: by position (0-based), by keyword, or both."""

    position: int | None = None
    keyword: str | None = None


# A declared wrapper's name: dotted identifiers, where a segment may be a call (`sdk.Client().send`,
# `shop.make_client().track`), optionally after the path of a file whose folders are not
# identifiers (`tools/send-metrics.py:track`).
WRAPPER_NAME = re.compile(
    r"(?:[^:\s]+\.py:[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|[A-Za-z_][A-Za-z0-9_]*(?:\(\))?(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\(\))?)*\.[A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass(frozen=True)
class WrapperSpec:
    """A project's own tracking function or method, declared by qualified name."""

    qualname: str
    event: ArgSpec
    properties: ArgSpec = ArgSpec()
    location: Location = Location("<config>")


@dataclass(frozen=True)
class TicketRules:
    """Ticket keys that commit messages and branch names must carry."""

    project_keys: tuple[str, ...] = ()
    pattern: str | None = None
    escape_words: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True)
class Plan:
    """The whole tracking plan, merged from every rule file."""

    events: Mapping[str, EventSpec] = field(default_factory=dict)
    conventions: Conventions = Conventions()
    wrappers: tuple[WrapperSpec, ...] = ()
    # None means "every built-in preset".
    presets: tuple[str, ...] | None = None
    tickets: TicketRules = TicketRules()
    files: tuple[str, ...] = ()
    # The PR checks' rules (`epics`, `checklists` sections); see registry/pr_rules.py.
    epics: EpicRules = EpicRules()
    checklists: tuple[Checklist, ...] = ()

    def get(self, name: str) -> EventSpec | None:
        """The plan's event ``name``; a Snowplow schema URI is also found under its `vendor/name`."""
        found = self.events.get(name)
        if found is None and (schema := parse_schema(name)) is not None:
            found = self.events.get(schema.key)
        return found

    def by_normalized(self) -> dict[str, list[EventSpec]]:
        """Events keyed by their name with case and separators folded (`order_completed` ~ `Order Completed`)."""
        out: dict[str, list[EventSpec]] = {}
        for ev in self.events.values():
            out.setdefault(normalize_name(ev.name), []).append(ev)
        return out


def plan_type_of(value: Any) -> str | None:
    """The plan's type word for a statically known Python value; None for null or anything else."""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


_SEPARATORS = re.compile(r"[\s_\-.:/]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalize_name(name: str) -> str:
    """Fold case and separators, so names that differ only in them compare equal."""
    return _SEPARATORS.sub("", _CAMEL_BOUNDARY.sub("_", name)).lower()


def _tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def property_from_data(name: str, data: Mapping[str, Any] | str | None, location: Location) -> PropertySpec:
    """Build a property from its YAML mapping; a bare string is shorthand for its type."""
    if isinstance(data, str):
        return PropertySpec(name=name, type=data, location=location)
    data = data or {}
    pattern = data.get("pattern")
    return PropertySpec(
        name=name,
        type=str(data.get("type", "string")),
        values=_tuple(data.get("values")),
        required=bool(data.get("required", False)),
        pii=bool(data.get("pii", False)),
        description=str(data.get("description", "") or ""),
        pattern=str(pattern) if pattern is not None else None,
        location=location,
    )


def event_from_data(
    data: Mapping[str, Any],
    location: Location,
    defaults: Mapping[str, Any] | None = None,
    property_locations: Mapping[str, Location] | None = None,
) -> EventSpec:
    """Build an event from its YAML mapping; ``defaults`` carries file-level ``owner``/``area``."""
    defaults = defaults or {}
    props_data = data.get("properties") or {}
    property_locations = property_locations or {}
    props = {
        str(k): property_from_data(str(k), v, property_locations.get(str(k), location))
        for k, v in props_data.items()
    }
    sunset = data.get("sunset")
    return EventSpec(
        name=str(data["name"]),
        description=str(data.get("description", "") or ""),
        owner=data.get("owner", defaults.get("owner")),
        status=str(data.get("status", "active")),
        replaced_by=data.get("replaced_by"),
        sunset=str(sunset) if sunset is not None else None,
        epic=data.get("epic"),
        must_track=bool(data.get("must_track", False)),
        area=data.get("area", defaults.get("area")),
        properties=props,
        meta=dict(data.get("meta") or {}),
        location=location,
    )


def naming_rules_from_data(data: Mapping[str, Any] | None, base: NamingRules) -> NamingRules:
    if not data:
        return base
    return NamingRules(
        style=str(data.get("style", base.style)),
        grammar=data.get("grammar", base.grammar),
        allowed_verbs=_tuple(data.get("allowed_verbs", base.allowed_verbs)),
        past_tense=bool(data.get("past_tense", base.past_tense)),
        reserved_prefixes=_tuple(data.get("reserved_prefixes", base.reserved_prefixes)),
        max_length=data.get("max_length", base.max_length),
    )


def conventions_from_data(
    data: Mapping[str, Any] | None, location: Location | None = None, pii_locations: tuple[Location, ...] = ()
) -> Conventions:
    base = Conventions()
    if not data:
        return base
    return Conventions(
        event=naming_rules_from_data(data.get("event_name"), base.event),
        property=naming_rules_from_data(data.get("property_name"), base.property),
        pii_patterns=_tuple(data.get("pii_patterns", base.pii_patterns)),
        location=location,
        pii_locations=pii_locations if "pii_patterns" in data else (),
    )


def arg_spec_from_data(data: Mapping[str, Any] | int | str | None) -> ArgSpec:
    if data is None:
        return ArgSpec()
    if isinstance(data, int):
        return ArgSpec(position=data)
    if isinstance(data, str):
        return ArgSpec(keyword=data)
    return ArgSpec(position=data.get("position"), keyword=data.get("keyword"))


def wrapper_from_data(data: Mapping[str, Any], location: Location) -> WrapperSpec:
    return WrapperSpec(
        qualname=str(data["name"]),
        event=arg_spec_from_data(data.get("event")),
        properties=arg_spec_from_data(data.get("properties")),
        location=location,
    )


def tickets_from_data(data: Mapping[str, Any] | None, location: Location | None = None) -> TicketRules:
    if not data:
        return TicketRules()
    return TicketRules(
        project_keys=tuple(str(k) for k in _tuple(data.get("project_keys"))),
        pattern=data.get("pattern"),
        escape_words=tuple(str(w) for w in _tuple(data.get("escape_words"))),
        location=location,
    )
