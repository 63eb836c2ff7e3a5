import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from pipeline.check.validate import shapes_text
from pipeline.config import ONTOLOGY_DIR, SHAPES_DIR
from pipeline.release.publish import check
from pipeline.sources.settings import load_settings


def test_shapes_pass_shacl_shacl():
    shapes = Graph().parse(data=shapes_text("https://w3id.org/koko-lod/"), format="turtle")
    conforms, _, text = shacl_validate(Graph(), shacl_graph=shapes, meta_shacl=True, advanced=True)
    assert conforms, text


@pytest.mark.parametrize("folder", [ONTOLOGY_DIR, SHAPES_DIR])
def test_vocabulary_files_parse(folder):
    for path in folder.glob("*.ttl"):
        assert len(Graph().parse(path)) > 10


def test_ontology_labels_every_term_in_three_languages():
    g = Graph().parse(ONTOLOGY_DIR / "koko.ttl")
    terms = {s for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in g.subjects(RDF.type, k)}
    assert len(terms) > 30
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            assert {o.language for o in g.objects(term, prop)} == {"fi", "sv", "en"}, (term, prop)


def test_ontology_aligns_every_term():
    g = Graph().parse(ONTOLOGY_DIR / "koko.ttl")
    q = """SELECT ?t WHERE { ?t a ?k . FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty))
        FILTER NOT EXISTS { ?t rdfs:subClassOf|rdfs:subPropertyOf ?std } }"""
    assert list(g.query(q, initNs={"owl": "http://www.w3.org/2002/07/owl#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})) == []


def test_real_sources_conform(settings):
    report = check(settings).report
    assert report.conforms, "\n".join(map(str, report.results))
    assert all(r.severity == "warning" for r in report.results)


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("file,old,new,expected", [
    ("funding.csv", ",yes,11000000,EUR,yes,0.5,", ",yes,11000000,EUR,yes,1.5,", "co-financing rate must be between 0 and 1"),
    ("funding.csv", "2010,2011,no,23000000", "2012,2011,no,23000000", "start year 2012 is after end year 2011"),
    ("funding.csv", ",yes,11000000,EUR,", ",yes,-11000000,EUR,", "amount must be a non-negative decimal number"),
    ("programme.yaml", "planned_start_year: 2010", "planned_start_year: 2014", "the period starts"),
    ("contacts.csv", "Jalkalantie 6,77600,", "Jalkalantie 6,7760,", "postal code must be 5 digits"),
    ("areas.yaml", 'inhabitants: {value: "110 000"', 'inhabitants: {value: "0"', "inhabitants must be one whole number above 0"),
])
def test_violations_name_file_and_line(data_dir, file, old, new, expected):
    _edit(data_dir / file, old, new)
    report = check(load_settings(data_dir)).report
    assert not report.conforms
    hits = [r for r in report.results if r.severity == "violation"]
    assert any(expected in r.message and r.place.file.endswith(file) and r.place.line > 0 for r in hits), hits


def test_the_core_engine_beside_the_rules_gives_its_results_and_its_error(settings, monkeypatch):
    """SHACL Core runs in a thread beside the SPARQL rules: its results join the rules' in the
    order of the one-thread run, and an error of the engine stops validation."""
    import threading

    from pipeline.check import validate as module
    from pipeline.check.validate import project_shapes, raw_results
    from pipeline.graph.build import build
    from pipeline.release.publish import graph_nt
    from pipeline.sources.load import load

    nt = graph_nt(build(load(settings)), "fast")
    shapes = project_shapes(settings.base_iri)
    rust, threads = module._rust, set()

    def traced(*args):
        threads.add(threading.current_thread().name)
        return rust(*args)

    monkeypatch.setattr(module, "_rust", traced)
    raw, _ = raw_results(nt, shapes)
    assert threads and all(name.startswith("koko-core") for name in threads)
    plan = shapes.plan()
    alone = rust(nt, plan.core)
    assert raw[:len(alone)] == [module._canonical(r) for r in alone]

    def broken(*args):
        raise RuntimeError("the engine failed")

    monkeypatch.setattr(module, "_rust", broken)
    with pytest.raises(RuntimeError, match="the engine failed"):
        raw_results(nt, shapes)


RULE_ON_A_BLANK_NODE = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:prefixes sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:Shape a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:prefixes ex:prefixes ; sh:select "SELECT $this WHERE { FILTER NOT EXISTS { $this ex:q ?y } }" ] .
"""


@pytest.mark.parametrize("node", ["_:b0", "<http://example.org/n0>"])
def test_the_rules_lines_go_into_the_store_a_piece_at_a_time_but_a_blank_node_s_together(monkeypatch, node):
    """Each piece of picked lines is loaded as the pass goes; a store names a blank node afresh
    at each load, so a graph with one is loaded at once: its type and its ex:q on lines apart
    are one node, and the rule finds nothing."""
    from pipeline.check import sparql_rules
    from pipeline.check.shapes import ShapesFile, ShapesGraph
    from pipeline.check.validate import raw_results

    shapes = ShapesGraph([ShapesFile("shapes.ttl", RULE_ON_A_BLANK_NODE)], cache=False)
    typed = f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .\n".encode()
    monkeypatch.setattr(sparql_rules, "PIECE", 1)  # a piece a line
    assert [r.component for r in raw_results(typed, shapes)[0]] == ["http://www.w3.org/ns/shacl#SPARQLConstraintComponent"]
    assert raw_results(typed + f'{node} <http://example.org/q> "y" .\n'.encode(), shapes)[0] == []
