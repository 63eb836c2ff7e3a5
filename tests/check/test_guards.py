"""The range guard: the search for values outside their family gives the pattern's answer."""

import pyoxigraph as ox
from helpers import nt_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.check.shapes import Plan, unguarded, unguarded_by_pattern
from pipeline.graph.vocab import XSD

AMOUNT = "https://w3id.org/koko-lod/def/koko#amount"
YEAR = "https://w3id.org/koko-lod/def/koko#year"
ON = "https://w3id.org/koko-lod/def/koko#decisionDate"
PLAN = Plan(core=None, reference=None, guards={
    "urn:root:money": {(AMOUNT, "number"), (YEAR, "year")},
    "urn:root:dates": {(ON, "date")},
    "urn:root:years": {(YEAR, "year")},
})


def _graphs():
    """Random N-Triples where the guarded predicates carry values in and out of their family,
    and their bytes also stand as objects (a reified statement's rdf:predicate) and inside
    literals, after a subject that is an IRI or a blank node."""
    guarded = [ox.NamedNode(p) for p in (AMOUNT, YEAR, ON)]
    predicates = st.sampled_from(guarded + [ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")])
    subjects = st.one_of(st.sampled_from([ox.NamedNode(f"https://w3id.org/koko-lod/id/decision/{n}") for n in range(3)]),
                         st.just(ox.BlankNode("b0")))
    typed = st.builds(lambda value, datatype: ox.Literal(value, datatype=ox.NamedNode(XSD + datatype)),
                      st.sampled_from(["12", "-3", "1.50", "2013", "2013-01-01", "x", "+7", ".5", "013"]),
                      st.sampled_from(["integer", "decimal", "gYear", "date", "string"]))
    texts = st.builds(ox.Literal, st.sampled_from([f"a <{p}> \"1\"^^<{XSD}integer> ." for p in (AMOUNT, YEAR, ON)]
                                                  + [f"x <{AMOUNT}> y", "plain"]))
    objects = st.one_of(typed, texts, st.sampled_from(guarded), st.builds(ox.Literal, st.just("5"), language=st.just("fi")))
    return st.lists(st.builds(ox.Triple, subjects, predicates, objects), max_size=25)


def test_the_search_is_the_pattern_on_random_graphs():
    @settings(max_examples=400, deadline=None)
    @given(nt_texts(_graphs()))
    def check(nt):
        assert unguarded(PLAN, nt) == unguarded_by_pattern(PLAN, nt)

    check()


def test_an_odd_value_is_found_and_one_inside_a_literal_is_not():
    good = f'<urn:s> <{AMOUNT}> "12"^^<{XSD}integer> .\n'.encode()
    inside = f'<urn:s> <urn:p> "x <{AMOUNT}> 1 ." .\n'.encode()
    odd = f'_:b <{AMOUNT}> "twelve" .\n'.encode()
    assert unguarded(PLAN, good + inside) == {}
    assert unguarded(PLAN, good + odd) == {"urn:root:money": AMOUNT}


def test_a_mapped_graph_read_by_small_pieces_gives_the_same_answer(tmp_path, monkeypatch):
    """A large graph is mapped and searched a piece at a time (graph/mapped.py): with pieces
    of a few dozen bytes, each ending at a line's end, the answer is the pattern's."""
    from pipeline.graph import mapped

    monkeypatch.setattr(mapped, "MAP_BYTES", 0)
    monkeypatch.setattr(mapped, "BEHIND", 48)
    path = tmp_path / "g.nt"

    @settings(max_examples=150, deadline=None)
    @given(nt_texts(_graphs()))
    def check(nt):
        if not nt:
            return
        path.write_bytes(nt)
        graph = mapped.read(path)
        assert isinstance(graph, mapped.Mapped)
        assert unguarded(PLAN, graph) == unguarded_by_pattern(PLAN, nt)
        graph.close()

    check()
