"""POST /webhook answers (401, 413, 400, 200, 202) and GET /healthz, against a real queue."""

from __future__ import annotations

import json
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
