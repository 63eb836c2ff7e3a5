"""Class tests inside logical constraints as type lookups (check/class_tests.py): on a graph
without rdfs:subClassOf, the Rust engine gives the same report with the rewritten shapes as
with the shapes as written: on the W3C suite's tests, on random shapes and graphs, and on the
project's shapes over the real graph with decisions that break them."""

from __future__ import annotations

from dataclasses import astuple

import pyoxigraph as ox
import pytest
from helpers import DATA, shared_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_random_shapes import graphs, shapes, without_blank_nodes
from test_shacl_suite import TESTS

from pipeline.check import class_tests
from pipeline.check.shapes import ShapesFile, ShapesGraph
from pipeline.check.sparql_rules import SUBCLASS
from pipeline.check.validate import _rust, project_shapes
from pipeline.config import DEFAULT_BASE_IRI
from pipeline.graph.build import build
from pipeline.graph.serialize import canonical_nt
from pipeline.sources.load import load
from pipeline.sources.settings import load_settings

SH = "http://www.w3.org/ns/shacl#"


def core_of(text: str, base: str | None = None) -> bytes | None:
    """The SHACL Core part of a shapes file's plan: what the Rust engine is given."""
    return ShapesGraph([ShapesFile("shapes.ttl", text, base)]).plan().core


def both(nt: bytes, core: bytes) -> tuple:
    """The engine's results with the shapes as written and rewritten, each as a sorted list."""
    return tuple(sorted(map(astuple, _rust(nt, shapes)), key=repr) for shapes in (core, class_tests.rewritten(core)))


def test_the_w3c_suite_gives_the_same_reports():
    """Every suite test whose shapes have a class test to rewrite, its data without its
    rdfs:subClassOf lines: the same results (blank nodes and all, as the data is the same)."""
    shared_path("standards", "shacl-test-suite")
    rewritten = 0
    for name, data, shapes_path, _ in TESTS:
        try:
            core = core_of(shapes_path.read_text(encoding="utf-8"), shapes_path.as_uri())
        except Exception:  # noqa: BLE001 - shapes the project refuses: test_shacl_suite
            continue
        if core is None or class_tests.rewritten(core) == core:
            continue
        nt = ox.serialize(ox.parse(path=str(data), format=ox.RdfFormat.TURTLE, base_iri=data.as_uri()),
                          format=ox.RdfFormat.N_TRIPLES)
        nt = b"".join(line for line in nt.splitlines(keepends=True) if SUBCLASS not in line)  # (without, as validate takes them)
        written, ours = both(nt, core)
        assert ours == written, name
        rewritten += 1
    assert rewritten >= 3, f"only {rewritten} of the suite's tests had a class test to rewrite"


def test_random_shapes_and_graphs_give_the_same_reports():
    made = []  # whether each example's shapes were rewritten

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(nt=graphs(), text=shapes())
    def check(nt, text):
        nt = b"".join(line for line in without_blank_nodes(nt).splitlines(keepends=True) if SUBCLASS not in line)
        try:
            core = core_of(text)
        except Exception:  # noqa: BLE001 - shapes the project refuses
            return
        if core is None:
            return
        made.append(class_tests.rewritten(core) != core)
        written, ours = both(nt, core)
        assert ours == written, f"\n{text}\n{nt.decode()}"

    check()
    assert sum(made) >= 20, f"{sum(made)} of {len(made)} examples had a class test to rewrite"


NODES = [f"<http://example.org/n{i}>" for i in range(5)]
CLASSES = ["ex:C0", "ex:C1", "ex:C2"]


@st.composite
def typed_graphs(draw) -> bytes:
    """Nodes of no type, one or two of three classes, linked to each other and to literals."""
    lines = set()
    for node in NODES:
        for cls in draw(st.lists(st.sampled_from(CLASSES), max_size=2, unique=True)):
            lines.add(f"{node} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {cls.replace('ex:', '<http://example.org/')}> .")
    for _ in range(draw(st.integers(2, 12))):
        o = draw(st.one_of(st.sampled_from(NODES), st.just('"a literal"')))
        lines.add(f"{draw(st.sampled_from(NODES))} <http://example.org/p{draw(st.integers(0, 1))}> {o} .")
    return canonical_nt(line.encode() for line in lines)


@st.composite
def class_test(draw, depth: int = 0) -> str:
    """A test shape made of class tests: one or two sh:class, or (below the top) a logical
    constraint of such shapes."""
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        kind = draw(st.sampled_from(["or", "and", "xone", "not", "node"]))
        if kind in ("not", "node"):
            return f"[ sh:{kind} {draw(class_test(depth + 1))} ]"
        return f"[ sh:{kind} ( {' '.join(draw(st.lists(class_test(depth + 1), min_size=1, max_size=3)))} ) ]"
    return "[ " + " ; ".join(f"sh:class {c}" for c in draw(st.lists(st.sampled_from(CLASSES), min_size=1, max_size=2,
                                                                                unique=True))) + " ]"


@st.composite
def class_test_shapes(draw) -> str:
    """A shape whose focus nodes, or the values of a path from them, are held to class tests
    in every logical constraint and in a qualified value shape."""
    target = draw(st.sampled_from(["sh:targetNode " + ", ".join(NODES), "sh:targetClass ex:C0",
                                   "sh:targetSubjectsOf ex:p0"]))
    constraint = draw(st.sampled_from(["or", "and", "xone", "not", "node", "qualified"]))
    tests = draw(st.lists(class_test(1), min_size=1, max_size=3))
    if constraint in ("not", "node"):
        body = f"sh:{constraint} {tests[0]}"
    elif constraint == "qualified":
        body = (f"sh:qualifiedValueShape {tests[0]} ; "
                f"sh:qualified{draw(st.sampled_from(['Min', 'Max']))}Count {draw(st.integers(0, 2))}")
    else:
        body = f"sh:{constraint} ( {' '.join(tests)} )"
    if constraint == "qualified" or draw(st.booleans()):
        body = f"sh:property [ sh:path ex:p{draw(st.integers(0, 1))} ; {body} ]"
    return ("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
            f"ex:S a sh:NodeShape ; {target} ; {body} .\n")


def test_class_tests_in_every_logical_constraint_give_the_same_reports():
    found = []  # the number of results of each example

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(nt=typed_graphs(), text=class_test_shapes())
    def check(nt, text):
        core = core_of(text)
        assert class_tests.rewritten(core) != core, text
        written, ours = both(nt, core)
        assert ours == written, f"\n{text}\n{nt.decode()}"
        found.append(len(written))

    check()
    assert sum(map(bool, found)) >= 50, f"{sum(map(bool, found))} of {len(found)} examples had a result"


@pytest.fixture(scope="module")
def real_nt() -> bytes:
    return canonical_nt(build(load(load_settings(DATA))).lines)


def test_the_projects_shapes_give_the_same_reports_where_they_are_broken(real_nt):
    """A funder that is no organisation, a target place that is neither a municipality nor a
    sub-region, a funded item that is neither a programme nor an area: the same violations
    with the project's shapes rewritten as with them as written, and they are found."""
    core = project_shapes(DEFAULT_BASE_IRI).plan().core
    assert class_tests.rewritten(core) != core
    lines = real_nt.decode().splitlines()
    funding = next(line.split()[0] for line in lines if "<https://schema.org/funder>" in line)
    decision = "<http://example.org/decision>"  # (the real sources have no decision)
    broken = canonical_nt([line.encode() for line in lines] + [
        f"{decision} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/koko-lod/def/koko#FundingDecision> .".encode(),
        f"{funding} <https://schema.org/funder> {decision} .".encode(),
        f"{decision} <https://w3id.org/koko-lod/def/koko#targetPlace> {funding} .".encode(),
        f"{funding} <https://schema.org/fundedItem> {funding} .".encode(),
    ])
    written, ours = both(broken, core)
    assert ours == written
    assert sum(r[4] == SH + "OrConstraintComponent" for r in ours) >= 3


def test_only_blank_test_shapes_are_rewritten():
    """An IRI shape, a shape also reached by sh:property, a shape with a target of its own, a
    list that is also another property's value, a property shape: all as written. A blank
    node shape in sh:or, sh:and, sh:xone, sh:not, sh:node or sh:qualifiedValueShape: rewritten."""
    prefixes = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"

    def rewritten(body: str) -> bool:
        core = core_of(prefixes + "ex:S a sh:NodeShape ; sh:targetClass ex:T ;\n" + body + " .")
        return class_tests.rewritten(core) != core

    for body in ["sh:or ( [ sh:class ex:A ] [ sh:class ex:B ] )", "sh:and ( [ sh:class ex:A ] )",
                 "sh:xone ( [ sh:datatype ex:D ] [ sh:class ex:A ] )", "sh:not [ sh:class ex:A ]",
                 "sh:node [ sh:class ex:A ]",
                 "sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:A ] ; sh:qualifiedMinCount 1 ]"]:
        assert rewritten(body), body
    for body in ["sh:or ( ex:A-shape ) . ex:A-shape sh:class ex:A",
                 "sh:property [ sh:path ex:p ; sh:class ex:A ]",
                 "sh:or ( [ sh:class ex:A ; sh:targetNode ex:n ] )",
                 "sh:or ( [ sh:path ex:p ; sh:class ex:A ] )",
                 "sh:or _:list ; sh:in _:list . _:list <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "
                 "[ sh:class ex:A ] ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> "
                 "<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil>"]:
        assert not rewritten(body), body


def test_a_graph_with_subclasses_takes_the_shapes_as_written(real_nt):
    """Where the data has rdfs:subClassOf, a node typed with a subclass is an instance: the
    validation gives that, through the shapes as written (validate's plain graphs only)."""
    from pipeline.check.validate import raw_results

    lines = real_nt.decode().splitlines()
    funding = next(line.split()[0] for line in lines if "<https://schema.org/funder>" in line)
    odd = "<http://example.org/a-kind-of-organisation>"
    nt = canonical_nt([line.encode() for line in lines] + [
        f"{funding} <https://schema.org/funder> <http://example.org/funder> .".encode(),
        f"<http://example.org/funder> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {odd} .".encode(),
        f"{odd} <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://www.w3.org/ns/org#Organization> .".encode(),
    ])
    raw, _ = raw_results(nt, project_shapes(DEFAULT_BASE_IRI))
    assert not any(r.focus == funding.strip("<>") and r.component == SH + "OrConstraintComponent" for r in raw)
