"""A load test of `koko serve` with its defaults, on 127.0.0.1 only, bounded in count and time.

Sixteen clients ask for pages and light queries; then four clients send a heavy query over and
over for 15 s beside them. What the visitors feel is checked: pages answer without errors and
quickly, light queries get an answer or a 429/503 with Retry-After (never a time-out), every
heavy query ends within the time limit and 5 s, and the memory of koko and its store stays
bounded. Each client has its own loopback address (127.0.0.0/8 is all loopback on Linux), as
separate visitors do, so the per-client limit applies as in public. Figures go to
test-artifacts/load.json.
"""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from helpers import ROOT
from servers.koko import KokoServe

pytestmark = pytest.mark.slow  # a load test on a real koko serve

BASE = "https://w3id.org/koko-lod/"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = ("ASK { ?s ?p ?o }", f"SELECT ?a WHERE {{ ?a a <{BASE}def/koko#KokoArea> }}",
         "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }")
TIME_LIMIT = 10  # koko serve's default --query-timeout
WINDOW_S, CALM_S = 15.0, 5.0
PAGE_P99_S = 0.5
MEMORY_MB = 1024


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the store), in MB."""
    total = 0.0
    pids = [pid] + [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


class Client(threading.Thread):
    """One visitor: its own address and connection, sending requests until `stop` is set."""

    def __init__(self, port: int, address: str, next_request, stop: threading.Event, results: list, pause=0.0):
        super().__init__(daemon=True)
        self.port, self.address, self.next_request = port, address, next_request
        self.stop, self.results, self.pause = stop, results, pause

    def run(self) -> None:
        conn = None
        while not self.stop.is_set():
            kind, method, path, body, headers = self.next_request()
            start = time.monotonic()
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=60,
                                                          source_address=(self.address, 0))
                conn.request(method, path, body=body, headers=headers)
                answer = conn.getresponse()
                answer.read()
                status, retry = answer.status, answer.getheader("Retry-After")
                if answer.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as exc:
                status, retry = type(exc).__name__, None
                if conn is not None:
                    conn.close()
                conn = None
            self.results.append((kind, status, time.monotonic() - start, retry))
            if status in (429, 503):
                time.sleep(1)  # a polite client waits; Retry-After is checked below
            elif self.pause:
                time.sleep(self.pause)


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else None


def figures(results):
    out = {}
    for kind in ("page", "light", "heavy"):
        rows = [r for r in results if r[0] == kind]
        ok = [r[2] for r in rows if r[1] == 200]
        out[kind] = {"requests": len(rows), "ok": len(ok),
                     "turned_away": sum(1 for r in rows if r[1] in (429, 503)),
                     "errors": sum(1 for r in rows if r[1] not in (200, 429, 503)),
                     "p50_s": p([r[2] for r in rows], 0.5), "p99_s": p([r[2] for r in rows], 0.99),
                     "max_s": max((r[2] for r in rows), default=None)}
    return out


@pytest.fixture(scope="module")
def paths(published):
    subjects = sorted({t.subject.value for t in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
                       if t.subject.value.startswith(BASE + "id/")})
    pages = ["/" + s[len(BASE):] for s in subjects]
    return pages + [page + ".ttl" for page in pages[::7]] + ["/", "/query", "/def/koko", "/download/context.jsonld"]


def test_pages_stay_quick_while_heavy_queries_run(published, paths):
    rng = random.Random(7)
    lock = threading.Lock()

    def page():
        with lock:
            path = rng.choice(paths)
        return "page", "GET", path, None, {"Accept-Encoding": "gzip"}

    def light():
        with lock:
            query = rng.choice(LIGHT)
        return ("light", "GET", "/sparql?query=" + quote(query), None, {"Accept": "application/sparql-results+json"})

    def heavy():
        return ("heavy", "POST", "/sparql", HEAVY.encode(),
                {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})

    with KokoServe(published) as koko:  # the defaults, as a steward starts it
        port = int(koko.url.rsplit(":", 1)[1])
        memory, watching = [], threading.Event()

        def watch():
            while not watching.is_set():
                memory.append(rss_mb(koko.proc.pid))
                time.sleep(0.25)

        threading.Thread(target=watch, daemon=True).start()
        phases = {}
        for phase, heavy_clients, seconds in (("calm", 0, CALM_S), ("heavy", 4, WINDOW_S)):
            stop, results = threading.Event(), []
            clients = [Client(port, f"127.0.1.{i + 1}", page, stop, results) for i in range(8)]
            clients += [Client(port, f"127.0.2.{i + 1}", light, stop, results, pause=0.05) for i in range(8)]
            clients += [Client(port, f"127.0.3.{i + 1}", heavy, stop, results) for i in range(heavy_clients)]
            for c in clients:
                c.start()
            time.sleep(seconds)
            stop.set()
            for c in clients:
                c.join(TIME_LIMIT + 30)
                assert not c.is_alive(), "a client is still waiting for an answer"
            phases[phase] = {"figures": figures(results), "raw": results}
        watching.set()
        assert koko.proc.poll() is None, "koko serve is still running"

    report = {phase: v["figures"] for phase, v in phases.items()}
    report["memory_mb"] = {"start": memory[0], "max": max(memory)}
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "load.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))

    for phase, v in phases.items():
        pages = [r for r in v["raw"] if r[0] == "page"]
        assert pages and all(r[1] == 200 for r in pages), (phase, [r for r in pages if r[1] != 200][:5])
        assert v["figures"]["page"]["p99_s"] < PAGE_P99_S, (phase, v["figures"]["page"])
        for kind, status, seconds, retry in v["raw"]:
            if kind == "page":
                continue
            assert status in (200, 429, 503), (phase, kind, status, seconds)
            if status in (429, 503):
                assert retry and int(retry) >= 1, (phase, kind, status)
            if kind == "heavy":
                assert seconds <= TIME_LIMIT + 5, (phase, seconds)
    calm = phases["calm"]["figures"]["light"]
    assert calm["ok"] > 0 and calm["turned_away"] == 0, calm
    assert phases["heavy"]["figures"]["heavy"]["requests"] >= 4
    assert max(memory) < MEMORY_MB, report["memory_mb"]
