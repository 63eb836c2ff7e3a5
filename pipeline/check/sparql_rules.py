"""SHACL-SPARQL constraints evaluated with pyoxigraph's SPARQL engine.

pySHACL runs a SPARQL constraint once per focus node on rdflib's engine; the rules in
shapes/koko-rules.ttl took seconds that way on the small real graph, and would take hours on
a large one. Here each constraint is one query: the shape's targets are joined into the
query's WHERE clause, so `$this` (the same variable as `?this`) is bound by the join instead
of being pre-bound node by node. The results are the ones SHACL defines (focus node, path,
value, message with {?var} filled in, severity); tests/check/test_engines.py checks that they
equal pySHACL's on the real data and the whole broken-source corpus, and
tests/check/test_random_shapes.py on random rules.

`sparql_scope` says whether the join gives pre-binding's answer for a query (else the shape
goes to pySHACL) and which lines of the graph the query can match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ..graph import mapped
from ..graph.vocab import RDF_TYPE, RDFS, SH, XSD
from .sparql_scope import NotFast, check_allowed, pattern_edges, scope


@dataclass(frozen=True)
class Constraint:
    shape: str
    query: str  # the constraint's SELECT with its prefixes and the shape's targets joined in
    messages: tuple
    severity: str
    scope: str = "subset"  # "subset": only the lines `named` can match; "whole": the whole graph
    named: frozenset = frozenset()  # predicates and classes the query can match
    why: str = ""  # why the whole graph, when it is
    classes: tuple = ()  # the shape's target classes, when its targets are classes only (check/focus.py)
    # a "subset" query's edges from $this (sparql_scope.pattern_edges; None where they cannot be told),
    # found with the scope and kept in the plan's cache: a publish then parses no query (check/focus.py, delta.py)
    edges: tuple | None = None


@dataclass(frozen=True)
class RawResult:
    """One result, engine-independent: focus and value as N-Triples terms, path a bare IRI
    ("" for none or a complex path), severity and component IRIs."""

    focus: str
    path: str
    value: str | None
    severity: str
    component: str
    message: str


def _prefixes(g, node) -> str:
    lines = set()
    for prefixes_node in g.objects(node, SH + "prefixes"):
        for decl in g.objects(prefixes_node, SH + "declare"):
            prefix, namespace = g.objects(decl, SH + "prefix"), g.objects(decl, SH + "namespace")
            if prefix and namespace:
                lines.add(f"PREFIX {prefix[0].value}: <{namespace[0].value}>")
    return "\n".join(sorted(lines)) + "\n"


def _target_pattern(g, shape) -> str:
    parts = []
    for cls in g.objects(shape, SH + "targetClass"):
        parts.append(f"{{ ?this <{RDF_TYPE}>/<{RDFS}subClassOf>* {cls} }}")
    for node in g.objects(shape, SH + "targetNode"):
        parts.append(f"{{ VALUES ?this {{ {node} }} }}")
    for p in g.objects(shape, SH + "targetSubjectsOf"):
        parts.append(f"{{ SELECT DISTINCT ?this WHERE {{ ?this {p} ?koko_o }} }}")
    for p in g.objects(shape, SH + "targetObjectsOf"):
        parts.append(f"{{ SELECT DISTINCT ?this WHERE {{ ?koko_s {p} ?this }} }}")
    for target in g.objects(shape, SH + "target"):
        select = g.objects(target, SH + "select")
        if ox.NamedNode(SH + "SPARQLTarget") not in g.objects(target, RDF_TYPE) or not select:
            raise NotFast("a target other than a class, node, subjects-of, objects-of or SPARQL target")
        parts.append("{ " + _strip_prologue(select[0].value) + " }")
    if not parts:
        raise NotFast("no target the SPARQL path can join")
    if any(isinstance(n, ox.Literal) for n in g.objects(shape, SH + "targetNode")):
        raise NotFast("a literal as a target node")
    # each focus node once: a node reached by two targets, or typed with a class and its
    # subclass, would otherwise count twice in a constraint that aggregates
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _strip_prologue(query: str) -> str:
    return re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", query)


_OUTER_WHERE = re.compile(r"(?is)\bWHERE\s*\{")


def constraints_of(g, shape) -> list:
    """The SPARQL constraints of one node shape (`g` a shapes.ShapesGraph), each scoped."""
    true = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    if true in g.objects(shape, SH + "deactivated"):
        return []
    targets = _target_pattern(g, shape)
    found = []
    for node in g.objects(shape, SH + "sparql"):
        if true in g.objects(node, SH + "deactivated"):
            continue
        selects = g.objects(node, SH + "select")
        if not selects:
            raise NotFast("a SPARQL constraint without sh:select")
        prologue, body, place = check_query(g, node, selects[0].value)
        match = _OUTER_WHERE.search(body)
        if match is None or not re.search(r"(?is)^\s*SELECT\b[^{]*[$?]this\b", body):
            raise NotFast("a SELECT that does not project $this")
        query = prologue + body[: match.end()] + f" {targets} " + body[match.end():]
        how, named, why = scope(query, place)
        try:
            ox.Store().query(query)
        except (SyntaxError, OSError, ValueError) as exc:
            raise NotFast(f"pyoxigraph cannot run the query as joined ({str(exc).splitlines()[0][:120]})") from None
        severity = (g.objects(node, SH + "severity") or g.objects(shape, SH + "severity") or [ox.NamedNode(SH + "Violation")])[0]
        messages = tuple(sorted(m.value for m in g.objects(node, SH + "message")))
        found.append(Constraint(shape.value if isinstance(shape, ox.NamedNode) else str(shape), query, messages,
                                severity.value, how, named | _iris_of(targets, prologue), why, _classes_only(g, shape),
                                pattern_edges(query) if how == "subset" else None))
    return found


def _classes_only(g, shape) -> tuple:
    """The shape's target classes, sorted, where it has no other kind of target; else ()."""
    classes = g.objects(shape, SH + "targetClass")
    others = ("targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
    if any(g.objects(shape, SH + name) for name in others) or not all(isinstance(c, ox.NamedNode) for c in classes):
        return ()
    return tuple(sorted({c.value for c in classes}))


def check_query(g, node, select: str) -> tuple:
    """(prologue, body, place) of a constraint's query, checked as SHACL requires."""
    prologue, body, place = _prefixes(g, node), _strip_prologue(select), g.place_of(node)
    check_allowed(prologue + body, place)
    return prologue, body, place


def _iris_of(text: str, prologue: str) -> frozenset:
    """IRIs written in a query text, in full or with a declared prefix."""
    declared = dict(re.findall(r"PREFIX\s+(\w*):\s*<([^>]*)>", prologue))
    found = set(re.findall(r"<([^>\s]+)>", text))
    for prefix, local in re.findall(r"(?<![\w?$])(\w+):([\w-]+)", text):
        if prefix in declared:
            found.add(declared[prefix] + local)
    return frozenset(found)


def store_of(nt: bytes) -> ox.Store:
    """A store of the graph's lines `nt`, read unchecked (see serialize.read_graph): the lines
    are the graph's own, and validation gives its results on a graph, not a check of its syntax."""
    store = ox.Store()
    store.bulk_load(mapped.stream(nt), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store



def named_iris(constraints) -> frozenset:
    """Every predicate and class the subset-scoped constraints can match."""
    found = {RDF_TYPE, RDFS + "subClassOf"}
    for c in constraints:
        if c.scope == "subset":
            found.update(c.named)
    return frozenset(found)


SUBCLASS = ("<" + RDFS + "subClassOf>").encode()


PIECE = 1 << 22  # bytes of the graph relevant_lines splits at once


def relevant_lines(nt: bytes, named: frozenset, counting=None, subclasses: bool = True, advance=None,
                   piece: int | None = None, sink=None) -> bytes:
    """The N-Triples lines of `nt` the rules can match, as N-Triples: a named predicate, or
    rdf:type with a named class or a subclass of one (`subclasses`: whether the graph has any
    rdfs:subClassOf line at all). With `sink`, it hears them instead, a piece's lines at a
    time (as N-Triples; `load_into` a store), and b"" is returned: they are never all held.

    The one pass over every line of the graph: `counting` (a catalog.Counting), when given,
    counts the lines on the way, and `advance(n)` hears how many lines are done, a piece of
    `piece` bytes at a time. A piece is split at once and each line into its three parts by
    one C call; the predicates and classes are counted by Counter.update on a piece's list.
    tests/check/test_relevant_lines.py holds it to the plain per-line loop on random graphs."""
    piece = piece or PIECE
    named_terms = {f"<{iri}>".encode() for iri in named}
    type_predicate = f"<{RDF_TYPE}>".encode()
    out, other_types, edges = [], [], []
    keep = out.append
    last = counting.last_subject if counting is not None else b""
    start, size = 0, len(nt)
    while start < size:
        if sink is not None and out:
            sink(b"\n".join(out) + b"\n")
            out.clear()
        end = nt.find(b"\n", start + piece)
        end = size if end < 0 else end + 1
        lines = nt[start:end].split(b"\n")
        start = end
        predicates, classes, typed, subjects = [], [], [], 0
        predicate_seen = predicates.append
        for line in lines:
            if not line:
                continue
            subject, predicate, rest = line.split(b" ", 2)
            predicate_seen(predicate)
            if subject != last:
                subjects += 1
                last = subject
            if predicate == type_predicate:
                obj = rest[:-2]
                classes.append(obj)
                typed.append(subject)
                if obj in named_terms:
                    keep(line)
                elif subclasses:
                    other_types.append((obj, line))
            elif predicate in named_terms:
                keep(line)
                if predicate == SUBCLASS:
                    edges.append((subject, rest[:-2]))
        if counting is not None:
            counting.add(predicates, classes, subjects, last, typed)
        if advance is not None:
            advance(len(predicates))
    if edges and other_types:  # instances of subclasses of a named class count as its instances
        reach = subclasses_of(named_terms, edges)
        out.extend(line for cls, line in other_types if cls in reach)
    text = b"\n".join(out) + b"\n" if out else b""
    if sink is None:
        return text
    if text:
        sink(text)
    return b""


LOAD_BYTES = 64 << 20  # lines held before they go into the store at once


def load_into(store: ox.Store, nt: bytes, plain: bool = False):
    """A `sink` for relevant_lines over `nt`: the pieces of lines go into `store`, by one
    bulk_load a LOAD_BYTES of them (each call has its cost: at 100,000 rows, 300,000 lines
    went in in 0.5 s at once and in 0.9 s in pieces of 5,000). None where `nt` may hold a
    blank node: bulk_load names one afresh at each call, so the lines of one blank node must
    go in by one call (the whole text, after the pass). `plain`: `nt` is known to hold none.
    Call it with b"" once the pass is over: what it holds then goes in."""
    if not plain and b"_:" in nt:
        return None
    held: list = []

    def sink(text: bytes) -> None:
        held.append(text)
        if not text or sum(map(len, held)) >= LOAD_BYTES:
            data = b"".join(held)
            held.clear()
            if data:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)  # as store_of
    return sink


def subclasses_of(classes: set, edges: list) -> set:
    """`classes` and every class below one of them by the (child, parent) `edges`."""
    reach = set(classes)
    grew = True
    while grew:
        grew = False
        for child, parent in edges:
            if parent in reach and child not in reach:
                reach.add(child)
                grew = True
    return reach


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
                results.append(RawResult(str(focus), path.value if isinstance(path, ox.NamedNode) else "",
                                         str(value if value is not None else focus), c.severity,
                                         SH + "SPARQLConstraintComponent", _fill(message, solution, names)))
    return results
