"""load.typed_rows keeps the typed value of each distinct text of a column (TYPED_TEXTS of
them): held here to typing every value on its own, on rows of every CSV table drawn from a few texts, so that
texts repeat within a column and across columns of other types, blank and wrong ones among them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from pipeline.errors import Code, Place, Problems, ValueProblem
from pipeline.i18n import Msg
from pipeline.sources import load
from pipeline.sources.readers import ReadTable
from pipeline.sources.reference import load_reference
from pipeline.sources.schema import TABLES

DATA = Path(__file__).resolve().parents[2] / "data"
CSV_TABLES = [t for t in TABLES if t.file.endswith(".csv")]
# each column draws from all of these: a year is a key's text too, a code a name's, and an
# e-mail address, a phone number, a date or a web address a text's
TEXTS = ["2010", "2013", "1999x", "005", "091", "999", "bench-1", "bench-2", "Hanke, 2010", " 2011 ", "", "   ",
         "12,5", "1 000.25", "EUR", "eur", "x y", "20100", "etu.suku@example.fi", "etu.suku(at)example.fi",
         "+358 40 123 4567", "31.12.2013", "2013-12-31", "https://example.fi/a b", "true", "ei", "FI1D2"]


def one_by_one(table, csv_table: ReadTable, rows: list, ref) -> tuple:
    """The records' (name -> (value, place)) and the problems, each value typed on its own."""
    problems, records = Problems(limit=10_000), []
    for line, row in rows:
        facts = {}
        for f in table.fields:
            if f.name not in csv_table.header:
                continue
            text = row[csv_table.header.index(f.name)]
            place = Place(csv_table.name, line, 0, f.name)
            if not text or text.isspace():
                if f.required:
                    problems.add(place, Msg('{name!r} is required but empty', name=f.name), code=Code.REQUIRED_EMPTY)
                continue
            try:
                facts[f.name] = (load._scalar_converter(f, ref)(text), place)
            except ValueProblem as exc:
                problems.add(place, load._about(f.name, exc.message), exc.hint, code=exc.code)
        records.append(facts)
    return records, problems


@pytest.mark.parametrize("table", CSV_TABLES, ids=lambda t: t.name)
@pytest.mark.parametrize("kept", [1, 3, load.TYPED_TEXTS])
@pytest.mark.parametrize("seed", range(2))
def test_typed_rows_gives_each_value_typed_on_its_own(monkeypatch, table, kept, seed):
    monkeypatch.setattr(load, "TYPED_TEXTS", kept)
    pick = random.Random(seed)
    ref = load_reference(DATA, dt.date(2013, 1, 1))
    header = [f.name for f in table.fields]
    pick.shuffle(header)
    csv_table = ReadTable(table.file, header, [], ",")
    rows = [(line, [pick.choice(TEXTS) for _ in header]) for line in range(2, 202)]
    problems = Problems(limit=10_000)
    records = load.typed_rows(table, csv_table, rows, problems, ref)
    expected, expected_problems = one_by_one(table, csv_table, rows, ref)
    got = [{name: (fact.value, fact.place) for name, fact in r.facts.items()} for r in records]
    assert got == expected
    assert [type(v) for r in got for v, _ in r.values()] == [type(v) for r in expected for v, _ in r.values()]
    assert [str(p) for p in problems.items] == [str(p) for p in expected_problems.items]
    assert sum(len(r) for r in got) > 50 and len(problems.items) > 50  # both kinds met, many times
