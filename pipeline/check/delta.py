"""Validation after a small change of the graph, from the previous release's results.

SHACL Core: whether a focus node conforms to shapes that use only what `Reach.of` accepts
(paths that are single predicates, no SPARQL) depends only on the lines of the subjects it
reaches: its own, then those of every object it reaches by a path's predicate, on and on (a
nested shape, an sh:class's type of a value), and on whether it is a target: its own types
and, for sh:targetObjectsOf, the lines that have it as object. So after a change, the nodes to
judge again are the subjects of changed lines, every node that reaches one of them by path
predicates, and the objects of changed lines whose predicate makes targets of its objects.
The engine judges them on their reach alone; every other node keeps its earlier results.

SHACL-SPARQL: a constraint the fast path runs on a subset of the lines (sparql_scope.py: every
pattern names its predicate, every rdf:type pattern its class) gives the same results on any
graph that has the same lines of that subset. So a constraint none of whose lines changed
keeps its earlier results. One whose lines changed runs only on what the focus nodes a changed
line can touch read: its query's patterns (sparql_scope.pattern_edges), each taken the way it
goes from $this, followed back from the changed lines to those nodes, then forward from them
(`rule_results`); where its patterns cannot be followed so, it runs on all its lines.

Anything this cannot bound goes to the whole graph: other shapes or queries, a blank node,
rdfs:subClassOf in the data (types then reach along the class tree), too many changed lines or
nodes, no record of earlier results for exactly these shapes and queries.
tests/check/test_delta.py (edits of the real graph and of each source table) and
tests/check/test_random_shapes.py (random graphs, edits and shapes) hold this to validating
the whole graph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import astuple, dataclass

import pyoxigraph as ox

from ..graph import mapped
from ..graph.nt_diff import Change
from ..graph.serialize import line_parts, lines_holding, stretch_span
from ..graph.vocab import RDF, RDF_TYPE_TERM, RDFS, SH
from .sparql_rules import SUBCLASS, RawResult

MAX_NODES = 2_000  # nodes judged again
MAX_LINES = 200_000  # lines of their reach
MAX_RECORDED = 100_000  # results kept in a release's record

# The shapes graph's SHACL terms whose meaning looks no further than described above.
_LOCAL = {SH + name for name in (
    "NodeShape", "PropertyShape", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property",
    "path", "node", "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang",
    "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "closed", "ignoredProperties",
    "hasValue", "in", "message", "severity", "name", "description", "order", "group", "defaultValue",
    "deactivated", "declare", "prefixes", "prefix", "namespace", "IRI", "BlankNode", "Literal",
    "BlankNodeOrIRI", "BlankNodeOrLiteral", "IRIOrLiteral", "Violation", "Warning", "Info", "Shape")}
_TARGETS = {SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}


def shapes_digest(text: str) -> str:
    """What names the shapes the earlier SHACL Core results are of: the digest of the shapes
    files' text (the plan made from it is koko's code's, which the record names). Not of the
    plan's graph, whose blank nodes are named afresh where a process parses the shapes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Reach:
    """What the shapes look at beyond a node's own lines: the predicates of their paths, and
    the predicates whose objects are targets."""

    paths: frozenset  # b"<iri>"
    object_targets: frozenset

    @classmethod
    def of(cls, core: bytes) -> "Reach | None":
        """The reach of the shapes graph `core` (N-Triples), None when it uses anything else.
        Only the shapes that select focus nodes are read, and all they refer to: the others
        (a SPARQL shape whose targets the plan took away) judge nothing here."""
        about: dict = {}
        for triple in ox.parse(core, format=ox.RdfFormat.N_TRIPLES):
            about.setdefault(triple.subject, []).append((triple.predicate.value, triple.object))
        implicit = {s for s, pairs in about.items()
                    if (RDF + "type", ox.NamedNode(RDFS + "Class")) in pairs}
        frontier = [s for s, pairs in about.items() if s in implicit or any(p in _TARGETS for p, _ in pairs)]
        seen = set(frontier)
        paths, object_targets = set(), set()
        while frontier:
            for p, o in about.get(frontier.pop(), ()):
                if p.startswith(SH) and p not in _LOCAL or isinstance(o, ox.NamedNode) and o.value.startswith(SH) \
                        and o.value not in _LOCAL:
                    return None
                if p == SH + "path":
                    if not isinstance(o, ox.NamedNode):
                        return None  # a path of more than one step
                    paths.add(f"<{o.value}>".encode())
                elif p == SH + "targetObjectsOf":
                    object_targets.add(f"<{o.value}>".encode())
                if not isinstance(o, ox.Literal) and o not in seen:
                    seen.add(o)
                    frontier.append(o)
        return cls(frozenset(paths), frozenset(object_targets))


@dataclass(frozen=True)
class Earlier:
    """The previous release's results as its record keeps them (`entry`), and the change from
    its graph to the one validated now (records.Recorded.change; None where it is not known)."""

    core_shapes: str  # the shapes_digest of the shapes its SHACL Core results are of
    core: list  # its results, as lists of RawResult's fields
    rules: dict  # rule_key(constraint) -> its results, likewise
    change: Change | None
    counts: dict | None = None  # the graph's counts (catalog.Counting.state), when they were taken

    @classmethod
    def of(cls, entry, change: Change | None) -> "Earlier | None":
        """From a release's record entry (see `entry`), None when it is not one."""
        if not isinstance(entry, dict):
            return None
        core, rules = entry.get("core"), entry.get("rules")
        if not isinstance(core, dict) or not isinstance(rules, dict):
            return None
        lists = [core.get("results"), *rules.values()]
        if not all(isinstance(found, list) and all(isinstance(row, list) and len(row) == 6 for row in found)
                   for found in lists):
            return None
        counts = entry.get("counts")
        return cls(str(core.get("shapes")), core["results"], rules, change, counts if isinstance(counts, dict) else None)


def rule_key(c) -> str:
    """What names a SPARQL constraint across publishes: all that makes its results."""
    return hashlib.sha256(repr((c.shape, c.query, c.messages, c.severity, c.scope, sorted(c.named))).encode()).hexdigest()


def entry(shapes: str, core_found: list, rules: dict, counts: dict | None) -> dict | None:
    """The release record's entry for the next publish: the SHACL Core results with the digest
    of their shapes, each SPARQL constraint's (`rules`: rule_key -> results), and the graph's
    counts; None when they are too many to keep. Written only for a graph with no blank node
    and no rdfs:subClassOf line (`plain`), as no other can be used."""
    if len(core_found) + sum(map(len, rules.values())) > MAX_RECORDED:
        return None
    return {"core": {"shapes": shapes, "results": [list(astuple(r)) for r in core_found]},
            "rules": {key: [list(astuple(r)) for r in found] for key, found in rules.items()}, "counts": counts}


_BLANK = re.compile(rb"_:")  # found by the regular expression engine in 0.09 s at 100,000 rows, by bytes' `in` in 0.24 s


def plain(text: bytes) -> bool:
    """Whether N-Triples hold no blank node and no rdfs:subClassOf line (nor their bytes in a
    literal: the test is on the bytes). A mapped graph is read by pieces (mapped.pieces)."""
    return not any(map(_BLANK.search, mapped.pieces(text))) and SUBCLASS not in text


class Graph:
    """Canonical N-Triples read by subject (a binary search of the sorted lines) and by object
    (a search of the bytes), each term's lines remembered: both validations ask, and the
    constraints of one shape reach the same nodes."""

    def __init__(self, nt: bytes):
        self.nt, self._of, self._to = nt, {}, {}

    def lines_of(self, term: bytes) -> list:
        """The lines whose subject is `term` (an N-Triples term); none for a literal."""
        if not term.startswith(b"<"):
            return []
        found = self._of.get(term)
        if found is None:
            start, end = stretch_span(self.nt, term[1:] + b" ")
            found = self._of[term] = self.nt[start:end].splitlines()
        return found

    def lines_to(self, term: bytes) -> list:
        """The lines whose object is `term` (an N-Triples term, as the line writes it)."""
        found = self._to.get(term)
        if found is None:  # the same bytes may end a longer literal: the object is checked
            found = self._to[term] = [line for line in lines_holding(self.nt, b" " + term + b" .\n")
                                      if line_parts(line)[2] == term]
        return found


def _judged_again(graph: Graph, change: Change, reach: Reach) -> set | None:
    """The nodes (N-Triples terms) whose results may differ from before; None when they are
    too many."""
    seeds, judged = set(), set()
    for line in change.added + change.removed:
        s, p, o = line_parts(line)
        seeds.add(s)
        if p in reach.object_targets:
            if not o.startswith(b"<"):
                return None  # a literal made a focus node or no longer one
            judged.add(o)
    frontier = [s for s in seeds if s not in judged]
    judged |= seeds
    while frontier:  # back along the path predicates: every node that reaches a changed subject
        for line in graph.lines_to(frontier.pop()):
            s, p, _ = line_parts(line)
            if s not in judged and p in reach.paths:
                judged.add(s)
                frontier.append(s)
                if len(judged) > MAX_NODES:
                    return None
    return judged if len(judged) <= MAX_NODES else None


def _reach_lines(graph: Graph, judged: set, reach: Reach) -> list | None:
    """The lines the judged nodes' results depend on: the lines of every subject they reach
    by path predicates, and the lines that make one an object target. None when too many."""
    seen, frontier, out = set(judged), list(judged), []
    while frontier:
        for line in graph.lines_of(frontier.pop()):
            out.append(line)
            _, p, o = line_parts(line)
            if p in reach.paths and o.startswith(b"<") and o not in seen:
                seen.add(o)
                frontier.append(o)
        if len(out) > MAX_LINES:
            return None
    if reach.object_targets:
        for node in judged:
            out.extend(line for line in graph.lines_to(node) if line_parts(line)[1] in reach.object_targets)
    return out


def change_since(earlier: Earlier | None) -> Change | None:
    """The lines added and removed since the earlier results' graph, when the graph now is
    `plain` as that one was (its entry is kept only then: see `entry`); else None."""
    if earlier is None or earlier.change is None or not all(plain(line) for line in earlier.change.added):
        return None
    return earlier.change


def same_core(earlier: Earlier, shapes: str | None) -> bool:
    """Whether the earlier SHACL Core results are of the shapes with this shapes_digest (None:
    of no recorded plan; results are kept only where no value was outside its range's family,
    shapes.unguarded, as the plan then is the one the shapes' text gives)."""
    return shapes is not None and earlier.core_shapes == shapes


def core_results(graph: Graph, core: bytes, shapes: str | None, earlier: Earlier, change: Change, rust) -> tuple | None:
    """(results, the number of nodes judged again) of the shapes graph `core` (of the shapes
    with the shapes_digest `shapes`) on `nt`, which is the
    earlier graph with `change` (change_since), read as a `graph`: the earlier results, and `rust(nt_part)` (the
    engine on a graph, giving RawResults) on the reach of the nodes whose results may have
    changed; None when those cannot be bounded (the whole graph is judged then)."""
    if not same_core(earlier, shapes):
        return None
    reach = Reach.of(core)
    if reach is None:
        return None
    judged = _judged_again(graph, change, reach)
    part = _reach_lines(graph, judged, reach) if judged is not None else None
    if part is None:
        return None
    names = {node.decode("utf-8") for node in judged}
    fresh = rust(b"".join(sorted({line + b"\n" for line in part})))  # even empty: a targetNode needs no line
    kept = [RawResult(*row) for row in earlier.core if row[0] not in names]
    return kept + [r for r in fresh if r.focus in names], len(judged)


def rules_kept(constraints: dict, earlier: Earlier | None, change: Change | None) -> dict:
    """rule_key -> the earlier results of each subset-scoped constraint (`constraints`:
    rule_key -> constraint) none of whose lines changed (a line it can match: its predicate
    named, or rdf:type with its class named)."""
    if earlier is None or change is None:
        return {}
    touched = [_matched(line) for line in change.added + change.removed]
    kept = {}
    for key, c in constraints.items():
        if c.scope != "subset" or key not in earlier.rules:
            continue
        named = {f"<{iri}>".encode() for iri in c.named}
        if not any(term in named for term in touched):
            kept[key] = [RawResult(*row) for row in earlier.rules[key]]
    return kept


def _matched(line: bytes) -> bytes:
    """The term of a line a subset's pick looks at: its class for rdf:type, else its predicate."""
    _, p, o = line_parts(line)
    return o if p == RDF_TYPE_TERM else p


def rule_results(graph: Graph, c, key: str, earlier: Earlier, change: Change, run) -> list | None:
    """The results of the SPARQL constraint `c` on the graph, which is the earlier one with
    `change`: the earlier results, and `run(nt_part)` (`c` on a graph) on the lines the focus
    nodes a changed line can touch read (sparql_scope.pattern_edges: from each node every
    edge of the query, the way it goes from $this); None where `c` or the change cannot be
    bounded so (then `c` runs on all its lines). `key`: its rule_key."""
    edges = c.edges if c.scope == "subset" and key in earlier.rules else None
    if edges is None:
        return None
    edges = [(None if names is None else {f"<{iri}>".encode() for iri in names}, forward) for names, forward in edges]
    seeds = set()
    for line in change.added + change.removed:
        s, p, o = line_parts(line)
        for names, forward in edges:
            if names is None or p in names:
                seeds.add(s if forward else o)
    touched = follow(graph, seeds, edges, True, MAX_NODES)
    part = follow(graph, touched, edges, False, MAX_LINES) if touched is not None else None
    if part is None:
        return None
    names = {term.decode("utf-8") for term in touched}
    fresh = run(b"".join(sorted({line + b"\n" for line in part[1]})))
    kept = [RawResult(*row) for row in earlier.rules[key] if row[0] not in names]
    return kept + [r for r in fresh if r.focus in names]


def follow(graph: Graph, start: set, edges: list, back: bool, limit: int):
    """Following `edges` from the terms `start`: along them (the terms reached, the lines
    read), or `back` against them (the terms that reach `start`); None past `limit` terms or
    lines."""
    seen, frontier, lines = set(start), list(start), set()
    while frontier:
        term = frontier.pop()
        for names, forward in edges:
            out = forward != back  # from a subject to its objects
            for line in graph.lines_of(term) if out else graph.lines_to(term):
                s, p, o = line_parts(line)
                if names is not None and p not in names:
                    continue
                lines.add(line)
                other = o if out else s
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
        if len(seen if back else lines) > limit:
            return None
    return seen if back else (seen, lines)
