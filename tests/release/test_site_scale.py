"""The static site at scale: a kind of thing with more things than the site's limit gets no
static pages, the rest keep theirs, and `koko serve` answers for every IRI either way. The
limit is lowered here so that the real sources have such kinds."""

import random

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import DATA, RELEASE
from werkzeug.test import Client

from pipeline.cli import main
from pipeline.sources.settings import load_settings
from pipeline.web import graph_index, pages
from pipeline.web.limits import Limits
from pipeline.web.served import make_app
from pipeline.web.store_server import oxigraph_server

pytestmark = pytest.mark.slow  # 100,000 generated rows

BASE = "https://w3id.org/koko-lod/"
LIMIT = 40  # municipalities (320), memberships, sub-regions (70) go over it; areas, contacts do not


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("scale") / "output"
    with pytest.MonkeyPatch.context() as patch:  # only for this publish: other tests see the real limit
        patch.setattr(graph_index, "SITE_KIND_LIMIT", LIMIT)
        result = CliRunner().invoke(main, ["publish", "--data", str(DATA), "--out", str(out), "--release-date", RELEASE])
    assert result.exit_code == 0, result.output
    return out


def things(out):
    by_kind: dict = {}
    for t in ox.parse(path=str(out / "koko.nt"), format=ox.RdfFormat.N_TRIPLES):
        iri = t.subject.value
        if iri.startswith(BASE + "id/"):
            by_kind.setdefault(iri[len(BASE) + 3:].split("/")[0], set()).add(iri)
    return by_kind


def test_large_kinds_have_no_static_pages_and_the_rest_do(small_site):
    site = small_site / "site"
    for kind, iris in things(small_site).items():
        for iri in iris:
            local = iri[len(BASE):]
            expected = len(iris) <= LIMIT
            for ext in ("html", "ttl", "jsonld", "nt"):
                assert (site / f"{local}.{ext}").is_file() is expected, (kind, len(iris), local)
    landing = (site / "index.html").read_text()
    assert "<code>/id/municipality/</code>" in landing and "<code>/id/area/</code>" not in landing


def test_serve_answers_every_iri_from_its_store_or_its_site(small_site, monkeypatch, tmp_path):
    """50 IRIs drawn from koko.nt, bulk and not, in HTML and Turtle, from the real Oxigraph."""
    monkeypatch.setattr(graph_index, "SITE_KIND_LIMIT", LIMIT)
    settings = load_settings(DATA)
    everything = sorted(iri for iris in things(small_site).values() for iri in iris)
    drawn = random.Random(12).sample(everything, 50) + [BASE + "id/municipality/297"]
    with oxigraph_server(small_site) as url:
        app = make_app(settings, small_site, url, Limits(), tmp_path)
        client = Client(app)
        assert "municipality" in app.site.index.bulk and BASE + "id/municipality/297" not in app.site.index.out
        for iri in drawn:
            path = "/" + iri[len(BASE):]
            for accept, media in (("text/html", "text/html"), ("text/turtle", "text/turtle")):
                answer = client.get(path, headers={"Accept": accept})
                assert answer.status_code == 200, (iri, accept, answer.data[:200])
                assert answer.headers["Content-Type"].startswith(media)
                if media == "text/turtle":
                    assert any(t.subject.value == iri for t in ox.parse(answer.data, format=ox.RdfFormat.TURTLE)), iri
        kuopio = client.get("/id/municipality/297", headers={"Accept": "text/html"}).data
        assert b'lang="fi">Kuopio<' in kuopio
        assert client.get("/id/municipality/999", headers={"Accept": "text/html"}).status_code == 404
        assert client.get("/id/municipality/297%3E%20%3Fp", headers={"Accept": "text/html"}).status_code == 404


def test_the_real_sources_keep_every_page(published):
    """At the real size no kind is over the limit: the site holds a page for every IRI."""
    site = published / "site"
    assert "only on the server" not in (site / "index.html").read_text()
    for kind, iris in things(published).items():
        assert len(iris) <= graph_index.SITE_KIND_LIMIT
        assert all((site / f"{iri[len(BASE):]}.html").is_file() for iri in iris), kind


def test_a_sorted_graph_is_cut_by_kind_without_losing_lines(small_site):
    """from_nt cuts the large kinds' stretches out of the bytes; every other line is kept."""
    nt = (small_site / "koko.nt").read_bytes()
    onto = ox.parse(path=str(small_site / "ontology.ttl"), format=ox.RdfFormat.TURTLE)
    site = pages.Site.from_nt(nt, onto, load_settings(DATA), limit=LIMIT)
    kept = {(s, p, str(o)) for s, pairs in site.index.out.items() for p, o in pairs}
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        kind = t.subject.value[len(BASE) + 3:].split("/")[0] if t.subject.value.startswith(BASE + "id/") else None
        assert ((t.subject.value, t.predicate.value, str(t.object)) in kept) is (kind not in site.index.bulk), t


def test_a_large_kind_is_listed_from_the_store_a_page_at_a_time(small_site, monkeypatch, tmp_path):
    monkeypatch.setattr(graph_index, "SITE_KIND_LIMIT", LIMIT)
    municipalities = sorted(things(small_site)["municipality"])
    assert not (small_site / "site" / "id" / "municipality" / "index.html").exists()
    assert (small_site / "site" / "id" / "area" / "index.html").is_file()
    with oxigraph_server(small_site) as url:
        client = Client(make_app(load_settings(DATA), small_site, url, Limits(), tmp_path))
        first = client.get("/id/municipality/index.json?size=100").json
        second = client.get("/id/municipality/index.json?size=100&page=2").json
        assert [i["iri"] for i in first["items"] + second["items"]] == municipalities[:200]
        assert first["more"] and second["page"] == 2 and first["count"] >= len(municipalities)
        assert [i["key"] for i in client.get("/id/municipality/index.json?q=297").json["items"]] == ["297"]
        page = client.get("/id/municipality/?page=2&size=100", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="/id/municipality/297"' in page and 'rel="next"' in page and 'rel="prev"' in page
        found = client.get("/search?q=297", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert '<a href="/id/municipality/?q=297">' in found, "a search points at the large kind's list, filtered"
        listed = client.get("/id/municipality/?q=297", headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'href="/id/municipality/297"' in listed
