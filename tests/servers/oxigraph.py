"""The Oxigraph server (from PyPI) started on 127.0.0.1, on a free port, in its own folder.

Oxigraph cannot be told to pick a port itself and say which, so a free one is chosen and,
should another process take it before Oxigraph binds it, the start is tried on another."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def started(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    """Whether the server answers at url within `seconds`; False when it has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            requests.get(url, timeout=1)
            if proc.poll() is None:
                return True
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    proc.wait(timeout=10)
    raise RuntimeError(f"the server did not answer at {url} within {seconds:g} s")


class OxigraphServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "OxigraphServer":
        binary = Path(sys.executable).parent / "oxigraph"
        binary = str(binary) if binary.exists() else shutil.which("oxigraph")
        for attempt in range(5):
            self.proc = subprocess.Popen([binary, "serve", "--location", str(self.folder), "--bind", f"127.0.0.1:{self.port}"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if started(self.url + "/query?query=ASK%7B%7D", self.proc, 30):
                return self
            error = self.proc.stderr.read().decode()
            if "in use" not in error:
                raise RuntimeError(error)
            self.port = free_port()  # taken meanwhile by another process
        raise RuntimeError("oxigraph found no free port")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def count(self, graph: str) -> int:
        r = requests.post(self.url + "/query", data=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                          headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def graph(self, graph: str) -> bytes:
        r = requests.get(self.url + "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
        r.raise_for_status()
        return r.content
