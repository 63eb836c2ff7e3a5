"""The static site under output/site/: a page and RDF files for every IRI, and server configuration."""

import pyoxigraph as ox

BASE = "https://w3id.org/koko-lod/"


def test_every_iri_has_a_page_and_rdf(published):
    subjects = {q.subject.value for q in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)
                if q.subject.value.startswith(BASE + "id/")}
    site = published / "site"
    for iri in subjects:
        local = iri[len(BASE):]
        for ext in ("html", "ttl", "jsonld"):
            assert (site / f"{local}.{ext}").is_file(), (iri, ext)
    kuopio = {q.object.value for q in ox.parse(path=str(site / "id/area/kuopio.ttl"), format=ox.RdfFormat.TURTLE)}
    assert BASE + "id/subregion/112" in kuopio


def test_landing_vocabulary_and_server_configuration(published):
    site = published / "site"
    assert "CC BY 4.0" in (site / "index.html").read_text()
    assert 'id="AreaMembership"' in (site / "def" / "koko.html").read_text()
    htaccess = (site / ".htaccess").read_text()
    assert "MultiViews" in htaccess and "text/turtle" in htaccess and "application/ld+json" in htaccess
    assert "try_files" in (site / "nginx.conf.example").read_text()


def test_pages_hold_all_three_languages(published):
    page = (published / "site" / "id" / "municipality" / "478.html").read_text()
    assert 'lang="fi">Maarianhamina' in page and 'lang="sv">Mariehamn' in page
