"""The one pass over the graph's lines (pick the lines the SPARQL rules need, count the graph
for VoID) gives the plain per-line loop's answer, at every piece size."""

import pyoxigraph as ox
from helpers import nt_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.check.sparql_rules import SUBCLASS, relevant_lines, subclasses_of
from pipeline.graph.vocab import RDF_TYPE, RDFS
from pipeline.release.catalog import Counting
from pipeline.release.changes import main_class_counts

KOKO = "https://w3id.org/koko-lod/def/koko#"
TYPE = ox.NamedNode(RDF_TYPE)
SUB = ox.NamedNode(RDFS + "subClassOf")
CLASSES = [ox.NamedNode(KOKO + name) for name in ("Funding", "FundingDecision", "Region", "Special", "Other")]
PREDICATES = [ox.NamedNode(KOKO + name) for name in ("amount", "year", "name")] + [TYPE, SUB]
OTHER_CLASSES = [ox.NamedNode("https://schema.org/MonetaryGrant"), ox.NamedNode("http://www.w3.org/ns/org#Organization")]
NAMED = [KOKO + name for name in ("Funding", "Region", "amount", "year")] + [RDF_TYPE, RDFS + "subClassOf"]


def reference(nt: bytes, named: frozenset, subclasses: bool) -> tuple:
    """The loop the pass replaced: each line split by two finds, counted as it comes."""
    named_terms = {f"<{iri}>".encode() for iri in named}
    type_predicate = f"<{RDF_TYPE}>".encode()
    out, other_types, edges = [], [], []
    subjects, last, properties, classes = 0, b"", {}, {}
    for line in nt.split(b"\n"):
        if not line:
            continue
        s_end = line.index(b" ")
        p_end = line.index(b" ", s_end + 1)
        subject, predicate, obj = line[:s_end], line[s_end + 1:p_end], line[p_end + 1:-2]
        if subject != last:
            subjects, last = subjects + 1, subject
        properties[predicate] = properties.get(predicate, 0) + 1
        if predicate == type_predicate:
            classes[obj] = classes.get(obj, 0) + 1
            if obj in named_terms:
                out.append(line)
            elif subclasses:
                other_types.append((obj, line))
        elif predicate in named_terms:
            out.append(line)
            if predicate == SUBCLASS:
                edges.append((subject, obj))
    if edges and other_types:  # the closure is shared: the pass is what is held to the loop here
        reach = subclasses_of(named_terms, edges)
        out.extend(line for cls, line in other_types if cls in reach)
    picked = b"\n".join(out) + b"\n" if out else b""
    return picked, subjects, properties, classes


def _graphs():
    """Typed things, subclass chains (a class under a named one, under another, in a cycle),
    literals that hold spaces, " ." and the predicates' bytes, blank-node subjects."""
    subjects = st.one_of(st.sampled_from([ox.NamedNode(f"https://w3id.org/koko-lod/id/x/{n}") for n in range(4)]),
                         st.just(ox.BlankNode("b0")), st.sampled_from(CLASSES))
    texts = st.builds(ox.Literal, st.sampled_from(["plain", "two words .", f"<{KOKO}amount> x", "", "a\nb", "é ö"]))
    objects = st.one_of(st.sampled_from(CLASSES + OTHER_CLASSES), texts, st.just(ox.BlankNode("c0")),
                        st.builds(lambda v: ox.Literal(v, language="fi"), st.sampled_from(["nimi", "x y"])))
    return st.lists(st.builds(ox.Triple, subjects, st.sampled_from(PREDICATES), objects), max_size=30)


def test_the_pass_is_the_plain_loop_on_random_graphs():
    @settings(max_examples=400, deadline=None)
    @given(nt_texts(_graphs()), st.sets(st.sampled_from(NAMED)), st.booleans(), st.booleans(),
           st.integers(min_value=1, max_value=200))
    def check(nt, named, in_order, counted, piece):
        if in_order:  # as published: distinct and sorted, so a subject's lines come together
            nt = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))
        named = frozenset(named)
        subclasses = SUBCLASS in nt
        picked, subjects, properties, classes = reference(nt, named, subclasses)
        counting, done = (Counting() if counted else None), []
        assert relevant_lines(nt, named, counting, subclasses, done.append, piece=piece) == picked
        assert sum(done) == sum(properties.values())  # every line, once
        heard = []  # given a sink, the same lines come to it a piece at a time, and none is held
        assert relevant_lines(nt, named, None, subclasses, piece=piece, sink=heard.append) == b""
        assert b"".join(heard) == picked and b"" not in heard
        if counted:
            assert (counting.subjects, dict(counting.properties), dict(counting.classes)) == \
                (subjects, properties, classes)
            if in_order:  # the things by their main class, as the release counts them from the typing lines
                assert counting.mains() == main_class_counts(nt)

    check()


def test_a_subclass_of_a_named_class_is_picked_and_counted_once():
    nt = (f"<urn:a> <{RDF_TYPE}> <{KOKO}Special> .\n"
          f"<urn:a> <{KOKO}name> \"x\" .\n"
          f"<{KOKO}Special> <{RDFS}subClassOf> <{KOKO}Funding> .\n").encode()
    counting = Counting()
    picked = relevant_lines(nt, frozenset({KOKO + "Funding", RDFS + "subClassOf"}), counting, True, piece=1)
    assert picked.splitlines() == [nt.splitlines()[2], nt.splitlines()[0]]
    assert counting.subjects == 2 and counting.classes == {f"<{KOKO}Special>".encode(): 1}


def test_the_counts_after_a_change_are_the_counts_of_the_new_graph():
    """Counting.since: the previous graph's counts and the change give the pass's counts."""
    import json

    from pipeline.graph.nt_diff import diff

    def canonical(nt):
        return b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))

    def counted(nt):
        counting = Counting()
        relevant_lines(nt, frozenset(), counting, False)
        return counting

    @settings(max_examples=400, deadline=None)
    @given(nt_texts(_graphs()), nt_texts(_graphs()))
    def check(old, new):
        old, new = canonical(old), canonical(new)
        state = json.loads(json.dumps(counted(old).state()))  # as the record keeps it
        after = Counting()
        if after.since(state, new, diff(old, new)):
            assert after.state() == counted(new).state()
        else:
            assert b"_:" in old + new

    check()
    assert not Counting().since({"properties": []}, b"", diff(b"", b""))


def test_the_things_by_their_main_class_are_the_typing_lines_counts():
    """Counting.mains on graphs of typing lines above all (IRI and blank-node subjects; the
    project's classes, others, a blank node and a literal as the class), cut at every piece
    size: a thing whose typing lines fall in two pieces is one thing."""
    subjects = st.one_of(st.sampled_from([ox.NamedNode(f"https://w3id.org/koko-lod/id/x/{n}") for n in range(3)]),
                         st.just(ox.BlankNode("b0")))
    classes = st.one_of(st.sampled_from(CLASSES[:3] + OTHER_CLASSES), st.just(ox.BlankNode("c0")),
                        st.just(ox.Literal("Region")))
    triples = st.one_of(st.builds(ox.Triple, subjects, st.just(TYPE), classes),
                        st.builds(ox.Triple, subjects, st.just(PREDICATES[0]), st.just(ox.Literal("1"))))

    @settings(max_examples=300, deadline=None)
    @given(nt_texts(st.lists(triples, max_size=12)), st.integers(min_value=1, max_value=120))
    def check(nt, piece):
        nt = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))
        counting = Counting()
        relevant_lines(nt, frozenset(), counting, False, piece=piece)
        assert counting.mains() == main_class_counts(nt)

    check()
