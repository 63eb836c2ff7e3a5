"""The catalogue scored as data.europa.eu's Metadata Quality Assessment scores a dataset.

The MQA gives 405 points over findability, accessibility, interoperability, reusability and
contextuality. An indicator of a distribution counts when the best distribution meets it.
Reachability (the portal's HEAD of each accessURL and downloadURL) depends on the host: here a
URL is reachable when it names a file of the published release, which is what `koko serve`
and a copy of output/ answer for; `koko check-links` checks a deployed host (test_check_links).
"""

import pyoxigraph as ox
import pytest
from helpers import shared_path
from pyshacl import validate
from rdflib import Graph

EU = "http://publications.europa.eu/resource/authority/"
DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
IANA = "http://www.iana.org/assignments/media-types/"
DOWNLOAD = "https://w3id.org/koko-lod/download/"
#: The MQA's lists of non-proprietary and of machine-readable file types (the part koko uses).
NON_PROPRIETARY = {"CSV", "JSON", "JSON_LD", "RDF_TURTLE", "RDF_N_TRIPLES", "RDF_TRIG", "RDF_XML", "XML", "TXT", "GEOJSON"}
MACHINE_READABLE = {"CSV", "JSON", "JSON_LD", "RDF_TURTLE", "RDF_N_TRIPLES", "RDF_TRIG", "RDF_XML", "XML", "GEOJSON"}
#: The values of the EU access-right authority table.
ACCESS_RIGHTS = {EU + "access-right/" + c for c in ("PUBLIC", "RESTRICTED", "NON_PUBLIC")}


def _objects(store, s, p):
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def score(store: ox.Store, reachable, compliant: bool) -> dict:
    """indicator -> (points earned, points possible) for the one dataset of the catalogue."""
    (dataset,) = [q.object for q in store.quads_for_pattern(None, ox.NamedNode(DCAT + "dataset"), None)]  # the catalogue's one
    has = lambda p: bool(_objects(store, dataset, p))  # noqa: E731
    dists = _objects(store, dataset, DCAT + "distribution")

    def best(test) -> bool:
        return any(test(d) for d in dists)

    def file_type(d):
        return [o.value.rsplit("/", 1)[1] for o in _objects(store, d, DCT + "format") if o.value.startswith(EU + "file-type/")]

    licences = [o for d in dists for o in _objects(store, d, DCT + "license")]
    rows = {
        "keywords": (has(DCAT + "keyword"), 30),
        "categories": (has(DCAT + "theme"), 30),
        "spatial coverage": (has(DCT + "spatial"), 20),
        "temporal coverage": (has(DCT + "temporal"), 20),
        "accessURL reachable": (best(lambda d: all(reachable(u.value) for u in _objects(store, d, DCAT + "accessURL"))), 50),
        "downloadURL given": (best(lambda d: bool(_objects(store, d, DCAT + "downloadURL"))), 20),
        "downloadURL reachable": (best(lambda d: all(reachable(u.value) for u in _objects(store, d, DCAT + "downloadURL"))
                                       and bool(_objects(store, d, DCAT + "downloadURL"))), 30),
        "format": (best(lambda d: bool(_objects(store, d, DCT + "format"))), 20),
        "media type": (best(lambda d: bool(_objects(store, d, DCAT + "mediaType"))), 10),
        "format and media type from vocabularies": (best(lambda d: bool(file_type(d)) and all(
            o.value.startswith(IANA) for o in _objects(store, d, DCAT + "mediaType"))), 10),
        "non-proprietary format": (best(lambda d: bool(set(file_type(d)) & NON_PROPRIETARY)), 20),
        "machine-readable format": (best(lambda d: bool(set(file_type(d)) & MACHINE_READABLE)), 20),
        "DCAT-AP compliance": (compliant, 30),
        "licence": (bool(licences), 20),
        "licence from the vocabulary": (any(o.value.startswith(EU + "licence/") for o in licences), 10),
        "access restrictions": (has(DCT + "accessRights"), 10),
        "access restrictions from the vocabulary": (any(o.value in ACCESS_RIGHTS for o in _objects(store, dataset, DCT + "accessRights")), 5),
        "contact point": (has(DCAT + "contactPoint"), 20),
        "publisher": (has(DCT + "publisher"), 10),
        "rights": (best(lambda d: bool(_objects(store, d, DCT + "rights"))), 5),
        "file size": (best(lambda d: bool(_objects(store, d, DCAT + "byteSize"))), 5),
        "date of issue": (best(lambda d: bool(_objects(store, d, DCT + "issued"))), 5),
        "modification date": (best(lambda d: bool(_objects(store, d, DCT + "modified"))), 5),
    }
    return {name: (points if met else 0, points) for name, (met, points) in rows.items()}


@pytest.fixture(scope="module")
def store(published):
    s = ox.Store()
    s.load(path=str(published / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    return s


def _reachable(published):
    return lambda url: url.startswith(DOWNLOAD) and (published / url[len(DOWNLOAD):]).is_file()


def test_the_methodology_is_405_points(store, published):
    assert sum(possible for _, possible in score(store, _reachable(published), True).values()) == 405


def test_every_indicator_the_catalogue_answers_for_is_met(store, published):
    """All but DCAT-AP compliance (the official shapes, below): 375 of 375."""
    points = score(store, _reachable(published), compliant=True)
    assert [name for name, (earned, possible) in points.items() if earned < possible] == []
    # an indicator that cannot be met is seen: nothing reachable loses the 80 points of reachability
    lost = score(store, lambda url: False, compliant=True)
    assert 405 - sum(earned for earned, _ in lost.values()) == 80


def test_every_distribution_has_its_rights_and_the_boundaries_theirs(store):
    rights = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(DCT + "rights"), None):
        url = _objects(store, q.subject, DCAT + "downloadURL")[0].value
        rights[url.rsplit("/", 1)[1]] = {o.language: o.value for o in _objects(store, q.object, "http://www.w3.org/2000/01/rdf-schema#label")}
    dists = {q.object for q in store.quads_for_pattern(None, ox.NamedNode(DCAT + "distribution"), None)}
    assert len(rights) == len(dists)
    assert "MIT" in rights["koko-geo.ttl"]["en"] and "mapcolorizer" in rights["koko-geo.ttl"]["en"]
    assert all("CC BY 4.0" in r["en"] and "KOKO linked open data" in r["en"] and set(r) == {"fi", "sv", "en"}
               for name, r in rights.items() if name != "koko-geo.ttl")


def test_the_spatial_coverage_is_the_regions_of_the_areas(store):
    """Derived from the graph: Finland, and each region a published area lies in (Kuopio's
    Pohjois-Savo, Salo's Varsinais-Suomi, Koillis-Suomi's Lappi and Pohjois-Pohjanmaa, ...)."""
    places = {o.value for o in _objects(store, ox.NamedNode("https://w3id.org/koko-lod/id/dataset/koko"), DCT + "spatial")}
    region = "https://w3id.org/koko-lod/id/region/"
    assert EU + "country/FIN" in places
    assert {region + c for c in ("11", "02", "17", "19", "15")} <= places
    assert region + "16" not in places  # Keski-Pohjanmaa: no published area lies there
    assert "http://data.europa.eu/nuts/code/FI1D2" not in places


def test_full_marks_with_the_official_dcat_ap_shapes(store, published):
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(shared_path("standards", "dcat-ap", "3.0.1", "html", "shacl", name))
    conforms, _, text = validate(Graph().parse(published / "catalog.ttl"), shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text
    assert sum(earned for earned, _ in score(store, _reachable(published), conforms).values()) == 405
