"""The Oxigraph server behind `koko serve`: a release's graph loaded into a private store,
served read-only on a loopback port with the query time limit, and stopped by koko (the
policy for child processes is in processes.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from ..errors import Code, InputError, RemoteError
from ..i18n import Msg
from ..processes import spawn, stop

#: The store runs at a lower priority than the page server: pages stay quick while it works.
STORE_NICENESS = 10
_PORT_TRIES = 5


def free_port() -> int:
    """A port free now; the caller retries when another process takes it first."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError(Msg('the Oxigraph server is not installed (pip install oxigraph)'), code=Code.TOOL_MISSING)
    return found


class Store:
    """One graph in a store of its own, served read-only on 127.0.0.1 until `close()`."""

    def __init__(self, graph: Path, timeout_s: int = 10):
        self.graph, self.timeout_s = graph, timeout_s
        self.binary = oxigraph_binary()
        self.folder = Path(tempfile.mkdtemp(prefix="koko-store-"))
        self.proc: subprocess.Popen | None = None
        self.url = ""
        try:
            loaded = subprocess.run([self.binary, "load", "--location", str(self.folder), "--file", str(graph)],
                                    capture_output=True, stdin=subprocess.DEVNULL)
            if loaded.returncode != 0:
                raise RemoteError(Msg('Oxigraph could not load {graph}: {reason}', graph=graph, reason=loaded.stderr.decode(errors='replace')[:500]))
            self._serve()
        except BaseException:
            self.close()
            raise

    def _serve(self) -> None:
        for attempt in range(_PORT_TRIES):
            port = free_port()
            log = tempfile.TemporaryFile()  # not a pipe: a store that writes much must never block on it
            proc = spawn([self.binary, "serve-read-only", "--location", str(self.folder), "--bind", f"127.0.0.1:{port}",
                          "--timeout-s", str(self.timeout_s)], stderr=log, niceness=STORE_NICENESS)
            try:
                wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, log=log)
            except RemoteError:
                ended = proc.poll() is not None  # at start: most likely the port was taken meanwhile
                stop(proc)
                log.close()
                if not ended or attempt == _PORT_TRIES - 1:
                    raise
                continue  # the port was taken meanwhile: another one
            log.close()
            self.proc, self.url = proc, f"http://127.0.0.1:{port}"
            return

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def close(self) -> None:
        if self.proc is not None:
            stop(self.proc)
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def oxigraph_server(out_dir: Path, timeout_s: int = 10):
    """A store of a release folder's koko.nt for the block; yields its URL."""
    store = Store(out_dir / "koko.nt", timeout_s)
    try:
        yield store.url
    finally:
        store.close()


def wait_until_up(url: str, proc=None, seconds: float = 30, log=None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RemoteError(Msg('the server stopped at start: {reason}', reason=_tail(log)))
        try:
            requests.get(url, timeout=1)
            if proc is None or proc.poll() is None:  # the answer came from the server we started
                return
        except requests.RequestException:
            time.sleep(0.05)
    raise RemoteError(Msg('the server did not answer within {seconds:g} s', seconds=seconds))


def _tail(log) -> str:
    if log is None:
        return ""
    log.seek(0)
    return log.read().decode(errors="replace")[-500:]
