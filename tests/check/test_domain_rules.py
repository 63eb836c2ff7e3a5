"""Rules about areas that SHACL Core cannot say: their places lie in the area's region, and
their end falls in the programme's period. Both engines, reported at the area in areas.yaml."""

import pytest

from pipeline.check.validate import validate
from pipeline.graph.build import build
from pipeline.graph.serialize import canonical_nt
from pipeline.sources.load import load
from pipeline.sources.settings import load_settings

BASE = "https://w3id.org/koko-lod/"


def violations(data_dir, engine):
    built = build(load(load_settings(data_dir)))
    report = validate(built, canonical_nt(built.lines), BASE, engine)
    return [(r.place.file.rsplit("/", 1)[-1], r.place.line, r.message) for r in report.results if r.severity == "violation"]


def edit(data_dir, old, new):
    areas = data_dir / "areas.yaml"
    text = areas.read_text(encoding="utf-8")
    assert old in text
    areas.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1  # the line the edit is on


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_the_real_areas_conform(data_dir, engine):
    assert violations(data_dir, engine) == []


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_sub_region_of_another_region(data_dir, engine):
    line = edit(data_dir, 'subregions: ["112", "113", "115"]', 'subregions: ["112", "113", "115", "081"]')
    assert violations(data_dir, engine) == [
        ("areas.yaml", line, "sub-region 081 lies in region 08, not in the area's region 11")]


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
def test_a_municipality_of_another_region(data_dir, engine):
    line = edit(data_dir, 'subregions: ["112", "113", "115"]', 'subregions: ["112", "113", "115"]\n    municipalities: ["091"]')
    found = [(f, n, m) for f, n, m in violations(data_dir, engine) if "lies in region" in m]
    assert len(found) == 1 and found[0][0] == "areas.yaml" and found[0][1] in (line, line + 1)  # the area's lines
    assert found[0][2].startswith("municipality 091 lies in region 01, not in the area's region 11")


@pytest.mark.parametrize("engine", ["fast", "pyshacl"])
@pytest.mark.parametrize("date,bad", [("2009-06-30", True), ("2014-01-01", True), ("2010-01-01", False), ("2013-12-31", False)])
def test_an_area_ending_outside_the_programme(data_dir, engine, date, bad):
    line = edit(data_dir, "end_date: 2012-03-31", f"end_date: {date}")
    expected = [("areas.yaml", line, f"end date {date} is outside the programme period 2010-2013")] if bad else []
    assert violations(data_dir, engine) == expected
