"""Differential test: the fast engines give exactly pySHACL's results.

The "fast" validation (the Rust `shacl` engine for SHACL Core, pyoxigraph for the SPARQL
rules) against the reference (pySHACL for everything), compared result by result: focus
node, path, value, severity, constraint component and message. Run on the real sources, on
every case of the broken-source corpus that loads, and on graphs made to break each rule.
"""

import shutil

import pyoxigraph as ox
import pytest
from helpers import BROKEN, DATA

from pipeline.check.sparql_rules import SH
from pipeline.check.validate import project_shapes, report_turtle, validate
from pipeline.graph.build import build
from pipeline.graph.serialize import canonical_nt
from pipeline.sources.load import load
from pipeline.sources.settings import load_settings

pytestmark = pytest.mark.slow  # every case on both engines, pySHACL the reference among them

CASES = sorted(p for p in BROKEN.iterdir() if p.is_dir())
BASE = "https://w3id.org/koko-lod/"


def both(built, extra=()):
    nt = canonical_nt(list(built.lines) + list(extra))
    fast = validate(built, nt, BASE, engine="fast")
    reference = validate(built, nt, BASE, engine="pyshacl")
    return fast, reference


def assert_same(fast, reference):
    assert fast.results == reference.results
    assert fast.conforms == reference.conforms


def test_the_projects_shapes_all_take_the_fast_path():
    plan = project_shapes(BASE).plan()
    assert plan.notes == [] and plan.reference is None and plan.core is not None
    shapes = {c.shape.rsplit("#", 1)[1] for c in plan.constraints}
    assert {"PeriodOrderShape", "FundingYearsShape", "FundingInPeriodShape", "DecisionInPeriodShape", "SharesAddUpShape",
            "CoFinancingShape", "AreaMunicipalitiesShape", "UniqueCodeShape"} <= shapes
    assert {c.scope for c in plan.constraints} == {"subset"}


def test_real_sources(settings):
    assert_same(*both(build(load(settings))))


def _exit_of(case) -> int:
    import yaml

    return yaml.safe_load((case / "case.yaml").read_text(encoding="utf-8"))["exit"]


#: The corpus cases that reach validation (exit 1); the others stop at loading, with no graph
#: for the engines to differ on (tests/test_broken_sources.py covers them).
VALIDATED = [c for c in CASES if _exit_of(c) == 1]


def test_the_corpus_has_cases_for_the_engines():
    assert len(VALIDATED) >= 10


@pytest.mark.parametrize("case", VALIDATED, ids=lambda p: p.name)
def test_corpus_case(case, tmp_path, monkeypatch):
    """Each case with the rules' lines loaded into their store in pieces of 4 kB (some three
    hundred loads, as a large graph has), held to pySHACL's results."""
    from pipeline.check import sparql_rules

    monkeypatch.setattr(sparql_rules, "PIECE", 1 << 12)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for path in case.iterdir():
        if path.name != "case.yaml":
            shutil.copyfile(path, data / path.name)
    built = build(load(load_settings(data)))  # a case here must load: it is about the shapes
    fast, reference = both(built)
    assert_same(fast, reference)
    assert not fast.conforms  # each case breaks a rule, and both engines see it


def test_duplicate_code(settings):
    m = f"<{BASE}id/municipality/999>"
    extra = [f"{m} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}def/koko#Municipality> .".encode(),
             f'{m} <http://www.w3.org/2004/02/skos/core#notation> "297" .'.encode()]
    fast, reference = both(build(load(settings)), extra)
    assert_same(fast, reference)
    assert any("is also the code of" in r.message for r in fast.results)


def test_decision_outside_period(data_dir):
    decisions = data_dir / "decisions.csv"
    decisions.write_text(decisions.read_text() + "d1,p1,Hanke,kuopio,778,,2015,1000,EUR,tem,,programme-page\n"
                                                   "d2,p1,Hanke,kuopio,297,,2011,1000,EUR,tem,,programme-page\n")
    fast, reference = both(build(load(load_settings(data_dir))))
    assert_same(fast, reference)
    assert [r.message for r in fast.results if r.severity == "violation"] == ["year 2015 is outside the programme period 2010-2013"]
    assert fast.results[0].place.line == 2 or any(r.place.line == 2 for r in fast.results)


def test_report_carries_rule_results(settings, data_dir):
    funding = data_dir / "funding.csv"
    funding.write_text(funding.read_text().replace(",2010,2011,no,23000000,", ",2012,2011,no,23000000,"))
    built = build(load(load_settings(data_dir)))
    report = validate(built, canonical_nt(built.lines), BASE)
    turtle = report_turtle(report, BASE)
    graph = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert any(q.object.value == SH + "SPARQLConstraintComponent" for q in graph)
    assert any(q.predicate.value == SH + "conforms" and q.object.value == "false" for q in graph)


def test_core_shapes_use_only_core_components():
    """The Rust engine runs only SHACL Core here; anything else would go to pySHACL."""
    import re

    from pipeline.check.shapes import CORE_CHECKED, NEUTRAL
    from pipeline.config import SHAPES_DIR
    from pipeline.graph.vocab import SH

    text = (SHAPES_DIR / "koko-shapes.ttl").read_text()
    used = set(re.findall(r"\bsh:(\w+)", text))
    # the parameters the fast path is held to pySHACL for, what a shape says besides, and the words of SHACL itself
    core = {iri[len(SH):] for iri in CORE_CHECKED | NEUTRAL if iri.startswith(SH)}
    core |= {"NodeShape", "PropertyShape", "IRI", "Literal", "BlankNodeOrIRI", "Warning", "Violation", "prefix", "namespace"}
    assert used <= core, used - core
    assert "sparql" not in used and "sparql" in (SHAPES_DIR / "koko-rules.ttl").read_text()
