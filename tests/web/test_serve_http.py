"""What a web developer expects of `koko serve` over real HTTP: CORS, ETag/Last-Modified/304,
gzip, Range, the service description, the stated limits, and the refusals of a public endpoint."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time

import pyoxigraph as ox
import pytest
import requests
from helpers import RELEASE
from servers.koko import KokoServe

pytestmark = pytest.mark.slow  # a real koko serve process

SD = "http://www.w3.org/ns/sparql-service-description#"
KOKO = "https://w3id.org/koko-lod/def/koko#"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def koko(published):
    with KokoServe(published, "--max-queries", "3", "--max-queries-per-client", "2", "--max-query-bytes", "4000",
                   "--max-result-bytes", "20000") as koko:
        yield koko


def test_cors_on_sparql_pages_rdf_and_downloads(koko):
    origin = {"Origin": "https://example.org"}
    for method, path, extra in (("GET", "/sparql?query=ASK%7B%7D", JSON), ("POST", "/sparql", JSON),
                                ("GET", "/id/area/kuopio.ttl", {}), ("GET", "/download/koko.nt", {}),
                                ("GET", "/id/area/kuopio", {"Accept": "application/ld+json"})):
        r = requests.request(method, koko.url + path, headers={**origin, **extra},
                             data={"query": "ASK {}"} if method == "POST" else None)
        assert r.status_code == 200, (path, r.text[:200])
        assert r.headers["Access-Control-Allow-Origin"] == "*", path
        assert "ETag" in r.headers["Access-Control-Expose-Headers"]
    pre = requests.options(koko.url + "/sparql", headers={**origin, "Access-Control-Request-Method": "POST",
                                                          "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in pre.headers["Access-Control-Allow-Methods"] and "Content-Type" in pre.headers["Access-Control-Allow-Headers"]
    page = requests.options(koko.url + "/id/area/kuopio", headers=origin)
    assert page.status_code == 204 and "POST" not in page.headers["Access-Control-Allow-Methods"]


def test_cors_does_not_open_writes(koko):
    origin = {"Origin": "https://example.org"}
    update = requests.post(koko.url + "/sparql", data="DROP ALL", headers={**origin, "Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    assert requests.post(koko.url + "/id/area/kuopio", headers=origin).status_code == 405
    assert requests.put(koko.url + "/download/koko.nt", data=b"x", headers=origin).status_code == 405
    count = requests.get(koko.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}, headers=JSON)
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) > 5000


@pytest.mark.parametrize("path", ["/id/area/kuopio", "/id/area/kuopio.ttl", "/", "/def/koko", "/download/koko.nt"])
def test_etag_and_last_modified_give_304(koko, path):
    first = requests.get(koko.url + path, headers={"Accept-Encoding": "identity"})
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Last-Modified"] == time.strftime("%a, %d %b %Y 00:00:00 GMT", time.strptime(RELEASE, "%Y-%m-%d"))
    assert "max-age" in first.headers["Cache-Control"]
    again = requests.get(koko.url + path, headers={"If-None-Match": etag, "Accept-Encoding": "identity"})
    assert again.status_code == 304 and again.content == b""
    since = requests.get(koko.url + path, headers={"If-Modified-Since": first.headers["Last-Modified"],
                                                   "Accept-Encoding": "identity"})
    assert since.status_code == 304
    stale = requests.get(koko.url + path, headers={"If-None-Match": '"something-else"', "Accept-Encoding": "identity"})
    assert stale.status_code == 200 and stale.content == first.content


def test_etag_is_the_release_and_the_content_hash(koko, published):
    import hashlib

    r = requests.get(koko.url + "/download/koko.nt", headers={"Accept-Encoding": "identity"})
    version = json.loads((published / "release.json").read_text())["version"]
    assert r.headers["Koko-Release"] == version
    assert r.headers["ETag"] == '"%s.%s"' % (version, hashlib.sha256((published / "koko.nt").read_bytes()).hexdigest()[:32])


def test_gzip_for_the_graph_and_the_pages(koko, published):
    raw = (published / "koko.nt").read_bytes()
    deadline = time.monotonic() + 30  # the compressed copy is made in the background at start
    while True:
        r = requests.get(koko.url + "/download/koko.nt", headers={"Accept-Encoding": "gzip"}, stream=True)
        body = r.raw.read()
        if r.headers.get("Content-Encoding") == "gzip" or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in r.headers["Vary"]
    assert len(body) < len(raw) / 5 and gzip.decompress(body) == raw
    assert r.headers["ETag"] != requests.get(koko.url + "/download/koko.nt", headers={"Accept-Encoding": "identity"}).headers["ETag"]
    page = requests.get(koko.url + "/id/area/kuopio", headers={"Accept-Encoding": "gzip"}, stream=True)
    assert page.headers["Content-Encoding"] == "gzip" and b"<h1>" in gzip.decompress(page.raw.read())
    plain = requests.get(koko.url + "/id/area/kuopio", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and "<h1>" in plain.text
    tiny = requests.get(koko.url + "/sparql", params={"query": "ASK {}"}, headers={**JSON, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in tiny.headers, "a body of a few bytes is not worth compressing"


def test_range_requests_on_downloads(koko, published):
    raw = (published / "koko.nt").read_bytes()
    first = requests.get(koko.url + "/download/koko.nt", headers={"Range": "bytes=0-99", "Accept-Encoding": "gzip"})
    assert first.status_code == 206 and first.content == raw[:100]
    assert first.headers["Content-Range"] == f"bytes 0-99/{len(raw)}" and "Content-Encoding" not in first.headers
    tail = requests.get(koko.url + "/download/koko.nt", headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == raw[-50:]
    over = requests.get(koko.url + "/download/koko.nt", headers={"Range": f"bytes={len(raw) + 10}-"})
    assert over.status_code == 416 and over.headers["Content-Range"] == f"bytes */{len(raw)}"


def test_service_description_states_the_limits(koko):
    r = requests.get(koko.url + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    service = koko.url + "/sparql"
    assert (service, SD + "endpoint", service) in g and (service, SD + "supportedLanguage", SD + "SPARQL11Query") in g
    stated = {p[len(KOKO):]: int(o) for s, p, o in g if s == service and p.startswith(KOKO)}
    assert stated == {"queryTimeLimit": 10, "maxQueryBytes": 4000, "maxResultBytes": 20000, "maxConcurrentQueries": 3,
                      "maxQueriesPerClient": 2}
    assert "4000 bytes" in koko.limits and "20000 bytes" in koko.limits and "3 queries run at once" in koko.limits
    assert requests.get(koko.url + "/sparql", headers={"Accept": "text/html"}, allow_redirects=False).headers["Location"] == "/query"
    default = requests.get(koko.url + "/sparql")  # curl's */*: the description, in Turtle
    assert default.status_code == 200 and default.headers["Content-Type"].startswith("text/turtle")


def test_query_page_states_the_limits(koko):
    page = requests.get(koko.url + "/query?lang=en").text
    limits = page.split('class="limits"', 1)[1].split("</table>", 1)[0]
    assert "time limit of a query (s)" in limits and "kyselyn aikaraja (s)" in limits and "tidsgräns för en fråga (s)" in limits
    assert "<td><span class=\"t\" lang=\"fi\">20\u00a0000</span>" in limits and 'lang="en">20,000</span>' in limits and 'lang="fi">3</span>' in limits


def test_query_and_answer_sizes(koko):
    big = "SELECT * { ?s ?p ?o } #" + "x" * 4000
    assert requests.post(koko.url + "/sparql", data={"query": big}).status_code == 413
    direct = requests.post(koko.url + "/sparql", data=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert direct.status_code == 413 and "at most 4000 bytes" in direct.text
    assert requests.get(koko.url + "/sparql", params={"query": big}).status_code == 413
    huge = requests.post(koko.url + "/sparql", data=b"x" * 100_000, headers={"Content-Type": "application/sparql-query"})
    assert huge.status_code == 413
    large = requests.get(koko.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o }"}, headers=JSON)
    assert large.status_code == 400 and "larger than 20000 bytes" in large.text
    small = requests.get(koko.url + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 10"}, headers=JSON)
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 10


def test_federated_queries_are_refused_and_reach_nobody(koko):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(2)
    port = listener.getsockname()[1]
    reached = []
    threading.Thread(target=lambda: _accept(listener, reached), daemon=True).start()
    for query in (f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                  f"select * {{ ?a ?b ?c . service silent <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
                  f"SELECT * {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}"):
        r = requests.post(koko.url + "/sparql", data={"query": query}, headers=JSON)
        assert r.status_code == 403 and "SERVICE" in r.text, query
    time.sleep(2.5)
    assert reached == []
    ok = requests.get(koko.url + "/sparql", params={"query": "SELECT ?service { BIND('SERVICE' AS ?service) }"}, headers=JSON)
    assert ok.status_code == 200


def _accept(listener, reached):
    try:
        reached.append(listener.accept())
    except OSError:
        pass
