"""Class tests inside logical constraints, given to the Rust engine as type lookups.

The engine evaluates `sh:class C` by listing every instance of C, once per focus set. A
shape that serves only as a test (a member of sh:or, sh:and or sh:xone, the shape of
sh:not, sh:node or sh:qualifiedValueShape) is evaluated one value at a time, so that list
is made again for every value: at 1,000,000 decisions, a million lists of the 10,000
organisations, 14 s of the engine's 43 s, and time that grows with the square of the data.

Where the data has no rdfs:subClassOf line (validate.py's plain graphs), a node is a SHACL
instance of C exactly when it has the line (node rdf:type C), which `[ sh:path rdf:type ;
sh:hasValue C ]` tests with one lookup. A test shape reports nothing of its own: the engine
only asks whether it gave a result. So, on such data, each sh:class of a node shape that is
only ever a test becomes such a property shape, and the report is the same. Only of a blank
node: the data cannot name it as a shape of its own (the engine's sh:shape), as it could an
IRI. tests/check/test_class_tests.py holds the engine's report with these shapes to its
report with the shapes as written, on the W3C suite and on random shapes and graphs.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..graph.vocab import RDF, RDFS, SH

_TESTS = {SH + "not", SH + "node", SH + "qualifiedValueShape"}  # each takes one shape as a test
_LISTS = {SH + "or", SH + "and", SH + "xone"}  # each takes a list of shapes as tests
_SELECTS = {SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}


@lru_cache(maxsize=8)
def rewritten(core: bytes) -> bytes:
    """The shapes graph `core` (N-Triples) with each sh:class of a test-only node shape (a
    blank node) made a property shape on rdf:type with sh:hasValue; `core` itself where there
    is none."""
    triples = list(ox.parse(core, format=ox.RdfFormat.N_TRIPLES))
    refs: dict = {}
    about: dict = {}
    for t in triples:
        refs.setdefault(t.object, []).append((t.subject, t.predicate.value))
        about.setdefault(t.subject, []).append(t)
    out, changed = [], False
    for t in triples:
        if t.predicate.value == SH + "class" and isinstance(t.object, ox.NamedNode) and _a_test(t.subject, refs, about):
            test = ox.BlankNode()
            out += [ox.Triple(t.subject, ox.NamedNode(SH + "property"), test),
                    ox.Triple(test, ox.NamedNode(SH + "path"), ox.NamedNode(RDF + "type")),
                    ox.Triple(test, ox.NamedNode(SH + "hasValue"), t.object)]
            changed = True
        else:
            out.append(t)
    return ox.serialize(out, format=ox.RdfFormat.N_TRIPLES) if changed else core


def _a_test(shape, refs: dict, about: dict) -> bool:
    """Whether `shape` is a blank node shape that is only ever a test."""
    return isinstance(shape, ox.BlankNode) and _only_tested(shape, refs) and _plain_node_shape(about[shape])


def _only_tested(shape, refs: dict) -> bool:
    """Whether every line naming `shape` as its object makes it a test."""
    named = refs.get(shape)
    return bool(named) and all(p in _TESTS or p == RDF + "first" and _in_a_test_list(s, refs) for s, p in named)


def _in_a_test_list(cell, refs: dict) -> bool:
    """Whether the list cell `cell` belongs to a list that is only ever the value of sh:or,
    sh:and or sh:xone: each cell named once, by the one before it, and the first by those."""
    seen = set()
    while cell not in seen:
        seen.add(cell)
        named = refs.get(cell, [])
        if len(named) != 1:
            return False
        cell, p = named[0]
        if p != RDF + "rest":
            return p in _LISTS
    return False  # a list that loops


def _plain_node_shape(lines: list) -> bool:
    """A node shape (no sh:path) that selects no focus node of its own (no target, not an
    rdfs:Class)."""
    return not any(t.predicate.value in _SELECTS or t.predicate.value == SH + "path"
                   or t.predicate.value == RDF + "type" and t.object == ox.NamedNode(RDFS + "Class") for t in lines)
