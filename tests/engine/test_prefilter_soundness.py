"""The pre-filter is sound: skipping files changes no finding, on adversarial and large trees."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from productops_lint.config import Config
from productops_lint.engine import analyze
from productops_lint.registry.loader import load_plan
from productops_lint.sources import DictProvider

ROOT = Path(__file__).resolve().parents[2]

PLAN = """
events:
  - name: Order Completed
    description: An order was paid.
    properties:
      total: {type: number, required: true}
  - name: Cart Viewed
    description: The cart page was shown.
"""

# Every way we know of to reach a tracker from another module, plus files that only *mention* SDKs.
ADVERSARIAL = {
    "app/__init__.py": "from .tracking.client import track_event as track_event\n",
    "app/tracking/__init__.py": "",
    "app/tracking/client.py": (
        "import posthog\n"
        "from segment import analytics\n\n"
        "def track_event(user, event, properties=None):\n"
        "    analytics.track(user, event, properties)\n\n"
        "class Tracker:\n"
        "    def __init__(self):\n"
        "        self.ph = posthog.Posthog('key')\n"
        "    def send(self, user, name, **props):\n"
        "        self.ph.capture(user, name, props)\n"
    ),
    "app/tracking/reexport.py": "from app.tracking.client import track_event as emit, Tracker\n",
    "app/events.py": "ORDER = 'Order Completed'\nTYPO = 'Order Complete'\n",
    # Package attribute access: only `app` is imported; the rest of the path is spelled out.
    "app/a.py": "import app.tracking\n\ndef f(u):\n    app.tracking.client.track_event(u, 'Cart Viewd')\n",
    # Parenthesized, multi-line relative import.
    "app/tracking/b.py": "from . import (\n    reexport,\n)\n\ndef g(u):\n    reexport.emit(u, 'Cart Viewd')\n",
    # Re-export through the package __init__.
    "app/c.py": "from app import track_event\nfrom app.events import TYPO\n\ndef h(u):\n    track_event(u, TYPO, {'total': 1})\n",
    # Subclass of a tracker-holding class from another module.
    "app/d.py": (
        "from app.tracking.reexport import Tracker\n\n"
        "class Mine(Tracker):\n"
        "    def go(self, u):\n"
        "        self.send(u, 'Order Completed', total='x')\n"
    ),
    # A client created in one module and used in another.
    "app/clients.py": "import mixpanel\nmp = mixpanel.Mixpanel('t')\n",
    "app/e.py": "from app.clients import mp\n\ndef k(u):\n    mp.track(u, 'order completed', {})\n",
    # Mentions only: comments, strings, variables named like SDKs. No tracking calls.
    "noise/one.py": "# analytics.track(user, 'Order Complete')\nsegment = 'x'\nposthog = None\n",
    "noise/two.py": "DOC = '''import analytics\\nanalytics.track(u, \"X\")'''\n",
    "noise/three.py": "def track(x):\n    return x\n\ntrack('Order Complete')\n",
    # Broken files that mention an SDK still get one diagnostic, in both modes.
    "noise/broken.py": "import analytics\ndef (:\n",
    "noise/latin.py": b"import analytics\nx = '\xff'\n",
}


def _run(files: dict, prefilter: bool, config: Config | None = None, jobs: int = 1):
    plan = load_plan([("plan.yaml", PLAN)])
    result = analyze(DictProvider(files), config or Config(), plan, prefilter=prefilter, jobs=jobs)
    return (
        [(d.path, d.span, d.code, d.message) for d in result.diagnostics],
        [(c.path, c.span, c.sdk, c.event, c.via) for c in result.calls],
    )


def test_adversarial_tree_has_the_same_findings_with_and_without_prefilter():
    filtered, unfiltered = _run(ADVERSARIAL, True), _run(ADVERSARIAL, False)
    assert filtered == unfiltered
    paths = {c[0] for c in filtered[1]}
    # Guard against a vacuous pass: every reachable call site was found.
    assert {"app/a.py", "app/tracking/b.py", "app/c.py", "app/d.py", "app/e.py"} <= paths
    assert not any(p.startswith("noise/") for p in paths)
    assert {d[0] for d in filtered[0] if d[2] in ("PO001", "PO002")} == {"noise/broken.py", "noise/latin.py"}


def test_declared_wrappers_are_found_with_and_without_prefilter():
    files = {
        "lib/helpers.py": "def emit(name, props):\n    pass\n",
        "svc/x.py": "from lib.helpers import emit\n\nemit('Order Complete', {})\n",
    }
    config = Config(wrappers=(load_plan([("p.yaml", "trackers:\n  wrappers:\n    - name: lib.helpers.emit\n      event: {position: 0}\n")]).wrappers))
    filtered, unfiltered = _run(files, True, config), _run(files, False, config)
    assert filtered == unfiltered and filtered[1]


def _generated_tree(tmp_path: Path, files: int) -> dict[str, bytes]:
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_corpus"] = module
    spec.loader.exec_module(module)
    out = tmp_path / "tree"
    module.main([str(out), "--files", str(files), "--density", "0.05", "--seed", "11"])
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.py")}


def test_large_generated_tree_has_the_same_findings_with_and_without_prefilter(tmp_path):
    # 500 modules keep the unfiltered run (which parses every file) within a minute or two; the
    # benchmark runs the same comparison-free detection over 10,000 modules.
    tree = _generated_tree(tmp_path, 500)
    tree.update({f"extra/{k}": v for k, v in ADVERSARIAL.items()})
    filtered, unfiltered = _run(tree, True, jobs=2), _run(tree, False, jobs=2)
    assert len(filtered[1]) > 30
    assert filtered == unfiltered


def test_stage_one_finds_the_words_a_word_boundary_expression_finds():
    import random
    import re

    from productops_lint.prefilter import Words

    rng = random.Random(20261122)
    checked = found = 0
    for _ in range(20_000):
        # Short words over a small alphabet, so they overlap, repeat and touch each other often.
        names = {"".join(rng.choice("ab_1Z") for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))}
        data = bytes(rng.choice(b"ab_1Z .(\n\xc3\xa9") for _ in range(rng.randint(0, 30)))
        pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in sorted(names)) + rb")\b")
        expected = {m.decode() for m in pattern.findall(data)}
        assert Words(names).find(data) == expected, (names, data)
        checked += 1
        found += bool(expected)
    assert found > checked // 4  # not a run of empty answers
