"""The graph patched from the previous release's after an edit of rows of the growing table
(release/graph_patch.py) against the serial load, build and sort: on random edits of every
column, the same graph byte for byte and the same map back to the sources entry for entry,
or the serial path's own answer (a problem is never hidden); and a publish after an edit
writes the bytes of a publish into a new folder."""

from __future__ import annotations

import csv
import io
import random
import sys

import pytest
from helpers import ROOT, contents

from pipeline.errors import InputError
from pipeline.release import graph_patch, records, shares
from pipeline.release import publish as publishing
from pipeline.sources.settings import load_settings

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

ROWS = 300
TRIALS = 80


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A generated source folder published once, with a cache of its own (no other test's
    publishes push its saved graph out)."""
    root = tmp_path_factory.mktemp("patch")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOKO_CACHE", str(root / "cache"))
        data = generate(ROWS, root / "data")
        publishing.publish(load_settings(data), root / "out", site=False)
        yield data, root / "out", (data / "decisions.csv").read_text(encoding="utf-8")


def _rows(text: str) -> list:
    return list(csv.reader(io.StringIO(text, newline="")))


def _line(row: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    return out.getvalue()


def _values(rows: list) -> tuple:
    """(valid, broken): values to put in each column, valid ones (some from other rows) and
    ones the patch must leave to the serial path (a problem, a new key or project, a value
    over two lines, an amount taken away)."""
    header = rows[0]
    column = {name: [row[i] for row in rows[1:]] for i, name in enumerate(header)}
    valid = {
        "project": [column["project"][0]],  # declared by the first row
        "project_name": ["Muutettu hanke", "Hanke, osa 2", 'Hanke "lainaus"'],
        "area": [column["area"][5]],
        "municipality": ["091", ""],
        "subregion": ["011", ""],
        "year": ["2012", "1999"],
        "amount": ["123.45", "1 000,50"],
        "currency": ["EUR"],
        "funder": [column["funder"][3], ""],
        "funding_source": [column["funding_source"][0], ""],
        "source": ["vasek-fi"],
    }
    broken = {
        "key": ["bench-9999999", column["key"][0]],
        "project": [column["project"][-1], "bench-project-new"],
        "project_name": ["Hanke\nkahdella rivillä", ""],
        "area": ["no-such-area"],
        "municipality": ["9999"],
        "year": ["20x1"],
        "amount": ["", "abc"],
        "funder": ["nobody"],
        "source": ["nope"],
    }
    return valid, broken


def _edited(rng: random.Random, text: str) -> str:
    """The decisions table with one to three rows changed, now and then in a way no patch
    may take (a row added, a blank line, the line ends)."""
    rows = _rows(text)
    header, (valid, broken) = rows[0], _values(rows)
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        at = rng.randint(1, len(rows) - 1)
        row = list(rows[at])
        values = broken if rng.random() < 0.15 else valid
        name = rng.choice(sorted(values))
        row[header.index(name)] = rng.choice(values[name])
        lines[at] = _line(row)
    twist = rng.random()
    if twist < 0.05:
        lines.insert(-1, _line(rows[1][:1] + ["bench-9999998"] + rows[1][2:]))
    elif twist < 0.1:
        lines[rng.randint(1, len(rows) - 1)] = ""
    elif twist < 0.15:
        lines = [line + "\r" for line in lines[:-1]] + lines[-1:]
    return "\n".join(lines)


def _serial(settings):
    try:
        return publishing._load_and_build(settings, quiet, {})
    except InputError:
        return None


def test_a_patch_is_the_serial_graph_and_map_or_none(released):
    data, out, original = released
    path = data / "decisions.csv"
    patched = fell_back = 0
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("KOKO_CACHE", str(out.parent / "cache"))
            for seed in range(TRIALS):
                rng = random.Random(seed)
                path.write_text(_edited(rng, original), encoding="utf-8")
                settings = load_settings(data)
                previous = records.Recorded.of(out.resolve(), settings.base_iri)
                inputs = graph_patch.Inputs.read(settings)
                assert graph_patch.eligible(inputs, previous), "the release saved its graph under these inputs"
                got = graph_patch.patched(settings, previous, inputs)
                reference = _serial(settings)
                if got is None:
                    fell_back += 1
                    continue
                patched += 1
                assert reference is not None, f"seed {seed}: the patch hid a problem"
                _, built = reference
                assert b"".join(got.nt_pieces) == publishing.graph_nt(built, "fast"), f"seed {seed}"
                for name in (*shares.MAPS, "columns", "fact_places", "value_places"):
                    assert list(getattr(got.built, name).items()) == list(getattr(built, name).items()), (seed, name)
                assert got.built.notes == built.notes
    finally:
        path.write_text(original, encoding="utf-8")
    print(f"patched {patched}, left to the serial path {fell_back}")
    # both ways are taken: a test of the patch that never patches proves nothing
    assert patched >= TRIALS // 5 and fell_back >= TRIALS // 10, (patched, fell_back)


def test_nothing_changed_is_the_same_graph(released):
    data, out, _ = released
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOKO_CACHE", str(out.parent / "cache"))
        settings = load_settings(data)
        previous = records.Recorded.of(out.resolve(), settings.base_iri)
        got = graph_patch.patched(settings, previous, graph_patch.Inputs.read(settings))
    assert got is not None and got.rows == 0
    assert b"".join(got.nt_pieces) == (out / "koko.nt").read_bytes()


def test_another_file_changed_is_not_patched(released, tmp_path):
    data, out, _ = released
    funding = data / "funding.csv"
    before = funding.read_text(encoding="utf-8")
    try:
        funding.write_text(before.replace("EUR", "EUR", 1) + "\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("KOKO_CACHE", str(out.parent / "cache"))
            settings = load_settings(data)
            previous = records.Recorded.of(out.resolve(), settings.base_iri)
            assert previous.record.get("graph") and not graph_patch.eligible(graph_patch.Inputs.read(settings), previous)
    finally:
        funding.write_text(before, encoding="utf-8")


def _edit_taken(rows: list) -> None:
    header = rows[0]
    rows[1][header.index("amount")] = "777.00"  # the first decision of its project: it declares it
    rows[1][header.index("project_name")] = "Uusi nimi"
    rows[2][header.index("source")] = "vasek-fi"


def _edit_refused(rows: list) -> None:
    rows[3][rows[0].index("key")] = "bench-9999999"  # a changed key: the serial path decides


@pytest.mark.parametrize("edit, patched", [(_edit_taken, True), (_edit_refused, False)])
def test_a_publish_after_an_edit_writes_a_whole_publishs_bytes(tmp_path, monkeypatch, edit, patched):
    """Patched or not, the same files as a publish into a new folder; where the patch is
    refused, the table is still loaded on two cores (the helper that waited builds its half);
    the graph files are made once, by whichever process claims them first."""
    monkeypatch.setenv("KOKO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(shares, "SPLIT_BYTES", 1)  # the 300-row table is split as a large one is
    monkeypatch.setattr(shares, "_cores", lambda: 2)
    data = generate(ROWS, tmp_path / "data")
    heard = tmp_path / "heard.txt"
    real_patched, real_part = graph_patch.patched, shares._part

    def tell(word: str) -> None:
        with open(heard, "a", encoding="utf-8") as fh:  # the graph child and the helper are other processes
            fh.write(f"{word}\n")

    def patched_spy(*args):
        done = real_patched(*args)
        tell(f"patched={done is not None}")
        return done

    def part_spy(*args):
        tell("helper built")
        return real_part(*args)

    real_files = publishing.write_graph_files

    def files_spy(*args):
        tell("graph files")  # by either process: exactly one makes them
        return real_files(*args)

    monkeypatch.setattr(graph_patch, "patched", patched_spy)
    monkeypatch.setattr(shares, "_part", part_spy)
    monkeypatch.setattr(publishing, "write_graph_files", files_spy)
    out, whole = tmp_path / "out", tmp_path / "whole"
    publishing.publish(load_settings(data), out)
    assert sorted(heard.read_text().split("\n")[:-1]) == ["graph files", "helper built"]  # nothing to patch from
    heard.unlink()
    path = data / "decisions.csv"
    rows = _rows(path.read_text(encoding="utf-8"))
    edit(rows)
    path.write_text("\n".join(_line(row) for row in rows) + "\n", encoding="utf-8")
    publishing.publish(load_settings(data), out)
    told = heard.read_text().split("\n")[:-1]
    assert told.count("graph files") == 1, told
    assert [w for w in told if w != "graph files"] == (["patched=True"] if patched else ["patched=False", "helper built"])
    publishing.publish(load_settings(data), whole)
    assert contents(out) == contents(whole)


def test_a_value_over_two_lines_leaves_the_lines_to_the_serial_path():
    """Lines are rows only while no quoted value goes on over a line end: here the file keeps
    its number of lines, and the two halves of the value would each read as a row."""
    header = "key,project_name,amount"
    old = f"{header}\nk1,Yksi,1\nk2,Kaksi,2\nk3,Kolme,3\n".encode()
    new = f'{header}\nk1,"Yksi\nk2,Kaksi",2\nk3,Kolme,3\n'.encode()
    assert graph_patch._changed_lines(old, old.replace(b"Kaksi", b"Toinen")) is not None
    assert graph_patch._changed_lines(old, new) is None


def _set(rows: list, line: int, **values) -> None:
    """Sets columns of the row on `line` (the header is line 1)."""
    for name, value in values.items():
        rows[line - 1][rows[0].index(name)] = value


#: Edits whose effect reaches beyond their own row's lines, which a patch must not take:
#: name -> edit of the rows.
REACHING = {
    # the row becomes its new project's first decision, which declares it (with its name)
    "a project declared by a later row": lambda rows: _set(rows, 5, project=rows[-1][1], project_name="Uusi"),
    # the row declared its project, which the next row declares after the edit
    "a project's first decision moved": lambda rows: _set(rows, 4, project=rows[1][1]),
    # the first row with a target place gives the column of every target place's place
    "the first target place from another column": lambda rows: _set(rows, 2, municipality="", subregion="011"),
}


@pytest.mark.parametrize("edit", sorted(REACHING))
def test_an_edit_that_reaches_other_rows_is_left_to_the_serial_path(released, edit):
    data, out, original = released
    path = data / "decisions.csv"
    rows = _rows(original)
    REACHING[edit](rows)
    try:
        path.write_text("\n".join(_line(row) for row in rows) + "\n", encoding="utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("KOKO_CACHE", str(out.parent / "cache"))
            settings = load_settings(data)
            previous = records.Recorded.of(out.resolve(), settings.base_iri)
            assert _serial(settings) is not None  # valid sources: only the patch stands aside
            inputs = graph_patch.Inputs.read(settings)
            assert graph_patch.eligible(inputs, previous) and graph_patch.patched(settings, previous, inputs) is None
    finally:
        path.write_text(original, encoding="utf-8")


@pytest.mark.parametrize("damage", ["pickle", "csv"])
def test_a_damaged_saved_graph_is_built_whole(released, damage):
    """A saved file cut short (a full disk, a copy broken off) is no patch: the serial path
    builds the graph."""
    data, out, _ = released
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KOKO_CACHE", str(out.parent / "cache"))
        settings = load_settings(data)
        previous = records.Recorded.of(out.resolve(), settings.base_iri)
        inputs = graph_patch.Inputs.read(settings)
        saved = graph_patch.cache_dir("graphs") / f"{previous.record['graph']['key']}.{damage}"
        whole = saved.read_bytes()
        try:
            saved.write_bytes(whole[: len(whole) // 2])
            assert graph_patch.eligible(inputs, previous)
            assert graph_patch.patched(settings, previous, inputs) is None
        finally:
            saved.write_bytes(whole)
        assert graph_patch.patched(settings, previous, inputs) is not None


def test_a_workbook_for_the_growing_table_is_never_patched(tmp_path):
    """Excel's own file: its rows are not lines, so nothing is saved to patch from, and a
    workbook beside the CSV (a steward's mistake the reading names) saves nothing either."""
    from openpyxl import Workbook

    data = generate(20, tmp_path / "data")
    assert graph_patch.Inputs.read(load_settings(data)) is not None
    Workbook().save(data / "decisions.xlsx")  # beside the CSV
    assert graph_patch.Inputs.read(load_settings(data)) is None
    (data / "decisions.csv").unlink()  # in its place
    assert graph_patch.Inputs.read(load_settings(data)) is None
