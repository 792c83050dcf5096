"""Signature verification and event parsing, including GitHub's published test vector."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from github_app.webhook import MalformedEvent, parse_event, sign, verify_signature

# From GitHub's "Validating webhook deliveries" documentation.
SECRET = "It's a Secret to Everybody"
PAYLOAD = b"Hello, World!"
SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_githubs_test_vector_verifies() -> None:
    assert sign(PAYLOAD, SECRET) == SIGNATURE
    assert verify_signature(PAYLOAD, SIGNATURE, SECRET)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", SIGNATURE.upper(), SIGNATURE[:-1] + "0", "sha1=" + SIGNATURE[7:], SIGNATURE[7:]],
)
def test_missing_or_wrong_signature_is_rejected(header: str | None) -> None:
    assert not verify_signature(PAYLOAD, header, SECRET)


def test_signature_over_other_bytes_or_secret_is_rejected() -> None:
    assert not verify_signature(PAYLOAD + b" ", SIGNATURE, SECRET)
    assert not verify_signature(PAYLOAD, SIGNATURE, SECRET + "!")
    assert not verify_signature(PAYLOAD, SIGNATURE, "")


@given(st.binary(), st.text(min_size=1))
def test_any_body_signed_with_the_secret_verifies(body: bytes, secret: str) -> None:
    assert verify_signature(body, sign(body, secret), secret)


def headers(**extra: str) -> dict[str, str]:
    return {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d-1", **extra}


def test_parse_event_reads_name_delivery_action_and_installation() -> None:
    body = json.dumps({"action": "opened", "installation": {"id": 5}, "repository": {"full_name": "a/b"}})
    event = parse_event(headers(), body.encode())
    assert (event.name, event.delivery, event.action, event.installation_id, event.repo) == (
        "pull_request", "d-1", "opened", 5, "a/b",
    )


@pytest.mark.parametrize(
    "hdrs, body",
    [
        ({"X-GitHub-Delivery": "d"}, b"{}"),
        ({"X-GitHub-Event": "push"}, b"{}"),
        (headers(), b"{not json"),
        (headers(), b"[1, 2]"),
        (headers(), b"\xff\xfe"),
    ],
)
def test_malformed_deliveries_raise(hdrs: dict[str, str], body: bytes) -> None:
    with pytest.raises(MalformedEvent):
        parse_event(hdrs, body)


@pytest.mark.parametrize(
    "body",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000],
    ids=["100k-nested-arrays", "50k-nested-objects"],
)
def test_deeply_nested_json_is_malformed_not_a_recursion_error(body: bytes) -> None:
    with pytest.raises(MalformedEvent, match="nested too deeply"):
        parse_event(headers(), body)
