"""Validate stage: the built graph against the shapes, each result mapped back to its source.

Two engines give the same results, for the project's shapes and for any a steward writes
(tests/check: the real data and the broken-source corpus, the W3C SHACL test suite, random
shapes):

- "pyshacl": pySHACL for everything, on an rdflib graph; the reference;
- "fast", the default: each shape on the engine `shapes.ShapesGraph.plan` routes it to: SHACL
  Core in `shacl` (a Rust engine), SHACL-SPARQL in pyoxigraph, and pySHACL for what neither
  is shown to answer as the reference does. The report's notes name the shapes that left the
  fast path and why.

A result's message is the shape's sh:message when it has one, else a plain sentence made
from the constraint component, so the text a steward reads does not depend on the engine.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..config import DEFAULT_BASE_IRI, ONTOLOGY_DIR, SHAPES_DIR
from ..errors import Code, InputError, Place, Problem
from ..graph.build import Built, literal
from ..graph.vocab import RDF, SH, XSD
from ..i18n import N_, Msg, catalogue_id
from ..sources.readers import display_path
from . import class_tests, delta
from .focus import parts as focus_parts
from .shapes import ShapesFile, ShapesGraph, parse_term, unguarded
from .sparql_rules import SUBCLASS, RawResult, evaluate, load_into, named_iris, relevant_lines, store_of

CORE_SHAPES = "koko-shapes.ttl"  # SHACL Core
RULE_SHAPES = "koko-rules.ttl"  # SHACL-SPARQL rules
SEVERITY = {SH + "Violation": "violation", SH + "Warning": "warning", SH + "Info": "info"}

GENERIC = {
    "MinCountConstraintComponent": N_("a required value is missing"),
    "MaxCountConstraintComponent": N_("has more values than allowed"),
    "DatatypeConstraintComponent": N_("value has the wrong datatype"),
    "NodeKindConstraintComponent": N_("value is of the wrong kind (an IRI or a text)"),
    "ClassConstraintComponent": N_("value is not the kind of thing expected here"),
    "PatternConstraintComponent": N_("value does not have the required form"),
    "InConstraintComponent": N_("value is not one of the allowed values"),
    "HasValueConstraintComponent": N_("the required value is missing"),
    "MinInclusiveConstraintComponent": N_("value is too small"),
    "MaxInclusiveConstraintComponent": N_("value is too large"),
    "UniqueLangConstraintComponent": N_("more than one value in the same language"),
    "LanguageInConstraintComponent": N_("value is not in an allowed language"),
    "QualifiedMinCountConstraintComponent": N_("too few values of the required kind"),
    "OrConstraintComponent": N_("value matches none of the allowed forms"),
}


@dataclass(frozen=True, order=True)
class Result:
    place: Place
    severity: str
    message: str  # in English, as the shapes say it (validation.ttl keeps it so)
    focus: str
    path: str
    value: str  # an N-Triples term, or "" when the result has none
    component: str = ""
    said: Msg | None = field(default=None, compare=False, hash=False)  # the message for people, in their language

    def __str__(self) -> str:
        return str(Problem(self.place, self.said or self.message, code=Code.SHAPES_ERROR))


@dataclass
class Report:
    conforms: bool
    results: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # shapes that took a slower path, and why
    kept: dict | None = None  # the results the next publish can keep (delta.entry)
    judged_again: int | None = None  # nodes SHACL Core judged after a change; None: the whole graph
    rules_kept: int = 0  # SPARQL constraints that kept their results after a change
    rules_bounded: int = 0  # SPARQL constraints run only on what the change can touch
    counted_since: bool = False  # the graph's counts came from the previous release's and the change

    @property
    def violation_count(self) -> int:
        return sum(1 for r in self.results if r.severity == "violation")

    @property
    def warning_count(self) -> int:
        return sum(1 for r in self.results if r.severity != "violation")


def read_rdf_file(path, base_iri: str, shown: str | None = None) -> str:
    """An ontology or shapes file as text, with its namespace moved to the dataset's base IRI;
    a file that cannot be read is a source problem naming it (`shown`: its name for a steward)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(Place(shown or str(path)), Msg('not UTF-8 text (byte {start})', start=exc.start), code=Code.ENCODING_ERROR)]) from None
    except OSError as exc:
        raise InputError([Problem(Place(shown or str(path)), Msg('cannot be read: {reason}', reason=exc.strerror or exc),
                                  code=Code.FILE_UNREADABLE)]) from None
    return text if base_iri == DEFAULT_BASE_IRI else text.replace(DEFAULT_BASE_IRI, base_iri)


def shape_files(extra: Path | None = None) -> list:
    """(name shown, file) of every shapes file a run reads: the shipped ones (the Core shapes
    first, the SPARQL rules next, as they use its prefixes, then any other, by name), then the
    `.ttl` files of a steward's folder (`extra`), by name. koko's own two files must be there:
    a koko without them would check nothing and say the data conforms."""
    first_names = (CORE_SHAPES, RULE_SHAPES)
    present = {p.name for p in SHAPES_DIR.iterdir()} if SHAPES_DIR.is_dir() else set()  # an unreadable one fails on reading
    missing = [name for name in first_names if name not in present]
    if missing:
        raise InputError([Problem(Place(str(SHAPES_DIR)), Msg("koko's shapes are missing: looked for {files} in this folder", files=' and '.join(missing)), Msg('reinstall koko (pip install koko-lod), or restore shapes/ in a checkout'),
                                  code=Code.FILE_NOT_FOUND)])
    first = [SHAPES_DIR / name for name in first_names]
    shipped = first + sorted((p for p in SHAPES_DIR.iterdir() if p.name.endswith(".ttl") and p.name not in first_names),
                             key=lambda p: p.name)
    files = [(f"shapes/{p.name}", p) for p in shipped]
    if extra is not None:
        if not extra.is_dir():
            raise InputError([Problem(Place(display_path(extra)), Msg('the shapes folder does not exist'),
                                      Msg('give a folder of SHACL shapes in Turtle (.ttl)'), code=Code.FILE_NOT_FOUND)])
        own = sorted(p for p in extra.iterdir() if p.suffix == ".ttl")
        if not own:
            raise InputError([Problem(Place(display_path(extra)), Msg('the shapes folder holds no .ttl file'),
                                      Msg('put SHACL shapes in Turtle files ending in .ttl there, or leave the setting out'),
                                      code=Code.FILE_NOT_FOUND)])
        files += [(display_path(p), p) for p in own]
    return files


def project_shapes(base_iri: str, extra: Path | None = None) -> ShapesGraph:
    """The shapes a run validates with (see shape_files), checked once per distinct text."""
    return _shapes_graph(tuple(ShapesFile(name, read_rdf_file(path, base_iri, name)) for name, path in shape_files(extra)))


@lru_cache(maxsize=4)
def _shapes_graph(files: tuple) -> ShapesGraph:
    shapes = ShapesGraph(list(files))
    if not _defines_a_shape(shapes.store):
        raise InputError([Problem(Place(", ".join(f.name for f in files)), Msg('these files define no SHACL shape: validating with them would check nothing'), code=Code.SHAPES_ERROR)])
    return shapes


def _defines_a_shape(store) -> bool:
    kinds = {SH + "NodeShape", SH + "PropertyShape"}
    targets = {SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}
    return any(q.predicate.value in targets or (q.predicate.value == RDF + "type" and q.object.value in kinds)
               for q in store)


def prepare(base_iri: str, extra: Path | None = None, until=lambda: False) -> None:
    """Do now what validating starts with and reads of the shapes alone: read and plan them
    (the plan holds each rule's scope and edges, parsed once and kept in the plan's cache),
    compile them for the Rust engine. A process forked after this finds it done: the publish
    calls it while it waits for the graph child to sort and write. It stops between steps once
    `until()`: the time is only free while the graph child works, and what is left is done
    where it is needed, as on a small graph, where the graph child is done at once. Only a
    cache: whatever fails here is left to fail there."""
    try:
        plan = project_shapes(base_iri, extra).plan()
        if plan.core is not None and not until():
            _compiled(class_tests.rewritten(plan.core))  # as _core gives them for a plain graph, as a publish's is
    except Exception:  # noqa: BLE001 - see above
        pass


def shapes_text(base_iri: str, extra: Path | None = None) -> str:
    return project_shapes(base_iri, extra).text


def declared_messages(shapes: ShapesGraph) -> frozenset:
    return frozenset(q.object.value for q in shapes.store.quads_for_pattern(None, ox.NamedNode(SH + "message"), None))


def validate(built: Built, nt: bytes, base_iri: str, engine: str = "fast", counting=None,
             extra_shapes: Path | None = None, nt_file: Path | None = None, advance=None,
             earlier: delta.Earlier | None = None) -> Report:
    """Results of the project's shapes (and a steward's, `extra_shapes`) on the graph `nt`.

    `counting` (a catalog.Counting), when given, counts every line of `nt` on the one pass
    over them that picks the lines the SPARQL rules need, so that counting the graph costs no
    second pass; `advance(n)` hears the lines done on that pass. `nt_file`, when given, holds exactly `nt` (the
    staged koko.nt): the Rust engine reads it instead of a copy. `earlier`: the previous
    release's results, which spare judging what a change cannot have touched (delta.py).
    """
    shapes = project_shapes(base_iri, extra_shapes)
    told: dict = {}
    raw, notes = raw_results(nt, shapes, engine, counting, nt_file, advance, earlier, told)
    messages = declared_messages(shapes)
    results = sorted({_result(r, built, messages) for r in raw})
    return Report(conforms=not any(r.severity == "violation" for r in results), results=results, notes=notes,
                  kept=told.get("validation"), judged_again=told.get("judged_again"),
                  rules_kept=told.get("rules_kept", 0), rules_bounded=told.get("rules_bounded", 0),
                  counted_since=told.get("counted", False))


def raw_results(nt: bytes, shapes: ShapesGraph, engine: str = "fast", counting=None,
                nt_file: Path | None = None, advance=None, earlier: delta.Earlier | None = None,
                told: dict | None = None) -> tuple:
    """(results, notes) of `shapes` on the N-Triples `nt`: the validation entry point that the
    project's validation and the W3C suite test share. With `earlier` (see validate), `told`
    hears what the next publish can keep ("validation": delta.entry), how many nodes SHACL
    Core judged again ("judged_again", absent when it judged the whole graph) and how many
    SPARQL constraints kept their results ("rules_kept") or ran only on what the change can
    touch ("rules_bounded")."""
    told = {} if told is None else told
    if engine != "fast":
        raw = _pyshacl(nt, shapes.text, "turtle")
        if counting is not None or advance is not None:  # the same pass, picking nothing
            relevant_lines(nt, frozenset(), counting, subclasses=False, advance=advance)
        return raw, []
    plan = shapes.plan()
    key = delta.shapes_digest(shapes.text)  # of this plan: the one with no shape sent to pySHACL for a value
    change = delta.change_since(earlier)
    flat = change is not None or delta.plain(nt)  # a change_since is of a plain graph to a plain graph
    # earlier results are kept only where no value was outside its family: then only an added line can be
    odd = unguarded(plan, nt if change is None or not delta.same_core(earlier, key)
                    else b"".join(line + b"\n" for line in change.added)) if plan.guards else {}
    if odd:  # values the two engines would compare differently: those shapes go to pySHACL
        plan = shapes.plan({root: f"a value of <{p}> that is not a valid literal of its range's type"
                            for root, p in odd.items()})
    counted = counting is not None and change is not None and counting.since(earlier.counts, nt, change)
    with ThreadPoolExecutor(1, thread_name_prefix="koko-core") as beside:
        # the Rust engine lets go of the interpreter: SHACL Core runs on a core of its own
        # while this thread picks and counts the lines and the SPARQL rules run on them
        graph = delta.Graph(nt) if change is not None else None
        core = beside.submit(_core, nt, plan.core, None if odd else key, nt_file, earlier, change, told, graph, flat) \
            if plan.core is not None else None
        subset = {delta.rule_key(c): c for c in plan.constraints if c.scope == "subset"}
        kept = delta.rules_kept(subset, earlier, change)
        bounded = {}
        for key_of_rule, c in subset.items():
            if change is not None and key_of_rule not in kept:
                found = delta.rule_results(graph, c, key_of_rule, earlier, change,
                                           lambda part, c=c: evaluate(store_of(part), [c]))
                if found is not None:
                    bounded[key_of_rule] = found
        run = {k: c for k, c in subset.items() if k not in kept and k not in bounded}
        focused = {}
        for key_of_rule, (focus, part) in (focus_parts(nt, run) if run and flat else {}).items():
            names = {term.decode("utf-8") for term in focus}
            focused[key_of_rule] = [r for r in evaluate(store_of(part), [run.pop(key_of_rule)]) if r.focus in names]
        store = ox.Store() if run else None
        sink = load_into(store, nt, flat) if run else None  # the lines go into the store as they are picked
        if run or not counted:
            lines = relevant_lines(nt, named_iris(run.values()), None if counted else counting, not flat and SUBCLASS in nt,
                                   advance, sink=sink)
            if sink is not None:
                sink(b"")  # the rest it holds
            if run and sink is None:
                store = store_of(lines)
            del lines
        elif advance is not None:
            advance(nt.count(b"\n"))
        by_rule = {**kept, **bounded, **focused, **{k: evaluate(store, [c]) for k, c in run.items()}}
        del store
        core_found = core.result() if core is not None else []
    raw = core_found + [r for k in subset for r in by_rule[k]]
    if kept or bounded:
        told["rules_kept"], told["rules_bounded"] = len(kept), len(bounded)
    if focused:
        told["rules_focused"] = len(focused)
    if counted:
        told["counted"] = True
    if not odd and flat:
        told["validation"] = delta.entry(key, core_found, by_rule, counting.state() if counting is not None else None)
    whole = [c for c in plan.constraints if c.scope == "whole"]
    if whole:
        raw += evaluate(store_of(nt), whole)
    if plan.reference is not None:
        raw += _pyshacl(nt, plan.reference.decode("utf-8"), "nt")
    return [_canonical(r) for r in raw], plan.notes


def _core(nt: bytes, shapes_nt: bytes, key: str | None, nt_file: Path | None, earlier, change, told: dict,
          graph: delta.Graph | None, plain: bool) -> list:
    """SHACL Core on `nt`: after a `change` of the earlier graph, on the nodes it may have
    touched (delta.py; `key`: the shapes' shapes_digest), else on the whole graph. `plain`:
    whether `nt` is delta.plain (so every part of it)."""
    found = None
    engine_nt = class_tests.rewritten(shapes_nt) if plain else shapes_nt  # (no rdfs:subClassOf: see class_tests)
    if change is not None:
        found = delta.core_results(graph, shapes_nt, key, earlier, change, lambda part: _rust(part, engine_nt))
    if found is not None:
        found, told["judged_again"] = found
        return found
    return _rust(nt, engine_nt, nt_file)


@lru_cache(maxsize=8)
def _compiled(shapes_nt: bytes):
    import shacl

    return shacl.Shapes.from_text(shapes_nt.decode("utf-8"), format="ntriples")


def _rust(nt: bytes, shapes_nt: bytes, nt_file: Path | None = None) -> list:
    """SHACL Core in the Rust engine, over the whole graph: read by the engine itself from
    `nt_file` (which holds `nt`), or else from a copy, never as a Python str."""
    if nt_file is not None:
        report = _compiled(shapes_nt).validate_file(str(nt_file))
    else:
        with tempfile.NamedTemporaryFile(suffix=".nt") as data:
            data.write(nt)
            data.flush()
            report = _compiled(shapes_nt).validate_file(data.name)
    return [RawResult(r.focus_node, _bare(r.path), r.value, r.severity_iri, r.component_iri,
                      min(r.messages) if r.messages else "") for r in report.results]


def _bare(path: str | None) -> str:
    """A result path as a bare IRI; "" for none or a complex path."""
    if path and path.startswith("<") and path.endswith(">") and path.count("<") == 1:
        return path[1:-1]
    return ""


def _pyshacl(nt: bytes, shapes: str, shapes_format: str) -> list:
    """The reference: pySHACL over an rdflib graph."""
    import rdflib
    from rdflib import Graph

    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False  # values as written, as in the data
    try:
        data = Graph().parse(data=bytes(nt), format="nt")  # (the reference engine, on graphs that fit)
        shapes_graph = Graph().parse(data=shapes, format=shapes_format)
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return pyshacl_results(data, shapes_graph)


def pyshacl_results(data, shapes_graph) -> list:
    """The results of pySHACL on `data` (an rdflib Graph, or a pyoxigraph Store, which pySHACL
    0.40 validates directly: benchmarks/pyshacl_oxigraph.py compares that with the fast path)."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH as RSH

    try:
        # allow_warnings stays off: it would also let a nested shape with only warnings conform,
        # which SHACL does not; whether the data conforms is decided from the results' severities
        _, report, text = shacl_validate(data, shacl_graph=shapes_graph, inference="none", advanced=True)
    except Exception as exc:  # pySHACL raises many kinds, all about shapes it cannot evaluate
        raise InputError([Problem(Place("shapes"), Msg("pySHACL cannot evaluate the shapes: {reason}",
                                                     reason=(str(exc).splitlines() or [""])[0][:300]),
                                  code=Code.SHAPES_ERROR)]) from None
    if not isinstance(report, Graph):  # pySHACL's word for a shapes graph it refuses
        raise InputError([Problem(Place("shapes"), Msg('pySHACL refuses the shapes: {reason}', reason=str(text).strip()[:300]),
                                  code=Code.SHAPES_ERROR)])

    raw = []
    for node in report.objects(None, RSH.result):  # the report's results, not the sh:detail under them
        path = report.value(node, RSH.resultPath)
        messages = sorted(str(m) for m in report.objects(node, RSH.resultMessage)) or [""]
        raw.append(RawResult(_nt_term(report.value(node, RSH.focusNode)), str(path) if isinstance(path, URIRef) else "",
                             _nt_term(report.value(node, RSH.value)), str(report.value(node, RSH.resultSeverity)),
                             str(report.value(node, RSH.sourceConstraintComponent)), messages[0]))
    return raw


def _canonical(r: RawResult) -> RawResult:
    """The same result with its terms written as pyoxigraph writes them, whichever engine."""
    return RawResult(_term(r.focus), r.path, _term(r.value) if r.value else None, r.severity, r.component, r.message)


@lru_cache(maxsize=65536)
def _term(text: str) -> str:
    return text if text.startswith(("<", "_:")) else str(parse_term(text))


def rdflib_round_trip(lines: list) -> list:
    """The lines read into an rdflib Graph and written back: the plain rdflib path.

    Publishing from these must give the same bytes as from the build's own lines.
    """
    from rdflib import Graph

    graph = Graph().parse(data=b"\n".join(lines).decode("utf-8"), format="nt")
    return [f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .".encode("utf-8") for s, p, o in graph]


def _nt_term(t) -> str | None:
    """An rdflib term as the build writes it in N-Triples; None for no term."""
    from rdflib import BNode, URIRef

    if t is None:
        return None
    if isinstance(t, BNode):
        return f"_:{t}"
    if isinstance(t, URIRef):
        return f"<{t}>"
    datatype = str(t.datatype) if t.datatype and str(t.datatype) != XSD + "string" else None
    return literal(str(t), t.language, f"<{datatype}>" if datatype else None)


def _result(r: RawResult, built: Built, declared: frozenset) -> Result:
    component = r.component.rsplit("#", 1)[-1]
    if r.message in declared or component == "SPARQLConstraintComponent":
        message, said = r.message, shape_message(r.message, declared)
    else:
        name = r.path.rstrip("/").replace("#", "/").rsplit("/", 1)[-1]
        generic = GENERIC.get(component, component)
        message = f"{name}: {generic}" if name else generic
        said = Msg("{name}: {problem}", name=name, problem=Msg(generic)) if name else Msg(generic)
    value = r.value or ""
    shown = _plain(value).strip('"<>')
    if value and value != r.focus and shown not in message and shown.rsplit("/", 1)[-1] not in message.split():
        message += f": {_plain(value)}"
        said = Msg("{problem}: {value}", problem=said, value=_plain(value))
    focus = r.focus[1:-1] if r.focus.startswith("<") else r.focus
    place = built.place(focus, r.path, value) or Place("(graph)")
    return Result(place, SEVERITY.get(r.severity, "violation"), message, focus, r.path, value, component, said)


_VARIABLE = re.compile(r"\{[?$](\w+)\}")


@lru_cache(maxsize=8)
def _templates(declared: frozenset) -> tuple:
    """(pattern, catalogue id) of each declared message with {?variables}: the pattern reads
    the values back out of a message the engine filled in."""
    out = []
    for template in sorted(declared, key=len, reverse=True):
        if _VARIABLE.search(template):
            parts = _VARIABLE.split(template)
            pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.*?)" for i, p in enumerate(parts))
            try:
                out.append((re.compile(pattern + r"\Z", re.S), catalogue_id(template)))
            except re.error:  # a variable named twice: say such a message as it is
                continue
    return tuple(out)


def shape_message(message: str, declared: frozenset) -> Msg:
    """A shape's message for people: the catalogue's text of its template, with the values
    the engine filled in (a message koko's catalogues do not hold is said as written)."""
    if message in declared and not _VARIABLE.search(message):
        return Msg(catalogue_id(message))
    for pattern, msgid in _templates(declared):
        found = pattern.match(message)
        if found:
            return Msg(msgid, **found.groupdict())
    return Msg(catalogue_id(message))


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


@lru_cache(maxsize=4)
def ontology_text(base_iri: str) -> str:
    """ontology/koko.ttl for this base IRI; a file that does not parse is a source problem."""
    path = ONTOLOGY_DIR / "koko.ttl"
    if not path.is_file():
        raise InputError([Problem(Place(str(ONTOLOGY_DIR)), Msg("koko's ontology is missing: looked for koko.ttl in this folder"),
                                  Msg('reinstall koko (pip install koko-lod), or restore ontology/ in a checkout'),
                                  code=Code.FILE_NOT_FOUND)])
    text = read_rdf_file(path, base_iri, "ontology/koko.ttl")
    ShapesGraph.parse_or_raise([ShapesFile("ontology/koko.ttl", text)])
    return text
