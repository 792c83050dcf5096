"""What the stand-in Jira and Linear servers share: real HTTP on 127.0.0.1, recorded calls, violations, faults."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from typing import Any, Callable, TypeVar

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .github_api import Call, Fault, _QuietHandler, take_fault

Server = TypeVar("Server", bound="TrackerServer")


def refused_url() -> str:
    """A 127.0.0.1 URL where nothing listens: connecting is refused at once (a tracker that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class TrackerServer:
    """Subclasses answer in ``handle`` with (status, JSON); a request the real API would reject is a violation."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._stopped = False

    def start(self: Server) -> Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: from now on connecting is refused (a test may stop a stand-in early to take it down)."""
        if self._stopped:
            return
        self._stopped = True
        for fault in self.faults:
            if fault.hold is not None:
                fault.hold.set()
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def fault(self, method: str, path: str, **kwargs: Any) -> Fault:
        """Answer matching requests with ``status`` (after ``delay``): ``times`` of them, or every one with a large number."""
        fault = Fault(method.upper(), re.compile(path), **kwargs)
        with self.lock:
            self.faults.append(fault)
        return fault

    def violation(self, request: Request, message: str) -> None:
        with self.lock:
            self.violations.append(f"{request.method} {request.full_path.rstrip('?')}: {message}")

    def requests_to(self, pattern: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if re.search(pattern, c.path)]

    # for subclasses
    def handle(self, request: Request) -> tuple[int, Any]:
        raise NotImplementedError

    def _fault_for(self, request: Request) -> Fault | None:
        return take_fault(self.faults, self.lock, request)

    def _answer(self, request: Request) -> tuple[int, Any, dict[str, str]]:
        fault = self._fault_for(request)
        if fault is not None:
            fault.reached.set()
            if fault.hold is not None:
                fault.hold.wait(30)
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                return fault.status, fault.body, fault.headers
        status, body = self.handle(request)
        return status, body, {}

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        status, body, headers = self._answer(request)
        payload = request.get_json(silent=True)
        with self.lock:
            self.calls.append(Call(request.method, request.path, dict(request.args), payload, status))
        text = json.dumps(body) if body is not None else ""
        response = Response(text, status=status, headers=headers, content_type="application/json;charset=UTF-8")
        return response(environ, start_response)
