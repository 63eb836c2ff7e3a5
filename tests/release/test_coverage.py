"""The catalogue's coverage read from the lines it picks equals the same query over the whole
graph: on the real sources, and on random graphs made of the query's own terms with the traps
a byte search could fall into (blank-node subjects, the needles inside literals, another
base IRI). The graph is canonical N-Triples, as a publish gives it: distinct lines, sorted,
each with its line end (the regions' names are read by a binary search of it)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from helpers import nt_texts
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from pipeline.config import Settings
from pipeline.graph.vocab import RDF, SCHEMA, SKOS
from pipeline.release.catalog import coverage, coverage_in


def whole_graph(settings, nt: bytes) -> tuple:
    """The reference: the coverage query over every line."""
    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return coverage_in(settings, store)


def test_the_real_sources_cover_what_the_whole_graph_says(published, settings):
    nt = (published / "koko.nt").read_bytes()
    found = coverage(settings, nt)
    assert found == whole_graph(settings, nt)
    assert len(found) >= 5  # the regions of the published areas, each with its names


def graphs(base: str):
    """Random graphs over a few nodes, so that the query's chains (an area, its places, their
    classifications, a region with names) form often."""
    kk = base + "def/koko#"
    nodes = st.sampled_from([ox.NamedNode(f"{base}id/{kind}/1") for kind in ("area", "region")]
                            + [ox.BlankNode("b0"), ox.BlankNode("b1")])
    places = st.sampled_from([ox.NamedNode(p) for p in (SCHEMA + "containedInPlace", SCHEMA + "containsPlace")])
    classifying = st.sampled_from([ox.NamedNode(kk + p) for p in ("memberPlace", "parentPlace")])
    naming = st.sampled_from([ox.NamedNode(p) for p in (SKOS + "prefLabel", SCHEMA + "name")])
    classes = st.sampled_from([ox.NamedNode(kk + c) for c in ("KokoArea", "Region", "SubRegion")])
    traps = [f"x <{SCHEMA}containsPlace> y", f"> <{RDF}type> <{kk}Region> .\n", "Pohjois-Savo", "Norra Savolax"]
    literals = st.builds(ox.Literal, st.sampled_from(traps), language=st.sampled_from(["fi", "sv"]))
    triple = st.one_of(
        st.builds(ox.Triple, nodes, st.just(ox.NamedNode(RDF + "type")), classes),
        st.builds(ox.Triple, nodes, places, nodes),
        st.builds(ox.Triple, nodes, classifying, nodes),
        st.builds(ox.Triple, nodes, naming, literals),
    )
    return st.lists(triple, min_size=20, max_size=40)


def canonical(nt: bytes) -> bytes:
    return b"".join(line + b"\n" for line in sorted(set(nt.splitlines())) if line)


def test_an_area_that_is_a_blank_node():
    base = "https://w3id.org/koko-lod/"
    kk = base + "def/koko#"
    nt = (f'_:a <{RDF}type> <{kk}KokoArea> .\n_:a <{SCHEMA}containsPlace> _:s .\n_:m <{kk}memberPlace> _:s .\n'
          f'_:m <{kk}parentPlace> <{base}id/region/11> .\n<{base}id/region/11> <{RDF}type> <{kk}Region> .\n'
          f'<{base}id/region/11> <{SKOS}prefLabel> "Pohjois-Savo"@fi .\n').encode()
    nt = canonical(nt)
    settings = Settings(data_dir=None, base_iri=base)
    assert coverage(settings, nt) == whole_graph(settings, nt) == ((f"{base}id/region/11", {"fi": "Pohjois-Savo"}),)


@pytest.mark.parametrize("base", ["https://w3id.org/koko-lod/", "https://example.org/other/"])
@hsettings(max_examples=300, deadline=None)
@given(data=st.data())
def test_random_graphs_cover_what_the_whole_graph_says(base, data):
    nt = canonical(data.draw(nt_texts(graphs(base))))
    settings = Settings(data_dir=None, base_iri=base)
    assert unlabelled(coverage(settings, nt)) == unlabelled(whole_graph(settings, nt))


def unlabelled(found: tuple) -> list:
    """A blank node is given a new label by each load: compare it as a blank node."""
    return sorted((iri if iri.startswith("http") else "_:", sorted(names.items())) for iri, names in found)
