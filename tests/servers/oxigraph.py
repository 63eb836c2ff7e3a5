"""The Oxigraph server (from PyPI) started on 127.0.0.1, on a free port, in its own folder."""

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
        self.proc = subprocess.Popen([binary, "serve", "--location", str(self.folder), "--bind", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/query", params={"query": "ASK {}"}, timeout=1)
                return self
            except requests.RequestException:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode())
                time.sleep(0.05)
        raise RuntimeError("oxigraph did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def count(self, graph: str) -> int:
        r = requests.post(self.url + "/query", data=f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                          headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    def graph(self, graph: str) -> bytes:
        r = requests.get(self.url + "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
        r.raise_for_status()
        return r.content
