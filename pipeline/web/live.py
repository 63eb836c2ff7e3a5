"""`koko serve` in front of the releases: it follows the output folder, and answers each
request wholly from one release.

- A publish swaps a new folder in with one rename. The follower (a thread that lives as long
  as the server) sees the folder's identity change, loads the new release beside the one being
  served (its own snapshot and store, served.py), then switches: new requests go to the new
  release, requests in flight finish on the old one, which is stopped after them. A release
  that cannot be loaded is never switched to: the old one goes on, and the log says why.
- Every answer names its release: a `Koko-Release` header, and its ETag starts with the
  version. `/health` answers 200 with the version while the store answers, 503 when not; a
  store that stopped is started again.
- The client address is the peer's, or, when the peer is one of the `trusted` proxies, the
  last address before them in X-Forwarded-For: the per-client query limit and the access log
  see the visitor, not the proxy.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import threading
import time
from pathlib import Path

import requests
from werkzeug.wsgi import ClosingIterator

from ..i18n import _
from .http_cache import RELEASE_KEY
from .limits import Limits
from .served import Served, identity

LOG = logging.getLogger("koko.serve")
ACCESS = logging.getLogger("koko.access")
#: How often the follower looks at the output folder, in seconds (one stat call).
POLL_S = 0.5
#: How long a replaced release goes on answering the requests it had, past the query limit.
RETIRE_GRACE_S = 5
#: /health asks the store at most this often, in seconds; between, it says what it found.
HEALTH_CACHE_S = 1.0


class Live:
    def __init__(self, out_dir: Path, workroot: Path, limits: Limits, templates: Path | None = None,
                 trusted: tuple = ()):
        self.out_dir, self.workroot, self.limits, self.templates = out_dir, workroot, limits, templates
        self.trusted = tuple(ipaddress.ip_network(t, strict=False) for t in trusted)
        self.current = Served.load(out_dir, workroot, limits, templates)
        self._lock = threading.Lock()
        self._busy = 0
        self._stop = threading.Event()
        self._failed: tuple | None = None  # the identity of a folder that could not be loaded
        self._health: tuple | None = None  # (release, when, whether its store answered)
        self._follower = threading.Thread(target=self._follow, name="koko-follow", daemon=True)

    # -- the WSGI front --------------------------------------------------------------------
    def __call__(self, environ, start_response):
        started = time.monotonic()
        environ["REMOTE_ADDR"] = self.client(environ)
        with self._lock:  # taken with the switch's lock: a release being retired counts this request
            served = self.current
            self._busy += 1
            served.enter()
        environ[RELEASE_KEY] = served.version
        sent = {"status": "500", "bytes": 0}

        def start(status, headers, exc_info=None):
            sent["status"] = status.split(" ", 1)[0]
            headers.append(("Koko-Release", served.version))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        def done() -> None:
            served.leave()
            with self._lock:
                self._busy -= 1
            self._log_access(environ, sent, time.monotonic() - started)

        try:
            if environ.get("PATH_INFO") == "/health":
                body = self.health(served, start)
            else:
                body = served.app(environ, start)
        except BaseException:
            done()
            raise
        return ClosingIterator(_Counted(body, sent), [done])

    def health(self, served: Served, start) -> list:
        up = self.store_answers(served)
        doc = {"status": "ok" if up else "unavailable", "release": served.version, "store": "up" if up else "down",
               "serving_since_s": round(time.monotonic() - served.loaded_at, 1)}
        data = json.dumps(doc).encode("utf-8") + b"\n"
        start("200 OK" if up else "503 Service Unavailable",
              [("Content-Type", "application/json"), ("Content-Length", str(len(data))), ("Cache-Control", "no-store"),
               ("Access-Control-Allow-Origin", "*")])
        return [data]

    def store_answers(self, served: Served) -> bool:
        """Whether the store answers a trivial query within a second; asked at most once a second."""
        now = time.monotonic()
        known = self._health
        if known is not None and known[0] is served and now - known[1] < HEALTH_CACHE_S:
            return known[2]
        try:
            answer = served.app.endpoint.store.query("ASK {}", "application/sparql-results+json", (1, 1))
            ok = served.store.alive and answer.status_code == 200
        except requests.RequestException:
            ok = False
        self._health = (served, now, ok)
        return ok

    def client(self, environ) -> str:
        peer = environ.get("REMOTE_ADDR") or "?"
        if not self.trusted or not self._is_trusted(peer):
            return peer
        hops = [h.strip() for h in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):  # the nearest hop first; the first one not a trusted proxy is the client
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else peer

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted)

    def _log_access(self, environ, sent: dict, seconds: float) -> None:
        if not ACCESS.handlers:
            return
        query = environ.get("QUERY_STRING")
        target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        when = dt.datetime.now(dt.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S %z")
        ACCESS.info('%s - - [%s] "%s %s %s" %s %s "%s" "%s"', environ.get("REMOTE_ADDR", "-"), when,
                    environ.get("REQUEST_METHOD"), target, environ.get("SERVER_PROTOCOL"), sent["status"],
                    sent["bytes"] or "-", environ.get("HTTP_REFERER", "-"), environ.get("HTTP_USER_AGENT", "-"))

    # -- following the folder --------------------------------------------------------------
    def start(self) -> None:
        self._follower.start()

    def _follow(self) -> None:
        while not self._stop.wait(POLL_S):
            try:
                self.check()
            except Exception:  # the follower never dies: the release being served goes on
                LOG.exception(_("following {folder} failed; still serving release {version}").format(
                    folder=self.out_dir, version=self.current.version))

    def check(self) -> None:
        """One look: a new release to switch to, or a store to start again."""
        now = identity(self.out_dir)
        if now is not None and now != self.current.identity and now != self._failed:
            self._switch(now)
        elif not self.current.store.alive:
            LOG.error(_("the store of release {version} stopped (exit {code}); starting it again").format(
                version=self.current.version, code=self.current.store.proc.returncode if self.current.store.proc else "?"))
            self.current.restart_store(self.limits)
            LOG.info(_("the store of release {version} answers again").format(version=self.current.version))

    def _switch(self, seen: tuple) -> None:
        appeared = time.monotonic()
        try:
            new = Served.load(self.out_dir, self.workroot, self.limits, self.templates)
        except Exception as exc:
            self._failed = seen
            LOG.error(_("a new release in {folder} could not be loaded, so it is not served: {reason}; still serving release "
                        "{version}").format(folder=self.out_dir, reason=exc, version=self.current.version))
            return
        with self._lock:
            old, self.current = self.current, new
        self._failed = None
        LOG.info(_("switched to release {new} (from {old}), {seconds:.2f} s after it was seen").format(
            new=new.version, old=old.version, seconds=time.monotonic() - appeared))
        threading.Thread(target=old.close, args=(self.limits.query_timeout + RETIRE_GRACE_S,),
                         name="koko-retire", daemon=True).start()

    # -- stopping ----------------------------------------------------------------------------
    @property
    def in_flight(self) -> int:
        """Requests being answered now, from any release."""
        with self._lock:
            return self._busy

    def close(self) -> None:
        self._stop.set()
        if self._follower.is_alive():
            self._follower.join(timeout=60)
        with self._lock:
            current = self.current
        current.close()


class _Counted:
    """An answer's body, counting the bytes sent (for the access log); closed with it."""

    def __init__(self, body, sent: dict):
        self.body, self.sent = body, sent

    def __iter__(self):
        for chunk in self.body:
            self.sent["bytes"] += len(chunk)
            yield chunk

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            close()
