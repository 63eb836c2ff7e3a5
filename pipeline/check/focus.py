"""SPARQL constraints with few focus nodes, run on the lines those nodes reach.

The rules' store holds every line of each predicate a constraint names (sparql_rules.py). A
constraint aimed at a few nodes can name a predicate that has a line for every row: the 10
fundings' rules read `schema:amount`, `schema:value` and `schema:fundedItem`, and at 100,000
decision rows those are 300,000 of the store's 602,000 lines, read for 10 nodes.

What a focus node's results read can be told from the query's own patterns
(sparql_scope.pattern_edges), as check/delta.py does after an edit: the lines met by following
each pattern from the node, forward from a subject to its objects or back from an object to
its subjects. Here the focus nodes are the subjects of the typing lines of the shape's target
classes, which is what SHACL's targets select in a graph with no blank node and no
rdfs:subClassOf line (the caller's `flat`); the lines they reach are read by subject (a binary
search of the sorted graph) and, against a pattern, from the lines of its predicates, found by
one search of the graph's bytes each. The constraint then runs on a store of those lines.

Only a constraint whose targets are all classes, whose patterns can be followed, and which
names the predicate of each pattern it follows backwards, with at most MAX_FOCUS focus nodes
and MAX_LINES lines, runs so, and only while the searches of the graph's bytes they need stay
within MAX_SEARCHES (steward's shapes with many classes); the others go to the store of all
the rules' lines as before.
tests/check/test_focus.py holds both to the same results on random graphs and constraints.
"""

from __future__ import annotations

from ..graph.serialize import line_parts, lines_holding
from ..graph.vocab import RDF_TYPE
from .delta import MAX_LINES, Graph, follow

MAX_FOCUS = 1_000  # focus nodes of one constraint
MAX_SEARCHES = 24  # searches of the graph's bytes, one a class and one a predicate read backwards: each reads it whole

_TYPE = f"<{RDF_TYPE}>".encode()


def parts(nt: bytes, rules: dict) -> dict:
    """rule key -> (its focus nodes as N-Triples terms, the lines they reach as N-Triples), for
    each of `rules` (key -> sparql_rules.Constraint) that can run on what its focus nodes reach
    in the flat graph `nt` (see the module)."""
    instances: dict = {}  # class IRI -> its instances, None past MAX_FOCUS
    backward: set = set()  # predicates read against a pattern
    plans = {}
    for key, c in rules.items():
        edges = c.edges if c.classes else None
        if edges is None:
            continue
        edges = [(None if names is None else {f"<{iri}>".encode() for iri in names}, forward) for names, forward in edges]
        if any(names is None and not forward for names, forward in edges):
            continue  # back along any predicate: every line with the node as object
        against = {p for names, forward in edges if not forward for p in names} - backward
        searches = len(instances) + len(backward)  # made so far; this constraint's new ones next
        if searches + len(set(c.classes) - instances.keys()) + len(against) > MAX_SEARCHES:
            continue
        focus: set | None = set()
        for cls in c.classes:
            if cls not in instances:
                instances[cls] = _instances(nt, cls)
            if instances[cls] is None:
                focus = None
                break
            focus |= instances[cls]
        if focus is not None and len(focus) <= MAX_FOCUS:
            plans[key] = (focus, edges)
            backward |= against
    if not plans:
        return {}
    graph = _Against(nt, backward)
    found = {}
    for key, (focus, edges) in plans.items():
        reached = follow(graph, focus, edges, False, MAX_LINES)
        if reached is not None:
            found[key] = (focus, b"".join(sorted({line + b"\n" for line in reached[1]})))
    return found


def _instances(nt: bytes, cls: str) -> set | None:
    """The subjects of the typing lines of `cls`; None past MAX_FOCUS."""
    term = f"<{cls}>".encode()
    found = set()
    for line in lines_holding(nt, b"> " + _TYPE + b" " + term + b" ."):
        s, p, o = line_parts(line)
        if p == _TYPE and o == term:
            found.add(s)
            if len(found) > MAX_FOCUS:
                return None
    return found


class _Against(Graph):
    """delta.Graph that reads the lines with a node as object only among the lines of
    `predicates`, all found at once: the only ones `follow` reads against a pattern here."""

    def __init__(self, nt: bytes, predicates: set):
        super().__init__(nt)
        for predicate in predicates:
            for line in lines_holding(nt, b"> " + predicate + b" "):
                _, p, o = line_parts(line)
                if p == predicate:
                    self._to.setdefault(o, []).append(line)

    def lines_to(self, term: bytes) -> list:
        return self._to.get(term, [])
