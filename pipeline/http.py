"""HTTP with timeouts and retries, shared by the commands that talk to remote services.

5xx answers, timeouts and refused connections are retried with exponential backoff; what
still fails becomes a RemoteError (exit 3). Headers are never put into a message, so a
token or password cannot leak into the output.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from .errors import RemoteError


@dataclass
class Retry:
    attempts: int = 4
    backoff: float = 0.5  # seconds before the second attempt; doubles each time
    timeout: float = 30.0


def request(session: requests.Session, method: str, url: str, what: str, retry: Retry = Retry(), **kwargs):
    """Send a request; return the response of any status below 500 (the caller reads 4xx)."""
    delay = retry.backoff
    last = ""
    for attempt in range(1, retry.attempts + 1):
        rewind(kwargs)
        try:
            response = session.request(method, url, timeout=retry.timeout, **kwargs)
        except requests.Timeout:
            last = f"no answer within {retry.timeout:g} s"
        except requests.ConnectionError:
            last = "cannot connect"
        else:
            if response.status_code < 500:
                return response
            last = f"server error {response.status_code}"
        if attempt < retry.attempts:
            time.sleep(delay)
            delay *= 2
    raise RemoteError(f"{what}: {last} at {_safe(url)} (tried {retry.attempts} times)")


def rewind(kwargs: dict) -> None:
    """Files and streams sent with a request are read again from the start on a retry."""
    for key in ("data", "files"):
        value = kwargs.get(key)
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            handle = item[1] if isinstance(item, tuple) and len(item) > 1 else item
            if hasattr(handle, "seek"):
                handle.seek(0)


def _safe(url: str) -> str:
    """The URL without user info or query string (where tokens sometimes travel)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
