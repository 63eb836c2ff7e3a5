"""SHACL-SPARQL constraints evaluated with pyoxigraph's SPARQL engine.

pySHACL runs a SPARQL constraint once per focus node on rdflib's engine; the rules in
shapes/koko-rules.ttl took seconds that way on the small real graph, and would take hours on
a large one. Here each constraint is one query: the shape's targets are joined into the
query's WHERE clause, so `$this` (the same variable as `?this`) is bound by the join instead
of being pre-bound node by node. The results are the ones SHACL defines (focus node, path,
value, message with {?var} filled in, severity); tests/test_sparql_rules.py checks that they
equal pySHACL's on the real data and the whole broken-source corpus.

Supported: sh:select constraints on node shapes with sh:targetClass, sh:targetNode or
sh:SPARQLTarget targets, sh:prefixes with sh:declare, sh:message, sh:severity,
sh:deactivated. A rules file that uses anything else is refused, not half-evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

SUPPORTED_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.targetNode, SH.target, SH.sparql, SH.severity, SH.deactivated,
                        SH.message, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
                        URIRef("http://www.w3.org/2000/01/rdf-schema#label")}


@dataclass(frozen=True)
class Constraint:
    shape: str
    query: str  # the constraint's SELECT with its prefixes and the shape's targets joined in
    messages: tuple
    severity: str


@dataclass(frozen=True)
class RawResult:
    focus: object  # pyoxigraph term
    path: object
    value: object
    severity: str
    message: str
    shape: str


def _prefixes(shapes: Graph, node) -> str:
    lines = []
    for prefixes_node in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(prefixes_node, SH.declare):
            prefix = shapes.value(decl, SH.prefix)
            namespace = shapes.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines))) + "\n"


def _target_pattern(shapes: Graph, shape) -> str:
    parts = []
    for cls in sorted(shapes.objects(shape, SH.targetClass)):
        parts.append(f"{{ ?this <{RDF.type}>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}")
    for node in sorted(shapes.objects(shape, SH.targetNode)):
        parts.append(f"{{ VALUES ?this {{ <{node}> }} }}")
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            raise ValueError(f"{shape}: only sh:SPARQLTarget targets are supported")
        body = _strip_prologue(str(select))
        parts.append("{ " + body + " }")
    if not parts:
        raise ValueError(f"{shape}: a SPARQL constraint needs a target")
    return " UNION ".join(parts)


def _strip_prologue(query: str) -> str:
    return re.sub(r"(?is)^\s*(PREFIX\s+\S*\s*<[^>]*>\s*)*", "", query)


_OUTER_WHERE = re.compile(r"(?is)\bWHERE\s*\{")


def load_constraints(shapes: Graph) -> list:
    constraints = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None))):
        unknown = {p for p in shapes.predicates(shape, None) if p not in SUPPORTED_SHAPE_KEYS}
        if unknown or (shape, SH.path, None) in shapes:
            raise ValueError(f"{shape}: only node shapes with targets and sh:sparql are supported here, not {sorted(unknown)}")
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        targets = _target_pattern(shapes, shape)
        for node in sorted(shapes.objects(shape, SH.sparql)):
            if shapes.value(node, SH.deactivated) == Literal(True):
                continue
            select = str(shapes.value(node, SH.select))
            body = _strip_prologue(select)
            if not re.search(r"(?is)^\s*SELECT\b[^{]*[$?]this\b", body):
                raise ValueError(f"{shape}: the constraint's SELECT must project $this")
            match = _OUTER_WHERE.search(body)
            query = _prefixes(shapes, node) + body[: match.end()] + f" {targets} " + body[match.end():]
            severity = shapes.value(node, SH.severity) or shapes.value(shape, SH.severity) or SH.Violation
            messages = tuple(sorted(str(m) for m in shapes.objects(node, SH.message)))
            constraints.append(Constraint(str(shape), query, messages, str(severity)))
    return constraints


def store_of(triples) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def _fill(message: str, solution, variables) -> str:
    for var in variables:
        value = solution[var]
        if value is not None:
            message = re.sub(r"\{[?$]" + re.escape(var.value) + r"\}", lambda _: value.value, message)
    return message


def evaluate(store: ox.Store, constraints) -> list:
    results = []
    for c in constraints:
        solutions = store.query(c.query)
        variables = solutions.variables
        for solution in solutions:
            focus = solution["this"]
            value = solution["value"] if "value" in [v.value for v in variables] else None
            path = solution["path"] if "path" in [v.value for v in variables] else None
            messages = c.messages or ("",)
            for message in messages:
                results.append(RawResult(focus, path, value if value is not None else focus, c.severity,
                                         _fill(message, solution, variables), c.shape))
    return results
