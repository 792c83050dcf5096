"""Generate a deterministic Python tree with analytics tracking calls at a known density.

The tree looks like a mid-sized application: an ``app/tracking`` package (a Segment wrapper
``track_event(user_id, event, properties)``, event-name constants, an ``Event`` enum and a
``Tracker`` class whose method forwards to the wrapper), and thousands of ordinary modules of
which only a small share (``density``, 2% by default) track anything. Tracking modules mix
calls through the wrapper, through the method, and straight into several SDKs (Segment,
RudderStack, PostHog, Mixpanel, Amplitude, Snowplow). A few "decoy" modules mention words such
as ``track`` or ``capture`` without tracking, as real code does, so a text prefilter cannot
trivially win.

Next to the code it writes a tracking plan (``rules/plan.yaml``), a ``pyproject.toml`` for the
product, and ``manifest.json`` with exact counts, so the benchmark can check that every tool
found what it should. Same arguments, same bytes: everything is drawn from one seeded RNG.

    python bench/gen_corpus.py OUT_DIR --files 10000 --density 0.02 --seed 7
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Events of the tracking plan. Peer rules (bench/peers/) carry the same list; a test keeps them in step.
PLAN_EVENTS: tuple[str, ...] = (
    "Account Created",
    "Account Deleted",
    "Cart Viewed",
    "Checkout Started",
    "Coupon Applied",
    "Invite Sent",
    "Order Completed",
    "Order Refunded",
    "Payment Failed",
    "Plan Upgraded",
    "Product Added",
    "Product Removed",
    "Product Viewed",
    "Report Exported",
    "Search Performed",
    "Signup Started",
    "Subscription Cancelled",
    "Trial Started",
)
# Names a careless engineer would write instead: not in the plan, so checks report them.
OFF_PLAN_EVENTS: tuple[str, ...] = (
    "Order Complete",
    "checkout_started",
    "Product viewed",
    "Promo Banner Clicked",
    "Signed Up",
)
# Share of tracking calls that use an off-plan name.
OFF_PLAN_RATE = 0.15
# Share of all modules that mention tracking-like words without tracking.
DECOY_RATE = 0.03
# Modules per package folder, as in a typical app.
MODULES_PER_PACKAGE = 50

DOMAINS = (
    "accounts", "billing", "catalog", "checkout", "inventory", "notifications",
    "orders", "payments", "reports", "search", "shipping", "support",
)
NOUNS = (
    "address", "batch", "cart", "customer", "discount", "invoice", "item", "ledger", "order",
    "payload", "price", "product", "quota", "record", "refund", "region", "session", "shipment",
    "sku", "slot", "team", "ticket", "token", "vendor", "warehouse", "window",
)
VERBS = (
    "build", "collect", "compute", "fetch", "filter", "load", "merge", "normalize", "parse",
    "refresh", "render", "resolve", "save", "split", "sync", "validate",
)
TYPES = ("int", "str", "float", "bool", "list[str]", "dict[str, int]", "Optional[str]")
STDLIB_IMPORTS = (
    "import logging", "import os", "import re", "import json", "import time",
    "from datetime import datetime, timedelta", "from decimal import Decimal",
    "from collections import defaultdict", "from functools import lru_cache",
    "from pathlib import Path", "import itertools", "from enum import Enum",
)

# Kinds of tracking call; the manifest counts each.
CALL_KINDS = (
    "wrapper_constant", "wrapper_literal", "wrapper_enum", "method", "segment",
    "rudderstack", "posthog", "mixpanel", "amplitude", "snowplow",
)
# Kinds the peer rules look at: a string literal passed to analytics.track or track_event.
PEER_KINDS = ("wrapper_literal", "segment")


@dataclass
class Manifest:
    """What was generated, for checks and for the benchmark report."""

    seed: int
    modules: int
    density: float
    python_files: int = 0
    tracking_files: list[str] = field(default_factory=list)
    decoy_files: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=lambda: {k: 0 for k in CALL_KINDS})
    off_plan_calls: dict[str, int] = field(default_factory=lambda: {k: 0 for k in CALL_KINDS})
    bytes: int = 0
    lines: int = 0

    @property
    def peer_expected_findings(self) -> int:
        """Off-plan literal names at analytics.track / track_event: what the peer rules should flag."""
        return sum(self.off_plan_calls[k] for k in PEER_KINDS)


def constant_name(event: str) -> str:
    """The constant (and enum member) that holds ``event``; off-plan names get a LEGACY_ prefix so none collide."""
    name = event.upper().replace(" ", "_")
    return name if event in PLAN_EVENTS else f"LEGACY_{name}"


def _ident(rng: random.Random) -> str:
    return f"{rng.choice(NOUNS)}_{rng.choice(NOUNS)}"


def _class_name(rng: random.Random) -> str:
    return rng.choice(NOUNS).title() + rng.choice(NOUNS).title()


# --- ordinary code ---------------------------------------------------------------------------


def _block_dataclass(rng: random.Random) -> str:
    fields_ = sorted({_ident(rng) for _ in range(rng.randint(2, 6))})
    lines = ["@dataclass(frozen=True)", f"class {_class_name(rng)}:", f'    """Value object for one {rng.choice(NOUNS)}."""', ""]
    lines += [f"    {f}: {rng.choice(TYPES)}" for f in fields_]
    lines += ["", "    def describe(self) -> str:", f'        return f"{fields_[0]}={{self.{fields_[0]}!r}}"']
    return "\n".join(lines)


def _block_loop(rng: random.Random) -> str:
    key, name = rng.choice(NOUNS), f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}s"
    return f'''def {name}(items: list[dict[str, Any]], limit: int = {rng.randint(5, 500)}) -> list[str]:
    """{rng.choice(VERBS).title()} the {key}s of a page of results."""
    result: list[str] = []
    for index, item in enumerate(items):
        if index >= limit:
            break
        value = item.get("{key}")
        if value is None:
            continue
        result.append(f"{{index}}:{{value}}")
    return result'''


def _block_class(rng: random.Random) -> str:
    cls, attr = _class_name(rng), _ident(rng)
    methods = []
    for _ in range(rng.randint(1, 4)):
        verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
        methods.append(f'''    def {verb}_{noun}(self, {noun}_id: int, *, force: bool = False) -> Optional[dict[str, Any]]:
        cached = self._{attr}.get({noun}_id)
        if cached is not None and not force:
            return cached
        try:
            row = self._store.get({noun}_id)
        except KeyError:
            logger.warning("missing {noun} %s", {noun}_id)
            return None
        self._{attr}[{noun}_id] = row
        return row''')
    return f'''class {cls}:
    """Keeps {attr.replace("_", " ")} lookups close to their store."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._{attr}: dict[int, Any] = {{}}

''' + "\n\n".join(methods)


def _block_aggregate(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    return f'''def total_{noun}_{rng.choice(NOUNS)}(rows: list[dict[str, Any]]) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        bucket = row.get("region") or "unknown"
        totals[bucket] += float(row.get("amount", 0)) * {rng.uniform(0.5, 2.0):.3f}
    return {{k: round(v, 2) for k, v in sorted(totals.items()) if v > {rng.randint(0, 50)}}}'''


def _block_parse(rng: random.Random) -> str:
    noun = rng.choice(NOUNS)
    return f'''_{noun.upper()}_PATTERN = re.compile(r"^(?P<{noun}>[a-z]+)-(?P<number>\\d{{{rng.randint(2, 6)}}})$")


def parse_{noun}(text: str) -> tuple[str, int] | None:
    match = _{noun.upper()}_PATTERN.match(text.strip())
    if not match:
        return None
    return match.group("{noun}"), int(match.group("number"))'''


def _block_constants(rng: random.Random) -> str:
    return "\n".join(f"{_ident(rng).upper()} = {rng.randint(1, 10_000)}" for _ in range(rng.randint(2, 6)))


BLOCKS = (_block_dataclass, _block_loop, _block_class, _block_aggregate, _block_parse, _block_constants)


def _decoy_block(rng: random.Random) -> str:
    """Tracking-like words in code that tracks nothing (progress bars, captured output)."""
    return f'''def track_progress(done: int, total: int) -> float:
    """Share of {rng.choice(NOUNS)}s processed, for the progress bar (no analytics here)."""
    return 0.0 if total == 0 else done / total


def capture_output(lines: list[str]) -> str:
    logging.captureWarnings(True)
    return "\\n".join(line for line in lines if line)'''


# --- tracking code ---------------------------------------------------------------------------


def _event(rng: random.Random, manifest: Manifest, kind: str) -> str:
    manifest.calls[kind] += 1
    if rng.random() < OFF_PLAN_RATE:
        manifest.off_plan_calls[kind] += 1
        return rng.choice(OFF_PLAN_EVENTS)
    return rng.choice(PLAN_EVENTS)


def _tracking_block(rng: random.Random, kind: str, manifest: Manifest, imports: set[str]) -> str:
    """One function that sends one event through ``kind``."""
    fn = f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{rng.randint(0, 999)}"
    event = _event(rng, manifest, kind)
    if kind == "wrapper_constant":
        imports |= {"from app.tracking import events", "from app.tracking.client import track_event"}
        # Off-plan constants exist in events.py too, so the name resolves but is not planned.
        return f'''def {fn}(user: Any, order: Any) -> None:
    track_event(user.id, events.{constant_name(event)}, {{"order_id": order.id, "revenue": order.total}})'''
    if kind == "wrapper_literal":
        imports.add("from app.tracking.client import track_event")
        return f'''def {fn}(user_id: str, source: str) -> None:
    track_event(user_id, "{event}", {{"source": source, "plan": "pro"}})'''
    if kind == "wrapper_enum":
        imports |= {"from app.tracking.enums import Event", "from app.tracking.client import track_event"}
        return f'''def {fn}(user_id: str, query: str) -> None:
    track_event(user_id, Event.{constant_name(event)}, properties={{"query": query}})'''
    if kind == "method":
        imports.add("from app.tracking.tracker import Tracker")
        return f'''def {fn}(user_id: str, product_id: str) -> None:
    tracker = Tracker(user_id)
    tracker.track("{event}", product_id=product_id, currency="EUR")'''
    if kind == "segment":
        imports.add("import segment.analytics as analytics")
        return f'''def {fn}(user_id: str, amount: float) -> None:
    analytics.track(user_id, "{event}", {{"amount": amount, "currency": "EUR"}})'''
    if kind == "rudderstack":
        imports.add("import rudderstack.analytics as rudder_analytics")
        return f'''def {fn}(user_id: str, plan: str) -> None:
    rudder_analytics.track(user_id, "{event}", {{"plan": plan}})'''
    if kind == "posthog":
        imports.add("from posthog import Posthog")
        return f'''def {fn}(user_id: str, plan: str) -> None:
    posthog = Posthog("phc_project_key", host="https://eu.posthog.example")
    posthog.capture(user_id, "{event}", properties={{"plan": plan}})'''
    if kind == "mixpanel":
        imports.add("from mixpanel import Mixpanel")
        return f'''def {fn}(user_id: str, sku: str) -> None:
    mp = Mixpanel("mixpanel-token")
    mp.track(user_id, "{event}", {{"sku": sku}})'''
    if kind == "amplitude":
        imports.add("from amplitude import Amplitude, BaseEvent")
        return f'''def {fn}(user_id: str, count: int) -> None:
    client = Amplitude("amplitude-key")
    client.track(BaseEvent(event_type="{event}", user_id=user_id, event_properties={{"count": count}}))'''
    if kind == "snowplow":
        imports.add("from snowplow_tracker import StructuredEvent, Tracker as SnowplowTracker")
        return f'''def {fn}(tracker: SnowplowTracker, label: str) -> None:
    tracker.track(StructuredEvent(category="shop", action="{event}", label=label))'''
    raise ValueError(kind)


# Wrapper-style calls dominate real code bases; direct SDK calls are the minority.
KIND_WEIGHTS = {
    "wrapper_constant": 6, "wrapper_literal": 4, "wrapper_enum": 3, "method": 3, "segment": 3,
    "rudderstack": 1, "posthog": 1, "mixpanel": 1, "amplitude": 1, "snowplow": 1,
}


def _module(rng: random.Random, tracks: bool, decoy: bool, manifest: Manifest) -> str:
    imports = {"from __future__ import annotations", "from dataclasses import dataclass",
               "from typing import Any, Optional", "from collections import defaultdict", "import re", "import logging"}
    imports |= set(rng.sample(STDLIB_IMPORTS, rng.randint(1, 4)))
    blocks = [rng.choice(BLOCKS)(rng) for _ in range(rng.randint(2, 10))]
    if decoy:
        blocks.insert(rng.randrange(len(blocks) + 1), _decoy_block(rng))
    if tracks:
        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=rng.randint(1, 3))
        for kind in kinds:
            blocks.insert(rng.randrange(len(blocks) + 1), _tracking_block(rng, kind, manifest, imports))
    future = "from __future__ import annotations"
    header = [f'"""{rng.choice(VERBS).title()} {rng.choice(NOUNS)} data for the {rng.choice(DOMAINS)} service."""', "", future]
    header += sorted(imports - {future}) + ["", "logger = logging.getLogger(__name__)"]
    return "\n".join(header) + "\n\n\n" + "\n\n\n".join(blocks) + "\n"


# --- the tracking package, plan and config -----------------------------------------------------

TRACKING_CLIENT = '''"""The one place that talks to Segment: every other module calls track_event."""

from __future__ import annotations

from typing import Any, Optional

import segment.analytics as analytics


def track_event(user_id: str, event: str, properties: Optional[dict[str, Any]] = None) -> None:
    analytics.track(user_id, event, properties or {})
'''

TRACKER_CLASS = '''"""Per-user tracker object for code that sends several events in a row."""

from __future__ import annotations

from typing import Any

from app.tracking.client import track_event


class Tracker:
    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def track(self, event: str, **properties: Any) -> None:
        track_event(self.user_id, event, properties)
'''


def _events_module() -> str:
    lines = ['"""Event names, one constant each, so a typo is a NameError and not a new event."""', ""]
    lines += [f'{constant_name(e)} = "{e}"' for e in PLAN_EVENTS + OFF_PLAN_EVENTS]
    return "\n".join(lines) + "\n"


def _enum_module() -> str:
    lines = ['"""Event names as an enum, for code that prefers one."""', "", "from enum import Enum", "", "",
             "class Event(str, Enum):"]
    lines += [f'    {constant_name(e)} = "{e}"' for e in PLAN_EVENTS + OFF_PLAN_EVENTS]
    return "\n".join(lines) + "\n"


# Properties the generated calls send, declared on every planned event so that the checks'
# findings are the planted off-plan names and not noise from an incomplete plan.
PLAN_PROPERTIES = {
    "order_id": "string", "revenue": "number", "source": "string", "plan": "string", "query": "string",
    "product_id": "string", "currency": "string", "amount": "number", "sku": "string", "count": "integer",
}


def _plan_yaml() -> str:
    lines = ["# Tracking plan of the generated benchmark app.", "events:"]
    for event in PLAN_EVENTS:
        lines += [f"  - name: {event}", f"    description: {event} in the generated app.", "    owner: growth",
                  "    properties:"]
        lines += [f"      {name}: {{type: {kind}}}" for name, kind in PLAN_PROPERTIES.items()]
    return "\n".join(lines) + "\n"


PYPROJECT = '''[project]
name = "bench-app"
version = "0.0.0"

[tool.productops]
registry = ["rules"]
src = ["."]
wrappers = [{ name = "app.tracking.client.track_event", event = 1, properties = 2 }]
'''


def _write(path: Path, text: str, manifest: Manifest | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if manifest is not None:
        manifest.python_files += 1
        manifest.bytes += len(text.encode())
        manifest.lines += text.count("\n")


def generate(out: Path, modules: int = 10_000, density: float = 0.02, seed: int = 7) -> Manifest:
    """Write the tree into ``out`` (replacing it) and return its manifest."""
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    manifest = Manifest(seed=seed, modules=modules, density=density)
    tracking = set(rng.sample(range(modules), round(modules * density)))
    decoys = set(rng.sample(range(modules), round(modules * DECOY_RATE))) - tracking

    _write(out / "app/__init__.py", "", manifest)
    _write(out / "app/tracking/__init__.py", '"""Analytics tracking."""\n', manifest)
    _write(out / "app/tracking/client.py", TRACKING_CLIENT, manifest)
    _write(out / "app/tracking/tracker.py", TRACKER_CLASS, manifest)
    _write(out / "app/tracking/events.py", _events_module(), manifest)
    _write(out / "app/tracking/enums.py", _enum_module(), manifest)
    for index in range(modules):
        package = index // MODULES_PER_PACKAGE
        pkg_dir = out / "app" / DOMAINS[package % len(DOMAINS)] / f"{NOUNS[package % len(NOUNS)]}_{package:04d}"
        if index % MODULES_PER_PACKAGE == 0:
            _write(pkg_dir / "__init__.py", "", manifest)
            if package < len(DOMAINS):
                _write(pkg_dir.parent / "__init__.py", "", manifest)
        rel = (pkg_dir / f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}_{index:05d}.py")
        _write(rel, _module(rng, index in tracking, index in decoys, manifest), manifest)
        relpath = rel.relative_to(out).as_posix()
        if index in tracking:
            manifest.tracking_files.append(relpath)
        elif index in decoys:
            manifest.decoy_files.append(relpath)

    _write(out / "rules/plan.yaml", _plan_yaml())
    _write(out / "pyproject.toml", PYPROJECT)
    summary = asdict(manifest) | {"peer_expected_findings": manifest.peer_expected_findings}
    _write(out / "manifest.json", json.dumps(summary, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=10_000, help="ordinary modules to generate")
    parser.add_argument("--density", type=float, default=0.02, help="share of modules that track")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    m = generate(args.out, args.files, args.density, args.seed)
    print(f"{m.python_files} .py files, {m.lines} lines, {len(m.tracking_files)} tracking, "
          f"{sum(m.calls.values())} calls ({sum(m.off_plan_calls.values())} off-plan)")


if __name__ == "__main__":
    main()
