"""HTTP endpoints: POST /webhook and GET /healthz. Wiring only; the work happens in the queue."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from .context import Runtime
from .shapes import shape_problem
from .webhook import (
    MAX_BODY_BYTES,
    MalformedEvent,
    UnsupportedMediaType,
    parse_event,
    payload_bytes,
    signature_problem,
    verify_signature,
)

log = logging.getLogger(__name__)
bp = Blueprint("productops", __name__)


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["productops"]
    return runtime


def _answer(code: int, **body: object) -> tuple[Response, int]:
    return jsonify(body), code


def _reject(code: int, reason: str, delivery: str) -> tuple[Response, int]:
    # One line, no traceback, nothing of the body or the signature: only the reason and the delivery id.
    shown = "".join(ch if ch.isprintable() else "?" for ch in delivery[:64]) or "-"
    log.warning("delivery %s rejected (%d): %s", shown, code, reason)
    return _answer(code, error=reason)


@bp.post("/webhook")
def webhook() -> tuple[Response, int]:
    runtime = _runtime()
    delivery = request.headers.get("X-GitHub-Delivery", "")
    # Checked before reading: GitHub never sends more, and the body is held in memory.
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _reject(413, "payload larger than 25 MB", delivery)
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return _reject(413, "payload larger than 25 MB", delivery)
    if not verify_signature(body, request.headers.get("X-Hub-Signature-256"), runtime.settings.webhook_secret):
        return _reject(401, signature_problem(request.headers), delivery)
    try:
        event = parse_event(request.headers, payload_bytes(request.headers.get("Content-Type"), body))
    except UnsupportedMediaType as exc:
        return _reject(415, str(exc), delivery)
    except MalformedEvent as exc:
        return _reject(400, str(exc), delivery)
    if event.name == "ping":
        return _answer(200, status="pong")
    if runtime.router.handles(event):
        problem = shape_problem(event.name, event.action, event.payload)
        if problem is not None:
            return _reject(422, f"payload does not fit GitHub's {event.name}.{event.action} schema: {problem}", event.delivery)
    status = runtime.receive(event)
    log.info("delivery %s (%s.%s): %s", event.delivery, event.name, event.action, status)
    return _answer(202 if status == "queued" else 200, status=status, delivery=event.delivery)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    runtime = _runtime()
    try:
        queued = runtime.huey.pending_count()
        reachable = runtime.store.ping()
    except Exception as exc:  # any storage error means "not healthy", reported rather than raised
        log.warning("queue unreachable: %s", exc)
        return _answer(503, status="unhealthy", queue=runtime.settings.backend, error=str(exc))
    if not reachable:
        return _answer(503, status="unhealthy", queue=runtime.settings.backend)
    return _answer(200, status="ok", queue=runtime.settings.backend, queued=queued)
