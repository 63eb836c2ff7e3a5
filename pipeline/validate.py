"""Validate stage: pySHACL over the built graph, each result mapped back to its source place."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .build import Built
from .config import DEFAULT_BASE_IRI, ONTOLOGY_DIR, SHAPES_DIR
from .errors import Place
from .sparql_rules import evaluate, load_constraints, store_of

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True, order=True)
class Result:
    place: Place
    severity: str
    message: str
    focus: str
    path: str
    value: str

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        if self.place.field:
            text += f" (column {self.place.field})"
        return text


@dataclass
class Report:
    conforms: bool
    results: list = field(default_factory=list)
    graph: Graph | None = None  # the sh:ValidationReport as pySHACL gives it

    @property
    def violation_count(self) -> int:
        return sum(1 for r in self.results if r.severity == "violation")

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.results if r.severity != "violation")


def read_rdf_file(path: Path, base_iri: str) -> str:
    """An ontology or shapes file as text, with its namespace moved to the dataset's base IRI."""
    text = path.read_text(encoding="utf-8")
    return text if base_iri == DEFAULT_BASE_IRI else text.replace(DEFAULT_BASE_IRI, base_iri)


CORE_SHAPES = "koko-shapes.ttl"  # SHACL Core, validated by pySHACL
RULE_SHAPES = "koko-rules.ttl"  # SHACL-SPARQL rules


@lru_cache(maxsize=8)
def shapes_graph(base_iri: str, names: tuple = (CORE_SHAPES, RULE_SHAPES)) -> Graph:
    g = Graph()
    for name in names:
        path = SHAPES_DIR / name
        g.parse(data=read_rdf_file(path, base_iri), format="turtle", publicID=path.as_uri())
    return g


@lru_cache(maxsize=4)
def rule_constraints(base_iri: str) -> list:
    # the prefixes the rules use are declared in the core file
    return load_constraints(shapes_graph(base_iri))


@lru_cache(maxsize=4)
def ontology_graph(base_iri: str) -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(data=read_rdf_file(path, base_iri), format="turtle", publicID=path.as_uri())
    return g


def _rdflib_term(t, cache: dict | None = None):
    if isinstance(t, ox.NamedNode):
        if cache is None:
            return URIRef(t.value)
        node = cache.get(t.value)
        if node is None:
            node = cache[t.value] = URIRef(t.value)
        return node
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        datatype = t.datatype.value
        return Literal(t.value) if datatype == XSD_STRING else Literal(t.value, datatype=URIRef(datatype))
    return BNode(t.value)


def to_rdflib(triples) -> Graph:
    """pyoxigraph triples as an rdflib Graph (pySHACL needs one)."""
    g = Graph()
    cache: dict = {}
    add = g.add
    for t in triples:
        add((_rdflib_term(t.subject, cache), _rdflib_term(t.predicate, cache), _rdflib_term(t.object, cache)))
    return g


def validate(built: Built, base_iri: str, engine: str = "fast") -> Report:
    """SHACL Core with pySHACL; the SPARQL rules with pyoxigraph ("fast") or with pySHACL too."""
    from pyshacl import validate as shacl_validate

    data = to_rdflib(built.triples)
    names = (CORE_SHAPES,) if engine == "fast" else (CORE_SHAPES, RULE_SHAPES)
    _, report_graph, _ = shacl_validate(
        data, shacl_graph=shapes_graph(base_iri, names), inference="none", advanced=True, allow_warnings=True,
    )
    if engine == "fast":
        raw = evaluate(store_of(built.triples), rule_constraints(base_iri))
        add_to_report(report_graph, raw)
    results = sorted(_results(report_graph, built))
    conforms = not any(r.severity == "violation" for r in results)
    report_graph.set((next(report_graph.subjects(RDF.type, SH.ValidationReport)), SH.conforms, Literal(conforms)))
    return Report(conforms=conforms, results=results, graph=report_graph)


def add_to_report(report: Graph, raw: list) -> None:
    """Write rule results into pySHACL's sh:ValidationReport as sh:ValidationResult nodes."""
    root = next(report.subjects(RDF.type, SH.ValidationReport))
    for r in raw:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, _rdflib_term(r.focus)))
        if r.path is not None:
            report.add((node, SH.resultPath, _rdflib_term(r.path)))
        report.add((node, SH.value, _rdflib_term(r.value)))
        report.add((node, SH.resultSeverity, URIRef(r.severity)))
        report.add((node, SH.sourceShape, URIRef(r.shape)))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if r.message:
            report.add((node, SH.resultMessage, Literal(r.message)))


def _results(report: Graph, built: Built):
    for node in report.subjects(SH.resultSeverity, None):
        severity = SEVERITY.get(report.value(node, SH.resultSeverity), "violation")
        focus = report.value(node, SH.focusNode)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        message = messages[0] if messages else "does not conform"
        focus_s = str(focus) if focus is not None else ""
        path_s = str(path) if isinstance(path, URIRef) else ""
        place = built.fact_places.get((focus_s, path_s)) or built.subject_places.get(focus_s) or Place("(graph)")
        if value is not None and not isinstance(value, BNode) and str(value) not in message:
            message += f": {_show(value)}"
        yield Result(place, severity, message, focus_s, path_s, str(value) if value is not None else "")


def _show(value) -> str:
    if isinstance(value, Literal):
        return f'"{value}"'
    return f"<{value}>"
