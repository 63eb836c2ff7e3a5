"""SHACL Core results after a small change of the graph, from the previous release's results.

Whether a focus node conforms to shapes that use only what `Reach.of` accepts (paths that are
single predicates, no SPARQL) depends only on the lines of the subjects it reaches: its own,
then those of every object it reaches by a path's predicate, on and on (a nested shape, an
sh:class's type of a value), and on whether it is a target: its own types and, for
sh:targetObjectsOf, the lines that have it as object. So after a change, the nodes to judge
again are the subjects of changed lines, every node that reaches one of them by path
predicates, and the objects of changed lines whose predicate makes targets of its objects.
The engine judges them on their reach alone; every other node keeps its earlier results.

Anything this cannot bound goes to the whole graph: other shapes, a blank node, rdfs:subClassOf
in the data (types then reach along the class tree), too many changed lines or nodes, no record
of the earlier results for exactly these shapes. tests/check/test_random_shapes.py holds this
to the engine on the whole graph, on random graphs, edits and shapes.
"""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from pathlib import Path

import pyoxigraph as ox

from ..graph.nt_diff import Change, diff_file
from ..graph.serialize import stretch_span
from ..graph.vocab import RDF, RDFS, SH
from .sparql_rules import RawResult

MAX_CHANGED_BYTES = 16 << 20  # the old graph's lines between the two graphs' common beginning and end
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
SUBCLASS = f"<{RDFS}subClassOf>".encode()
_TARGETS = {SH + name for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")}


def shapes_digest(core: bytes) -> str:
    return hashlib.sha256(core).hexdigest()


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
    """The previous release's SHACL Core results (sparql_rules.RawResult fields, as lists) for
    the shapes with this digest, and the file of its graph."""

    shapes: str
    results: list
    nt_file: Path


def _subject(line: bytes) -> bytes | None:
    """The IRI of a line's subject (its text between < and >), None for a blank node."""
    return line[1:line.index(b"> ")] if line.startswith(b"<") else None


def _object_iri(line: bytes) -> bytes | None:
    rest = line[line.index(b"> ") + 2:]
    rest = rest[rest.index(b"> ") + 2:-2]
    return rest[1:-1] if rest.startswith(b"<") else None


def _predicate(line: bytes) -> bytes:
    rest = line[line.index(b"> ") + 2:]
    return rest[:rest.index(b"> ") + 1]


def _lines_to(nt: bytes, node: bytes) -> list:
    """The lines of `nt` whose object is the IRI `node`."""
    needle, found, at = b" <" + node + b"> .\n", [], nt.find(b" <" + node + b"> .\n")
    while at >= 0:
        found.append(nt[nt.rfind(b"\n", 0, at) + 1:at + len(needle) - 1])
        at = nt.find(needle, at + 1)
    return found


def _judged_again(nt: bytes, change: Change, reach: Reach) -> set | None:
    """The nodes (IRIs, bytes) whose results may differ from before; None when they are too many."""
    seeds, judged = set(), set()
    for line in change.added + change.removed:
        seeds.add(_subject(line))
        if _predicate(line) in reach.object_targets:
            target = _object_iri(line)
            if target is None:
                return None  # a literal made a focus node or no longer one
            judged.add(target)
    frontier = [s for s in seeds if s not in judged]
    judged |= seeds
    while frontier:  # back along the path predicates: every node that reaches a changed subject
        node = frontier.pop()
        for line in _lines_to(nt, node):
            subject = _subject(line)
            if subject is not None and subject not in judged and _predicate(line) in reach.paths:
                judged.add(subject)
                frontier.append(subject)
                if len(judged) > MAX_NODES:
                    return None
    return judged if len(judged) <= MAX_NODES else None


def _reach_lines(nt: bytes, judged: set, reach: Reach) -> list | None:
    """The lines the judged nodes' results depend on: the lines of every subject they reach
    by path predicates, and the lines that make one an object target. None when too many."""
    seen, frontier, out = set(judged), list(judged), []
    while frontier:
        node = frontier.pop()
        start, end = stretch_span(nt, node + b"> ")
        for line in nt[start:end].splitlines():
            out.append(line)
            if _predicate(line) in reach.paths:
                target = _object_iri(line)
                if target is not None and target not in seen:
                    seen.add(target)
                    frontier.append(target)
        if len(out) > MAX_LINES:
            return None
    if reach.object_targets:
        for node in judged:
            out.extend(line for line in _lines_to(nt, node) if _predicate(line) in reach.object_targets)
    return out


def change_since(nt: bytes, earlier: Earlier | None, core: bytes | None) -> Change | None:
    """The lines added and removed since the earlier results' graph, when those results are
    for the shapes `core` and the two graphs are of the kind this module bounds; else None."""
    if earlier is None or core is None or earlier.shapes != shapes_digest(core) or b"_:" in nt or SUBCLASS in nt:
        return None
    change = diff_file(earlier.nt_file, nt, MAX_CHANGED_BYTES)
    if change is None or any(line.startswith(b"_:") or SUBCLASS in line for line in change.removed):
        return None
    return change


def results(nt: bytes, core: bytes, earlier: Earlier, change: Change, rust) -> tuple | None:
    """(results, the number of nodes judged again) of the shapes `core` on `nt`, which is the
    earlier graph with `change` (change_since): the earlier results, and `rust(nt_part)` (the
    engine on a graph, giving RawResults) on the reach of the nodes whose results may have
    changed; None when those cannot be bounded (the whole graph is judged then)."""
    if earlier.shapes != shapes_digest(core):
        return None
    reach = Reach.of(core)
    if reach is None:
        return None
    judged = _judged_again(nt, change, reach)
    part = _reach_lines(nt, judged, reach) if judged is not None else None
    if part is None:
        return None
    names = {"<" + node.decode("utf-8") + ">" for node in judged}
    fresh = rust(b"".join(sorted({line + b"\n" for line in part})))  # even empty: a targetNode needs no line
    kept = [RawResult(*row) for row in earlier.results if row[0] not in names]
    return kept + [r for r in fresh if r.focus in names], len(judged)


def entry(core: bytes, found: list) -> dict | None:
    """The release record's entry for the next publish: these shapes' results on this graph;
    None when they are too many to keep."""
    if len(found) > MAX_RECORDED:
        return None
    return {"shapes": shapes_digest(core), "results": [list(astuple(r)) for r in found]}
