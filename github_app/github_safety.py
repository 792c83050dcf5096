"""What keeps GitHub writes exactly-once and tokens fresh: write-safe retries, lost answers, 401 refresh."""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from datetime import datetime, timezone
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import requests
from github import Auth, GithubException, GithubRetry
from github.GithubException import RateLimitExceededExceedsMaxWait
from urllib3.util.retry import Retry

if TYPE_CHECKING:
    from github import GithubIntegration

T = TypeVar("T")
# Requests that change something: replaying one whose answer was lost could do it twice.
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# Refresh an installation token this long before GitHub expires it (tokens live one hour).
TOKEN_REFRESH_MARGIN_SECONDS = 5 * 60
# Tries of one write whose answer was lost (each after looking for what the last one made).
WRITE_ATTEMPTS = 4
# The longest a job sleeps on GitHub's word (Retry-After, x-ratelimit-reset, the secondary-limit
# minute); a longer wait fails the attempt as transient and the queue retries the job later.
MAX_RATE_LIMIT_WAIT_SECONDS = 60.0


def asked_wait(exc: BaseException) -> float | None:
    """The seconds GitHub asked for before trying again, when a rate limit outlasted what a job
    sleeps (``MAX_RATE_LIMIT_WAIT_SECONDS``); None when it asked for nothing."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, RateLimitExceededExceedsMaxWait) and current.wait is not None:
            return float(current.wait)
        current = current.__cause__ or current.__context__
    return None


class WriteSafeRetry(GithubRetry):
    """GithubRetry that replays a write only when GitHub certainly did not perform it.

    A rate-limit answer (403 with Retry-After or a rate-limit message, 429) and a failure to connect
    mean nothing was done, so they are retried here. A 5xx, a reset or a timeout after the request
    was sent may come after GitHub did the write: those surface to ``RepoClient``, which looks for
    what the write made before sending it again.
    """

    def get_retry_after(self, response: Any) -> float | None:
        """GitHub's Retry-After, slept by urllib3 before the retry; refused above ``max_rate_limit_wait``."""
        seconds: float | None = super().get_retry_after(response)
        bound = self.max_rate_limit_wait
        if seconds is not None and bound is not None and seconds > bound:
            message = f"rate limit: GitHub asks to wait {seconds:g} s, longer than the {bound:g} s a job waits"
            raise RateLimitExceededExceedsMaxWait(response.status, {"message": message}, dict(response.headers), wait=seconds)
        return seconds

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() in WRITES and status_code >= 500:
            return False
        return bool(super().is_retry(method, status_code, has_retry_after))

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: TracebackType | None = None,
    ) -> Retry:
        # A failure to connect happened before anything was sent; any later error may follow the write.
        if error is not None and (method or "").upper() in WRITES and not self._is_connection_error(error):
            raise error
        return super().increment(method, url, response, error, _pool, _stacktrace)


def lost_answer(exc: BaseException) -> bool:
    """Whether a write failed in a way that leaves unknown whether GitHub performed it."""
    if isinstance(exc, GithubException):
        return exc.status >= 500
    return isinstance(exc, (requests.ConnectionError, requests.Timeout))


def write_once(send: Callable[[], T], find: Callable[[], T | None] | None, backoff: float) -> T:
    """Send a write; when its answer is lost, take what it made (``find``) or send it again.

    ``find`` is None for writes that are idempotent by themselves (an edit sets the same body twice).
    """
    for attempt in range(WRITE_ATTEMPTS):
        try:
            return send()
        except Exception as exc:
            if not lost_answer(exc) or attempt == WRITE_ATTEMPTS - 1:
                raise
        time.sleep(backoff * 2**attempt)
        made = find() if find is not None else None
        if made is not None:
            return made
    raise AssertionError("unreachable")  # the loop returns or raises


class InstallationAuth(Auth.Auth):
    """An installation token that every object made through it shares, so a refresh reaches them all
    (a check run created before the token was revoked is concluded with the new one)."""

    def __init__(self, integration: "GithubIntegration", installation_id: int) -> None:
        self._integration = integration
        self._installation_id = installation_id
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = datetime.min.replace(tzinfo=timezone.utc)
        # Bumped by every mint, so threads that saw the same 401 refresh once between them.
        self.generation = 0

    @property
    def token_type(self) -> str:
        return "token"

    @property
    def token(self) -> str:
        with self._lock:
            if self._token is None or (self._expires - datetime.now(timezone.utc)).total_seconds() <= TOKEN_REFRESH_MARGIN_SECONDS:
                self._mint()
            assert self._token is not None
            return self._token

    def fresh(self) -> bool:
        """Mint now when the cached token is missing or about to expire; True when it minted."""
        with self._lock:
            if self._token is not None and (self._expires - datetime.now(timezone.utc)).total_seconds() > TOKEN_REFRESH_MARGIN_SECONDS:
                return False
            self._mint()
            return True

    def refresh(self, seen_generation: int) -> None:
        """The token was refused (revoked, or expired early): mint a new one, unless another thread
        already did since ``seen_generation``."""
        with self._lock:
            if self.generation == seen_generation:
                self._mint()

    def _mint(self) -> None:
        token = self._integration.get_access_token(self._installation_id)
        expires = token.expires_at or datetime.now(timezone.utc)
        self._token = token.token
        self._expires = expires if expires.tzinfo else expires.replace(tzinfo=timezone.utc)
        self.generation += 1

    @property
    def _masked_token(self) -> str:
        return "token (installation token removed)"


def reauthed(method: Callable[..., T]) -> Callable[..., T]:
    """A call refused with 401 is made once more with a newly minted installation token."""

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> T:
        auth: InstallationAuth = self.app.auth(self.installation_id)
        seen = auth.generation
        try:
            return method(self, *args, **kwargs)
        except GithubException as exc:
            if exc.status != 401:
                raise
        auth.refresh(seen)
        return method(self, *args, **kwargs)

    return call


# A JSON "token" field, whatever the token's length, alphabet or escapes (GitHub documents no format).
_TOKEN_FIELD = re.compile(r'("token"\s*:\s*")(?:[^"\\]|\\.)*(")')


class RedactTokens(logging.Filter):
    """Takes installation tokens out of PyGithub's debug lines: it logs every answer's body, and the
    access-token answer's body is the token. Authorization headers PyGithub masks itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if '"token"' in message:
            record.msg, record.args = _TOKEN_FIELD.sub(r"\1(installation token removed)\2", message), None
        return True


def redact_tokens_in_logs() -> None:
    """Install RedactTokens on PyGithub's request logger, once per process."""
    logger = logging.getLogger("github.Requester")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())


def make_retry() -> GithubRetry:
    """Retries for 5xx answers and primary/secondary rate limits, honouring Retry-After; writes only
    where GitHub certainly did nothing (see WriteSafeRetry)."""
    return WriteSafeRetry(
        total=4,
        backoff_factor=0.5,
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
        max_rate_limit_wait=MAX_RATE_LIMIT_WAIT_SECONDS,
    )
