"""`koko serve` as a live publication, against a real `koko serve` process: it follows each
release published into the folder it serves with no failed request, answers each request
from exactly one release, keeps a release it cannot load out, starts a stopped store again,
and can be operated (health, access log, trusted proxies, a clean stop on SIGTERM/Ctrl-C)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from helpers import DATA, RELEASE, ROOT
from servers.koko import KokoServe

pytestmark = pytest.mark.slow  # real koko serve processes and five publishes

BASE = "https://w3id.org/koko-lod/"
ARTIFACTS = ROOT / "test-artifacts"
NETWORKS = 7  # in the real sources
COUNT = "SELECT (COUNT(?n) AS ?c) WHERE { ?n a <https://w3id.org/koko-lod/def/koko#NationalNetwork> }"
PUBLISHES = 5


def sources_of(version: int, folder: Path) -> Path:
    """data/ with `version` generated national networks more than the real sources have."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns(".cache"))
    path = folder / "programme.yaml"
    text = path.read_text(encoding="utf-8")
    keys = "".join(f"    - gen-{i}\n" for i in range(1, version + 1))
    records = "".join(f"  - key: gen-{i}\n    name: {{fi: Generoitu verkosto {i}, en: generated network {i}}}\n"
                      f"    source: vasek-en\n" for i in range(1, version + 1))
    assert text.count("    - demo\n") == 1 and text.count("\nnetworks:\n") == 1
    path.write_text(text.replace("    - demo\n", "    - demo\n" + keys).replace("\nnetworks:\n", "\nnetworks:\n" + records),
                    encoding="utf-8")
    return folder


def publish(data: Path, out: Path, version: int) -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", "publish", "--data", str(data), "--out", str(out),
                           "--version", f"v{version}", "--release-date", RELEASE], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def release(tmp_path) -> Path:
    out = tmp_path / "output"
    publish(sources_of(0, tmp_path / "data"), out, 0)
    return out


def version_of(response) -> int:
    return int(response.headers["Koko-Release"].removeprefix("v"))


def test_follows_five_publishes_under_load_with_no_failed_request(tmp_path, release):
    """Four clients (four visitors behind a proxy koko trusts) ask for pages, downloads and
    SPARQL while five publishes, each a new version with one network more, land one after
    another in the served folder. Every answer must succeed and agree with the release its
    header names."""
    failures, seen, latencies, first_seen = [], [], [], {}
    stop = threading.Event()

    def check(session, url, mine: list) -> None:
        kind = len(mine) % 4
        started = time.monotonic()
        try:
            if kind == 0:
                r = session.get(url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"},
                                timeout=30)
                v = version_of(r)
                ok = r.status_code == 200 and int(r.json()["results"]["bindings"][0]["c"]["value"]) == NETWORKS + v
            elif kind == 1:
                r = session.get(url + "/id/programme/koko", headers={"Accept": "text/html"}, timeout=30)
                v = version_of(r)
                ok = r.status_code == 200 and len(set(re.findall(r"/id/network/gen-\d+", r.text))) == v
            elif kind == 2:
                r = session.get(url + "/download/release.json", timeout=30)
                v = version_of(r)
                ok = r.status_code == 200 and r.json()["version"] == f"v{v}" and r.headers["ETag"].startswith(f'"v{v}.')
            else:
                r = session.get(url + "/id/network/gen-1.ttl", timeout=30)
                v = version_of(r)
                ok = r.status_code == (200 if v >= 1 else 404)
        except (requests.RequestException, KeyError, ValueError) as exc:
            failures.append(f"{kind}: {type(exc).__name__}: {exc}")
            return
        latencies.append(time.monotonic() - started)
        seen.append(v)
        mine.append(v)
        first_seen.setdefault(v, time.monotonic())
        if not ok:
            failures.append(f"{kind}: release v{v} answered {r.status_code}: {r.text[:200]!r}")

    per_client = [[] for _ in range(4)]

    def client(url, number: int) -> None:
        mine = per_client[number]
        session = requests.Session()  # each its own visitor, as a proxy that koko trusts says
        session.headers["X-Forwarded-For"] = f"198.51.100.{10 + number}"
        deadline = time.monotonic() + 240
        for _ in range(4000):  # bounded in count and in time
            if stop.is_set() or time.monotonic() > deadline:
                return
            check(session, url, mine)

    landed = {}
    with KokoServe(release, "--trusted-proxy", "127.0.0.1") as koko:
        threads = [threading.Thread(target=client, args=(koko.url, number)) for number in range(len(per_client))]
        for t in threads:
            t.start()
        try:
            for version in range(1, PUBLISHES + 1):
                publish(sources_of(version, tmp_path / "data"), release, version)
                landed[version] = time.monotonic()
                deadline = time.monotonic() + 60
                while version not in first_seen and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert version in first_seen, f"v{version} was never served:\n{koko.lines.text()}"
        finally:
            time.sleep(1)
            stop.set()
            for t in threads:
                t.join(timeout=60)
        log = koko.lines.text()
    switches = [float(s) for s in re.findall(r"switched to release v\d+ \(from v\d+\), ([\d.]+) s after it was seen", log)]
    delays = sorted(first_seen[v] - landed[v] for v in landed)
    latencies.sort()
    figures = {"requests": len(seen) + len(failures), "failed": len(failures), "releases_seen": sorted(set(seen)),
               "switch_load_s": switches, "swap_to_first_answer_s": [round(d, 3) for d in delays],
               "p99_s": round(latencies[int(0.99 * (len(latencies) - 1))], 3) if latencies else None}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "follow.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(figures)
    assert failures == [], failures[:20]
    assert sorted(set(seen)) == list(range(PUBLISHES + 1)) and len(switches) == PUBLISHES, log
    assert all(mine == sorted(mine) for mine in per_client), "no client is answered by a release older than one it had"
    assert len(seen) > 100


def test_a_release_that_cannot_be_loaded_is_not_served(tmp_path, release):
    with KokoServe(release) as koko:
        broken = tmp_path / "broken"
        shutil.copytree(release, broken)
        (broken / "koko.nt").write_text("<not a triple\n", encoding="utf-8")
        os.rename(release, tmp_path / "aside")
        os.rename(broken, release)  # swapped in as a publish would
        koko.lines.wait_for("could not be loaded, so it is not served", 60)
        health = requests.get(koko.url + "/health", timeout=10).json()
        assert health["release"] == "v0" and health["status"] == "ok"
        assert requests.get(koko.url + "/id/area/kuopio", timeout=10).status_code == 200
        good = tmp_path / "good" / "output"
        publish(sources_of(1, tmp_path / "data"), good, 1)
        os.rename(release, tmp_path / "broken-aside")
        os.rename(good, release)  # a good release after it: that one is served
        koko.lines.wait_for("switched to release v1", 60)
        assert requests.get(koko.url + "/health", timeout=10).json()["release"] == "v1"


def store_of(koko: KokoServe) -> int:
    """The store process of a koko serve: a child of its main thread, or of the follower thread
    that started it again."""
    children = [c for task in Path(f"/proc/{koko.proc.pid}/task").iterdir()
                for c in (task / "children").read_text().split()]
    found = [int(c) for c in children if b"serve-read-only" in Path(f"/proc/{c}/cmdline").read_bytes()]
    assert len(found) == 1, children
    return found[0]


def test_health_and_a_store_that_stops(release):
    """/health is 200 with the release while the store answers, 503 while it does not; a
    store that dies is started again, and the log says so."""
    with KokoServe(release) as koko:
        ok = requests.get(koko.url + "/health", timeout=10)
        assert ok.status_code == 200 and ok.json() == {**ok.json(), "status": "ok", "release": "v0", "store": "up"}
        store = store_of(koko)
        os.kill(store, signal.SIGSTOP)  # alive, but answering nothing
        try:
            time.sleep(1.2)  # past the health answer kept for a second
            down = requests.get(koko.url + "/health", timeout=10)
            assert down.status_code == 503 and down.json()["store"] == "down"
        finally:
            os.kill(store, signal.SIGCONT)
        time.sleep(1.2)
        assert requests.get(koko.url + "/health", timeout=10).status_code == 200
        os.kill(store, signal.SIGKILL)
        koko.lines.wait_for("starting it again", 30)
        koko.lines.wait_for("answers again", 60)
        assert store_of(koko) != store
        r = requests.get(koko.url + "/sparql", params={"query": COUNT}, headers={"Accept": "application/sparql-results+json"},
                         timeout=30)
        assert r.status_code == 200 and r.json()["results"]["bindings"][0]["c"]["value"] == str(NETWORKS)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_finishes_the_requests_in_flight_and_exits_0(release, sig):
    koko = KokoServe(release, "--query-timeout", "3").start()
    answers = []

    def heavy() -> None:
        answers.append(requests.post(koko.url + "/sparql", timeout=60, data="SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
                                     headers={"Content-Type": "application/sparql-query"}))

    asking = threading.Thread(target=heavy)
    asking.start()
    time.sleep(0.5)
    store = store_of(koko)
    koko.proc.send_signal(sig)
    time.sleep(0.3)
    with pytest.raises(requests.ConnectionError):
        requests.get(koko.url + "/health", timeout=5)  # no new requests once stopping
    asking.join(timeout=60)
    assert koko.proc.wait(timeout=30) == 0, koko.lines.text()
    assert answers and answers[0].status_code in (200, 503), "the request in flight got its whole answer"
    deadline = time.monotonic() + 10
    while Path(f"/proc/{store}").exists() and "zombie" not in Path(f"/proc/{store}/status").read_text():
        assert time.monotonic() < deadline, "the store stopped with koko serve"
        time.sleep(0.1)


def test_access_log_and_trusted_proxies(release, tmp_path):
    log = tmp_path / "access.log"
    with KokoServe(release, "--access-log", str(log), "--trusted-proxy", "127.0.0.0/8") as koko:
        requests.get(koko.url + "/id/area/kuopio", headers={"User-Agent": "koko-test/1", "Referer": "http://example.org/x",
                                                            "X-Forwarded-For": "203.0.113.9, 127.0.0.5"}, timeout=10)
        requests.get(koko.url + "/no/such/thing", timeout=10)
    with KokoServe(release, "--access-log", str(log)) as koko:  # no trusted proxy: the header is the client's word
        requests.get(koko.url + "/", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
    lines = log.read_text(encoding="utf-8").splitlines()
    combined = re.compile(r'^(\S+) - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "(\w+) (\S+) HTTP/1\.1" (\d{3}) (\d+|-) '
                          r'"([^"]*)" "([^"]*)"$')
    parsed = [combined.match(line) for line in lines]
    assert all(parsed), lines
    # a line is written once its answer is sent, so two requests one after the other may be
    # logged in either order: each is found by its path
    by_path = {m.group(3): m.groups() for m in parsed}
    assert len(by_path) == len(lines) == 3, lines
    first, missing, direct = by_path["/id/area/kuopio"], by_path["/no/such/thing"], by_path["/"]
    assert first[:4] == ("203.0.113.9", "GET", "/id/area/kuopio", "200") and int(first[4]) > 1000
    assert first[5:] == ("http://example.org/x", "koko-test/1")
    assert missing[3] == "404"
    assert direct[0] == "127.0.0.1", "X-Forwarded-For from a peer that is not a trusted proxy is ignored"


def test_a_500_goes_to_the_log_with_its_traceback_and_not_to_the_client(release, tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "page.html").write_text("{{ 1 // 0 }}\n", encoding="utf-8")  # fails as it renders, not as it is read
    with KokoServe(release, "--templates", str(own)) as koko:
        r = requests.get(koko.url + "/id/area/kuopio", headers={"Accept": "text/html"}, timeout=10)
        assert r.status_code == 500 and "Traceback" not in r.text and "ZeroDivision" not in r.text
        assert r.headers["Content-Type"].startswith("text/html") and 'href="/"' in r.text  # a page with a way back
        text = requests.get(koko.url + "/id/area/kuopio", headers={"Accept": "*/*"}, timeout=10)
        assert text.status_code == 500 and text.text == "internal error; the server's log has the details\n"
        koko.lines.wait_for("Traceback", 10)
        assert "internal error answering GET /id/area/kuopio" in koko.lines.text(seconds=1)
        assert requests.get(koko.url + "/health", timeout=10).status_code == 200
