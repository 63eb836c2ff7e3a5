"""The Oxigraph server behind `koko serve`: the published graph loaded into a private store,
served read-only on a loopback port with the query time limit, stopped with koko."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from ..errors import InputError, RemoteError

#: The store runs at a lower priority than the page server: pages stay quick while it works.
STORE_NICENESS = 10
_PORT_TRIES = 5


def die_with_parent(signum: int) -> None:
    """Ask Linux to send this process `signum` when its parent dies (elsewhere: nothing), so
    that no child of a killed koko goes on working, or holding the output's lock."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signum)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_setup() -> None:
    """In the Oxigraph child, before it starts: stop it if koko dies; lower its priority."""
    import signal

    die_with_parent(signal.SIGTERM)
    try:
        os.nice(STORE_NICENESS)
    except OSError:
        pass


def free_port() -> int:
    """A port free now; the caller retries when another process takes it first."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(out_dir: Path, timeout_s: int = 10):
    """Load koko.nt into a fresh store and serve it read-only on 127.0.0.1; yield its URL."""
    binary = oxigraph_binary()
    folder = Path(tempfile.mkdtemp(prefix="koko-store-"))
    proc = None
    try:
        subprocess.run([binary, "load", "--location", str(folder), "--file", str(out_dir / "koko.nt")],
                       check=True, capture_output=True)
        for attempt in range(_PORT_TRIES):
            port = free_port()
            log = tempfile.TemporaryFile()  # not a pipe: a store that writes much must never block on it
            proc = subprocess.Popen([binary, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                                     "--timeout-s", str(timeout_s)], stdout=subprocess.DEVNULL, stderr=log,
                                    preexec_fn=_child_setup)
            proc.log = log
            url = f"http://127.0.0.1:{port}"
            try:
                wait_until_up(url + "/query?query=ASK%7B%7D", proc)
                break
            except RemoteError:
                if proc.poll() is None or attempt == _PORT_TRIES - 1:
                    raise  # not a port taken meanwhile: a real failure
        yield url
    except subprocess.CalledProcessError as exc:
        raise RemoteError(f"Oxigraph could not load the graph: {exc.stderr.decode(errors='replace')[:500]}") from None
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            proc.log.close()
        shutil.rmtree(folder, ignore_errors=True)


def wait_until_up(url: str, proc=None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RemoteError(f"the server stopped at start: {_log_of(proc)}")
        try:
            requests.get(url, timeout=1)
            if proc is None or proc.poll() is None:  # the answer came from the server we started
                return
        except requests.RequestException:
            time.sleep(0.05)
    raise RemoteError(f"the server did not answer within {seconds:g} s")


def _log_of(proc) -> str:
    log = getattr(proc, "log", None)
    if log is None:
        return ""
    log.seek(0)
    return log.read().decode(errors="replace")[-500:]
