"""Servers the tests run on 127.0.0.1."""

from __future__ import annotations

import functools
import threading
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class LocalHTTPServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, started and stopped with `with`."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps the test output clean of access logs."""

    def log_message(self, *args):
        pass


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def static_files(folder: Path) -> LocalHTTPServer:
    """A plain web host for a folder (a copy of the static site, say): files only, no negotiation."""
    return LocalHTTPServer(functools.partial(QuietFiles, directory=str(folder)))
