"""koko.jsonld is the same bytes however the N-Triples are cut into pieces and however small
the memo of values is: the published form reads a piece of megabytes at a time and keeps a
bounded memo, the reference here one line at a time with a memo emptied at every line."""

import json

import pyoxigraph as ox
from helpers import nt_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.graph import serialize
from pipeline.graph.vocab import RDF_TYPE, SKOS, XSD

BASE = "https://w3id.org/koko-lod/"
KOKO = BASE + "def/koko#"


def _graphs():
    """Things of the project's base and others, with typed, tagged and plain values (some
    outside the ASCII range, some the same on several subjects) and links."""
    things = [ox.NamedNode(f"{BASE}id/decision/{n}") for n in range(4)] + [ox.NamedNode("urn:x:other")]
    predicates = [ox.NamedNode(p) for p in (RDF_TYPE, SKOS + "prefLabel", KOKO + "year", KOKO + "amount",
                                              "https://schema.org/name", "urn:x:p")]
    literals = st.one_of(
        st.builds(lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t)),
                  st.sampled_from(["2011", "12.50", "0", "007", "true", "x"]),
                  st.sampled_from(["integer", "decimal", "gYear", "boolean", "string"])),
        st.builds(lambda v, lang: ox.Literal(v, language=lang), st.sampled_from(["Kuopio", "Åbo", "a \"b\""]),
                  st.sampled_from(["fi", "sv"])),
        st.builds(ox.Literal, st.text(max_size=8)))
    objects = st.one_of(st.sampled_from(things + [ox.NamedNode(KOKO + "FundingDecision")]), literals)
    return st.lists(st.builds(ox.Triple, st.sampled_from(things), st.sampled_from(predicates), objects), max_size=30)


def test_pieces_and_memo_do_not_change_the_bytes_on_random_graphs(monkeypatch):
    @settings(max_examples=300, deadline=None)
    @given(nt_texts(_graphs()), st.integers(min_value=1, max_value=300))
    def check(nt, piece):
        nt = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))  # canonical, as published
        published = b"".join(serialize.jsonld_chunks(nt, BASE))
        with monkeypatch.context() as m:
            m.setattr(serialize, "KNOWN_LINKS", 1)
            reference = b"".join(serialize.jsonld_chunks(nt, BASE, piece=1, size=1))
        assert published == reference
        json.loads(published)

    check()
