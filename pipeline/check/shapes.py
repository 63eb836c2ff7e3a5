"""The shapes graph: read from shapes/, checked, and each shape routed to an engine.

The default engine is fast where it can show it gives the reference's (pySHACL's) answer,
and hands everything else to a path that sees the whole graph. Each shape that has targets
(a root) is routed with everything it reaches (sh:property, sh:node, sh:and, ...):

- "core": SHACL Core in the Rust `shacl` engine, over the whole graph, when every constraint
  the shape reaches is one that engine is checked against pySHACL for (CORE_CHECKED) and
  every sh:path is a single predicate;
- "sparql": a node shape whose only constraints are sh:sparql SELECTs, in pyoxigraph: on the
  lines the queries can match when `sparql_rules.scope` can name them all, else on the whole
  graph;
- "reference": pySHACL, on the whole graph, for anything else (a property path, a SPARQL-based
  constraint component, SHACL-SPARQL with $PATH, $shapesGraph or a subquery, ...).

The run lists the shapes that left the fast path and why (`Plan.notes`). A shapes file that
does not parse, or that the SHACL-SHACL shapes reject, is a source problem (exit 2) naming
the file and line; that is the only kind of shapes file refused.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..config import cache_dir
from ..errors import Code, InputError, Place, Problem
from ..files import write_atomic
from ..graph import mapped
from ..graph.vocab import OWL, RDF, RDFS, SH, XSD
from ..i18n import Msg
from . import sparql_rules

N = ox.NamedNode
TARGETS = tuple(SH + t for t in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"))
CLASSES = (RDFS + "Class", OWL + "Class")
#: Parameters whose values are shapes, one or a list of them.
SHAPE_VALUED = (SH + "property", SH + "node", SH + "not", SH + "qualifiedValueShape")
SHAPE_LISTS = (SH + "and", SH + "or", SH + "xone")
#: What a shape may say besides its constraints: names, targets, messages, structure.
NEUTRAL = {RDF + "type", RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy", *TARGETS} | {
    SH + k for k in ("message", "severity", "deactivated", "name", "description", "order", "group", "defaultValue",
                     "path", "prefixes", "declare")}
#: SHACL Core parameters that the Rust engine is checked against pySHACL for: the W3C suite
#: (tests/check/test_shacl_suite.py) and random shapes (tests/check/test_random_shapes.py).
#: Not sh:lessThan and sh:lessThanOrEquals: the engines order values differently (an IRI
#: against itself, a date against a number), so those shapes go to pySHACL.
CORE_CHECKED = {SH + k for k in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "equals", "disjoint",
    "not", "and", "or", "xone", "node", "property", "qualifiedValueShape",
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "closed", "ignoredProperties",
    "hasValue", "in")}


#: Range constraints (sh:minInclusive ...): the Rust engine compares as SPARQL does and
#: pySHACL as rdflib does; they agree when value and bound are of one family and the value's
#: lexical form is valid. A core shape keeps the fast path for a run only when every value of
#: its ranged predicates is such a literal (`Plan.guards`, checked by `unguarded`).
RANGES = {SH + k for k in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive")}

FAMILIES = {
    "number": ({XSD + "integer", XSD + "decimal"},
               rb'"[+-]?[0-9]+"\^\^<' + XSD.encode() + rb'integer>|"[+-]?[0-9]*\.?[0-9]+"\^\^<' + XSD.encode() + rb'decimal>'),
    "date": ({XSD + "date"}, rb'"[0-9]{4}-[0-9]{2}-[0-9]{2}"\^\^<' + XSD.encode() + rb'date>'),
    "year": ({XSD + "gYear"}, rb'"[0-9]{4}"\^\^<' + XSD.encode() + rb'gYear>'),
}


def family_of(bound) -> str | None:
    if isinstance(bound, ox.Literal):
        for name, (datatypes, _) in FAMILIES.items():
            if bound.datatype.value in datatypes:
                return name
    return None


def unguarded(plan: "Plan", nt: bytes) -> dict:
    """Core roots whose ranged predicates have a value outside their family in `nt`: root ->
    the predicate. Each place of a predicate's bytes, with a space on each side, is found by
    the C search of bytes, and the value after it is matched against the family there; one
    that does not match counts where the predicate is in the predicate's place, i.e. no space
    comes before it in its line (a subject holds none), not inside a literal or as an object.
    At 100,000 generated rows 0.26 s, against 0.66 s for a pattern that begins with the
    predicate (the regular expression engine's own search for it is slower) and 1.42 s for
    `unguarded_by_pattern`, its reference (tests/check/test_guards.py)."""
    odd = set()
    for family, predicates in _guarded(plan).items():
        value = re.compile(rb"(?:" + FAMILIES[family][1] + rb") \.$", re.M)
        for p in predicates:
            needle = b" <" + p.encode() + b"> "
            if any(_odd_value(piece, needle, value) for piece in mapped.pieces(nt, needle)):
                odd.add((family, p))
    return _roots(plan, odd)


def _odd_value(text: bytes, needle: bytes, value) -> bool:
    """Whether a place of the predicate `needle` in the predicate's place of a line of `text`
    (lines whole) is followed by a value that does not match `value`."""
    at = text.find(needle)
    while at >= 0:
        after = at + len(needle)
        if not value.match(text, after) and text.find(b" ", text.rfind(b"\n", 0, at) + 1, at) < 0:
            return True
        at = text.find(needle, after)
    return False


def unguarded_by_pattern(plan: "Plan", nt: bytes) -> dict:
    """The reference for `unguarded`: one pattern per family tried at every line."""
    odd = set()
    for family, predicates in _guarded(plan).items():
        # the predicate in the predicate's place (after the subject), not an IRI that names it as
        # an object (a reified statement's rdf:predicate)
        pattern = re.compile(rb"^(?:<[^>]*>|_:\S+) <(" + b"|".join(re.escape(p.encode()) for p in predicates) + rb")> (?!(?:"
                             + FAMILIES[family][1] + rb") \.$)", re.M)
        for match in pattern.finditer(nt):
            odd.add((family, match.group(1).decode()))
    return _roots(plan, odd)


def _guarded(plan: "Plan") -> dict:
    """family -> the sorted predicates guarded in it."""
    found: dict = {}
    for guards in plan.guards.values():
        for p, family in guards:
            found.setdefault(family, set()).add(p)
    return {family: sorted(predicates) for family, predicates in sorted(found.items())}


def _roots(plan: "Plan", odd: set) -> dict:
    """root -> its first guarded predicate, in sorted order, that has a value outside its family."""
    found: dict = {}
    for root, guards in plan.guards.items():
        for p, f in sorted(guards):
            if (f, p) in odd:
                found.setdefault(root, p)
    return found


@dataclass
class Plan:
    """What runs where: the shapes graph each engine gets, and why shapes left the fast path."""

    core: bytes | None  # N-Triples of the shapes graph for the Rust engine, or None: no core shapes
    reference: bytes | None  # the same for pySHACL
    constraints: list = field(default_factory=list)  # sparql_rules.Constraint, each with its scope
    notes: list = field(default_factory=list)  # "shape: why", for each shape not on a fast path
    guards: dict = field(default_factory=dict)  # core root -> {(predicate, family)}: see RANGES


@dataclass(frozen=True)
class ShapesFile:
    name: str  # as a steward writes it: shapes/koko-rules.ttl
    text: str
    base: str | None = None  # the base IRI relative IRIs are read against


class Triples:
    """The triples of a graph as parsed, indexed by subject, predicate and object. (A pyoxigraph
    Store would write "01"^^xsd:integer back as "1"; SHACL compares terms as written.)"""

    def __init__(self, triples):
        self.triples = list(dict.fromkeys(triples))
        self.by = ({}, {}, {})
        for t in self.triples:
            for index, term in zip(self.by, (t.subject, t.predicate, t.object)):
                index.setdefault(term, []).append(t)

    def __iter__(self):
        return iter(self.triples)

    def quads_for_pattern(self, s, p, o) -> list:
        """The triples that match; None matches anything (named as pyoxigraph's Store names it)."""
        given = [(i, term) for i, term in enumerate((s, p, o)) if term is not None]
        if not given:
            return list(self.triples)
        i, term = given[0]
        return [t for t in self.by[i].get(term, []) if all((t.subject, t.predicate, t.object)[j] == v for j, v in given)]


class ShapesGraph:
    """A shapes graph read from files. Checking it and planning its routes read every SPARQL
    query with rdflib's parser, which takes most of a second; the outcome is kept in a cache
    (`config.cache_dir`), keyed by the shapes' text and this module's code, so a second run with the
    same shapes starts at once."""

    def __init__(self, files: list, cache: bool = True):
        self.files = files
        self.text = "\n".join(f.text for f in files)  # later files use the prefixes of earlier ones
        self.store = self.parse_or_raise(files)
        self._plans: dict = {}
        self._cache = _cache_file(self.text, files[0].base if files else None) if cache else None
        known = _read_cache(self._cache)
        if known is None:
            self._meta_check()
            self._check_queries()
        else:
            self._plans[()] = known

    @staticmethod
    def parse_or_raise(files: list) -> Triples:
        """The files' triples, read as one Turtle document; a syntax error is a source problem
        naming the file, line and column."""
        text = "\n".join(f.text for f in files)
        try:
            return Triples(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE,
                                    base_iri=files[0].base if files and files[0].base else None))
        except SyntaxError as exc:
            raise InputError([Problem(_place(files, exc), Msg('broken Turtle: {reason}', reason=_reason(exc)), code=Code.RDF_SYNTAX)]) from None

    # -- where a problem is ----------------------------------------------------------------
    def place_of(self, node) -> Place:
        """The file and line where a shape is written: a blank node is placed at the named
        shape it belongs to."""
        seen = set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            owners = [q.subject for q in self.store.quads_for_pattern(None, None, node)]
            if not owners:
                break
            node = owners[0]
        if isinstance(node, ox.NamedNode):
            local = re.split(r"[/#]", node.value)[-1]
            names = [f"<{node.value}>"] + ([rf"\b\w*:{re.escape(local)}\b"] if local else [])
            for f in self.files:
                for number, text in enumerate(f.text.splitlines(), start=1):
                    if text.lstrip().startswith("#"):
                        continue
                    if names[0] in text or (len(names) > 1 and re.search(names[1], text)):
                        return Place(f.name, number)
        return Place(self.files[0].name if self.files else "shapes")

    def _meta_check(self) -> None:
        """The shapes graph against the SHACL-SHACL shapes (SHACL 1.0, appendix C)."""
        report = _meta_shapes().validate_text(_nt(self.store), format="ntriples", allow_warnings=True)
        if report.conforms:
            return
        reasons: dict = {}
        for r in report.results:
            focus = parse_term(r.focus_node)
            place = self.place_of(focus) if isinstance(focus, ox.NamedNode) else None
            if r.path == f"<{SH}path>":
                reason = "its sh:path is not a well-formed property path"
            else:
                what = (r.path or "").strip("<>").replace(SH, "sh:")
                reason = f"{what + ' ' if what else ''}fails sh:{r.component[0].lower()}{r.component[1:]}".replace(
                    "ConstraintComponent", "") + " of the SHACL-SHACL shapes"
            for where in [place] if place else self._owners_failing(len(report.results)):
                reasons.setdefault(where, set()).add(reason)
        raise InputError([Problem(where, Msg("not a well-formed SHACL shape: {reasons}", reasons="; ".join(sorted(found))),
                                  Msg('see the SHACL specification, 2.3.1 (property paths) and appendix C (SHACL-SHACL)'),
                                  code=Code.SHAPES_ERROR) for where, found in sorted(reasons.items())])

    def _owners_failing(self, failing: int) -> list:
        """The places of the named shapes whose blank nodes break the SHACL-SHACL shapes. The
        engine renames blank nodes, so each named shape with blank nodes is left out in turn:
        the ones whose absence removes results are where the steward should look."""
        places = []
        for subject in sorted({t.subject for t in self.store if isinstance(t.subject, ox.NamedNode)}, key=str):
            held, todo, seen = set(), [subject], set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                for t in self.store.quads_for_pattern(node, None, None):
                    held.add(t)
                    if isinstance(t.object, ox.BlankNode):
                        todo.append(t.object)
            if len(seen) > 1:
                rest = ox.serialize([t for t in self.store if t not in held], format=ox.RdfFormat.N_TRIPLES)
                if len(_meta_shapes().validate_text(rest.decode("utf-8"), format="ntriples").results) < failing:
                    places.append(self.place_of(subject))
        return places or [Place(self.files[0].name if self.files else "shapes")]

    def _check_queries(self) -> None:
        """Every SPARQL constraint's query as SHACL allows it, whichever engine runs it."""
        for t in self.store.quads_for_pattern(None, N(SH + "select"), None):
            if not self.store.quads_for_pattern(None, N(SH + "sparql"), t.subject):
                continue  # a SPARQL target: no pre-bound variables there
            try:
                sparql_rules.check_query(self, t.subject, t.object.value)
            except sparql_rules.NotFast:
                pass

    # -- routing -----------------------------------------------------------------------------
    def objects(self, s, p: str) -> list:
        return [q.object for q in self.store.quads_for_pattern(s, N(p), None)]

    def roots(self) -> list:
        """Shapes with targets, explicit or (a shape that is also a class) implicit."""
        found = {q.subject for p in TARGETS for q in self.store.quads_for_pattern(None, N(p), None)}
        shapes = {q.subject for t in ("NodeShape", "PropertyShape")
                  for q in self.store.quads_for_pattern(None, N(RDF + "type"), N(SH + t))}
        found |= {s for s in shapes if any(N(c) in self.objects(s, RDF + "type") for c in CLASSES)}
        return sorted(found, key=str)

    def reached(self, root) -> list:
        """The root and every shape it reaches through shape-valued parameters."""
        out, todo = [], [root]
        while todo:
            shape = todo.pop()
            if shape in out:
                continue
            out.append(shape)
            for p in SHAPE_VALUED:
                todo.extend(self.objects(shape, p))
            for p in SHAPE_LISTS:
                for head in self.objects(shape, p):
                    todo.extend(self.members(head))
        return out

    def members(self, head) -> list:
        items, seen = [], set()
        while head != N(RDF + "nil") and head not in seen:
            seen.add(head)
            items.extend(self.objects(head, RDF + "first"))
            rest = self.objects(head, RDF + "rest")
            if not rest:
                break
            head = rest[0]
        return items

    def name(self, node) -> str:
        place = self.place_of(node)
        label = node.value if isinstance(node, ox.NamedNode) else "a shape"
        return f"{label} ({place})"

    def plan(self, demote: dict | None = None) -> Plan:
        """Where each root runs. `demote`: root -> why, roots to send to pySHACL this time."""
        key = tuple(sorted(demote.items())) if demote else ()
        if key not in self._plans:
            self._plans[key] = self._plan(demote)
            if not key:
                _write_cache(self._cache, self._plans[key])
        return self._plans[key]

    def _plan(self, demote: dict | None) -> Plan:
        components = self._custom_parameters()
        core, reference, constraints, notes, guards = [], [], [], [], {}
        for root in self.roots():
            route, why, found = self._route(root, components)
            if route == "core" and demote and str(root) in demote:
                route, why = "reference", demote[str(root)]
            if route == "core":
                core.append(root)
                if found:
                    guards[str(root)] = found
            elif route == "sparql":
                constraints.extend(found)
                whole = sorted({c.why for c in found if c.scope == "whole"})
                if whole:
                    notes.append(f"{self.name(root)}: evaluated on the whole graph in pyoxigraph ({'; '.join(whole)})")
            else:
                reference.append(root)
                notes.append(f"{self.name(root)}: evaluated by pySHACL on the whole graph ({why})")
        return Plan(self._keeping(core) if core else None, self._keeping(reference) if reference else None,
                    constraints, notes, guards)

    def _route(self, root, components: set):
        shapes = self.reached(root)
        keys = {q.predicate.value for s in shapes for q in self.store.quads_for_pattern(s, None, None)}
        if keys & components:
            return "reference", "a SPARQL-based constraint component", []
        if SH + "sparql" in keys:
            if len(shapes) > 1 or keys - NEUTRAL - {SH + "sparql"} or SH + "path" in keys:
                return "reference", "SHACL-SPARQL with other constraints or nested shapes", []
            try:
                found = sparql_rules.constraints_of(self, root)
            except sparql_rules.NotFast as exc:
                return "reference", str(exc), []
            return "sparql", "", found
        for s in shapes:
            for path in self.objects(s, SH + "path"):
                if not isinstance(path, ox.NamedNode):
                    return "reference", "a property path other than a single predicate", []
        for s in shapes:
            for flag in self.objects(s, SH + "uniqueLang"):
                if flag != ox.Literal("true", datatype=N(XSD + "boolean")):
                    return "reference", "sh:uniqueLang other than true: pySHACL reads it as true", []
        unchecked = keys - NEUTRAL - CORE_CHECKED
        if unchecked:
            names = ", ".join(sorted(k.replace(SH, "sh:") for k in unchecked))
            return "reference", f"{names}: not among the constraints the fast engine is checked for", []
        if self.objects(root, SH + "target"):
            return "reference", "a SPARQL-based target", []
        guards = set()
        for s in shapes:
            for param in RANGES:
                for bound in self.objects(s, param):
                    paths, family = self.objects(s, SH + "path"), family_of(bound)
                    if not paths or family is None:
                        return "reference", (f"{param.replace(SH, 'sh:')} "
                                             + ("on a node shape" if not paths else f"with a bound of type {bound}")
                                             + ": the engines compare such values differently"), []
                    guards.add((paths[0].value, family))
        return "core", "", guards

    def _custom_parameters(self) -> set:
        """The parameters of constraint components the shapes graph declares (SHACL-SPARQL)."""
        found = set()
        for q in self.store.quads_for_pattern(None, N(RDF + "type"), N(SH + "ConstraintComponent")):
            for param in self.objects(q.subject, SH + "parameter"):
                found.update(p.value for p in self.objects(param, SH + "path") if isinstance(p, ox.NamedNode))
        return found

    def _keeping(self, roots: list) -> bytes:
        """The shapes graph with the targets of every root not in `roots` taken away: those
        shapes still serve where a kept one refers to them, but select no focus nodes."""
        drop = [r for r in self.roots() if r not in roots]
        removed = set()
        for root in drop:
            for p in TARGETS:
                removed.update(self.store.quads_for_pattern(root, N(p), None))
            for c in CLASSES:
                removed.update(self.store.quads_for_pattern(root, N(RDF + "type"), N(c)))
        return ox.serialize([q for q in self.store if q not in removed], format=ox.RdfFormat.N_TRIPLES)


def _nt(store: Triples) -> str:
    return ox.serialize(list(store), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def parse_term(text: str):
    """One RDF term written in N-Triples (`<iri>`, `_:b`, `"x"^^<dt>`) as a pyoxigraph term."""
    if text.startswith("_:"):
        return ox.BlankNode(text[2:])
    if text.startswith("<"):
        return N(text[1:-1])
    return next(iter(ox.parse(f"<x:s> <x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object


def _place(files: list, exc: SyntaxError) -> Place:
    """The file, line and column of a syntax error in files read one after the other."""
    line = getattr(exc, "lineno", None) or 0
    column = getattr(exc, "offset", None) or 0
    for f in files:
        count = f.text.count("\n") + 1
        if line <= count:
            return Place(f.name, line, column)
        line -= count
    return Place(files[-1].name if files else "shapes")


def _reason(exc: SyntaxError) -> str:
    return str(exc.msg if hasattr(exc, "msg") else exc).split(": ", 1)[-1]


def _cache_file(text: str, base: str | None) -> Path:
    code = b"".join((Path(__file__).parent / name).read_bytes() for name in ("shapes.py", "sparql_rules.py",
                                                                            "sparql_scope.py"))
    key = hashlib.sha256(code + b"\0" + (base or "").encode() + b"\0" + text.encode("utf-8")).hexdigest()
    return cache_dir("shapes") / f"{key}.pickle"


def _read_cache(path: Path | None):
    try:
        return pickle.loads(path.read_bytes()) if path is not None and path.is_file() else None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None  # a damaged or outdated entry: check and plan again


def _write_cache(path: Path | None, plan: Plan) -> None:
    if path is None:
        return
    try:
        write_atomic(path, pickle.dumps(plan))
    except OSError:
        pass  # no cache where the home folder is read-only: the next run plans again


@lru_cache(maxsize=1)
def _meta_shapes():
    """The SHACL-SHACL shapes as pySHACL ships them (the W3C text of SHACL's appendix C)."""
    from importlib.resources import files

    import shacl

    return shacl.Shapes.from_turtle((files("pyshacl") / "assets" / "shacl-shacl.ttl").read_text(encoding="utf-8"))
