"""/sparql speaks the SPARQL 1.1 Protocol exactly: a test for each way it once did not, and
the W3C protocol test suite (read from ../shared; skipped, naming the path, without it) held to
the manifest's own expectations, beside Oxigraph's own server as a yardstick."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from helpers import shared_path
from protocol_suite import NEEDS_DATA, read_manifest, run
from servers.koko import KokoServe
from servers.oxigraph import OxigraphServer

pytestmark = pytest.mark.slow  # real koko serve and Oxigraph servers

BASE = "https://w3id.org/koko-lod/"
JSON = {"Accept": "application/sparql-results+json"}
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def sparql(published):
    with KokoServe(published) as koko:
        yield koko.url + "/sparql"


def test_the_protocol_dataset_is_used_and_overrides_from(sparql):
    everything = requests.get(sparql, params={"query": "ASK { ?s ?p ?o }"}, headers=JSON).json()
    none = requests.get(sparql, params={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:x:none"}, headers=JSON)
    assert everything["boolean"] is True and none.json()["boolean"] is False
    named = requests.post(sparql, params={"named-graph-uri": "urn:x:none"}, headers={**JSON, "Content-Type": DIRECT},
                          data="ASK { GRAPH ?g { ?s ?p ?o } }")
    assert named.status_code == 200 and named.json()["boolean"] is False
    form = requests.post(sparql, data={"query": "ASK { ?s ?p ?o }", "default-graph-uri": "urn:x:none"}, headers=JSON)
    assert form.json()["boolean"] is False, "in a form body too"


@pytest.mark.parametrize("how", ["get", "form", "both"])
def test_two_queries_are_refused(sparql, how):
    if how == "get":
        r = requests.get(sparql + "?query=ASK%7B%7D&query=SELECT%20*%20%7B%7D")
    elif how == "form":
        r = requests.post(sparql, data="query=ASK%7B%7D&query=ASK%7B%7D", headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        r = requests.post(sparql + "?query=ASK%7B%7D", data="ASK {}", headers={"Content-Type": DIRECT})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize("query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1", "DESCRIBE <https://w3id.org/koko-lod/id/area/kuopio>"])
def test_no_accept_header_means_any_format(sparql, query):
    r = requests.post(sparql, data=query, headers={"Content-Type": DIRECT, "Accept": None})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == "text/turtle"


@pytest.mark.parametrize("body,ctype", [("ASK { \"é\" }".encode("latin-1"), f"{DIRECT}; charset=latin1"),
                                        (b"ASK { \"\xe9\" }", DIRECT),
                                        ("ASK {}".encode("utf-16"), f"{DIRECT}; charset=UTF-16"),
                                        (b"query=ASK%7B%22%E9%22%7D", "application/x-www-form-urlencoded")])
def test_a_body_that_is_not_utf8_is_refused(sparql, body, ctype):
    r = requests.post(sparql, data=body, headers={"Content-Type": ctype})
    assert r.status_code == 400, r.text
    assert "UTF-8" in r.text


def test_relative_iris_resolve_against_the_dataset_not_the_store(sparql):
    r = requests.post(sparql, data="CONSTRUCT { <s> <p> 1 } WHERE {}", headers={"Content-Type": DIRECT, "Accept": "application/n-triples"})
    triples = list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
    assert [t.subject.value for t in triples] == [BASE + "s"], r.text
    own = requests.post(sparql, data="BASE <http://example.org/> CONSTRUCT { <s> <p> 1 } WHERE {}",
                        headers={"Content-Type": DIRECT, "Accept": "application/n-triples"})
    assert b"<http://example.org/s>" in own.content, "a query's own BASE wins"


def test_a_get_with_a_body_is_refused(sparql):
    r = requests.request("GET", sparql, params={"query": "ASK {}"}, data="unexpected body content")
    assert r.status_code == 400 and "GET carries no body" in r.text


def test_the_version_parameter_at_most_once(sparql):
    assert requests.get(sparql, params={"query": "ASK {}", "version": "1.2"}, headers=JSON).status_code == 200
    assert requests.get(sparql, params=[("query", "ASK {}"), ("version", "1.1"), ("version", "1.2")]).status_code == 400


def test_a_post_of_another_media_type_is_refused(sparql):
    assert requests.post(sparql, data="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert requests.post(sparql, data="ASK {}").status_code in (400, 415)


def test_the_service_description_lists_every_format_served(sparql):
    r = requests.get(sparql, headers={"Accept": "application/n-triples"})
    for fmt in ("N-Quads", "JSON-LD", "Turtle", "N-Triples", "SPARQL_Results_JSON"):
        assert f"<http://www.w3.org/ns/formats/{fmt}>" in r.text, fmt


# -- the W3C suite -------------------------------------------------------------------------
def suite() -> list:
    folder = shared_path("standards", "sparql-protocol")
    return [(folder, t) for name in ("manifest.ttl", "sparql12/manifest.ttl") for t in read_manifest(folder / name)]


@pytest.fixture(scope="module")
def oxigraph_with_the_suites_data(tmp_path_factory):
    """Oxigraph's own server (the yardstick) holding the suite's data in its named graphs."""
    location = tmp_path_factory.mktemp("protocol-store")
    binary = str(Path(sys.executable).parent / "oxigraph")
    graphs = {g: f for _, t in suite() for g, f in t.graphs.items()}
    for graph, data in sorted(graphs.items()):
        subprocess.run([binary, "load", "--location", str(location), "--file", data, "--graph", graph],
                       check=True, capture_output=True, timeout=120)
    server = OxigraphServer(location).start()
    yield server
    server.stop()


def test_w3c_protocol_suite(sparql, oxigraph_with_the_suites_data):
    """Every test that applies to a read-only query service passes on koko serve; those that
    need the suite's data in named graphs cannot be put to it (it serves one release's graph)
    and run on Oxigraph's own server, which shows the runner checks them."""
    tests = suite()
    applicable = [t for _, t in tests if not t.updates]
    assert len(tests) == 48 and len(applicable) == 38, (len(tests), len(applicable))
    without_data = [t for t in applicable if t.name not in NEEDS_DATA]
    koko = {t.name: run(t, sparql.removesuffix("/sparql")) for t in without_data}
    oxigraph = {t.name: run(t, oxigraph_with_the_suites_data.url, "/query") for t in applicable}
    failed = {name: wrong for name, wrong in koko.items() if wrong}
    print(f"koko serve: {len(koko) - len(failed)} of {len(koko)} tests without data pass; Oxigraph's server: "
          f"{sum(1 for t in without_data if not oxigraph[t.name])} of {len(without_data)} without data, "
          f"{sum(1 for t in applicable if t.name in NEEDS_DATA and not oxigraph[t.name])} of {len(NEEDS_DATA)} with it")
    assert failed == {}, failed
    assert all(not oxigraph[name] for name in NEEDS_DATA), {n: oxigraph[n] for n in NEEDS_DATA if oxigraph[n]}
