"""What a SHACL-SPARQL SELECT can see, read from its algebra (rdflib's SPARQL parser).

SHACL pre-binds $this: the focus node stands wherever $this is written. The fast path joins
the shape's targets into the query instead, which gives the same rows only when $this is
bound, by the query's own patterns or the joined targets, everywhere an expression uses it;
`scope` checks that (a FILTER on $this in a UNION branch or a nested group is where the two
differ) and sends the rest to pySHACL (`NotFast`).

It also says which triples the query can match: when every triple pattern names its predicate
(an IRI, a path of IRIs, or a variable a FILTER holds to a list of IRIs) and every rdf:type
pattern names its class, the query runs on just those lines ("subset"); otherwise on the
whole graph ("whole"). What SHACL forbids with pre-bound variables (MINUS, SERVICE, VALUES,
AS $this; section 5.3.1) is a shapes error.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import Code, InputError, Problem
from ..graph.vocab import RDF_TYPE
from ..i18n import Msg

PRE_BOUND = ("this", "shapesGraph", "currentShape")  # in a SPARQL constraint (SHACL 5.3.1)
UNSUPPORTED = ("PATH", "shapesGraph", "currentShape")  # pre-bound variables the fast path does not bind


class NotFast(Exception):
    """This constraint needs the reference engine; the message says why."""


def check_allowed(query: str, place) -> None:
    """The steward's query as SHACL allows it; raises InputError where SHACL forbids it."""
    from rdflib.term import Variable

    algebra = _parse(query, place)

    def forbid(what: str):
        raise InputError([Problem(place, Msg('SHACL does not allow {what} in a SPARQL constraint (section 5.3.1)', what=what),
                                  Msg('rewrite the query without it'), code=Code.SHAPES_ERROR)])

    for node in _nodes(algebra):
        name = getattr(node, "name", None)
        if name == "ToMultiSet" and getattr(node["p"], "name", None) != "values" \
                and Variable("this") not in _projected(node["p"]):
            forbid("a subquery that does not return $this")
        if name == "SubSelect" and not re.search(r"(?is)^\s*SELECT\b[^{]*[$?]this\b", _text(node)):
            forbid("a subquery that does not return $this")
        if name in ("Minus", "MinusGraphPattern"):
            forbid("MINUS")
        if name in ("ServiceGraphPattern", "ServiceGraphPattern_"):
            forbid("SERVICE")
        if name in ("values", "InlineData", "InlineDataOneVar", "InlineDataFull"):
            forbid("VALUES")
    bound = re.search(r"(?i)\bAS\s+[?$](" + "|".join(PRE_BOUND) + r")\b", query)
    if bound:
        forbid(f"AS ?{bound.group(1)}")
    for variable in UNSUPPORTED:
        if re.search(r"[$?]" + variable + r"\b", query):
            raise NotFast(f"${variable}")


def scope(joined: str, place=None) -> tuple:
    """("subset", named IRIs, "") or ("whole", frozenset(), why) for a query with the shape's
    targets joined in; raises NotFast where the join would not give pre-binding's answer."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql.algebra import triples as algebra_triples
    from rdflib.term import URIRef, Variable

    algebra = _parse(joined, place)
    named, whole = set(), []
    this = Variable("this")

    def path_iris(p) -> None:
        if isinstance(p, URIRef):
            named.add(str(p))
        elif isinstance(p, NegatedPath):
            whole.append("a negated property set")
        elif isinstance(p, (SequencePath, AlternativePath)):
            for a in p.args:
                path_iris(a)
        elif isinstance(p, InvPath):
            path_iris(p.arg)
        elif isinstance(p, MulPath):
            path_iris(p.path)
        else:
            whole.append("a variable predicate")

    def narrowing(expr) -> dict:
        """Variables a FILTER holds to a list of IRIs: ?v IN (<a>, <b>), ?v = <a>, and && of them."""
        name = getattr(expr, "name", None)
        found: dict = {}
        if name == "ConditionalAndExpression":
            for part in [expr["expr"]] + list(expr["other"] if "other" in expr else []):
                for var, iris in narrowing(part).items():
                    found[var] = found[var] & iris if var in found else iris
        elif name == "RelationalExpression" and isinstance(expr["expr"], Variable) and "other" in expr:
            other = expr["other"]
            if expr["op"] == "IN" and other and all(isinstance(o, URIRef) for o in other):
                found[str(expr["expr"])] = {str(o) for o in other}
            elif expr["op"] == "=" and isinstance(other, URIRef):
                found[str(expr["expr"])] = {str(other)}
        return found

    def pattern(p, o, narrowed: dict) -> None:
        if isinstance(p, Variable):
            if str(p) not in narrowed or (RDF_TYPE in narrowed[str(p)] and not isinstance(o, URIRef)):
                whole.append("a variable predicate")
                return
            named.update(narrowed[str(p)])
            if RDF_TYPE in narrowed[str(p)]:
                named.add(str(o))
            return
        if not isinstance(p, URIRef) and RDF_TYPE in str(p):
            if not (isinstance(o, URIRef) and isinstance(p, SequencePath) and str(p.args[0]) == RDF_TYPE
                    and len(p.args) == 2 and isinstance(p.args[1], MulPath)):
                whole.append("rdf:type inside a property path")
                return
            named.add(str(o))  # rdf:type/rdfs:subClassOf* <class>: the instances of a class
        path_iris(p)
        if str(p) == RDF_TYPE:
            if isinstance(o, URIRef):
                named.add(str(o))
            elif isinstance(o, Variable) and str(o) in narrowed:
                named.update(narrowed[str(o)])
            else:
                whole.append("a variable class")

    def guaranteed(node) -> dict:
        """The IRI lists that every solution of an algebra part holds its variables to: from
        VALUES and FILTERs inside it, carried out through projections and aggregates."""
        name = getattr(node, "name", None)
        if name == "ToMultiSet":
            return _values_narrowing(node) or guaranteed(node["p"])
        if name == "Filter" and "p" in node:
            return _merged(guaranteed(node["p"]), narrowing(node["expr"]))
        if name == "Join" and "p1" in node:
            return _merged(guaranteed(node["p1"]), guaranteed(node["p2"]))
        if name == "LeftJoin" and "p1" in node:
            return guaranteed(node["p1"])
        if name == "Union" and "p1" in node:
            a, b = guaranteed(node["p1"]), guaranteed(node["p2"])
            return {v: a[v] | b[v] for v in a.keys() & b.keys()}
        if name == "Extend" and "p" in node:
            inner = guaranteed(node["p"])
            if isinstance(node["expr"], Variable) and str(node["expr"]) in inner:
                inner[str(node["var"])] = inner[str(node["expr"])]
            return inner
        if name == "AggregateJoin" and "p" in node:
            inner = guaranteed(node["p"])
            for agg in node["A"] or []:
                if getattr(agg, "name", None) == "Aggregate_Sample" and str(agg["vars"]) in inner:
                    inner[str(agg["res"])] = inner[str(agg["vars"])]
            return inner
        if name == "Project" and "p" in node:  # what a subquery does not return is not seen outside
            returned = {str(v) for v in _projected(node)}
            return {v: iris for v, iris in guaranteed(node["p"]).items() if v in returned}
        if name in ("Distinct", "Reduced", "Slice", "OrderBy", "Group") and "p" in node:
            return guaranteed(node["p"])
        return {}

    def needs_this(expr, bound: set, what: str) -> None:
        if this in _variables(expr) and this not in bound:
            raise NotFast(f"$this in {what} where the query's own patterns do not bind it "
                          "(pre-binding sets it there, a join does not)")

    def walk(node, narrowed: dict) -> None:
        """`narrowed`: the FILTER lists that hold for every solution of this part of the query
        (passed down through joins, unions, BIND and the left side of OPTIONAL only)."""
        name = getattr(node, "name", None)  # algebra names, and the parser's inside EXISTS
        if name == "SubSelect":
            if this in _variables(node):
                raise NotFast("a subquery inside EXISTS that uses $this")
            return
        if name == "ToMultiSet":
            if getattr(node["p"], "name", None) != "values":
                _joinable_subquery(node["p"])
                walk(node["p"], {})
            return
        if name in ("Graph", "GraphGraphPattern"):
            raise NotFast("GRAPH")
        if name == "Filter" and "p" in node:
            needs_this(node["expr"], _bound(node["p"]), "a FILTER")
            inner = dict(narrowed)
            for var, iris in narrowing(node["expr"]).items():
                inner[var] = inner[var] & iris if var in inner else iris
            walk(node["p"], inner)
            walk(node["expr"], {})
            return
        if name == "Join" and "p1" in node:  # VALUES on one side narrows the other, as a FILTER would
            walk(node["p1"], _merged(narrowed, guaranteed(node["p2"])))
            walk(node["p2"], _merged(narrowed, guaranteed(node["p1"])))
            return
        if name == "Union" and "p1" in node:
            walk(node["p1"], narrowed)
            walk(node["p2"], narrowed)
            return
        if name == "LeftJoin" and "p1" in node:
            needs_this(node["expr"], _bound(node["p1"]), "an OPTIONAL's condition")
            walk(node["p1"], narrowed)
            walk(node["p2"], {})
            walk(node["expr"], {})
            return
        if name == "Extend" and "p" in node:
            needs_this(node["expr"], _bound(node["p"]), "a BIND or a projected expression")
            walk(node["p"], narrowed)
            walk(node["expr"], {})
            return
        if name == "AggregateJoin" and "A" in node:
            needs_this(node["A"], _bound(node["p"]), "an aggregate")
        triples = node["triples"] if isinstance(node, dict) and "triples" in node else None
        if triples:
            for _, p, o in (triples if name == "BGP" else algebra_triples(triples)):
                pattern(p, o, narrowed if name == "BGP" else {})
        for value in _children(node):
            walk(value, {})

    walk(algebra, {})
    if whole:
        return "whole", frozenset(), " and ".join(sorted(set(whole)))
    return "subset", frozenset(named), ""


def _parse(query: str, place):
    try:
        return _algebra(query)
    except Exception as exc:  # the parser's errors are of many kinds; all mean the same here
        raise InputError([Problem(place, Msg('the SPARQL query does not parse: {reason}', reason=str(exc).splitlines()[0][:200]),
                                  code=Code.SHAPES_ERROR)]) from None


@lru_cache(maxsize=256)
def _algebra(query: str):
    """The algebra of a query, parsed once a process: scope and pattern_edges read the same
    joined query, and only read what they are given."""
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(query).algebra


def _merged(a: dict, b: dict) -> dict:
    out = dict(a)
    for var, iris in b.items():
        out[var] = out[var] & iris if var in out else iris
    return out


def _values_narrowing(node) -> dict:
    """Variables a VALUES block binds to an IRI in every row: var -> those IRIs."""
    from rdflib.term import URIRef

    if getattr(node, "name", None) != "ToMultiSet" or getattr(node["p"], "name", None) != "values":
        return {}
    rows = node["p"]["res"] or []
    found: dict = {}
    for var in set().union(*(row.keys() for row in rows)) if rows else ():
        if all(isinstance(row.get(var), URIRef) for row in rows):
            found[str(var)] = {str(row[var]) for row in rows}
    return found


def _projected(node) -> list:
    """The variables a (sub)query returns: its Project's, under DISTINCT, LIMIT, ORDER BY."""
    while getattr(node, "name", None) in ("Distinct", "Reduced", "Slice", "OrderBy"):
        node = node["p"]
    return list(node["PV"] or []) if isinstance(node, dict) and "PV" in node else []


def _text(node) -> str:
    """A parser node's projection, enough to see whether it names $this."""
    projection = node.get("projection") if isinstance(node, dict) and "projection" in node else None
    return "SELECT " + " ".join(f"?{getattr(p, 'var', p)}" for p in (projection or [])) + " {" if projection \
        else "SELECT * {"


def _children(node) -> list:
    values = node.values() if isinstance(node, dict) else node if isinstance(node, (list, tuple)) else ()
    return [v for v in values if isinstance(v, (dict, list, tuple))]


def _nodes(node):
    yield node
    for child in _children(node):
        yield from _nodes(child)


def _variables(node) -> set:
    from rdflib.term import Variable

    if isinstance(node, Variable):
        return {node}
    found = set()
    values = node.values() if isinstance(node, dict) else node if isinstance(node, (list, tuple, set)) else ()
    for v in values:
        found |= _variables(v)
    return found


def _bound(node) -> set:
    """The variables every solution of an algebra part binds (a safe under-estimate)."""
    from rdflib.term import Variable

    name = getattr(node, "name", None)
    if name == "BGP":
        return {t for triple in node["triples"] for t in (triple[0], triple[2]) if isinstance(t, Variable)} | {
            triple[1] for triple in node["triples"] if isinstance(triple[1], Variable)}
    if name == "Join":
        return _bound(node["p1"]) | _bound(node["p2"])
    if name in ("LeftJoin", "Minus"):
        return _bound(node["p1"])
    if name == "Union":
        return _bound(node["p1"]) & _bound(node["p2"])
    if name in ("Filter", "Graph", "Distinct", "Reduced", "Slice", "OrderBy", "Group"):
        return _bound(node["p"])
    if name == "Extend":
        return _bound(node["p"])  # the bound variable may be an error, so unbound
    if name == "Project":
        return _bound(node["p"]) & set(_projected(node))
    if name == "ToMultiSet":
        inner = node["p"]
        if getattr(inner, "name", None) == "values":
            rows = inner["res"] or []
            return set.intersection(*({k for k, v in row.items() if v is not None} for row in rows)) if rows else set()
        return _bound(inner)
    if name == "AggregateJoin":
        group = node["p"]
        return set(group["expr"] or []) & _bound(group["p"]) if getattr(group, "name", None) == "Group" else set()
    return set()


def _joinable_subquery(project) -> None:
    """A subquery that uses $this gives the same rows joined on $this as with $this pre-bound
    inside it when it projects $this and, if it aggregates, groups by $this."""
    from rdflib.term import Variable

    this = Variable("this")
    if this not in _variables(project):
        return
    if this not in _projected(project):
        raise NotFast("a subquery that uses $this but does not project it")
    node = project
    while isinstance(node, dict) and "p" in node:
        if getattr(node, "name", None) == "Group":
            if this not in (node["expr"] or []):
                raise NotFast("a subquery that aggregates without grouping by $this")
            return
        node = node["p"]


def pattern_edges(joined: str) -> tuple | None:
    """The triple patterns of a query with the shape's targets joined in, as the edges
    check/delta.py follows from a focus node: ((predicate IRIs, or None for any; forward), ...),
    where forward means from a pattern's subject to its object, taken from the side nearer
    to $this (both ways where the two are as near). None where what a focus node's results
    read cannot be told from its patterns: a pattern not joined to $this, a subquery that
    does not project $this or aggregates without grouping by it, LIMIT or OFFSET, a negated
    property set, one variable name in two subqueries' scopes."""
    from collections import Counter

    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql.algebra import triples as algebra_triples
    from rdflib.term import BNode, URIRef, Variable

    try:
        algebra = _parse(joined, None)
    except InputError:
        return None
    this, patterns, fresh = Variable("this"), [], iter(range(1 << 30))

    def expand(s, p, o) -> bool:
        if isinstance(p, URIRef):
            patterns.append((s, frozenset({str(p)}), o))
        elif isinstance(p, Variable):
            patterns.append((s, None, o))
        elif isinstance(p, InvPath):
            return expand(o, p.arg, s)
        elif isinstance(p, SequencePath):
            ends = [s] + [BNode(f"koko-step-{next(fresh)}") for _ in p.args[1:]] + [o]
            return all(expand(a, step, b) for a, step, b in zip(ends, p.args, ends[1:]))
        elif isinstance(p, AlternativePath):
            return all(expand(s, a, o) for a in p.args)
        elif isinstance(p, MulPath):  # repeated: the closure follows an edge again from where it led
            return expand(s, p.path, o)
        else:  # a negated property set
            return False
        return True

    def occurrences(node) -> Counter:
        if isinstance(node, Variable):
            return Counter({node: 1})
        found: Counter = Counter()
        values = [v for k, v in node.items() if not str(k).startswith("_")] if isinstance(node, dict) \
            else node if isinstance(node, (list, tuple, set)) else ()  # not the parser's own bookkeeping
        for v in values:
            found += occurrences(v)
        return found

    everywhere, top = occurrences(algebra), algebra.get("p")
    for node in _nodes(algebra):
        name = getattr(node, "name", None)
        if name == "Slice" or (name == "Group" and this not in (node["expr"] or [])):
            return None
        if name == "Project" and node is not top:
            local = occurrences(node["p"])
            if this not in _projected(node) or any(everywhere[v] > n for v, n in local.items() if v not in _projected(node)):
                return None
        if name == "SubSelect":  # a subquery inside EXISTS, in the parser's form
            return None
        triples = node["triples"] if isinstance(node, dict) and "triples" in node else None
        for s, p, o in (triples if name == "BGP" else algebra_triples(triples)) if triples else ():
            if not expand(s, p, o):
                return None
    distance, frontier = {this: 0}, [this]
    while frontier:  # breadth first from $this over the patterns, either way
        step = []
        for term in frontier:
            for s, _, o in patterns:
                for a, b in ((s, o), (o, s)):
                    if a == term and b not in distance:
                        distance[b] = distance[term] + 1
                        step.append(b)
        frontier = step
    edges = set()
    for s, predicates, o in patterns:
        if s not in distance or o not in distance:
            return None
        if distance[s] <= distance[o]:
            edges.add((predicates, True))
        if distance[o] <= distance[s]:
            edges.add((predicates, False))
    return tuple(sorted(edges, key=repr))
