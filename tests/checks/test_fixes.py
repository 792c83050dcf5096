"""Fix builders: literal rewriting keeps the author's style, renames land where the name is spelled."""

from __future__ import annotations

import ast

import pytest
from check_helpers import CONSTANTS_PATH, PATH, make_call, prop
from hypothesis import given
from hypothesis import strategies as st

from productops_lint.checks.fixes import (
    rename_event_fix,
    rename_key_fix,
    rewrite_string_literal,
    unique_suggestion,
)
from productops_lint.types import Edit, Fix, Span


@pytest.mark.parametrize(
    ("source", "new", "expected"),
    [
        ('"Order Complete"', "Order Completed", '"Order Completed"'),
        ("'Order Complete'", "Order Completed", "'Order Completed'"),
        ('"""x"""', "Order Completed", '"""Order Completed"""'),
        ("'''x'''", "it's", "'''it\\'s'''"),
        ('u"x"', "Order Completed", 'u"Order Completed"'),
        ('R"x"', "a\\b", 'R"a\\b"'),
        ("'x'", "it's", "'it\\'s'"),
        ('"x"', 'say "hi"', '"say \\"hi\\""'),
        ('"x"', "a\\b", '"a\\\\b"'),
        ('"x"', "two\nlines", '"two\\nlines"'),
        ('"x"', "Café Visité", '"Café Visité"'),
        ('f"x"', "{braces}", 'f"{{braces}}"'),
    ],
)
def test_rewrite_keeps_prefix_and_quotes(source: str, new: str, expected: str) -> None:
    assert rewrite_string_literal(source, new) == expected


def test_raw_literal_that_cannot_spell_the_value_loses_its_r() -> None:
    assert rewrite_string_literal("r'x'", "it's") == "'it\\'s'"
    assert rewrite_string_literal('r"x"', "ends with \\") == '"ends with \\\\"'


@pytest.mark.parametrize("source", ['b"x"', '"a" "b"', 'f"{x}"', "name", "'unterminated", "1 + 2"])
def test_rewrite_refuses_what_is_not_one_plain_string(source: str) -> None:
    with pytest.raises(ValueError):
        rewrite_string_literal(source, "Order Completed")


@given(
    value=st.text(max_size=30),
    style=st.sampled_from(['"x"', "'x'", '"""x"""', "'''x'''", 'r"x"', "R'x'", 'u"x"', 'f"x"', "rf'x'"]),
)
def test_rewritten_literal_always_spells_the_value(value: str, style: str) -> None:
    result = rewrite_string_literal(style, value)
    node = ast.parse(result, mode="eval").body
    if isinstance(node, ast.JoinedStr):
        spelled = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        spelled = node.value if isinstance(node, ast.Constant) else None
    assert spelled == value


def test_event_fix_edits_the_literal_at_the_call() -> None:
    call = make_call("Order Complete", source="'Order Complete'")
    fix, note = rename_event_fix(call, "Order Completed", "unsafe")
    assert note is None
    assert fix == Fix(
        "Rename to `Order Completed`",
        "unsafe",
        (Edit(PATH, Span(3, 26, 3, 42), "'Order Completed'"),),
    )


def test_event_fix_edits_a_constant_in_its_own_module() -> None:
    call = make_call("Order Complete", "constant", constant="app.events.ORDER_COMPLETED")
    fix, _ = rename_event_fix(call, "Order Completed", "safe")
    assert fix is not None
    assert [(e.path, e.replacement) for e in fix.edits] == [(CONSTANTS_PATH, '"Order Completed"')]


@pytest.mark.parametrize(("uses", "places"), [(1, "1 place"), (3, "3 places")])
def test_shared_constant_is_not_renamed_and_the_note_says_why(uses: int, places: str) -> None:
    call = make_call("Order Complete", "constant", constant="app.events.ORDER", other_uses=uses)
    fix, note = rename_event_fix(call, "Order Completed", "safe")
    assert fix is None
    assert note == f"The constant `app.events.ORDER` is also used elsewhere ({places}), so it is not renamed"


def test_constant_read_only_as_an_event_name_is_renamed() -> None:
    call = make_call("Order Complete", "constant", constant="app.events.ORDER", other_uses=0)
    assert rename_event_fix(call, "Order Completed", "safe")[0] is not None


def test_affix_fix_rewrites_only_the_part_written_at_the_call_site() -> None:
    call = make_call("Order Complete", affix=("Order ", ""), via=("app.tracking.track_order",))
    assert call.origin is not None and call.origin.source == '"Complete"'
    fix, _ = rename_event_fix(call, "Order Completed", "unsafe")
    assert fix is not None and fix.edits[0].replacement == '"Completed"'
    assert fix.title == "Rename to `Order Completed`"


def test_affix_with_suffix_is_stripped_too() -> None:
    call = make_call("Checkout Stared (web)", affix=("", " (web)"))
    fix, _ = rename_event_fix(call, "Checkout Started (web)", "unsafe")
    assert fix is not None and fix.edits[0].replacement == '"Checkout Started"'


def test_no_fix_when_the_target_lacks_the_wrappers_prefix() -> None:
    call = make_call("web: Order Complete", affix=("web: ", ""), via=("app.tracking.track_web",))
    fix, note = rename_event_fix(call, "Order Completed", "unsafe")
    assert fix is None
    assert note == (
        "`Order Completed` lacks the prefix `web: ` that `app.tracking.track_web` adds, so the call is not rewritten"
    )


def test_no_fix_when_the_origin_does_not_spell_the_name() -> None:
    # A name put together from two literals has no single literal to edit.
    call = make_call("Order Complete", source='"Order " "Complete"')
    assert rename_event_fix(call, "Order Completed", "unsafe") == (None, None)
    call = make_call("Order Complete", source='"Something Else"')
    assert rename_event_fix(call, "Order Completed", "unsafe") == (None, None)


def test_no_fix_without_an_origin() -> None:
    call = make_call("Order Complete", "dynamic")
    assert rename_event_fix(call, "Order Completed", "unsafe") == (None, None)


def test_key_fix_keeps_quote_style() -> None:
    call = make_call("Checkout Started")
    fix = rename_key_fix(call, prop("cart_valeu", source="'cart_valeu'"), "cart_value", "unsafe")
    assert fix is not None
    assert fix.edits == (Edit(PATH, Span(3, 46, 3, 58), "'cart_value'"),)


def test_key_fix_in_a_keyword_argument_writes_a_bare_identifier() -> None:
    call = make_call("Report Exported")
    fix = rename_key_fix(call, prop("formt", source="formt"), "format", "unsafe")
    assert fix is not None and fix.edits[0].replacement == "format"


@pytest.mark.parametrize("target", ["item-count", "class", "2nd_step"])
def test_no_key_fix_when_the_keyword_cannot_spell_the_key(target: str) -> None:
    call = make_call("Report Exported")
    assert rename_key_fix(call, prop("itemcount", source="itemcount"), target, "unsafe") is None


def test_key_fix_uses_the_path_where_the_key_is_written() -> None:
    call = make_call("Checkout Started")
    fix = rename_key_fix(call, prop("cart_valeu", path="app/defaults.py"), "cart_value", "unsafe")
    assert fix is not None and fix.edits[0].path == "app/defaults.py"


def test_unique_suggestion_tells_apart_one_close_candidate_from_several() -> None:
    assert unique_suggestion("cart_valeu", ["cart_value", "payment_method"]) == ("cart_value", True)
    best, unique = unique_suggestion("Order Complete", ["Order Completed", "Order Competed"])
    assert best == "Order Completed" and unique is False
    assert unique_suggestion("Wishlist Shared", ["Order Completed"]) == (None, False)
