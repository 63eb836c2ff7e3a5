"""Shapes a steward adds to shapes/: the default engine answers as the reference does, says
which shapes left the fast path, and a broken shapes or ontology file is exit 2 naming it."""

import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import ROOT

from pipeline.check import validate as v
from pipeline.cli import main
from pipeline.graph.build import build
from pipeline.graph.serialize import canonical_nt
from pipeline.sources.load import load
from pipeline.sources.settings import load_settings

BASE = "https://w3id.org/koko-lod/"

#: The rule from the report that found the engines disagreeing: a variable predicate.
COUNT_RULE = """
kokosh:AreaProperties a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "area has only {?n} properties" ;
    sh:prefixes <https://w3id.org/koko-lod/def/shapes> ;
    sh:select \"\"\"SELECT $this (COUNT(?p) AS ?n) WHERE { $this ?p ?o } GROUP BY $this HAVING (COUNT(?p) < LIMIT)\"\"\" ] .
"""


@pytest.fixture
def shapes_dir(tmp_path, monkeypatch):
    """A copy of shapes/ that the run reads instead of the shipped one (the shapes are read
    again on every run, and checked once per distinct text)."""
    folder = tmp_path / "shapes"
    shutil.copytree(ROOT / "shapes", folder)
    monkeypatch.setattr(v, "SHAPES_DIR", folder)
    yield folder


def add_rule(folder, text: str, name: str = "koko-rules.ttl") -> None:
    path = folder / name
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def both(settings):
    built = build(load(settings))
    nt = canonical_nt(built.lines)
    return v.validate(built, nt, BASE, "fast"), v.validate(built, nt, BASE, "pyshacl")


@pytest.mark.slow  # the reference engine (pySHACL) over the whole graph
@pytest.mark.parametrize("limit,fails", [(40, True), (6, False)])
def test_a_variable_predicate_gets_the_references_answer(shapes_dir, settings, limit, fails):
    add_rule(shapes_dir, COUNT_RULE.replace("LIMIT", str(limit)))
    fast, reference = both(settings)
    assert fast.results == reference.results and fast.conforms == reference.conforms
    counts = [r.message for r in fast.results if r.focus == BASE + "id/area/kuopio"]
    assert (counts == ["area has only 12 properties"]) is fails, counts
    assert any("AreaProperties" in n and "whole graph" in n and "variable predicate" in n for n in fast.notes)


@pytest.mark.slow  # the reference engine (pySHACL) over the whole graph
def test_the_run_says_which_shapes_left_the_fast_path(shapes_dir, data_dir):
    add_rule(shapes_dir, COUNT_RULE.replace("LIMIT", "6"))
    add_rule(shapes_dir, """
kokosh:OnlyKuopio a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "not Kuopio" ;
    sh:prefixes <https://w3id.org/koko-lod/def/shapes> ;
    sh:select \"\"\"SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = <https://example.org/none>) } }\"\"\" ] .
""")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code in (0, 1), result.output
    notes = [line for line in result.output.splitlines() if line.startswith("Slower path:")]
    assert len(notes) == 2
    assert any("AreaProperties" in n and "pyoxigraph" in n for n in notes)
    assert any("OnlyKuopio" in n and "pySHACL" in n and "UNION" not in n and "$this in a FILTER" in n for n in notes)
    doc = json.loads(CliRunner().invoke(main, ["validate", "--data", str(data_dir), "--format", "json"]).stdout)
    assert len(doc["notes"]) == 2


@pytest.mark.slow  # the reference engine (pySHACL) over the whole graph
def test_pre_binding_where_a_join_would_differ_goes_to_the_reference(shapes_dir, settings):
    add_rule(shapes_dir, """
kokosh:NamedKuopio a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:message "flagged" ;
    sh:prefixes <https://w3id.org/koko-lod/def/shapes> ;
    sh:select \"\"\"SELECT $this WHERE { { FILTER ($this = <https://w3id.org/koko-lod/id/area/kuopio>) } }\"\"\" ] .
""")
    fast, reference = both(settings)
    assert fast.results == reference.results
    assert [r.focus for r in fast.results if r.message == "flagged"] == [BASE + "id/area/kuopio"]


def test_a_one_step_list_path_is_exit_2_naming_the_file(shapes_dir, data_dir):
    add_rule(shapes_dir, "\nkokosh:Broken a sh:NodeShape ; sh:targetClass koko:KokoArea ;\n"
                         "  sh:property [ sh:path ( koko:region ) ; sh:minCount 1 ] .\n", "koko-shapes.ttl")
    lines = (shapes_dir / "koko-shapes.ttl").read_text().count("\n")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code == 2, result.output
    assert f"shapes/koko-shapes.ttl:{lines - 1}: not a well-formed SHACL shape" in result.output
    assert "internal error" not in result.output


@pytest.mark.parametrize("name,text,where,message", [
    ("koko-rules.ttl", "\nkokosh:X a sh:NodeShape ;\n  sh:targetClass koko:KokoArea , .\n", "shapes/koko-rules.ttl:", "broken Turtle"),
    ("koko-shapes.ttl", "\nkokosh:Y a sh:NodeShape ; sh:targetClass koko:KokoArea ;\n  sh:datatype \"x .\n",
     "shapes/koko-shapes.ttl:", "broken Turtle"),
    ("koko-rules.ttl", """
kokosh:Z a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes <https://w3id.org/koko-lod/def/shapes> ;
    sh:select \"\"\"SELECT $this WHERE { $this ?p ?o MINUS { $this a koko:KokoArea } }\"\"\" ] .
""", "shapes/koko-rules.ttl:", "SHACL does not allow MINUS"),
    ("koko-rules.ttl", """
kokosh:W a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:sparql [ a sh:SPARQLConstraint ; sh:prefixes <https://w3id.org/koko-lod/def/shapes> ;
    sh:select \"\"\"SELECT $this WHERE { $this ?p ?o . { SELECT ?o WHERE { ?o a koko:Region } } }\"\"\" ] .
""", "shapes/koko-rules.ttl:", "a subquery that does not return $this"),
])
@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_broken_shapes_file_is_exit_2(shapes_dir, data_dir, name, text, where, message, engine):
    add_rule(shapes_dir, text, name)
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir), "--engine", engine])
    assert result.exit_code == 2, result.output
    assert where in result.output and message in result.output, result.output


def test_a_broken_ontology_is_exit_2(tmp_path, monkeypatch, data_dir, published):
    folder = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", folder)
    path = folder / "koko.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\nkoko:Broken a owl:Class ;\n  rdfs:label \"x .\n", encoding="utf-8")
    monkeypatch.setattr(v, "ONTOLOGY_DIR", folder)
    v.ontology_text.cache_clear()
    out = tmp_path / "out"
    shutil.copytree(published, out)
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out)])
    v.ontology_text.cache_clear()
    assert result.exit_code == 2, result.output
    assert "ontology/koko.ttl:" in result.output and "broken Turtle" in result.output


def test_project_shapes_need_no_reference_path(settings):
    """The project's own shapes all run on the fast engines: the speed the benchmark measures."""
    plan = v.project_shapes(BASE).plan()
    assert plan.reference is None and plan.notes == []
    # and on the real graph, where a ranged predicate (koko:inhabitants) is also the object of
    # a reified statement's rdf:predicate: the range guard reads the predicate's place only
    from pipeline.release.publish import check

    assert check(settings).report.notes == []


@pytest.fixture
def settings():
    return load_settings(ROOT / "data")


#: A steward's own rule, in a folder of their own: every area needs a motto (none has one).
MOTTO_RULE = """
kokosh:AreaNeedsMotto a sh:NodeShape ; sh:targetClass koko:KokoArea ;
  sh:property [ sh:path koko:motto ; sh:minCount 1 ; sh:message "every area needs a motto (the steward's rule)" ] .
"""


@pytest.mark.slow  # the reference engine (pySHACL) over the whole graph
@pytest.mark.parametrize("how", ["--shapes", "dataset.yaml"])
def test_a_stewards_shapes_folder_is_read_besides_kokos(data_dir, how):
    own = data_dir / "my-shapes"
    own.mkdir()
    (own / "mottos.ttl").write_text(MOTTO_RULE, encoding="utf-8")
    args = ["validate", "--data", str(data_dir)]
    if how == "--shapes":
        args += ["--shapes", str(own)]
    else:
        path = data_dir / "dataset.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "shapes: my-shapes\n", encoding="utf-8")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.output.count("every area needs a motto (the steward's rule)") >= 13, result.output
    assert "co-financing" not in result.output  # koko's own shapes still pass
    fast, reference = (json.loads(CliRunner().invoke(main, [*args, "--format", "json", "--engine", engine]).stdout)
                       for engine in ("fast", "pyshacl"))
    assert fast["results"] == reference["results"] and len(fast["results"]) >= 13, "the reference's answer"


def test_a_stewards_shapes_folder_must_hold_shapes(data_dir):
    own = data_dir / "my-shapes"
    own.mkdir()
    for args, said in ((["--shapes", str(own)], "the shapes folder holds no .ttl file"),
                       (["--shapes", str(data_dir / "nowhere")], "the shapes folder does not exist")):
        result = CliRunner().invoke(main, ["validate", "--data", str(data_dir), *args])
        assert result.exit_code == 2 and said in result.output, result.output
    path = data_dir / "dataset.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "shapes: nowhere\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code == 2 and "dataset.yaml:" in result.output and "shapes folder 'nowhere' not found" in result.output


def test_shapes_that_define_no_shape_are_exit_2(shapes_dir, data_dir):
    """A shapes folder emptied of its shapes (prefixes left) would check nothing: exit 2."""
    for path in shapes_dir.glob("*.ttl"):
        path.write_text("\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                  if line.startswith("@prefix")) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code == 2 and "define no SHACL shape" in result.output, result.output
    assert "conforms" not in result.output
