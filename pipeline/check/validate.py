"""Validate stage: the built graph against the shapes, each result mapped back to its source.

Two engines give the same results (tests/check/test_engines.py checks it on the real data and the
whole broken-source corpus):

- "fast": SHACL Core with `shacl` (a Rust engine), the SPARQL rules with pyoxigraph;
- "pyshacl": pySHACL for everything, on an rdflib graph; the reference.

A result's message is the shape's sh:message when it has one, else a plain sentence made
from the constraint component, so the text a steward reads does not depend on the engine.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from ..config import DEFAULT_BASE_IRI, ONTOLOGY_DIR, SHAPES_DIR
from ..errors import Place
from ..graph.build import Built, literal
from ..graph.vocab import RDF, SH, XSD
from .sparql_rules import RawResult, evaluate, load_constraints, named_iris, relevant_lines, store_of

CORE_SHAPES = "koko-shapes.ttl"  # SHACL Core
RULE_SHAPES = "koko-rules.ttl"  # SHACL-SPARQL rules
SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}

GENERIC = {
    "MinCountConstraintComponent": "a required value is missing",
    "MaxCountConstraintComponent": "has more values than allowed",
    "DatatypeConstraintComponent": "value has the wrong datatype",
    "NodeKindConstraintComponent": "value is of the wrong kind (an IRI or a text)",
    "ClassConstraintComponent": "value is not the kind of thing expected here",
    "PatternConstraintComponent": "value does not have the required form",
    "InConstraintComponent": "value is not one of the allowed values",
    "HasValueConstraintComponent": "the required value is missing",
    "MinInclusiveConstraintComponent": "value is too small",
    "MaxInclusiveConstraintComponent": "value is too large",
    "UniqueLangConstraintComponent": "more than one value in the same language",
    "LanguageInConstraintComponent": "value is not in an allowed language",
    "QualifiedMinCountConstraintComponent": "too few values of the required kind",
    "OrConstraintComponent": "value matches none of the allowed forms",
}


@dataclass(frozen=True, order=True)
class Result:
    place: Place
    severity: str
    message: str
    focus: str
    path: str
    value: str  # an N-Triples term, or "" when the result has none
    component: str = ""

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        if self.place.field:
            text += f" (column {self.place.field})"
        return text


@dataclass
class Report:
    conforms: bool
    results: list = field(default_factory=list)

    @property
    def violation_count(self) -> int:
        return sum(1 for r in self.results if r.severity == "violation")

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.results if r.severity != "violation")


def read_rdf_file(path, base_iri: str) -> str:
    """An ontology or shapes file as text, with its namespace moved to the dataset's base IRI."""
    text = path.read_text(encoding="utf-8")
    return text if base_iri == DEFAULT_BASE_IRI else text.replace(DEFAULT_BASE_IRI, base_iri)


@lru_cache(maxsize=8)
def shapes_text(base_iri: str, names: tuple = (CORE_SHAPES, RULE_SHAPES)) -> str:
    return "\n".join(read_rdf_file(SHAPES_DIR / name, base_iri) for name in names)


@lru_cache(maxsize=4)
def declared_messages(base_iri: str) -> frozenset:
    store = ox.Store()
    store.load(shapes_text(base_iri).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return frozenset(q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(SH + "message"), None))


@lru_cache(maxsize=4)
def rule_constraints(base_iri: str) -> list:
    return load_constraints(shapes_text(base_iri))  # the rules' prefixes are declared in the core file


@lru_cache(maxsize=4)
def _compiled_core(base_iri: str):
    import shacl

    return shacl.Shapes.from_turtle(shapes_text(base_iri, (CORE_SHAPES,)))


def validate(built: Built, nt: bytes, base_iri: str, engine: str = "fast", each_line=None) -> Report:
    """Results of the shapes on the graph `nt` (N-Triples).

    `each_line(line)`, when given, is called with every line of `nt` on the fast engine's one
    pass over them, so that counting the graph costs no second pass.
    """
    raw = _fast(nt, base_iri, each_line) if engine == "fast" else _pyshacl(nt, base_iri)
    if engine != "fast" and each_line is not None:
        for line in io.BytesIO(nt):
            each_line(line.rstrip(b"\n"))
    messages = declared_messages(base_iri)
    results = sorted({_result(r, built, messages) for r in raw})
    return Report(conforms=not any(r.severity == "violation" for r in results), results=results)


def _fast(nt: bytes, base_iri: str, each_line=None) -> list:
    with tempfile.NamedTemporaryFile(suffix=".nt") as data:  # read by the engine itself, not as a Python str
        data.write(nt)
        data.flush()
        report = _compiled_core(base_iri).validate_file(data.name, allow_warnings=True)
    raw = [RawResult(r.focus_node[1:-1], (r.path or "")[1:-1], r.value, r.severity_iri, r.component_iri, r.message or "")
           for r in report.results]
    del report
    constraints = rule_constraints(base_iri)
    subset = b"".join(relevant_lines(io.BytesIO(nt), named_iris(constraints), each_line))
    return raw + evaluate(store_of(subset), constraints)


def _pyshacl(nt: bytes, base_iri: str) -> list:
    """The reference: pySHACL over an rdflib graph, Core and SPARQL rules alike."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH as RSH

    data = Graph().parse(data=nt, format="nt")
    shapes = Graph().parse(data=shapes_text(base_iri), format="turtle")
    _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)

    raw = []
    for node in report.subjects(RSH.resultSeverity, None):
        path = report.value(node, RSH.resultPath)
        messages = sorted(str(m) for m in report.objects(node, RSH.resultMessage)) or [""]
        raw.append(RawResult(str(report.value(node, RSH.focusNode)), str(path) if isinstance(path, URIRef) else "",
                             _nt_term(report.value(node, RSH.value)), str(report.value(node, RSH.resultSeverity)),
                             str(report.value(node, RSH.sourceConstraintComponent)), messages[0]))
    return raw


def rdflib_round_trip(lines: list) -> list:
    """The lines read into an rdflib Graph and written back: the plain rdflib path.

    Publishing from these must give the same bytes as from the build's own lines.
    """
    from rdflib import Graph

    graph = Graph().parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    return [f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .".encode("utf-8") for s, p, o in graph]


def _nt_term(t) -> str | None:
    """An rdflib term as the build writes it in N-Triples; None for no term or a blank node."""
    from rdflib import BNode, URIRef

    if t is None or isinstance(t, BNode):
        return None
    if isinstance(t, URIRef):
        return f"<{t}>"
    datatype = str(t.datatype) if t.datatype and str(t.datatype) != XSD + "string" else None
    return literal(str(t), t.language, f"<{datatype}>" if datatype else None)


def _result(r: RawResult, built: Built, declared: frozenset) -> Result:
    component = r.component.rsplit("#", 1)[-1]
    if r.message in declared or component == "SPARQLConstraintComponent":
        message = r.message
    else:
        name = r.path.rstrip("/").replace("#", "/").rsplit("/", 1)[-1]
        message = f"{name}: {GENERIC.get(component, component)}" if name else GENERIC.get(component, component)
    value = r.value or ""
    if value and value != f"<{r.focus}>" and _plain(value).strip('"<>') not in message:
        message += f": {_plain(value)}"
    place = built.place(r.focus, r.path) or Place("(graph)")
    return Result(place, SEVERITY.get(r.severity, "violation"), message, r.focus, r.path, value, component)


def _plain(term: str) -> str:
    """A term as a steward would write it: "text" for literals, <iri> for IRIs."""
    if term.startswith('"'):
        return term[: term.rindex('"') + 1]
    return term


def report_turtle(report: Report, base_iri: str) -> bytes:
    """The sh:ValidationReport as Turtle; results get IRIs from their content, so runs compare equal."""
    from ..graph.serialize import canonical_nt

    root = f"<{base_iri}id/validation/report>"
    lines = [f"{root} <{RDF}type> <{SH}ValidationReport> .",
             f'{root} <{SH}conforms> "{str(report.conforms).lower()}"^^<{XSD}boolean> .']
    for r in report.results:
        key = hashlib.sha1("\x1f".join((r.focus, r.path, r.value, r.component, r.severity, r.message)).encode()).hexdigest()[:16]
        node = f"<{base_iri}id/validation/result-{key}>"
        lines += [f"{root} <{SH}result> {node} .",
                  f"{node} <{RDF}type> <{SH}ValidationResult> .",
                  f"{node} <{SH}focusNode> <{r.focus}> .",
                  f"{node} <{SH}resultSeverity> <{SH}{r.severity.capitalize()}> .",
                  f"{node} <{SH}sourceConstraintComponent> <{SH}{r.component}> .",
                  f"{node} <{SH}resultMessage> {literal(r.message)} ."]
        if r.path:
            lines.append(f"{node} <{SH}resultPath> <{r.path}> .")
        if r.value:
            lines.append(f"{node} <{SH}value> {r.value} .")
    nt = canonical_nt(line.encode("utf-8") for line in lines)
    return ox.serialize(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                        prefixes={"sh": SH, "validation": base_iri + "id/validation/"})


def ontology_text(base_iri: str) -> str:
    return read_rdf_file(ONTOLOGY_DIR / "koko.ttl", base_iri)
