"""HTTP with timeouts and safe retries, shared by the commands that talk to remote services.

Retries are urllib3's, through a requests adapter. A request that cannot change anything
twice (GET, HEAD, PUT, DELETE, OPTIONS) is sent again after a refused connection, a time-out,
429 or a 5xx, with exponential backoff and the server's `Retry-After` honoured. A write that
is not idempotent (POST) is resent only when the connection was never made; when its outcome
is unknown (a 5xx, a time-out, a dropped connection), `request` raises `UncertainWrite`, so
the caller can ask the service what happened instead of writing twice. What still fails
becomes a RemoteError (exit 3). Headers are never put into a message, so a token or password
cannot leak into the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry as RetryPolicy

from ..errors import RemoteError
from ..i18n import Msg

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Retry:
    attempts: int = 4  # sends at most, the first included
    backoff: float = 0.5  # seconds before the third attempt; doubles each time (the second goes at once)
    timeout: float = 30.0  # seconds to connect, and between bytes of the answer
    max_wait: float = 60.0  # the longest Retry-After or backoff waited for


class _Policy(RetryPolicy):
    """urllib3's retry policy, with a server's Retry-After capped at `max_wait` seconds."""

    def __init__(self, *args, max_wait: float = 60.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait

    def new(self, **kwargs):
        return super().new(max_wait=self.max_wait, **kwargs)

    def get_retry_after(self, response):
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_wait)


class UncertainWrite(RemoteError):
    """A non-idempotent request whose outcome is unknown: it may have taken effect."""


def session(retry: Retry = Retry(), safe_posts: bool = False) -> requests.Session:
    """A session that retries as the module says. `safe_posts` is for POSTs that only read
    (SPARQL queries sent as forms), which may be sent again like a GET."""
    methods = IDEMPOTENT | {"POST"} if safe_posts else IDEMPOTENT
    policy = _Policy(
        total=retry.attempts - 1, connect=retry.attempts - 1, read=retry.attempts - 1, status=retry.attempts - 1,
        other=0, redirect=5, allowed_methods=methods, status_forcelist=RETRY_STATUSES,
        backoff_factor=retry.backoff, backoff_max=retry.max_wait, respect_retry_after_header=True,
        raise_on_status=False, raise_on_redirect=False, max_wait=retry.max_wait)
    adapter = HTTPAdapter(max_retries=policy)
    http = requests.Session()
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    http.koko_retry = retry  # the timeout and attempts, for `request` and its messages
    http.koko_safe_posts = safe_posts
    return http


def request(http: requests.Session, method: str, url: str, what: str, any_status: bool = False,
            **kwargs) -> requests.Response:
    """Send a request; return the response of any status below 500 (the caller reads 4xx),
    or of any status at all with `any_status` (a probe that only wants the server's headers)."""
    retry: Retry = getattr(http, "koko_retry", Retry())
    repeatable = method.upper() in IDEMPOTENT or getattr(http, "koko_safe_posts", False)
    where = safe_url(url)
    try:
        response = http.request(method, url, timeout=retry.timeout, **kwargs)
    except requests.RequestException as exc:
        kind = failure_kind(exc)
        if kind == "unreachable":
            raise RemoteError(Msg('{what}: cannot connect to {where}{tries}', what=what, where=where, tries=_tries(retry))) from None
        message = (Msg("{what}: no answer within {seconds:g} s at {where}", what=what, seconds=retry.timeout, where=where)
                   if kind == "timeout" else Msg("{what}: the connection to {where} broke", what=what, where=where))
        if repeatable:
            raise RemoteError(Msg("{message}{tries}", message=message, tries=_tries(retry))) from None
        raise UncertainWrite(Msg("{message}; it may have been carried out", message=message)) from None
    if not any_status and (response.status_code >= 500 or response.status_code == 429):
        sent = 1 + len(getattr(getattr(response.raw, "retries", None), "history", ()) or ())
        message = Msg("{what}: server error {status} at {where}{tries}", what=what, status=response.status_code, where=where,
                      tries=Msg(" (tried {count} times)", count=sent) if sent > 1 else "")
        if repeatable:
            raise RemoteError(message)
        raise UncertainWrite(Msg("{message}; it may have been carried out", message=message))
    return response


def _tries(retry: Retry) -> Msg | str:
    return Msg(" (tried {count} times)", count=retry.attempts) if retry.attempts > 1 else ""


def failure_kind(exc: requests.RequestException) -> str:
    """'unreachable' when the request cannot have reached the server (refused, no route, no
    such host, no connection in time), 'timeout' when the answer did not come in time,
    'broken' when the connection dropped while the request or its answer was under way."""
    cause = exc.args[0] if exc.args else exc
    cause = getattr(cause, "reason", None) or cause  # urllib3's MaxRetryError, after the retries
    if isinstance(cause, (NewConnectionError, ConnectTimeoutError, NameResolutionError)) \
            or isinstance(exc, requests.ConnectTimeout):
        return "unreachable"
    if isinstance(cause, ReadTimeoutError) or isinstance(exc, requests.Timeout):
        return "timeout"
    return "broken"


def safe_url(url: str) -> str:
    """The URL without user info or query string (where tokens sometimes travel)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
