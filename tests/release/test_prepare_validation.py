"""The publish reads and plans the shapes and compiles them while it waits for the graph: the
validating process, forked after, finds that work done (check/validate.py's `prepare`). The
plan holds what the rules' queries say (their scope, their edges), so validating parses none."""

from __future__ import annotations

import shutil
import sys

import pytest
from helpers import ROOT

from pipeline.check import class_tests, sparql_scope
from pipeline.check import validate as validating
from pipeline.errors import InputError
from pipeline.release import parallel, shares
from pipeline.release import publish as publishing
from pipeline.sources.settings import load_settings

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

BASE = "https://w3id.org/koko-lod/"


def _subset(plan) -> list:
    return [c for c in plan.constraints if c.scope == "subset"]


def test_the_plan_holds_each_rules_edges_as_the_parser_finds_them():
    """The edges focus.py and delta.py follow from a rule's focus nodes are found once, with
    its scope, and kept in the plan (and so in its cache): the same as parsing the query again."""
    plan = validating.project_shapes(BASE).plan()
    assert len([c for c in _subset(plan) if c.classes]) >= 10  # koko's rules aimed at classes
    for c in _subset(plan):
        assert c.edges == sparql_scope.pattern_edges(c.query)
    assert any(c.edges for c in _subset(plan))


STEWARD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix koko: <https://w3id.org/koko-lod/def/koko#> .
@prefix schema: <https://schema.org/> .
<https://example.org/shapes#Mine> a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ sh:message "an area with a part inside a place of itself" ; sh:select \"\"\"
    SELECT $this WHERE { $this <https://schema.org/containsPlace>/^<https://w3id.org/koko-lod/def/koko#memberPlace> ?m .
      ?m <https://w3id.org/koko-lod/def/koko#parentPlace>|<https://schema.org/containedInPlace>* $this }\"\"\" ] ;
  sh:sparql [ sh:message "anything at all" ; sh:select \"\"\"SELECT $this WHERE { $this ?p ?o . ?o ?q $this }\"\"\" ] .
"""


def test_a_stewards_rules_get_their_edges_as_the_parser_finds_them(tmp_path):
    """The same for a steward's own rules: paths (a sequence, an inverse, an alternative, a
    closure) and variable predicates."""
    folder = tmp_path / "shapes"
    folder.mkdir()
    (folder / "mine.ttl").write_text(STEWARD, encoding="utf-8")
    plan = validating.project_shapes(BASE, folder).plan()
    mine = [c for c in plan.constraints if c.shape == "https://example.org/shapes#Mine"]
    assert len(mine) == 2
    for c in mine:
        assert c.edges == (sparql_scope.pattern_edges(c.query) if c.scope == "subset" else None)
    assert any(c.edges for c in mine)


def test_prepare_leaves_the_shapes_compiled():
    """As the engine takes them for a publish's graph (check/class_tests.py)."""
    plan = validating.project_shapes(BASE).plan()
    validating._compiled.cache_clear()
    validating.prepare(BASE)
    compiled = validating._compiled.cache_info().misses
    validating._compiled(class_tests.rewritten(plan.core))
    assert validating._compiled.cache_info().misses == compiled == 1


def test_prepare_leaves_broken_shapes_to_fail_where_they_are_used(tmp_path):
    broken = tmp_path / "mine.ttl"
    broken.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nthis is not turtle\n", encoding="utf-8")
    validating.prepare(BASE, broken)  # nothing raised here
    with pytest.raises(InputError):
        validating.project_shapes(BASE, broken)


def test_prepare_stops_once_told():
    validating.project_shapes(BASE).plan()
    validating._compiled.cache_clear()
    validating.prepare(BASE, until=lambda: True)
    assert validating._compiled.cache_info().currsize == 0


@pytest.mark.parametrize("graph_child_done", [False, True])
def test_the_validating_process_parses_no_query(tmp_path, monkeypatch, graph_child_done):
    """With a large graph (its growing table split between the graph child and a helper), the
    parent prepares while the graph child still works, or leaves it where the child is done.
    Either way the validating process, on the focus nodes' lines of a first publish, reads
    each rule's edges from the plan and parses no query: counted in the validating process
    itself (a fork: it writes what it saw to a file)."""
    monkeypatch.setattr(shares, "SPLIT_BYTES", 1)  # the 300-row table is split as a large one is: a large graph
    monkeypatch.setattr(shares, "_cores", lambda: 2)
    data = generate(300, tmp_path / "data")
    seen = tmp_path / "seen.txt"
    real = publishing._validate

    def counting(*args, **kwargs):
        before = sparql_scope._algebra.cache_info().misses
        try:
            return real(*args, **kwargs)
        finally:
            seen.write_text(str(sparql_scope._algebra.cache_info().misses - before), encoding="utf-8")

    validating.project_shapes(BASE).plan()  # the plan known, as its cache gives it to a publish
    sparql_scope._algebra.cache_clear()
    monkeypatch.setattr(publishing, "_validate", counting)
    monkeypatch.setattr(parallel._Running, "done", lambda self: graph_child_done)
    publishing.publish(load_settings(data), tmp_path / "out", site=False)
    assert int(seen.read_text(encoding="utf-8")) == 0


def test_a_small_graph_is_not_prepared_for(tmp_path, monkeypatch):
    """The real sources: no helper, the graph child is done at once, and preparing would only
    come before the validating process (it cost their publish 0.1-0.3 s when tried)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    called = []
    monkeypatch.setattr(publishing, "prepare_validation", lambda *a, **k: called.append(1))
    monkeypatch.setattr(parallel._Running, "done", lambda self: False)
    publishing.publish(load_settings(data), tmp_path / "out", site=False)
    assert called == []
