"""Source tables as workbooks (xlsx, filled in from `koko template`), the CSV Excel writes as
"Unicode text" (UTF-16), and a workbook saved under a .csv name."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner
from helpers import DATA, RELEASE
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.errors import Place
from pipeline.sources.load import Fact, load
from pipeline.sources.settings import load_settings
from pipeline.sources.schema import BY_NAME, TABLES

CSV_TABLES = [t for t in TABLES if t.file.endswith(".csv")]
GRAPH = ("koko.nt", "koko.ttl", "koko.jsonld")


def typed(text: str, kind: str):
    """A value as Excel keeps it when a steward types it: numbers and dates as such."""
    if not text:
        return None
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind in ("decimal", "int", "year"):
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else float(text)
    return text


def fill(template, rows: list, table) -> None:
    book = load_workbook(template)
    sheet = book[table.name]
    columns = {c.value: c.column for c in sheet[1]}
    for r, row in enumerate(rows, start=2):
        for name, text in row.items():
            sheet.cell(row=r, column=columns[name], value=typed(text, table.field(name).type))
    book.save(template)


def publish(data, out):
    result = CliRunner().invoke(main, ["publish", "--data", str(data), "--out", str(out), "--release-date", RELEASE, "--no-site"])
    return result


@pytest.fixture(scope="module")
def workbook_data(tmp_path_factory):
    """data/ with every CSV table replaced by its template, filled with the same facts."""
    root = tmp_path_factory.mktemp("books")
    data = root / "data"
    shutil.copytree(DATA, data)
    made = CliRunner().invoke(main, ["template", "--data", str(data), "--to", str(root / "templates")])
    assert made.exit_code == 0, made.output
    for table in CSV_TABLES:
        rows = list(csv.DictReader(io.StringIO((data / table.file).read_text(encoding="utf-8-sig"))))
        book = root / "templates" / table.file.replace(".csv", ".xlsx")
        fill(book, rows, table)
        shutil.copyfile(book, data / book.name)
        (data / table.file).unlink()
    return data


def test_the_same_facts_as_workbooks_publish_the_same_bytes(workbook_data, published, tmp_path):
    result = publish(workbook_data, tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in GRAPH:
        assert (tmp_path / "out" / name).read_bytes() == (published / name).read_bytes(), name


def test_the_template_has_notes_and_drop_downs(tmp_path):
    CliRunner().invoke(main, ["template", "--data", str(DATA), "--to", str(tmp_path)])
    book = load_workbook(tmp_path / "funding.xlsx")
    sheet = book["funding"]
    header = {c.value: c for c in sheet[1]}
    assert "a number" in header["amount"].comment.text and "Example: 11000000" in header["amount"].comment.text
    assert "one of: state-via-regional-council" in header["funder_kind"].comment.text
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    funder_kind = header["funder_kind"].column_letter
    assert funder_kind in lists and book["lists"].sheet_state == "hidden"
    members = load_workbook(tmp_path / "memberships.xlsx")
    codes = [c.value for c in members["lists"]["A"][1:]]
    assert len(codes) == 70 and "112" in codes, "the sub-region codes of the reference date"


def test_the_template_takes_its_examples_from_excels_csv_dialect(data_dir, tmp_path):
    """contacts.csv as Excel saves it in a Finnish locale (semicolons, Windows-1252): the loader
    reads it, and so does the template, whose notes show its values as examples."""
    path = data_dir / "contacts.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",", ";").encode("cp1252"))
    assert CliRunner().invoke(main, ["validate", "--data", str(data_dir)]).exit_code == 0
    CliRunner().invoke(main, ["template", "--data", str(data_dir), "--to", str(tmp_path / "t")])
    header = {c.value: c for c in load_workbook(tmp_path / "t" / "contacts.xlsx")["contacts"][1]}
    assert "Example: Olli Kokander" in header["name"].comment.text, header["name"].comment.text


def bad_cell(workbook_data, tmp_path, table: str, row: int, column: str, value):
    data = tmp_path / "data"
    shutil.copytree(workbook_data, data)
    path = data / BY_NAME[table].file.replace(".csv", ".xlsx")
    book = load_workbook(path)
    sheet = book[table]
    col = next(c.column for c in sheet[1] if c.value == column)
    sheet.cell(row=row, column=col).value = value  # cell(..., value=None) would leave the cell as it was
    book.save(path)
    return CliRunner().invoke(main, ["validate", "--data", str(data)])


def test_text_in_a_number_cell_names_workbook_sheet_and_cell(workbook_data, tmp_path):
    result = bad_cell(workbook_data, tmp_path, "funding", 3, "amount", "noin 23 milj.")
    assert result.exit_code == 2
    assert f"{tmp_path}/data/funding.xlsx: funding!K3: " in result.output and "not a" in result.output, result.output


def test_a_wrong_date_names_its_cell(workbook_data, tmp_path):
    result = bad_cell(workbook_data, tmp_path, "former_municipalities", 2, "merged_on", "31.13.2011")
    assert result.exit_code == 2 and "former-municipalities.xlsx: former_municipalities!D2: " in result.output, result.output
    assert "not a date on the calendar" in result.output


def test_an_empty_required_cell_names_its_cell(workbook_data, tmp_path):
    result = bad_cell(workbook_data, tmp_path, "contacts", 2, "source", None)
    assert result.exit_code == 2 and "contacts.xlsx: contacts!K2: 'source' is required but empty" in result.output, result.output


def test_a_table_given_twice_is_an_error(workbook_data, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(workbook_data, data)
    shutil.copyfile(DATA / "nuts.csv", data / "nuts.csv")
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code == 2 and "both nuts.csv and nuts.xlsx hold the nuts table" in result.output


@pytest.mark.parametrize("encoding,bom,sep", [("utf-16-le", b"\xff\xfe", "\t"), ("utf-16-be", b"\xfe\xff", "\t"),
                                               ("utf-16-le", b"\xff\xfe", ",")])
def test_unicode_text_from_excel_is_read(data_dir, tmp_path, encoding, bom, sep):
    rows = list(csv.reader(io.StringIO((DATA / "contacts.csv").read_text(encoding="utf-8"))))
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    (data_dir / "contacts.csv").write_bytes(bom + out.getvalue().encode(encoding))
    result = publish(data_dir, tmp_path / "out")
    assert result.exit_code == 0, result.output


def test_a_workbook_under_a_csv_name_says_what_it_is(data_dir, workbook_data):
    shutil.copyfile(workbook_data / "contacts.xlsx", data_dir / "contacts.csv")
    result = CliRunner().invoke(main, ["validate", "--data", str(data_dir)])
    assert result.exit_code == 2
    assert "contacts.csv:1: is a zipped workbook (xlsx or ods), not CSV text" in result.output
    assert result.output.count("error:") == 1, "one clear message, not a missing column per column"


@pytest.mark.parametrize("books", [False, True])
def test_each_value_is_placed_at_its_cell(workbook_data, books):
    """Every typed value keeps where it stands: its file and line, and in a workbook its sheet
    and column, read here from the sheet's own header row (load.typed_rows makes the places
    itself, without the placer's call for each value)."""
    data = workbook_data if books else DATA
    sources = load(load_settings(data))
    checked = 0
    for table in CSV_TABLES:
        header = [c.value for c in load_workbook(data / table.file.replace(".csv", ".xlsx"))[table.name][1]] if books else []
        for record in sources.records(table.name):
            assert type(record.place) is Place and record.place.column == 0 and record.place.field == ""
            assert record.place.sheet == (table.name if books else "")
            for name, fact in record.facts.items():
                if not isinstance(fact, Fact):
                    continue
                column = header.index(name) + 1 if books else 0
                assert type(fact.place) is Place
                assert fact.place == Place(record.place.file, record.place.line, column, name, record.place.sheet)
                checked += 1
    assert checked > 300
