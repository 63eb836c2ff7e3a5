"""`koko serve`: the published graph on one origin, for the public, following each release.

The pages, downloads and /sparql are one WSGI application per release (app.py), behind a front
that switches between releases as they are published (live.py), served by waitress. SPARQL
queries run in the Oxigraph server of each release (store_server.py) and pass a gate that
bounds how many run and wait; waitress gets that many threads more than the page workers, so
pages are always served by threads no query can hold.

Ctrl-C and SIGTERM stop it the same way: no new connections, the requests in flight finish
(for a few seconds at most), the stores stop, exit 0.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path

from waitress import wasyncore
from waitress.server import BaseWSGIServer

from ..i18n import _
from .limits import Limits
from .live import ACCESS, LOG, Live

PAGE_WORKERS = 4
MAX_CONNECTIONS = 200
#: Seconds the requests in flight have to finish once the server is told to stop.
DRAIN_S = 5


def access_log(target: str | None) -> logging.Handler | None:
    """The access log's handler: a file (appended to), `-` for standard output, None for none."""
    if not target:
        return None
    handler = logging.StreamHandler(sys.stdout) if target == "-" else logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def log_to_stderr() -> None:
    """koko's own log (switches between releases, a store that stopped, every 500 with its
    traceback) on standard error, each line with its time."""
    if not any(getattr(h, "koko", False) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s koko serve: %(levelname)s: %(message)s"))
        handler.koko = True
        LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


def serve(out_dir: Path, host: str, port: int, ready=None, limits: Limits | None = None, templates: Path | None = None,
          access: str | None = None, trusted: tuple = ()) -> None:
    """Serve the release in `out_dir`, and each one published there after it, until stopped.
    `ready(url, limits, version)` is called once the server answers."""
    from waitress import create_server

    limits = limits or Limits()
    log_to_stderr()
    handler = access_log(access)
    if handler is not None:
        ACCESS.addHandler(handler)
        ACCESS.setLevel(logging.INFO)
        ACCESS.propagate = False
    with tempfile.TemporaryDirectory(prefix="koko-serve-") as work:
        live = Live(out_dir.resolve(), Path(work), limits, templates, trusted)
        server = None
        try:
            threads = PAGE_WORKERS + limits.max_queries + limits.max_waiting
            server = create_server(live, host=host, port=port, threads=threads, connection_limit=MAX_CONNECTIONS,
                                   max_request_body_size=3 * limits.max_query_bytes + 1024, channel_timeout=30,
                                   ident="koko", clear_untrusted_proxy_headers=False)
            live.start()
            if ready:
                ready(f"http://{host}:{server.effective_port}", limits, live.current.version)
            _run(server, live)
        finally:
            if server is not None:
                server.task_dispatcher.shutdown(cancel_pending=True, timeout=DRAIN_S)
                wasyncore.close_all(_map_of(server))
            live.close()
            if handler is not None:
                ACCESS.removeHandler(handler)
                handler.close()
    LOG.info(_("stopped"))


def _map_of(server) -> dict:
    return server.map if hasattr(server, "effective_listen") else server._map


def _run(server, live: Live) -> None:
    """waitress's loop, until Ctrl-C or SIGTERM; then no new connections, and the loop goes on
    (the answers of the requests in flight still have to be sent) until they are done, for
    DRAIN_S at most, and their bytes are out."""
    socket_map = _map_of(server)
    loop = lambda seconds, count=None: wasyncore.loop(timeout=seconds, map=socket_map, count=count,  # noqa: E731
                                                      use_poll=server.adj.asyncore_use_poll)
    try:
        loop(server.adj.asyncore_loop_timeout)
    except KeyboardInterrupt:
        pass
    listeners = [d for d in list(socket_map.values()) if isinstance(d, BaseWSGIServer)]
    for listener in listeners:  # no new connections: refused from here on
        listener.accepting = False
        listener.del_channel()
        listener.socket.close()
    LOG.info(_("stopping: no new requests; {count} in flight get up to {seconds} s").format(count=live.in_flight,
                                                                                             seconds=DRAIN_S))
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline and (live.in_flight or _sending(socket_map)):
        try:
            loop(0.05, count=1)
        except KeyboardInterrupt:  # a second Ctrl-C: stop now
            break


def _sending(socket_map: dict) -> bool:
    return any(getattr(d, "total_outbufs_len", 0) for d in list(socket_map.values()))
