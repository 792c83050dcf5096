"""Hostile deliveries over real HTTP to the served App: each gets its status, queues nothing it should not,
and leaves no traceback or secret in the answer or the log."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import threading
from typing import Any, Callable, Iterator
from urllib.parse import urlencode

import pytest
from app_helpers import REPO, SECRET, pull_request_payload, signed_headers
from werkzeug.serving import make_server

from github_app import create_app
from github_app.context import Runtime
from github_app.webhook import MAX_BODY_BYTES, sign

Headers = dict[str, str]


@pytest.fixture
def served(runtime: Runtime) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, create_app(runtime.settings, runtime), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    server.server_close()


def post(port: int, body: bytes | Iterator[bytes], headers: Headers, chunked: bool = False) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", "/webhook", body=body, headers=headers, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def pr_body() -> bytes:
    return json.dumps(pull_request_payload("opened", 3, "a" * 40, "b" * 40)).encode()


def signed(event: str, body: bytes, **changes: str | None) -> Headers:
    headers = signed_headers(event, body)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            headers.pop(name, None)
        else:
            headers[name] = value
    return headers


def sha1(body: bytes) -> str:
    return "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()


def form(body: bytes) -> bytes:
    return urlencode({"payload": body.decode()}).encode()


BIG = MAX_BODY_BYTES + 1024
PIECE = b" " * (1 << 20)

# (id, event, body, headers from body, chunked, status, queued)
Case = tuple[str, str, Callable[[], bytes], Callable[[bytes], Headers], bool, int, int]
CASES: list[Case] = [
    ("no-signature", "pull_request", pr_body, lambda b: signed("pull_request", b, X_Hub_Signature_256=None), False, 401, 0),
    ("wrong-secret", "pull_request", pr_body,
     lambda b: signed("pull_request", b, X_Hub_Signature_256=sign(b, "not the secret")), False, 401, 0),
    ("truncated-signature", "pull_request", pr_body,
     lambda b: signed("pull_request", b, X_Hub_Signature_256=sign(b, SECRET)[:40]), False, 401, 0),
    ("sha1-only", "pull_request", pr_body,
     lambda b: signed("pull_request", b, X_Hub_Signature_256=None, X_Hub_Signature=sha1(b)), False, 401, 0),
    ("signature-of-other-body", "pull_request", pr_body,
     lambda b: signed("pull_request", b, X_Hub_Signature_256=sign(b + b" ", SECRET)), False, 401, 0),
    ("sized-over-cap", "ping", lambda: b"{" + b" " * BIG + b"}", lambda b: signed("ping", b), False, 413, 0),
    ("chunked-over-cap", "ping", lambda: PIECE * (MAX_BODY_BYTES // len(PIECE) + 1),
     lambda b: {**signed("ping", b), "Transfer-Encoding": "chunked"}, True, 413, 0),
    ("not-json", "pull_request", lambda: b"{oops", lambda b: signed("pull_request", b), False, 400, 0),
    ("json-array", "pull_request", lambda: b"[1, 2]", lambda b: signed("pull_request", b), False, 400, 0),
    ("not-utf8", "pull_request", lambda: b'{"a": "\xff\xfe"}', lambda b: signed("pull_request", b), False, 400, 0),
    ("100k-nested-arrays", "pull_request", lambda: b"[" * 100_000 + b"]" * 100_000,
     lambda b: signed("pull_request", b), False, 400, 0),
    ("50k-nested-objects", "pull_request", lambda: b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
     lambda b: signed("pull_request", b), False, 400, 0),
    ("no-event-header", "pull_request", pr_body, lambda b: signed("pull_request", b, X_GitHub_Event=None), False, 400, 0),
    ("text-plain", "pull_request", pr_body, lambda b: signed("pull_request", b, Content_Type="text/plain"), False, 415, 0),
    # GitHub's other content type: `payload=<JSON>`, signed as sent. Accepted (see docs/reliability.md).
    ("form-encoded", "pull_request", lambda: form(pr_body()),
     lambda b: signed("pull_request", b, Content_Type="application/x-www-form-urlencoded"), False, 202, 1),
    ("form-without-payload", "pull_request", lambda: b"other=1",
     lambda b: signed("pull_request", b, Content_Type="application/x-www-form-urlencoded"), False, 400, 0),
    ("unknown-event", "fork", lambda: json.dumps({"forkee": {}}).encode(), lambda b: signed("fork", b), False, 200, 0),
    ("unknown-action", "pull_request",
     lambda: json.dumps({**pull_request_payload("opened", 3, "a" * 40, "b" * 40), "action": "assigned"}).encode(),
     lambda b: signed("pull_request", b), False, 200, 0),
    ("no-installation", "pull_request",
     lambda: json.dumps({k: v for k, v in pull_request_payload("opened", 3, "a" * 40, "b" * 40).items()
                         if k != "installation"}).encode(),
     lambda b: signed("pull_request", b), False, 422, 0),
    ("head-not-an-object", "pull_request",
     lambda: json.dumps(_with(pull_request_payload("opened", 3, "a" * 40, "b" * 40), ("pull_request", "head"), 5)).encode(),
     lambda b: signed("pull_request", b), False, 422, 0),
]


def _with(payload: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


def _no_secret_nor_traceback(text: str) -> None:
    assert "Traceback" not in text and SECRET not in text


@pytest.mark.parametrize(("case", "event", "make", "headers", "chunked", "status", "queued"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_hostile_delivery_gets_its_status_and_queues_nothing_it_should_not(
    served: int, runtime: Runtime, caplog: pytest.LogCaptureFixture, case: str, event: str,
    make: Callable[[], bytes], headers: Callable[[bytes], Headers], chunked: bool, status: int, queued: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    body = make()
    sent: bytes | Iterator[bytes] = body
    if chunked:
        count = len(body) // len(PIECE)
        sent = (PIECE for _ in range(count))
    code, answer = post(served, sent, headers(body), chunked=chunked)
    assert code == status, answer
    _no_secret_nor_traceback(answer)
    if status >= 400:
        assert json.loads(answer)["error"], "a refusal names its reason"
    assert runtime.huey.pending_count() == queued
    assert len(runtime.store.pending_jobs()) == queued
    if not queued:
        assert runtime.store.head(REPO, 3) is None, "nothing recorded for a refused or ignored delivery"
    for record in caplog.records:
        assert record.exc_info is None, f"{record.name} logged a traceback"
        _no_secret_nor_traceback(record.getMessage())
    refusals = [r for r in caplog.records if r.name == "github_app.views" and "rejected" in r.getMessage()]
    assert len(refusals) == (1 if status >= 400 else 0), "one log line per refusal"


def test_the_sha1_only_refusal_says_what_is_missing(served: int) -> None:
    body = pr_body()
    code, answer = post(served, body, signed("pull_request", body, X_Hub_Signature_256=None, X_Hub_Signature=sha1(body)))
    assert code == 401 and "X-Hub-Signature-256 is required" in json.loads(answer)["error"]


def test_a_replayed_delivery_is_queued_once_and_answered_duplicate(served: int, runtime: Runtime) -> None:
    body = pr_body()
    headers = signed("pull_request", body, X_GitHub_Delivery="replayed-1")
    first = post(served, body, headers)
    again = [post(served, body, headers) for _ in range(3)]
    assert first[0] == 202
    assert [(code, json.loads(text)["status"]) for code, text in again] == [(200, "duplicate")] * 3
    assert runtime.store.pending_jobs() == ["replayed-1"] and runtime.huey.pending_count() == 1
