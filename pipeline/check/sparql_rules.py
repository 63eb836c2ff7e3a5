"""SHACL-SPARQL constraints evaluated with pyoxigraph's SPARQL engine.

pySHACL runs a SPARQL constraint once per focus node on rdflib's engine; the rules in
shapes/koko-rules.ttl took seconds that way on the small real graph, and would take hours on
a large one. Here each constraint is one query: the shape's targets are joined into the
query's WHERE clause, so `$this` (the same variable as `?this`) is bound by the join instead
of being pre-bound node by node. The results are the ones SHACL defines (focus node, path,
value, message with {?var} filled in, severity); tests/check/test_engines.py checks that they
equal pySHACL's on the real data and the whole broken-source corpus.

Supported: sh:select constraints on node shapes with sh:targetClass, sh:targetNode or
sh:SPARQLTarget targets, sh:prefixes with sh:declare, sh:message, sh:severity,
sh:deactivated. A rules file that uses anything else is refused, not half-evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..graph.vocab import RDF, RDFS, SH, XSD

RDF_TYPE = ox.NamedNode(RDF + "type")
SUPPORTED_SHAPE_KEYS = {RDF_TYPE.value} | {SH + k for k in ("targetClass", "targetNode", "target", "sparql", "severity",
                                                             "deactivated", "message")} | \
    {RDFS + "comment", RDFS + "label"}


@dataclass(frozen=True)
class Constraint:
    shape: str
    query: str  # the constraint's SELECT with its prefixes and the shape's targets joined in
    messages: tuple
    severity: str


@dataclass(frozen=True)
class RawResult:
    """One result, engine-independent: IRIs bare, values as N-Triples terms."""

    focus: str
    path: str
    value: str | None
    severity: str
    component: str
    message: str


class _Graph:
    def __init__(self, store: ox.Store):
        self.store = store

    def objects(self, s, p: str) -> list:
        return sorted((q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None)), key=str)

    def value(self, s, p: str):
        found = self.objects(s, p)
        return found[0] if found else None


def _prefixes(g: _Graph, node) -> str:
    lines = set()
    for prefixes_node in g.objects(node, SH + "prefixes"):
        for decl in g.objects(prefixes_node, SH + "declare"):
            lines.add(f"PREFIX {g.value(decl, SH + 'prefix').value}: <{g.value(decl, SH + 'namespace').value}>")
    return "\n".join(sorted(lines)) + "\n"


def _target_pattern(g: _Graph, shape) -> str:
    parts = []
    for cls in g.objects(shape, SH + "targetClass"):
        parts.append(f"{{ ?this <{RDF_TYPE.value}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls} }}")
    for node in g.objects(shape, SH + "targetNode"):
        parts.append(f"{{ VALUES ?this {{ {node} }} }}")
    for target in g.objects(shape, SH + "target"):
        select = g.value(target, SH + "select")
        if ox.NamedNode(SH + "SPARQLTarget") not in g.objects(target, RDF_TYPE.value) or select is None:
            raise ValueError(f"{shape}: only sh:SPARQLTarget targets are supported")
        parts.append("{ " + _strip_prologue(select.value) + " }")
    if not parts:
        raise ValueError(f"{shape}: a SPARQL constraint needs a target")
    return " UNION ".join(parts)


def _strip_prologue(query: str) -> str:
    return re.sub(r"(?is)^\s*(PREFIX\s+\S*\s*<[^>]*>\s*)*", "", query)


_OUTER_WHERE = re.compile(r"(?is)\bWHERE\s*\{")


def load_constraints(shapes_turtle: str) -> list:
    store = ox.Store()
    store.load(shapes_turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    g = _Graph(store)
    true = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    constraints = []
    for shape in sorted({q.subject for q in store.quads_for_pattern(None, ox.NamedNode(SH + "sparql"), None)}, key=str):
        keys = {q.predicate.value for q in store.quads_for_pattern(shape, None, None)}
        if keys - SUPPORTED_SHAPE_KEYS:
            raise ValueError(f"{shape}: only node shapes with targets and sh:sparql are supported here, not {sorted(keys - SUPPORTED_SHAPE_KEYS)}")
        if g.value(shape, SH + "deactivated") == true:
            continue
        targets = _target_pattern(g, shape)
        for node in g.objects(shape, SH + "sparql"):
            if g.value(node, SH + "deactivated") == true:
                continue
            body = _strip_prologue(g.value(node, SH + "select").value)
            if not re.search(r"(?is)^\s*SELECT\b[^{]*[$?]this\b", body):
                raise ValueError(f"{shape}: the constraint's SELECT must project $this")
            match = _OUTER_WHERE.search(body)
            query = _prefixes(g, node) + body[: match.end()] + f" {targets} " + body[match.end():]
            severity = g.value(node, SH + "severity") or g.value(shape, SH + "severity") or ox.NamedNode(SH + "Violation")
            messages = tuple(sorted(m.value for m in g.objects(node, SH + "message")))
            constraints.append(Constraint(shape.value, query, messages, severity.value))
    return constraints


def store_of(nt: bytes) -> ox.Store:
    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return store



def named_iris(constraints) -> frozenset:
    """Every IRI the rules name: the predicates and classes they can match.

    The rules in shapes/koko-rules.ttl write out every predicate and class they match (a
    variable in those places is always narrowed with FILTER (?x IN (...)) or VALUES, which
    names them too), so a triple whose predicate - or, for rdf:type, whose class - is not
    named here cannot change what they find.
    """
    found = {RDF_TYPE.value, RDFS + "subClassOf"}
    for c in constraints:
        declared = dict(re.findall(r"PREFIX\s+(\w*):\s*<([^>]*)>", c.query))
        found.update(re.findall(r"<([^>\s]+)>", c.query))
        for prefix, local in re.findall(r"(?<![\w?$])(\w+):([\w-]+)", c.query):
            if prefix in declared:
                found.add(declared[prefix] + local)
    return frozenset(found)


def relevant_lines(lines, named: frozenset, each_line=None) -> list:
    """The N-Triples lines (bytes, with their line ends) the rules can match: a named
    predicate, a named class. `each_line` sees every line on the way (without its end)."""
    named_bytes = {iri.encode() for iri in named}
    type_predicate = RDF_TYPE.value.encode()
    out = []
    for line in lines:
        if len(line) < 2:
            continue
        if each_line is not None:
            each_line(line.rstrip(b"\n"))
        s_end = line.index(b"> ")
        p_end = line.index(b"> ", s_end + 2)
        predicate = line[s_end + 3:p_end]
        if predicate in named_bytes and (predicate != type_predicate or line.rstrip(b"\n")[p_end + 3:-3] in named_bytes):
            out.append(line)
    return out


def _fill(message: str, solution, names) -> str:
    for name in names:
        value = solution[name]
        if value is not None:
            message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _: value.value, message)
    return message


def evaluate(store: ox.Store, constraints) -> list:
    results = []
    for c in constraints:
        solutions = store.query(c.query)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            focus = solution["this"]
            value = solution["value"] if "value" in names else None
            path = solution["path"] if "path" in names else None
            for message in c.messages or ("",):
                results.append(RawResult(focus.value, path.value if path is not None else "",
                                         str(value if value is not None else focus), c.severity,
                                         SH + "SPARQLConstraintComponent", _fill(message, solution, names)))
    return results
