"""HTTP endpoints: POST /webhook and GET /healthz. Wiring only; the work happens in the queue."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, jsonify, request

from .context import Runtime
from .shapes import shape_problem
from .webhook import MAX_BODY_BYTES, MalformedEvent, parse_event, verify_signature

log = logging.getLogger(__name__)
bp = Blueprint("productops", __name__)


def _runtime() -> Runtime:
    return current_app.extensions["productops"]


def _answer(code: int, **body: object) -> tuple[Response, int]:
    return jsonify(body), code


def _reject(code: int, reason: str, delivery: str) -> tuple[Response, int]:
    # One line, no traceback: the body is signed, so this is GitHub's or the secret holder's mistake.
    log.warning("delivery %s rejected (%d): %s", delivery[:64] or "-", code, reason)
    return _answer(code, error=reason)


@bp.post("/webhook")
def webhook() -> tuple[Response, int]:
    runtime = _runtime()
    # Checked before reading: GitHub never sends more, and the body is held in memory.
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _answer(413, error="payload larger than 25 MB")
    body = request.get_data(cache=False)
    if len(body) > MAX_BODY_BYTES:
        return _answer(413, error="payload larger than 25 MB")
    if not verify_signature(body, request.headers.get("X-Hub-Signature-256"), runtime.settings.webhook_secret):
        return _answer(401, error="missing or wrong X-Hub-Signature-256")
    try:
        event = parse_event(request.headers, body)
    except MalformedEvent as exc:
        return _reject(400, str(exc), request.headers.get("X-GitHub-Delivery", ""))
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
