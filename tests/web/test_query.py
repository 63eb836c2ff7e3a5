"""koko query: each example query in queries/ answers the question its comment asks."""

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from helpers import ROOT

from pipeline.cli import main

QUERIES = ROOT / "queries"


def run(published: Path, *args):
    result = CliRunner().invoke(main, ["query", "--out", str(published), *args])
    assert result.exit_code == 0, result.output
    return result.output


def rows(published, name):
    return list(csv.DictReader(io.StringIO(run(published, "--format", "csv", str(QUERIES / name)))))


def test_every_query_says_what_it_answers():
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 5
    for path in files:  # its question in fi, sv and en (the editor's titles), then what it answers
        lines = path.read_text(encoding="utf-8").splitlines()
        titles = [line.split(":", 1)[1].strip() for line in lines[:3]]
        assert [line[:4] for line in lines[:3]] == ["#fi:", "#sv:", "#en:"] and all(titles), path
        assert len(set(titles)) == 3 and lines[3].startswith("# "), path


def test_kuopio_municipalities(published):
    got = {(r["subregionName"], r["name"]) for r in rows(published, "kuopio-municipalities.rq")}
    assert got == {("Kuopio", "Kuopio"), ("Kuopio", "Maaninka"), ("Kuopio", "Siilinjärvi"),
                   ("Koillis-Savo", "Juankoski"), ("Koillis-Savo", "Kaavi"), ("Koillis-Savo", "Rautavaara"),
                   ("Koillis-Savo", "Tuusniemi"), ("Sisä-Savo", "Rautalampi"), ("Sisä-Savo", "Suonenjoki"),
                   ("Sisä-Savo", "Tervo"), ("Sisä-Savo", "Vesanto")}


def test_funding(published):
    got = rows(published, "funding.rq")
    annual = [r for r in got if r["perYear"] == "true"]
    assert annual[0]["amount"] == "11000000" and annual[0]["coFinancingRate"] == "0.5"
    assert annual[0]["sourceName"] == "maakunnan kehittämisraha"
    assert {r["amount"] for r in got if r["startYear"] == "2010"} >= {"23000000"}


def test_contacts(published):
    (row,) = rows(published, "contacts.rq")
    assert row["name"] == "Olli Kokander" and row["phone"] == "tel:+358207464645"
    assert row["email"] == "mailto:olli.kokander@suonenjoki.fi" and row["areaName"] == "Kuopion alueen KOKO"


def test_predecessors(published):
    got = {r["acronym"] or r["nameFi"] for r in rows(published, "predecessors.rq")}
    assert got == {"AKO", "AMO", "saaristo-ohjelman paikallinen ja alueellinen toteuttaminen"}


def test_place_names(published):
    got = {r["code"]: (r["fi"], r["sv"], r["en"]) for r in rows(published, "place-names.rq")}
    assert got["113"] == ("Koillis-Savo", "Nordöstra Savolax", "Koillis-Savo sub-regional unit")
    assert set(got) == {"113", "174", "204", "687", "857"}


def test_json_is_sparql_results_json(published):
    doc = json.loads(run(published, "--format", "json", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert doc["head"]["vars"] == ["n"] and int(doc["results"]["bindings"][0]["n"]["value"]) > 5000


def test_table_and_construct(published):
    assert "area:kuopio" in run(published, "SELECT ?a WHERE { ?a a koko:KokoArea }")
    turtle = run(published, "CONSTRUCT { area:kuopio ?p ?o } WHERE { area:kuopio ?p ?o }")
    assert turtle.startswith("@prefix") and "Kuopion alueen KOKO" in turtle
    assert run(published, "ASK { area:kuopio a koko:KokoArea }").strip() == "true"


def test_bad_query_exit_2(published):
    result = CliRunner().invoke(main, ["query", "--out", str(published), "SELECT WHERE {"])
    assert result.exit_code == 2 and "not valid SPARQL" in result.output


def test_prologue_declares_only_used_prefixes():
    from pipeline.web.query import with_prologue

    text = with_prologue("SELECT * WHERE { area:kuopio schema:containsPlace ?s }", "https://w3id.org/koko-lod/")
    assert "PREFIX area: <https://w3id.org/koko-lod/id/area/>" in text and "PREFIX schema:" in text
    assert "PREFIX skos:" not in text and "PREFIX action-lines:" not in text


def test_area_of_a_municipality(published):
    (row,) = rows(published, "area-of-municipality.rq")
    assert row["areaName"] == "Koillis-Suomen KOKO" and row["organisationName"].endswith("Naturpolis Oy")


def test_areas_by_region(published):
    got = [(r["regionName"], r["areaName"], r["endDate"]) for r in rows(published, "areas-by-region.rq")]
    assert len(got) == 13 and ("Pohjois-Karjala", "Joensuun seudun ja Keski-Karjalan KOKO", "2012-03-31") in got
    regioned = [g for g in got if g[0]]
    assert got[: len(regioned)] == regioned, "areas without a region come last"


def test_area_funding_by_kind(published):
    got = rows(published, "area-funding-by-kind.rq")
    assert {r["areaName"] for r in got} == {"Vaasan seudun KOKO"} and sum(int(r["amount"]) for r in got) == 477000
    assert {r["total"] for r in got} == {"480000"} and {r["approximate"] for r in got} == {"true"}


def test_what_the_sources_do_not_say(published):
    got = {(r["areaName"], r["missing"]) for r in rows(published, "areas-without-members.rq")}
    assert ("Kouvolan seutu", "no members stated") in got and ("KOKO Länsi-Uusimaa", "member without a code: Karjalohja") in got
    assert len(got) == 7
