"""Naming conventions: styles, grammar, verbs, prefixes, length, style conversion, PII hints, did-you-mean."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from productops_lint.registry.conventions import (
    STYLE_LABELS,
    did_you_mean,
    event_name_problems,
    is_past_tense,
    looks_like_pii,
    matches_style,
    property_name_problems,
    split_words,
    to_style,
)
from productops_lint.registry.model import NAME_STYLES, Conventions, NamingRules, normalize_name

STYLE_CASES = {
    "title_case": (
        ["Order Completed", "Product Added to Wishlist", "API Key Created", "Step 2 Completed", "Check-In Started"],
        ["order completed", "Order completed", "Order  Completed", "OrderCompleted", "Order_Completed", "to Order"],
    ),
    "sentence_case": (
        ["Order completed", "API key created", "Order"],
        ["order completed", "Order Completed", "Order  completed", "order_completed"],
    ),
    "snake_case": (
        ["order_completed", "order", "step_2_done"],
        ["Order_Completed", "order-completed", "order__x", "_order", "2fa_enabled"],
    ),
    "camel_case": (["orderCompleted", "order", "orderID"], ["OrderCompleted", "order_completed", "order-completed"]),
    "pascal_case": (["OrderCompleted", "Order"], ["orderCompleted", "Order_Completed", "Order Completed"]),
    "kebab_case": (["order-completed", "order"], ["order_completed", "Order-Completed", "order--completed"]),
    "dot_separated": (
        ["order.completed", "checkout.payment_failed"],
        ["Order.Completed", "order..completed", "order completed"],
    ),
    "screaming_snake_case": (["ORDER_COMPLETED", "ORDER"], ["order_completed", "Order_Completed", "ORDER-COMPLETED"]),
}


def _style_params() -> list[object]:
    params = []
    for style, (good, bad) in STYLE_CASES.items():
        params += [pytest.param(style, name, True, id=f"{style}-ok-{name}") for name in good]
        params += [pytest.param(style, name, False, id=f"{style}-bad-{name}") for name in bad]
    return params


@pytest.mark.parametrize(("style", "name", "expected"), _style_params())
def test_style_is_recognised(style: str, name: str, expected: bool) -> None:
    assert matches_style(name, style) is expected


@pytest.mark.parametrize("style", [s for s in NAME_STYLES if s != "any"])
def test_style_violation_is_reported_with_the_style_label(style: str) -> None:
    bad = STYLE_CASES[style][1][0]
    assert event_name_problems(bad, NamingRules(style=style)) == [f"is not {STYLE_LABELS[style]}"]
    assert property_name_problems(bad, NamingRules(style=style)) == [f"is not {STYLE_LABELS[style]}"]


def test_every_model_style_has_a_label_and_cases() -> None:
    assert set(STYLE_LABELS) == set(NAME_STYLES)
    assert set(STYLE_CASES) == set(NAME_STYLES) - {"any"}


def test_any_style_accepts_anything() -> None:
    assert event_name_problems("whatever You_like.here", NamingRules()) == []


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("title_case", "Order Completed"),
        ("sentence_case", "Order completed"),
        ("snake_case", "order_completed"),
        ("camel_case", "orderCompleted"),
        ("pascal_case", "OrderCompleted"),
        ("kebab_case", "order-completed"),
        ("dot_separated", "order.completed"),
        ("screaming_snake_case", "ORDER_COMPLETED"),
        ("any", "order completed"),
    ],
)
def test_to_style_converts_between_styles(style: str, expected: str) -> None:
    assert to_style("order completed", style) == expected
    if style != "any":
        assert to_style("ORDER_COMPLETED", style) == expected
        assert to_style("orderCompleted", style) == expected


def test_to_style_keeps_acronyms_and_minor_words_in_title_case() -> None:
    assert to_style("api key created for user", "title_case") == "Api Key Created for User"
    assert to_style("API_key_created", "title_case") == "API Key Created"
    assert to_style("HTTPRequestSent", "snake_case") == "http_request_sent"


words = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=5)


@given(words=words, style=st.sampled_from([s for s in NAME_STYLES if s != "any"]))
def test_converted_names_follow_the_style_and_keep_their_words(words: list[str], style: str) -> None:
    name = " ".join(words)
    converted = to_style(name, style)
    assert matches_style(converted, style), converted
    assert normalize_name(converted) == normalize_name(name)


def test_split_words_handles_every_separator_and_camel_case() -> None:
    assert split_words("HTTPRequest sent_to-the.server") == ["HTTP", "Request", "sent", "to", "the", "server"]
    assert split_words("orderCompleted") == ["order", "Completed"]


GRAMMAR = NamingRules(style="title_case", grammar="<object> <action>", past_tense=True)


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("Order Completed", []),
        ("User Signed Up", []),
        ("Product Added to Wishlist", []),
        ("Checkout", ["needs both an object and an action (`<object> <action>`)"]),
        ("Signed Up", ["needs both an object and an action (`<object> <action>`)"]),
        ("Button Click", ["verb `Click` is not in the past tense"]),
        ("Completed Order", ["verb `Order` is not in the past tense"]),
    ],
)
def test_object_action_grammar(name: str, reasons: list[str]) -> None:
    assert event_name_problems(name, GRAMMAR) == reasons


def test_action_object_grammar_takes_the_first_word_as_the_action() -> None:
    rules = NamingRules(grammar="<action> <object>", past_tense=True)
    assert event_name_problems("Completed Order", rules) == []
    assert event_name_problems("Order Completed", rules) == ["verb `Order` is not in the past tense"]


def test_grammar_applies_to_words_of_any_style() -> None:
    rules = NamingRules(style="snake_case", grammar="<object> <action>", past_tense=True)
    assert event_name_problems("order_completed", rules) == []
    assert event_name_problems("order_complete", rules) == ["verb `complete` is not in the past tense"]


def test_past_tense_without_grammar_looks_at_the_last_word() -> None:
    rules = NamingRules(past_tense=True)
    assert event_name_problems("Order Completed", rules) == []
    assert event_name_problems("Checkout", rules) == ["verb `Checkout` is not in the past tense"]


@pytest.mark.parametrize(
    "verb", ["Sent", "Viewed", "Began", "Paid", "Bought", "Made", "Won", "Lost", "Shared", "Left", "Read",
             "Built", "Found", "Chosen", "Written", "Set", "Put", "Cut"]
)
def test_common_past_forms_are_past_tense(verb: str) -> None:
    assert is_past_tense(verb)
    assert event_name_problems(f"Message {verb}", GRAMMAR) == []


@pytest.mark.parametrize("verb", ["Send", "View", "Begin", "Pay", "Feed", "Speed", "Click", "Ed"])
def test_present_forms_and_false_ed_endings_are_not_past_tense(verb: str) -> None:
    assert not is_past_tense(verb)


def test_allowed_verbs_with_suggestion() -> None:
    rules = NamingRules(grammar="<object> <action>", allowed_verbs=("Clicked", "Viewed", "Signed Up"))
    assert event_name_problems("Button Clicked", rules) == []
    assert event_name_problems("User Signed Up", rules) == []
    assert event_name_problems("Button Click", rules) == [
        "verb `Click` is not in the allowed verbs (did you mean `Clicked`?)"
    ]
    assert event_name_problems("Page Opened", rules) == ["verb `Opened` is not in the allowed verbs"]


def test_allowed_verbs_accept_the_verb_of_a_phrasal_action() -> None:
    rules = NamingRules(grammar="<object> <action>", allowed_verbs=("Signed",))
    assert event_name_problems("User Signed Out", rules) == []


def test_reserved_prefix_is_case_insensitive_and_reported_once() -> None:
    rules = NamingRules(reserved_prefixes=("$", "mp_", "MP"))
    assert event_name_problems("$pageview", rules) == ["uses reserved prefix `$`"]
    assert property_name_problems("MP_lib", rules) == ["uses reserved prefix `mp_`"]
    assert property_name_problems("plan", rules) == []


def test_max_length() -> None:
    rules = NamingRules(max_length=10)
    assert property_name_problems("a" * 10, rules) == []
    assert property_name_problems("a" * 11, rules) == ["is 11 characters long, over the limit of 10"]


def test_empty_and_padded_names() -> None:
    rules = NamingRules(style="title_case", grammar="<object> <action>")
    assert event_name_problems("", rules) == ["is empty"]
    assert event_name_problems("   ", rules) == ["is empty"]
    assert event_name_problems(" Order Completed", rules)[0] == "has leading or trailing spaces"


def test_property_rules_ignore_event_grammar() -> None:
    rules = NamingRules(style="snake_case", grammar="<object> <action>", past_tense=True)
    assert property_name_problems("plan", rules) == []


def test_several_reasons_are_all_listed() -> None:
    rules = NamingRules(style="title_case", grammar="<object> <action>", past_tense=True, max_length=10)
    assert event_name_problems("$wishlist_share", rules) == [
        "is not Title Case",
        "is 15 characters long, over the limit of 10",
        "verb `share` is not in the past tense",
    ]


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("email", r"e[-_]?mail"),
        ("customerEmail", r"e[-_]?mail"),
        ("clientIp", r"(^|_)ip(_|$)|ip_?address"),
        ("ip", r"(^|_)ip(_|$)|ip_?address"),
        ("first_name", r"first_?name|last_?name|full_?name|surname"),
        ("shipping_address", r"(street_?)?address|postcode|zip_?code"),
        ("plan", None),
        ("shipping_method", None),
        ("tip_amount", None),
    ],
)
def test_pii_looking_names(name: str, pattern: str | None) -> None:
    assert looks_like_pii(name, Conventions()) == pattern


def test_pii_patterns_come_from_the_conventions_and_bad_ones_are_skipped() -> None:
    conventions = Conventions(pii_patterns=("(", "loyalty_id"))
    assert looks_like_pii("loyalty_id", conventions) == "loyalty_id"
    assert looks_like_pii("email", conventions) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("order_completed", "Order Completed"),  # case and separators first
        ("ORDER-COMPLETED", "Order Completed"),
        ("Order Complted", "Order Completed"),
        ("Prodcut Viewed", "Product Viewed"),
        ("cart_valeu", "cart_value"),
        ("product_shared", None),  # shares words with `Products Searched`, but is another event
        ("Order Refunded", None),
        ("", None),
    ],
)
def test_did_you_mean(name: str, expected: str | None) -> None:
    candidates = ["Order Completed", "Product Viewed", "Products Searched", "cart_value"]
    assert did_you_mean(name, candidates) == expected


def test_did_you_mean_never_suggests_the_name_itself() -> None:
    assert did_you_mean("Order Completed", ["Order Completed"]) is None
    assert did_you_mean("Order Completed", ["Order Completed", "order completed"]) == "order completed"


def test_did_you_mean_prefers_the_exact_fold_over_a_closer_spelling() -> None:
    assert did_you_mean("order_complete", ["Order Completed", "Order Complete"]) == "Order Complete"
