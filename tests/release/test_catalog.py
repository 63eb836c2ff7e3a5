"""The catalogue record: sizes and checksums of the exact bytes, DCAT-AP 3.0.1, the Finnish profile."""

import hashlib

import pyoxigraph as ox
import pytest
from helpers import ask, shared_path
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, SH, XSD

from pipeline.release.outputs import DISTRIBUTIONS

SPDX = "http://spdx.org/rdf/terms#"
DOWNLOAD = "https://w3id.org/koko-lod/download/"

#: Constraints of the Finnish portal's profile (DCAT-AP-FI, built on DCAT-AP 2.0) that DCAT-AP
#: 3.0.1 contradicts, and what the project does: it follows DCAT-AP 3 (README.md says so).
FI_CONFLICTS = {
    ("http://www.w3.org/ns/dcat#byteSize", "DatatypeConstraintComponent"),  # xsd:decimal in FI, xsd:nonNegativeInteger in 3.0.1
    ("http://spdx.org/rdf/terms#algorithm", "HasValueConstraintComponent"),  # FI allows only SHA-1; the issue asks SHA-256
}


@pytest.fixture(scope="module")
def catalog(published) -> Graph:
    return Graph().parse(published / "catalog.ttl")


def test_catalog_jsonld_is_the_same_graph(published):
    def triples(name, fmt):
        return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(published / name), format=fmt)}
    assert triples("catalog.ttl", ox.RdfFormat.TURTLE) == triples("catalog.jsonld", ox.RdfFormat.JSON_LD)


def test_every_distribution_matches_its_file(published, catalog):
    dists = list(catalog.subjects(URIRef(str(DCAT) + "downloadURL"), None))
    first_release = [n for n, o in DISTRIBUTIONS.items() if not o.optional or (published / n).exists()]  # a first release
    assert sorted(str(catalog.value(d, DCAT.downloadURL))[len(DOWNLOAD):] for d in dists) == sorted(first_release)
    for dist in dists:
        url = str(catalog.value(dist, DCAT.downloadURL))
        data = (published / url[len(DOWNLOAD):]).read_bytes()
        size = catalog.value(dist, DCAT.byteSize)
        assert size == Literal(str(len(data)), datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(dist, URIRef(SPDX + "checksum"))
        assert catalog.value(checksum, URIRef(SPDX + "algorithm")) == URIRef(SPDX + "checksumAlgorithm_sha256")
        assert str(catalog.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(data).hexdigest()
        assert catalog.value(dist, DCAT.mediaType) is not None


def test_catalog_facts(published):
    store = ox.Store()
    store.load(path=str(published / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    assert ask(store, """ASK { ?c a dcat:Catalog ; dcat:dataset ?d .
        ?d dct:title ?fi , ?sv , ?en FILTER(lang(?fi)="fi" && lang(?sv)="sv" && lang(?en)="en")
        ?d dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> ;
           dcat:theme <http://publications.europa.eu/resource/authority/data-theme/REGI> , <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
           dct:spatial <http://publications.europa.eu/resource/authority/country/FIN> , region:11 ; dct:issued "2026-11-28"^^xsd:date ;
           dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
           dct:conformsTo <https://w3id.org/koko-lod/def/koko> ; dct:temporal ?t ; dcat:contactPoint ?cp .
        ?t dcat:startDate "2010"^^xsd:gYear ; dcat:endDate "2013"^^xsd:gYear .
        ?cp a vcard:Organization ; vcard:fn ?fn ; vcard:hasEmail ?mail ; vcard:hasURL ?url
        FILTER(STRSTARTS(STR(?mail), "mailto:")) }""")


def test_void_and_provenance(published):
    store = ox.Store()
    for name in ("void.ttl", "provenance.ttl"):
        store.load(path=str(published / name), format=ox.RdfFormat.TURTLE)
    triples = sum(1 for _ in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert ask(store, f"""ASK {{ dataset:koko void:triples {triples} ; void:classPartition ?cp ; void:propertyPartition ?pp ;
        void:dataDump <{DOWNLOAD}koko.ttl> ; void:exampleResource programme:koko .
        ?cp void:class koko:Municipality ; void:entities 323 }}""")
    assert ask(store, """ASK { dataset:koko prov:wasGeneratedBy ?run . ?run prov:used ?in ; prov:wasAssociatedWith ?sw .
        ?sw a prov:SoftwareAgent . ?in dct:title "programme.yaml" ; spdx:checksum/spdx:checksumValue ?sum .
        ?group prov:wasDerivedFrom ?in , <http://sss.multiedition.fi/www/fi/kehittamishankkeet/KOKO/index.php> }""")


def _dcat_ap(name):
    return Graph().parse(shared_path("standards", "dcat-ap", "3.0.1", "html", "shacl", name))


@pytest.mark.parametrize("name", ["shapes.ttl", "range.ttl", "deprecateduris.ttl"])
def test_conforms_to_dcat_ap_3(catalog, name):
    conforms, _, text = validate(catalog, shacl_graph=_dcat_ap(name), inference="none", advanced=True)
    assert conforms, text


def test_no_avoidable_recommended_warning(catalog):
    conforms, report, text = validate(catalog, shacl_graph=_dcat_ap("shapes_recommended.ttl"), inference="none", advanced=True)
    unavoidable = {"http://purl.org/dc/terms/type", "http://www.w3.org/ns/dcat#bbox", "http://www.w3.org/ns/dcat#centroid"}
    paths = {str(report.value(r, SH.resultPath)) for r in report.subjects(SH.resultSeverity, None)}
    assert paths <= unavoidable, text


def test_finnish_profile_only_documented_conflicts(catalog):
    shapes = Graph().parse(shared_path("standards", "dcat-ap", "fi", "avoindata_dcat-ap_shacl.ttl"))
    foaf = Graph().parse(shared_path("standards", "dcat-ap", "fi", "FOAF.ttl"))
    _, report, text = validate(catalog, shacl_graph=shapes, ont_graph=foaf, inference="rdfs", advanced=True)
    found = {(str(report.value(r, SH.resultPath)), str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[1])
             for r in report.subjects(SH.resultSeverity, SH.Violation)}
    assert found == FI_CONFLICTS, text  # exactly the two the README documents, no fewer


def test_void_counts_are_the_graphs(published):
    """Every count in void.ttl equals the same count taken by pyoxigraph from koko.nt: the
    triples, the distinct subjects, and each class's and each property's partition."""
    from collections import Counter

    void = ox.Store()
    void.load(path=str(published / "void.ttl"), format=ox.RdfFormat.TURTLE)
    graph = [t for t in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)]
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    classes = Counter(t.object.value for t in graph if t.predicate.value == rdf_type)
    properties = Counter(t.predicate.value for t in graph)

    def one(query):
        return [{k: row[k].value for k in ("n", "x") if row[k] is not None} for row in void.query(
            "PREFIX void: <http://rdfs.org/ns/void#> " + query)]

    top = one("SELECT ?n ?x WHERE { ?d void:triples ?n ; void:distinctSubjects ?x }")
    assert top == [{"n": str(len(graph)), "x": str(len({t.subject for t in graph}))}]
    assert {r["x"]: int(r["n"]) for r in one("SELECT ?x ?n WHERE { ?d void:classPartition [ void:class ?x ; void:entities ?n ] }")} \
        == dict(classes)
    assert {r["x"]: int(r["n"]) for r in one("SELECT ?x ?n WHERE { ?d void:propertyPartition [ void:property ?x ; void:triples ?n ] }")} \
        == dict(properties)



def test_void_examples_are_the_subjects_the_graph_has():
    """void:exampleResource names an example only where a line has it as its subject: not
    where it is only an object, a longer IRI's beginning or a literal's text."""
    from pipeline.config import Settings
    from pipeline.graph.serialize import canonical_nt
    from pipeline.release.catalog import Counting

    settings = Settings(None)
    base = settings.id_base
    lines = [f'<{base}area/kuopio> <urn:p> "x" .', f"<{base}municipality/2970> <urn:p> <{base}municipality/297> .",
             f'<urn:s> <urn:p> "\\n<{base}programme/koko> " .', f"<urn:s> <urn:p> <{base}programme/koko> ."]
    for more, expected in (([], ["area/kuopio"]),
                           ([f"<{base}municipality/297> <urn:p> <urn:o> ."], ["area/kuopio", "municipality/297"]),
                           ([f"<{base}programme/koko> <urn:p> <urn:o> ."], ["programme/koko", "area/kuopio"])):
        nt = canonical_nt([line.encode() for line in lines + more])
        assert Counting().stats(settings, nt).examples == tuple(base + e for e in expected)
