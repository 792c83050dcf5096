"""A summary leaves its parse tree to reference counting: no cycle of ours keeps the tree for the cycle collector."""

from __future__ import annotations

import gc

import libcst as cst

from productops_lint.detect import summarize as summarize_module
from productops_lint.detect.summarize import summarize

SOURCE = '''\
import analytics
from shop.events import ORDER

PLAN = {"a": 1}


class Checkout:
    def __init__(self, client):
        self.client = client

    def pay(self, user_id, amount):
        analytics.track(user_id, ORDER, {"amount": amount, "currency": "EUR"})
        return [x * 2 for x in range(3)]
'''


def _cyclic_garbage_after(run) -> list[object]:  # noqa: ANN001
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()


def test_the_tree_and_the_collector_are_freed_without_the_cycle_collector():
    summary = summarize("shop/checkout.py", "shop.checkout", SOURCE)
    assert summary.calls  # the module was really summarized
    garbage = _cyclic_garbage_after(lambda: summarize("shop/checkout.py", "shop.checkout", SOURCE))
    assert not [o for o in garbage if isinstance(o, (cst.Module, summarize_module._Collector))]
