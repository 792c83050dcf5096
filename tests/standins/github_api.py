"""Stand-in GitHub REST server: real HTTP, requests checked against GitHub's OpenAPI description."""

# Answers are shaped from the description's examples; faults (5xx, rate limits, holds, lost answers,
# revoked tokens) are injectable.

from __future__ import annotations

import copy
import functools
import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jwt
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

SPEC = Path(__file__).resolve().parent.parent / "data" / "github-openapi" / "trimmed.json"
Handler = Callable[..., tuple[int, Any]]


@functools.lru_cache(maxsize=1)
def _description() -> tuple[dict[str, Any], OpenAPI]:
    """The trimmed description, parsed once per test session (it takes about a second)."""
    spec = json.loads(SPEC.read_text())
    # A relative server matches whatever port a stand-in listens on.
    spec["servers"] = [{"url": "/"}]
    return spec, OpenAPI.from_dict(spec)


class _QuietHandler(WSGIRequestHandler):
    # Requests are recorded in StandInServer.calls; a log line per request only buries test output.
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class Fault:
    """Answer matching requests with ``status`` (after ``delay`` seconds, or once ``hold`` is set)."""

    method: str
    path: re.Pattern[str]
    status: int | None = None
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    hold: threading.Event | None = None
    # Set when a request reached the fault (so a test knows the job is mid-flight).
    reached: threading.Event = field(default_factory=threading.Event)
    # Perform the request, then lose the answer: reset the connection, or answer ``status`` instead
    # (a 5xx after the fact), as when GitHub did the write but the response never arrived; with
    # ``delay``, answer only after it (past the client's timeout).
    lost: bool = False
    # Revoke every installation token first (so this request, and the job's next ones, get 401).
    revoke: bool = False
    # Reset the connection without performing the request (``lost`` performs it first).
    reset: bool = False
    # Called when a request reaches the fault, before it is answered (a PR closed mid-job, say).
    then: Callable[[], None] | None = None


def take_fault(faults: list[Fault], lock: Any, request: Request) -> Fault | None:
    """The first fault still armed for this request, counted down once (stand-ins share it)."""
    with lock:
        for fault in faults:
            if fault.times > 0 and fault.method == request.method and fault.path.search(request.path):
                fault.times -= 1
                return fault
    return None


def make_app_key() -> tuple[str, str]:
    """A fresh RSA key pair for a test App, as (private PEM, public PEM)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return private, public


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    status: int
    # time.monotonic() when the answer was sent (so a test can see how long a client waited).
    at: float = 0.0


# The status recorded for a request whose connection was reset instead of answered.
RESET = 0


class _Reset(Exception):
    """Raised inside the WSGI app to drop the connection without an answer."""


class StandInServer:
    """Routing, validation, auth and faults; the GitHub behaviour lives in GitHubStandIn."""

    def __init__(self, app_id: int, public_key: str) -> None:
        self.app_id = app_id
        self.public_key = public_key
        self.spec, self.openapi = _description()
        self.routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self.violations: list[str] = []
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.tokens: dict[str, tuple[int, float]] = {}
        # Every installation token ever issued (revoked ones too), for tests that scan logs for them.
        self.issued: list[str] = []
        # Makes the n-th token's text: GitHub documents no length or format, so tests vary it.
        self.token_shape: Callable[[int, int], str] = lambda installation_id, n: f"ghs_{installation_id}_{n}_{time.time_ns()}"
        self.lock = threading.RLock()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    # lifecycle
    def start(self) -> "StandInServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        for fault in self.faults:
            if fault.hold is not None:
                fault.hold.set()
        self._server.shutdown()
        self._thread.join()

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        if template not in self.spec["paths"] or method.lower() not in self.spec["paths"][template]:
            raise AssertionError(f"{method} {template} is not an operation of the trimmed description")
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

        def decorate(handler: Handler) -> Handler:
            self.routes.append((method.upper(), pattern, template, handler))
            return handler

        return decorate

    def fault(self, method: str, path: str, **kwargs: Any) -> Fault:
        fault = Fault(method.upper(), re.compile(path), **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def example(self, method: str, template: str, status: int = 200) -> Any:
        """A deep copy of the documented example answer of the operation."""
        response = self.spec["paths"][template][method.lower()]["responses"][str(status)]
        examples = response["content"]["application/json"]["examples"]
        first = next(iter(examples.values()))
        if "$ref" in first:
            first = self.spec["components"]["examples"][first["$ref"].rsplit("/", 1)[1]]
        return copy.deepcopy(first["value"])

    def issue_token(self, installation_id: int, ttl: float) -> tuple[str, float]:
        with self.lock:
            token = self.token_shape(installation_id, len(self.issued))
            expires = time.time() + ttl
            self.tokens[token] = (installation_id, expires)
            self.issued.append(token)
        return token, expires

    # request handling
    def _violation(self, message: str) -> None:
        with self.lock:
            self.violations.append(message)

    def _authorized(self, request: Request, template: str) -> bool:
        kind, _, credential = (request.headers.get("Authorization") or "").partition(" ")
        if template.startswith("/app"):
            try:
                claims = jwt.decode(credential, self.public_key, algorithms=["RS256"])
            except jwt.PyJWTError as exc:
                self._violation(f"{request.method} {request.path}: bad App JWT ({exc})")
                return False
            return kind == "Bearer" and str(claims.get("iss")) == str(self.app_id)
        with self.lock:
            known = self.tokens.get(credential)
        return kind.lower() in ("token", "bearer") and known is not None and known[1] > time.time()

    def _fault_for(self, request: Request) -> Fault | None:
        return take_fault(self.faults, self.lock, request)

    def revoke_tokens(self) -> None:
        """Forget every installation token, as GitHub does when one is revoked."""
        with self.lock:
            self.tokens.clear()

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        try:
            status, body, headers = self._handle(request)
        except _Reset:
            status, body, headers = RESET, None, {}
        try:
            payload = request.get_json(silent=True)
        except Exception:
            payload = None
        with self.lock:
            self.calls.append(Call(request.method, request.path, dict(request.args), payload, status, time.monotonic()))
        if status == RESET:
            # SO_LINGER 0 makes close() send a RST: the client sees "connection reset by peer".
            sock = environ["werkzeug.socket"]
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
            raise ConnectionResetError("stand-in fault: answer lost")
        response = Response(
            json.dumps(body) if body is not None else "", status=status,
            headers=headers, content_type="application/json; charset=utf-8",
        )
        return response(environ, start_response)

    def _handle(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        try:
            self.openapi.validate_request(WerkzeugOpenAPIRequest(request))
        except Exception as exc:  # any validation error is a contract break of the App
            detail = "; ".join(str(e) for e in getattr(exc, "__cause__", None) and [exc.__cause__] or [])
            self._violation(f"{request.method} {request.full_path.rstrip('?')}: {exc} {detail}".strip())
            return 422, {"message": f"Invalid request: {exc}"}, {}
        for method, pattern, template, handler in self.routes:  # noqa: B007 (the match is used after the loop)
            match = pattern.match(request.path)
            if method == request.method and match:
                break
        else:
            self._violation(f"{request.method} {request.path}: documented but not served by the stand-in")
            return 404, {"message": "Not Found"}, {}
        fault = self._fault_for(request)
        if fault is not None and fault.revoke:
            self.revoke_tokens()
        if fault is not None and fault.then is not None:
            fault.then()
        if fault is not None and fault.reset:
            fault.reached.set()
            raise _Reset()
        if fault is not None and fault.lost:
            fault.reached.set()
            if not self._authorized(request, template):
                return 401, {"message": "Bad credentials"}, {}
            done = handler(request, **match.groupdict())  # performed; only the answer is lost
            if fault.delay:
                # Or late: the answer comes after the client stopped waiting (a timeout after the write).
                time.sleep(fault.delay)
                if fault.status is None:
                    return done[0], done[1], {}
            if fault.status is None:
                raise _Reset()
            return fault.status, fault.body or {"message": "stand-in fault"}, fault.headers
        if fault is not None:
            fault.reached.set()
            if fault.hold is not None:
                fault.hold.wait(30)
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                return fault.status, fault.body or {"message": "stand-in fault"}, fault.headers
        if not self._authorized(request, template):
            return 401, {"message": "Bad credentials"}, {}
        status, body = handler(request, **match.groupdict())
        return status, body, {}
