"""POST /webhook answers (401, 413, 400, 200, 202) and GET /healthz, against a real queue."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from app_helpers import REPO, SECRET, pull_request_payload, signed_headers, webhook

from github_app import create_app
from github_app.context import Runtime
from github_app.settings import Settings
from github_app.webhook import MAX_BODY_BYTES, sign


def post(client, event: str, body: bytes, **overrides: str):  # type: ignore[no-untyped-def]
    return client.post("/webhook", data=body, headers={**signed_headers(event, body), **overrides})


def test_missing_signature_is_401(client) -> None:  # type: ignore[no-untyped-def]
    body = b'{"zen": "hi"}'
    headers = signed_headers("ping", body)
    del headers["X-Hub-Signature-256"]
    assert client.post("/webhook", data=body, headers=headers).status_code == 401


def test_wrong_signature_is_401(client) -> None:  # type: ignore[no-untyped-def]
    body = b'{"zen": "hi"}'
    assert post(client, "ping", body, **{"X-Hub-Signature-256": sign(body, "other")}).status_code == 401


def test_body_above_25_mb_is_413(client) -> None:  # type: ignore[no-untyped-def]
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"
    assert post(client, "ping", body).status_code == 413


def test_malformed_json_is_400(client) -> None:  # type: ignore[no-untyped-def]
    assert post(client, "pull_request", b"{oops").status_code == 400


def test_ping_is_200(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "ping", json.dumps({"zen": "Design for failure.", "hook_id": 1}).encode())
    assert response.status_code == 200
    assert runtime.huey.pending_count() == 0


def test_handled_event_is_queued_with_202_before_any_work(client, runtime: Runtime, standin) -> None:  # type: ignore[no-untyped-def]
    payload = pull_request_payload("opened", 3, "a" * 40, "b" * 40)
    response = post(client, "pull_request", json.dumps(payload).encode(), **{"X-GitHub-Delivery": "q-1"})
    assert response.status_code == 202
    assert runtime.huey.pending_count() == 1
    assert runtime.store.pending_jobs() == ["q-1"]
    assert runtime.store.head(REPO, 3) == "a" * 40
    assert standin.calls == [], "nothing talks to GitHub before a worker takes the job"


@pytest.mark.parametrize(
    "event, payload",
    [
        ("pull_request", webhook("pull_request/closed.payload.json")),
        ("issues", {"action": "opened"}),
        ("push", {"ref": "refs/heads/main"}),
    ],
)
def test_unknown_events_and_actions_are_accepted_and_ignored(client, runtime: Runtime, event: str, payload: dict) -> None:  # type: ignore[no-untyped-def]
    response = post(client, event, json.dumps(payload).encode())
    assert response.status_code == 200
    assert response.get_json()["status"] == "ignored"
    assert runtime.huey.pending_count() == 0


def test_healthz_reports_a_reachable_queue(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "queue": "sqlite", "queued": 0}


def test_healthz_reports_an_unreachable_queue(settings: Settings, redis_server) -> None:  # type: ignore[no-untyped-def]
    runtime = Runtime(replace(settings, redis_url=redis_server.url))
    client = create_app(runtime.settings, runtime).test_client()
    assert client.get("/healthz").status_code == 200
    # Point the same app at a port where nothing listens.
    runtime.store.client.connection_pool.reset()
    runtime.store.client.connection_pool.connection_kwargs["port"] = 1
    runtime.huey.storage.conn.connection_pool.connection_kwargs["port"] = 1
    runtime.huey.storage.conn.connection_pool.reset()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unhealthy"
    assert SECRET not in response.get_data(as_text=True)


def _logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "github_app.views"]


@pytest.mark.parametrize(
    "body, status",
    [
        (b"[" * 100_000 + b"]" * 100_000, 400),
        (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, 400),
        (json.dumps({**pull_request_payload("opened", 3, "a" * 40, "b" * 40), "pull_request": "x"}).encode(), 422),
        (json.dumps({k: v for k, v in pull_request_payload("opened", 3, "a" * 40, "b" * 40).items()
                     if k not in ("installation", "repository")}).encode(), 422),
    ],
    ids=["100k-nested-arrays", "50k-nested-objects", "pull_request-a-string", "no-installation-nor-repository"],
)
def test_signed_but_malformed_deliveries_are_refused_with_a_reason_and_queue_nothing(
    client, runtime: Runtime, caplog: pytest.LogCaptureFixture, body: bytes, status: int  # type: ignore[no-untyped-def]
) -> None:
    caplog.set_level(logging.INFO)
    response = post(client, "pull_request", body, **{"X-GitHub-Delivery": "bad-1"})
    assert response.status_code == status
    reason = response.get_json()["error"]
    assert reason and "\n" not in reason
    assert runtime.huey.pending_count() == 0 and runtime.store.pending_jobs() == []
    assert runtime.store.head(REPO, 3) is None
    records = _logged(caplog)
    assert len(records) == 1 and "bad-1" in records[0].getMessage()
    assert records[0].exc_info is None and "Traceback" not in caplog.text


def test_a_check_suite_without_a_head_sha_is_422(client, runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    payload = webhook("check_suite/requested.payload.json")
    del payload["check_suite"]["head_sha"]
    response = post(client, "check_suite", json.dumps(payload).encode())
    assert response.status_code == 422
    assert "head_sha" in response.get_json()["error"]
    assert runtime.huey.pending_count() == 0


def test_a_chunked_body_over_the_cap_is_413_over_real_http(runtime: Runtime) -> None:
    """Chunked: no Content-Length to check first, and Werkzeug cuts the stream at the limit silently."""
    import http.client
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, create_app(runtime.settings, runtime), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        piece = b" " * (1 << 20)
        count = MAX_BODY_BYTES // len(piece) + 1
        connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
        connection.request(
            "POST", "/webhook", body=(piece for _ in range(count)), encode_chunked=True,
            headers={"Transfer-Encoding": "chunked", "X-GitHub-Event": "ping", "X-GitHub-Delivery": "big",
                     "X-Hub-Signature-256": sign(piece * count, SECRET)},
        )
        response = connection.getresponse()
        assert response.status == 413
        assert runtime.huey.pending_count() == 0
    finally:
        server.shutdown()
        server.server_close()
