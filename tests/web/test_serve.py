"""koko serve, started as its own process on 127.0.0.1 and a free port, used over real HTTP."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import requests
from helpers import ROOT
from pyld import jsonld
from realparts import need
from servers.koko import KokoServe
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from pipeline.web.query import with_prologue

pytestmark = pytest.mark.slow  # real koko serve processes and Chromium

BASE = "https://w3id.org/koko-lod/"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(published):
    with KokoServe(published) as koko:
        yield koko.url


def client(url, method=POST, request_method=URLENCODED):
    sparql = SPARQLWrapper(url + "/sparql")
    sparql.setReturnFormat(JSON)
    sparql.setMethod(method)
    sparql.setRequestMethod(request_method)
    return sparql


def count(result) -> int:
    return int(result["results"]["bindings"][0]["n"]["value"])


def test_sparql_client_counts_the_published_triples(server, published):
    triples = sum(1 for _ in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES))
    for method, request_method in (("GET", URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)):
        sparql = client(server, method, request_method)
        sparql.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert count(sparql.query().convert()) == triples


def test_sparql_client_finds_the_kuopio_municipalities(server):
    sparql = client(server)
    sparql.setQuery(with_prologue((ROOT / "queries" / "kuopio-municipalities.rq").read_text(), BASE))
    names = {b["name"]["value"] for b in sparql.query().convert()["results"]["bindings"]}
    assert names == {"Kuopio", "Maaninka", "Siilinjärvi", "Juankoski", "Kaavi", "Rautavaara", "Tuusniemi",
                     "Rautalampi", "Suonenjoki", "Tervo", "Vesanto"}


def test_updates_are_refused(server):
    sparql = SPARQLWrapper(server + "/sparql", updateEndpoint=server + "/sparql")
    sparql.setMethod(POST)
    sparql.setQuery(f"INSERT DATA {{ <{BASE}id/x> <{BASE}id/y> 'z' }}")
    with pytest.raises((SPARQLWrapperException, HTTPError)):
        sparql.query()
    form = requests.post(server + "/sparql", data={"update": "DELETE WHERE { ?s ?p ?o }"})
    direct = requests.post(server + "/sparql", data="DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert form.status_code == direct.status_code == 403
    check = client(server)
    check.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert count(check.query().convert()) > 5000


@pytest.mark.parametrize("accept,media", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_result_formats(server, accept, media):
    r = requests.get(server + "/sparql", params={"query": "SELECT ?a WHERE { ?a a <%sdef/koko#KokoArea> }" % BASE},
                     headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
    assert "area/kuopio" in r.text


@pytest.mark.parametrize("accept,fmt", [("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES)])
def test_graph_results(server, accept, fmt):
    r = requests.get(server + "/sparql", params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ BIND(<{BASE}id/area/kuopio> AS ?s) ?s ?p ?o }}"},
                     headers={"Accept": accept})
    assert r.status_code == 200
    assert len(list(ox.parse(r.content, format=fmt))) > 5


def test_an_empty_query_is_a_bad_request(server):
    assert requests.get(server + "/sparql", params={"query": " "}).status_code == 400
    assert requests.post(server + "/sparql", data={"query": ""}).status_code == 400
    assert requests.post(server + "/sparql", data=b"", headers={"Content-Type": "application/sparql-query"}).status_code == 400


@pytest.mark.parametrize("accept,media", [
    ("text/html", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("text/turtle;q=0.2, application/ld+json;q=0.8", "application/ld+json"),
    ("*/*", "text/html"),
])
def test_content_negotiation(server, accept, media):
    r = requests.get(server + "/id/area/kuopio", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)
    assert "Accept" in r.headers["Vary"]


def test_not_acceptable_and_unknown(server):
    assert requests.get(server + "/id/area/kuopio", headers={"Accept": "image/png"}).status_code == 406
    assert requests.get(server + "/id/area/nowhere").status_code == 404
    assert requests.get(server + "/id/area/nowhere.ttl").status_code == 404
    for path in ("/../../etc/passwd", "/download/../koko.nt", "/download/%2e%2e/%2e%2e/etc/passwd", "/download/site",
                 "/%2e%2e/README.md", "/id/../../etc/passwd"):
        r = requests.get(server + path)
        assert r.status_code == 404, path


def test_every_iri_answers_in_three_forms(server, published):
    subjects = sorted({q.subject.value for q in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
                       if q.subject.value.startswith(BASE + "id/")})
    assert len(subjects) > 800
    session = requests.Session()
    context = json.loads((published / "context.jsonld").read_text())

    def loader(url, options=None):
        assert url == BASE + "download/context.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": context}

    for i, iri in enumerate(subjects):
        path = iri[len(BASE) - 1:]
        html = session.get(server + path, headers={"Accept": "text/html"})
        ttl = session.get(server + path + ".ttl")
        js = session.get(server + path, headers={"Accept": "application/ld+json"})
        assert html.status_code == ttl.status_code == js.status_code == 200, iri
        assert "<h1>" in html.text
        turtle = {(q.subject, q.predicate, q.object) for q in ox.parse(ttl.content, format=ox.RdfFormat.TURTLE)}
        assert turtle and all(s.value == iri for s, _, _ in turtle)
        if i % 50 == 0:  # expand a sample with pyld, an independent JSON-LD processor
            quads = jsonld.to_rdf(js.json(), {"format": "application/n-quads", "documentLoader": loader})
            assert {(q.subject, q.predicate, q.object) for q in ox.parse(quads, format=ox.RdfFormat.N_QUADS)} == turtle


def test_html_page_labels_in_the_readers_language(server):
    sv = requests.get(server + "/id/municipality/478", headers={"Accept-Language": "sv-FI,sv;q=0.9"}).text
    assert 'data-lang="sv"' in sv and "Mariehamn" in sv and "Maarianhamina" in sv
    en = requests.get(server + "/id/area/kuopio?lang=en").text
    assert 'data-lang="en"' in en and ">contains place<" in en and ">sisältää alueen<" in en
    assert 'href="/id/subregion/112"' in en and 'href="/query"' in en
    sub = requests.get(server + "/id/subregion/112").text
    assert 'href="/id/area/kuopio"' in sub, "links in both directions"


def test_landing_and_vocabulary_pages(server):
    landing = requests.get(server + "/").text
    assert "CC BY 4.0" in landing and "/download/koko.ttl" in landing and "/download/catalog.ttl" in landing
    assert landing.count("<form") >= 5 and 'href="/def/koko"' in landing
    vocab = requests.get(server + "/def/koko").text
    assert 'id="KokoArea"' in vocab and "KOKO-alue" in vocab and "KOKO-område" in vocab and "KOKO area" in vocab
    assert requests.get(server + "/download/koko.ttl").status_code == 200


# -- in a real browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    return need("Debian's chromium", "chromium", "chromium-browser")


def browse(chromium, url, *extra):
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"koko-chromium-{os.getpid()}"
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--virtual-time-budget=8000", *extra, url]
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_landing_page_in_chromium(server, chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "landing.png"
    shot.unlink(missing_ok=True)
    run = browse(chromium, server + "/?lang=en", f"--screenshot={shot}", "--window-size=1280,1600")
    assert shot.exists() and shot.stat().st_size > 10000, run.stderr[-2000:]
    dom = browse(chromium, server + "/?lang=en", "--dump-dom").stdout
    assert "Regional Cohesion and Competitiveness Programme" in dom
    assert "Example queries" in dom and "CC BY 4.0" in dom


def test_example_query_runs_in_the_page(server, chromium):
    """#run-NAME runs that example in the page; the browser fetches /sparql and fills the table."""
    dom = browse(chromium, server + "/?lang=en#run-kuopio-municipalities", "--dump-dom").stdout
    result = dom.split('id="q-kuopio-municipalities"', 1)[1].split("</form>", 1)[0]
    assert "11 rows" in result and "Siilinjärvi" in result and "<table>" in result


@pytest.mark.parametrize("lang", ["fi", "en"])
@pytest.mark.parametrize("name,path", [("landing", "/"), ("area-kuopio", "/id/area/kuopio"),
                                       ("municipality-297", "/id/municipality/297")])
def test_summaries_and_maps_in_chromium(server, chromium, name, path, lang):
    """Screenshots of the three pages a visitor starts from, in fi and en (test-artifacts/),
    and the DOM Chromium built: the summary and the map drawn from the shared /map.svg."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}-{lang}.png"
    shot.unlink(missing_ok=True)
    run = browse(chromium, f"{server}{path}?lang={lang}", f"--screenshot={shot}", "--window-size=1280,1400")
    assert shot.exists() and shot.stat().st_size > 20000, run.stderr[-2000:]
    dom = browse(chromium, f"{server}{path}?lang={lang}", "--dump-dom").stdout
    assert '<use href="/map.svg#all"' in dom
    if name == "landing":
        assert dom.count('class="area-link"') == 9
    else:
        assert "Kuopion alueen KOKO" in dom and "Olli Kokander" in dom and 'class="summary-table"' in dom
    assert requests.get(server + "/map.svg").headers["Content-Type"].startswith("image/svg+xml")


@pytest.mark.parametrize("name, path, expect", [
    ("search-sibbo", "/search?q=sibbo&lang=sv", '<a href="/id/municipality/753">'),
    ("missing-iri", "/id/area/no-such-area?lang=en", "Page not found"),
])
def test_search_and_a_missing_page_in_chromium(server, chromium, name, path, expect):
    """What Chromium shows for a search (Sipoo first, found by its Swedish name) and for an IRI
    that is not there (the browser's own Accept header gets the page, with a way back)."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    run = browse(chromium, server + path, f"--screenshot={shot}", "--window-size=1280,900")
    assert shot.exists() and shot.stat().st_size > 5000, run.stderr[-2000:]
    dom = browse(chromium, server + path, "--dump-dom").stdout
    if name == "search-sibbo":
        first = dom.split('<ol class="hits">', 1)[1].split("</li>", 1)[0]
        assert expect in first
    else:
        assert expect in dom and '<a href="/">' in dom and 'action="/search"' in dom


def test_the_area_list_filters_in_the_page_and_the_municipalities_page_through(server, chromium, published):
    """The static list of areas, opened with ?q=kuopio, hides in the page's script every area
    but Kuopio's; koko serve's list of municipalities pages through them, 100 a page."""
    ARTIFACTS.mkdir(exist_ok=True)
    static = (published / "site" / "id" / "area" / "index.html").as_uri() + "?q=Kuopio"
    dom = browse(chromium, static, "--dump-dom").stdout
    shown = re.findall(r'<li data-k="[^"]*"><a href="([^"]+)"', dom)
    hidden = re.findall(r'<li data-k="[^"]*" hidden=""><a href="([^"]+)"', dom)
    assert shown == ["/id/area/kuopio"] and len(hidden) > 5, dom[-3000:]
    browse(chromium, static, f"--screenshot={ARTIFACTS / 'area-list-kuopio.png'}", "--window-size=1280,900")
    second = browse(chromium, server + "/id/municipality/?page=2&lang=fi", "--dump-dom").stdout
    assert 'start="101"' in second and 'rel="prev"' in second and 'rel="next" href="?page=3"' in second
    assert len(re.findall(r'<li data-k="', second)) == 100
    browse(chromium, server + "/id/municipality/?page=2&lang=fi", f"--screenshot={ARTIFACTS / 'municipality-list-2.png'}",
           "--window-size=1280,900")


def test_an_example_picked_in_the_editor_runs_and_its_iris_link_to_pages(server, chromium):
    """/query#example=NAME picks the example as its button does; YASGUI runs it against /sparql
    and the table's IRIs of this graph open their pages here."""
    ARTIFACTS.mkdir(exist_ok=True)
    url = server + "/query?lang=en#example=kuopio-municipalities"
    dom = browse(chromium, url, "--dump-dom").stdout
    results = dom.split('id="results"', 1)[1]
    assert "11 results" in results and 'href="/id/municipality/297"' in results, results[:3000]
    assert 'href="https://w3id.org/koko-lod/id/' not in results
    assert 'id="permalink" href="/query?query=' in dom
    browse(chromium, url, f"--screenshot={ARTIFACTS / 'query-editor.png'}", "--window-size=1280,1400")


def test_a_permalink_opens_the_editor_filled_and_run(server, chromium):
    query = f"SELECT ?area WHERE {{ ?area a <{BASE}def/koko#KokoArea> }} ORDER BY ?area"
    url = server + "/query?lang=fi&" + urlencode({"query": query})
    dom = browse(chromium, url, "--dump-dom").stdout
    editor, results = dom.split('id="editor"', 1)[1].split('id="results"', 1)
    assert "ORDER" in editor and "KokoArea" in editor
    areas = requests.post(server + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    count = len(areas.json()["results"]["bindings"])
    assert 'href="/id/area/kuopio"' in results and f"{count} results" in results, results[:3000]


def test_html_pages_render_in_chromium(server, chromium):
    dom = browse(chromium, server + "/id/area/kuopio?lang=fi", "--dump-dom").stdout
    assert "Kuopion alueen KOKO" in dom and "Olli Kokander" in dom


def test_stopping_serve_stops_its_store(published):
    """SIGTERM or Ctrl-C ends koko serve and the Oxigraph server it started, even when the
    shell that started it ignores SIGINT."""
    koko = KokoServe(published, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)).start()
    proc = koko.proc
    children = [int(c) for task in Path(f"/proc/{proc.pid}/task").iterdir() for c in (task / "children").read_text().split()]
    assert children, "the Oxigraph server runs as a child"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0  # a stop is a clean end: always 0 (tests/web/test_live.py for SIGTERM)
    for child in children:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{child}").exists() and "zombie" not in Path(f"/proc/{child}/status").read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()


def test_a_query_over_the_time_limit_is_an_error_not_a_cut_result(published):
    """The store stops a query at its limit after sending 200 and part of the result; the
    endpoint reads the whole answer first and says 503 instead."""
    with KokoServe(published, "--query-timeout", "1") as koko:
        assert "runs at most 1 s" in koko.limits, koko.limits
        url = koko.url + "/sparql"
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        answer = requests.post(url, data=heavy, timeout=120,
                               headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        assert answer.status_code == 503, answer.text[:300]
        assert "time limit of 1 s" in answer.text and answer.headers["Retry-After"]
        light = requests.get(url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"},
                             timeout=30)
        assert light.status_code == 200 and light.json()["boolean"] is True
