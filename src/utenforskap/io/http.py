"""HTTP GET with a sliding-window rate limit and retry with backoff, on the standard library."""

from __future__ import annotations

import collections
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message

from utenforskap.errors import FetchError

__all__ = [
    "API_ROOT_ENV",
    "HttpClient",
    "RateLimiter",
    "RetryPolicy",
    "api_root",
    "problem_message",
]

Clock = Callable[[], float]
Sleep = Callable[[float], None]

#: Environment variables that point the run's SSB and FHI requests at another
#: root (a mirror, a proxy, a test server); read when a request is made.
API_ROOT_ENV: dict[str, str] = {"ssb": "UTENFORSKAP_SSB_URL", "fhi": "UTENFORSKAP_FHI_URL"}


def api_root(agency: str, default: str) -> str:
    """The API root the run asks ``agency`` at: its environment variable, else ``default``.

    ``utenforskap fetch`` and ``run`` both ask here, so the answers ``fetch``
    cached (keyed by their URLs) are the ones ``run`` finds.

    Parameters
    ----------
    agency
        ``"ssb"`` or ``"fhi"`` (see :data:`API_ROOT_ENV`).
    default
        The agency's public root.

    Returns
    -------
    str
        The root, without a trailing ``/``.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"UTENFORSKAP_FHI_URL": "http://127.0.0.1:8080/"}):
    ...     api_root("fhi", "https://statistikk-data.fhi.no/api/open/v1")
    'http://127.0.0.1:8080'
    """
    chosen = os.environ.get(API_ROOT_ENV[agency], "").strip()
    return (chosen or default).rstrip("/")


@dataclass
class RateLimiter:
    """Allow at most ``max_calls`` calls in any window of ``period`` seconds.

    Parameters
    ----------
    max_calls, period
        SSB allows 30 requests per 60 seconds per IP address.
    clock, sleep
        Injected so tests run without waiting.
    """

    max_calls: int = 30
    period: float = 60.0
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    _calls: collections.deque[float] = field(default_factory=collections.deque, repr=False)

    def acquire(self) -> float:
        """Wait until a call is allowed, record it, and return the seconds waited."""
        waited = 0.0
        now = self.clock()
        while self._calls and now - self._calls[0] >= self.period:
            self._calls.popleft()
        if len(self._calls) >= self.max_calls:
            waited = self._calls[0] + self.period - now
            self.sleep(waited)
            now = self.clock()
            self._calls.popleft()
        self._calls.append(now)
        return waited


@dataclass(frozen=True)
class RetryPolicy:
    """Retry on ``statuses`` up to ``max_retries`` times with exponential backoff.

    The wait before retry *k* (0-based) is the server's ``Retry-After`` when it
    sends one, else ``backoff * 2**k`` seconds, never more than ``max_wait``.
    """

    max_retries: int = 5
    backoff: float = 2.0
    max_wait: float = 120.0
    statuses: tuple[int, ...] = (429, 502, 503, 504)

    def wait(self, attempt: int, retry_after: str | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None and retry_after.strip().isdigit():
            return min(float(retry_after), self.max_wait)
        return min(self.backoff * 2**attempt, self.max_wait)


def problem_message(body: bytes) -> str:
    """Return the service's own message from an error body (RFC 7807 problem or text)."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        problem = json.loads(text)
    except ValueError:
        return text[:300] or "no message"
    if isinstance(problem, dict):
        parts = [
            str(problem[k])
            for k in ("title", "detail", "message", "error")
            if isinstance(problem.get(k), str | int | float)
        ]
        errors = problem.get("errors")
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        if parts:
            return "; ".join(parts)
    return text[:300]


@dataclass
class HttpClient:
    """GET URLs politely: rate-limited, retried on 429/503, errors as FetchError.

    Parameters
    ----------
    limiter
        The rate limiter shared by all requests of this client.
    retry
        The retry policy.
    timeout
        Seconds before a request is abandoned.
    sleep
        Used for backoff waits; injected in tests.
    user_agent
        Sent with each request.
    """

    limiter: RateLimiter = field(default_factory=RateLimiter)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = 60.0
    sleep: Sleep = time.sleep
    user_agent: str = "utenforskap (python urllib)"
    requests: int = 0

    def get(self, url: str) -> bytes:
        """Return the body of a successful GET.

        Parameters
        ----------
        url
            The URL.

        Returns
        -------
        bytes
            The response body.

        Raises
        ------
        FetchError
            A 4xx other than 429 (with the service's message), a 5xx or 429/503
            after all retries, or a network failure.
        """
        return self._request(url, None)

    def post(self, url: str, body: bytes) -> bytes:
        """Return the body of a successful POST of JSON ``body`` (as :meth:`get`).

        Parameters
        ----------
        url
            The URL.
        body
            The JSON request body.

        Returns
        -------
        bytes
            The response body.
        """
        return self._request(url, body)

    def _request(self, url: str, body: bytes | None) -> bytes:
        attempt = 0
        while True:
            self.limiter.acquire()
            self.requests += 1
            headers = {"User-Agent": self.user_agent}
            if body is not None:
                headers |= {"Content-Type": "application/json", "Accept": "application/json"}
            try:
                request = urllib.request.Request(url, data=body, headers=headers)
            except ValueError:
                # E.g. UTENFORSKAP_SSB_URL set to something that is not a URL.
                raise FetchError(
                    "not a URL (check UTENFORSKAP_SSB_URL / UTENFORSKAP_FHI_URL if set)", url=url
                ) from None
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    answer: bytes = response.read()
                    return answer
            except urllib.error.HTTPError as exc:
                status = exc.code
                error = exc.read() if exc.fp is not None else b""
                received: Message = exc.headers
                if status in self.retry.statuses and attempt < self.retry.max_retries:
                    self.sleep(self.retry.wait(attempt, received.get("Retry-After")))
                    attempt += 1
                    continue
                raise FetchError(problem_message(error), url=url, status=status) from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise FetchError(f"could not connect: {reason}", url=url) from None
