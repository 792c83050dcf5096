"""Pure webhook handling: signature verification and event parsing (no I/O, no Flask)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol
from urllib.parse import parse_qs

# GitHub caps webhook payloads at 25 MB and drops larger ones; anything above is not GitHub.
MAX_BODY_BYTES = 25 * 1024 * 1024


class MalformedEvent(ValueError):
    """The delivery's headers or body are not a GitHub webhook event."""


class UnsupportedMediaType(MalformedEvent):
    """The body is neither JSON nor GitHub's form encoding (``payload=<JSON>``)."""


def sign(body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` value GitHub sends for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """Whether ``header`` is the HMAC-SHA256 of the raw ``body`` under ``secret``.

    Only ``X-Hub-Signature-256``: GitHub also sends the SHA-1 ``X-Hub-Signature`` for old receivers,
    and a delivery signed with SHA-1 alone is refused.
    """
    if not header or not secret:
        return False
    # Constant-time, so the comparison leaks nothing about how much of a forged signature matched.
    return hmac.compare_digest(sign(body, secret).encode(), header.strip().encode("utf-8", errors="replace"))


def signature_problem(headers: "Headers") -> str:
    """Why a delivery's signature was refused, in words that name no part of the expected value."""
    if headers.get("X-Hub-Signature-256", ""):
        return "X-Hub-Signature-256 does not match the body"
    if headers.get("X-Hub-Signature", ""):
        return "only a SHA-1 X-Hub-Signature was sent; X-Hub-Signature-256 is required"
    return "missing X-Hub-Signature-256"


FORM = "application/x-www-form-urlencoded"


def payload_bytes(content_type: str | None, body: bytes) -> bytes:
    """The JSON text of a delivery: the body itself, or the ``payload`` field of GitHub's form encoding.

    GitHub signs the body as sent, so the signature is checked on ``body`` before this is called.
    """
    kind = (content_type or "application/json").split(";", 1)[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return body
    if kind == FORM:
        try:
            fields = parse_qs(body.decode("ascii"), keep_blank_values=True, strict_parsing=True, max_num_fields=16)
        except (UnicodeDecodeError, ValueError) as exc:
            raise MalformedEvent(f"form body is not URL-encoded: {exc}") from None
        if len(fields.get("payload", [])) != 1:
            raise MalformedEvent("form body has no single `payload` field")
        return fields["payload"][0].encode("utf-8")
    raise UnsupportedMediaType(f"content type `{kind[:80]}` is not application/json or {FORM}")


@dataclass(frozen=True)
class Event:
    """One webhook delivery: event name, action, delivery id and the decoded payload."""

    name: str
    delivery: str
    payload: Mapping[str, Any] = field(default_factory=dict)

    @property
    def action(self) -> str | None:
        action = self.payload.get("action")
        return action if isinstance(action, str) else None

    @property
    def installation_id(self) -> int | None:
        installation = self.payload.get("installation") or {}
        value = installation.get("id") if isinstance(installation, Mapping) else None
        return value if isinstance(value, int) else None

    @property
    def repo(self) -> str | None:
        repository = self.payload.get("repository") or {}
        name = repository.get("full_name") if isinstance(repository, Mapping) else None
        return name if isinstance(name, str) else None

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "delivery": self.delivery, "payload": dict(self.payload)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Event":
        return cls(name=data["name"], delivery=data["delivery"], payload=data["payload"])


class Headers(Protocol):
    """What parse_event reads of a request's headers: Werkzeug's case-insensitive ``Headers``, or a dict."""

    def get(self, key: str, default: str) -> str: ...


def parse_event(headers: Headers, body: bytes) -> Event:
    """Decode a delivery whose signature was already verified; raise MalformedEvent otherwise."""
    name = headers.get("X-GitHub-Event", "").strip()
    delivery = headers.get("X-GitHub-Delivery", "").strip()
    if not name:
        raise MalformedEvent("missing X-GitHub-Event header")
    if not delivery:
        raise MalformedEvent("missing X-GitHub-Delivery header")
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedEvent(f"body is not JSON: {exc}") from None
    except RecursionError:
        # The C decoder stops at the interpreter's recursion limit; GitHub nests a few levels deep.
        raise MalformedEvent("body is nested too deeply") from None
    if not isinstance(payload, dict):
        raise MalformedEvent("body is not a JSON object")
    return Event(name=name, delivery=delivery, payload=payload)
