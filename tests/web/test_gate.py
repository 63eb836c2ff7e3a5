"""The query gate: running, waiting and per-client bounds, and places given back."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.web.gate import Busy, QueryGate
from pipeline.web.limits import Limits


def hold(gate, client, entered, release, outcome):
    try:
        with gate.turn(client):
            entered.set()
            release.wait(10)
        outcome.append("ran")
    except Busy as busy:
        outcome.append(busy.status)


def test_running_bound_then_a_short_wait_then_503():
    gate = QueryGate(Limits(max_queries=1, per_client=5, queue_wait=0.3))
    entered, release, outcome = threading.Event(), threading.Event(), []
    first = threading.Thread(target=hold, args=(gate, "a", entered, release, outcome))
    first.start()
    assert entered.wait(5)
    with pytest.raises(Busy) as busy:
        with gate.turn("b"):
            pass
    assert busy.value.status == 503 and busy.value.retry_after >= 1
    assert "no query place came free within 0.3 s" in busy.value.reason, "it waited its turn, then gave up"
    release.set()
    first.join(5)
    assert outcome == ["ran"] and gate.running == 0 and gate.waiting == 0 and not gate.held


def test_a_waiting_query_runs_when_a_place_comes_free():
    gate = QueryGate(Limits(max_queries=1, per_client=5, queue_wait=5))
    entered, release, outcome = threading.Event(), threading.Event(), []
    threading.Thread(target=hold, args=(gate, "a", entered, release, outcome)).start()
    assert entered.wait(5)
    threading.Timer(0.2, release.set).start()
    with gate.turn("b"):
        assert gate.running == 1
    assert gate.running == 0


def test_a_full_queue_turns_away_at_once():
    gate = QueryGate(Limits(max_queries=1, per_client=10, queue_wait=5))  # 1 runs, 2 may wait
    release, outcome, threads = threading.Event(), [], []
    entered = threading.Event()
    threads.append(threading.Thread(target=hold, args=(gate, "a", entered, release, outcome)))
    threads[0].start()
    assert entered.wait(5)
    for client in ("b", "c"):
        threads.append(threading.Thread(target=hold, args=(gate, client, threading.Event(), release, outcome)))
        threads[-1].start()
    deadline = time.monotonic() + 5
    while gate.waiting < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(Busy) as busy:
        with gate.turn("d"):
            pass
    assert busy.value.status == 503 and "1 queries are running and 2 waiting" in busy.value.reason, \
        "turned away at once, not after a wait"
    assert not release.is_set() and gate.waiting == 2
    release.set()
    for t in threads:
        t.join(10)
    assert outcome.count("ran") == 3 and gate.running == gate.waiting == 0 and not gate.held


def test_one_client_holds_at_most_its_share():
    gate = QueryGate(Limits(max_queries=8, per_client=2, queue_wait=1))
    release, outcome, events = threading.Event(), [], [threading.Event(), threading.Event()]
    threads = [threading.Thread(target=hold, args=(gate, "10.0.0.1", e, release, outcome)) for e in events]
    for t in threads:
        t.start()
    assert all(e.wait(5) for e in events)
    with pytest.raises(Busy) as busy:
        with gate.turn("10.0.0.1"):
            pass
    assert busy.value.status == 429
    with gate.turn("10.0.0.2"):  # another client is not held back
        pass
    release.set()
    for t in threads:
        t.join(5)
    with gate.turn("10.0.0.1"):
        pass
    assert not gate.held


def test_a_failing_query_gives_its_place_back():
    gate = QueryGate(Limits(max_queries=1, per_client=1, queue_wait=0.1))
    for _ in range(3):
        with pytest.raises(RuntimeError):
            with gate.turn("a"):
                raise RuntimeError("the store failed")
    assert gate.running == 0 and not gate.held


def test_pages_read_from_the_store_pass_a_bounded_gate(published, tmp_path):
    """A page of a thing of the large kinds is read from the store; those reads have a gate of
    their own, as wide as the queries' (here 1): with its place taken, the next is a 503 at
    once after the short wait, and no store is asked (none runs here)."""
    from werkzeug.test import Client

    from pipeline.sources.release_settings import release_settings
    from pipeline.web.served import make_app

    app = make_app(release_settings(published), published, "http://127.0.0.1:9", Limits(max_queries=1, queue_wait=0.1),
                   tmp_path)
    app.site.index.bulk = {"decision": 100000}  # as at scale: decisions have no pages of their own in the site
    assert app.lookups.acquire(timeout=1)  # the one place, held
    try:
        answer = Client(app).get("/id/decision/d-1", headers={"Accept": "text/turtle"})
        page = Client(app).get("/id/decision/d-1", headers={"Accept": "text/html", "Accept-Language": "sv"})
    finally:
        app.lookups.release()
    assert answer.status_code == 503 and answer.headers["Retry-After"], answer.data
    assert b"busy reading pages from its store" in answer.data
    assert page.status_code == 503 and page.headers["Retry-After"] and page.mimetype == "text/html"
    assert "Tjänsten är upptagen" in page.get_data(as_text=True), "a browser gets the page, in its language"
    free = Client(app).get("/id/decision/d-1", headers={"Accept": "text/html"})
    assert free.status_code == 404, "with the place free the store is asked (none answers here: no such thing)"
