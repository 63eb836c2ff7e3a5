"""SPARQL constraints run on what their few focus nodes reach (check/focus.py) against the
store of all the rules' lines, the path they took before (itself held to pySHACL by
test_random_shapes.py): the same results on random graphs with random constraints aimed at
classes, on the real graph, and on the project's own rules at scale; and the focused path is
taken, not passed by."""

from __future__ import annotations

import contextlib

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_random_shapes import NODES, PREDICATES, PREFIXES, REAL_PATHS, SPARQL, graphs, real_nt, without_blank_nodes

from pipeline.check import focus
from pipeline.check.shapes import ShapesFile, ShapesGraph
from pipeline.check.validate import project_shapes, raw_results

__all__ = ["real_nt"]  # the fixture, from test_random_shapes

#: more ways to reach from $this: against a pattern from a node that is not $this, an inverse
#: path, a sequence, a count of the subjects that point at it
MORE_SPARQL = [
    "SELECT $this ?value WHERE { $this {P} ?m . ?value {Q} ?m . FILTER (?value != $this) }",
    "SELECT $this ?value WHERE { $this ^{P} ?value . FILTER NOT EXISTS { ?value {Q} $this } }",
    "SELECT $this ?value WHERE { $this {P}/{Q} ?value . FILTER (isIRI(?value)) }",
    "SELECT $this (COUNT(?s) AS ?value) WHERE { OPTIONAL { ?s {P} $this } } GROUP BY $this HAVING (COUNT(?s) < {N})",
    "SELECT $this ?value WHERE { ?value {P} $this . ?value a ?c . FILTER NOT EXISTS { $this a ?c } }",
    "SELECT $this ?value WHERE { ?value ?p $this . FILTER (?p IN ({P}, {Q})) }",
]


@st.composite
def rules(draw, classes=("ex:C0", "ex:C1"), paths=tuple(PREDICATES)) -> str:
    """Node shapes aimed at classes, each with a SPARQL constraint; now and then one aimed at
    a node too, which the focused path leaves to the store."""
    blocks = []
    for i in range(draw(st.integers(1, 3))):
        body = [f"sh:targetClass {c}" for c in draw(st.lists(st.sampled_from(classes), min_size=1, max_size=2, unique=True))]
        if draw(st.integers(0, 5)) == 0:
            body.append(f"sh:targetNode {draw(st.sampled_from(NODES))}")
        query = draw(st.sampled_from(SPARQL + MORE_SPARQL)).replace("{N}", str(draw(st.integers(0, 4))))
        query = query.replace("{P}", draw(st.sampled_from(paths))).replace("{Q}", draw(st.sampled_from(paths)))
        body.append(f'sh:sparql [ sh:prefixes ex:prefixes ; sh:message "rule {{?value}}" ; sh:select """{query}""" ]')
        blocks.append(f"ex:Shape{i} a sh:NodeShape ;\n  " + " ;\n  ".join(body) + " .")
    return PREFIXES + "\n".join(blocks) + "\n"


@contextlib.contextmanager
def focus_up_to(n: int):
    kept, focus.MAX_FOCUS = focus.MAX_FOCUS, n
    try:
        yield
    finally:
        focus.MAX_FOCUS = kept


def results(nt: bytes, shapes, most_focus: int) -> tuple:
    """(the results, how many constraints ran focused), or what was raised."""
    told: dict = {}
    with focus_up_to(most_focus):
        try:
            raw, notes = raw_results(nt, shapes, "fast", told=told)
        except Exception as exc:  # noqa: BLE001 - both paths must refuse alike
            return ("refused", type(exc).__name__), 0
    return (sorted(map(repr, raw)), notes), told.get("rules_focused", 0)


def same_both_ways(nt: bytes, text: str) -> int:
    shapes = ShapesGraph([ShapesFile("shapes.ttl", text)])
    focused, taken = results(nt, shapes, focus.MAX_FOCUS)
    whole, none = results(nt, shapes, -1)
    assert none == 0
    assert focused == whole, f"\n{text}\n{nt.decode()}"
    return taken


def test_focused_constraints_give_the_stores_results():
    taken = []

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(graphs(), rules())
    def check(nt, text):
        taken.append(same_both_ways(without_blank_nodes(nt), text))

    check()
    # about a quarter by the draws: a subClassOf line (half the graphs), a node target or a
    # query the store runs whole stops it
    assert sum(1 for n in taken if n) >= len(taken) // 6, taken


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_focused_constraints_on_the_real_graph(real_nt, data):
    text = data.draw(rules(classes=("koko:KokoArea", "koko:Municipality"), paths=REAL_PATHS))
    same_both_ways(real_nt, text)


def test_a_class_with_more_instances_than_the_limit_goes_to_the_store(real_nt):
    text = rules_text("koko:Municipality", "SELECT $this WHERE { FILTER NOT EXISTS { $this koko:region ?r } }")
    assert same_both_ways(real_nt, text) == 1
    with focus_up_to(300):  # the real graph has 323 municipalities
        assert same_both_ways(real_nt, text) == 0


def test_a_pattern_back_along_any_predicate_goes_to_the_store(real_nt):
    """Where a pattern's predicate is a variable (held by a FILTER: the store's lines are
    still known), following it back would read every line with the node as object."""
    text = rules_text("koko:Municipality", "SELECT $this ?value WHERE { ?value ?p $this . "
                                           "FILTER (?p IN (schema:containsPlace, koko:region)) }")
    assert same_both_ways(real_nt, text) == 0


def test_the_searches_of_the_graph_are_bounded(real_nt, monkeypatch):
    """Each class and each predicate read backwards costs a search of the whole graph: past
    MAX_SEARCHES, the constraints go to the store (a steward's shapes on many classes)."""
    query = "SELECT $this WHERE { FILTER NOT EXISTS { $this schema:name ?n } }"
    text = rules_text("koko:KokoArea", query) + rules_text("koko:Municipality", query, "ex:Shape1")[len(PREFIXES):]
    assert same_both_ways(real_nt, text) == 2
    monkeypatch.setattr(focus, "MAX_SEARCHES", 1)
    assert same_both_ways(real_nt, text) == 1


def rules_text(cls: str, query: str, shape: str = "ex:Shape0") -> str:
    return PREFIXES + (f'{shape} a sh:NodeShape ; sh:targetClass {cls} ;\n  sh:sparql [ sh:prefixes ex:prefixes ; '
                       f'sh:message "rule" ; sh:select """{query}""" ] .\n')


@pytest.mark.slow
def test_the_projects_rules_on_generated_decisions(tmp_path):
    """koko's own rules on a generated graph, where the fundings' rules would otherwise fill
    the store with every decision's amount: the same results, and all but the decisions' and
    the codes' rules focused."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    from pipeline.graph.build import build
    from pipeline.graph.serialize import canonical_nt
    from pipeline.sources.load import load
    from pipeline.sources.settings import load_settings

    settings = load_settings(generate(3000, tmp_path / "data"))
    nt = canonical_nt(build(load(settings)).lines)
    shapes = project_shapes(settings.base_iri, settings.shapes)
    (focused, taken), (whole, _) = results(nt, shapes, focus.MAX_FOCUS), results(nt, shapes, -1)
    assert focused == whole
    subset = [c for c in shapes.plan().constraints if c.scope == "subset"]
    assert taken == len(subset) - 2, taken  # DecisionInPeriodShape (3,000 decisions) and UniqueCodeShape
