"""The graph stage on two cores (release/shares.py) against the serial load and build: the
same graph and the same map back to the sources, and the serial path itself whenever the
halves cannot be put together with certainty."""

from __future__ import annotations

import os
import sys
import time

import pytest
from helpers import ROOT, contents

from pipeline.errors import InputError
from pipeline.release import parallel, shares
from pipeline.release import publish as publishing
from pipeline.sources.settings import load_settings

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

ROWS = 801  # odd: the project of rows 400 and 401 has one decision in each half


def quiet(*_):
    pass


class FellBack(Exception):
    pass


def refuse(settings, progress, timings):
    raise FellBack


def serial(settings):
    built_sources, built = publishing._load_and_build(settings, quiet, {})
    return built_sources, built


def split(settings, fallback=refuse):
    """The graph child's side, run here, with a real helper process beside it, and its answer
    read as the parent reads it (the helper's maps are put together there)."""
    ends = shares.channel()
    helper = parallel.start(lambda: shares.help_build(settings, ends))
    try:
        sources, built, theirs = shares.load_and_build(settings, quiet, {}, ends, fallback)
    finally:
        helper.cancel()
    return shares.put_together(shares.answer(sources, built, theirs))


def with_rows(data, rows: list[str]):
    with (data / "decisions.csv").open("a", encoding="utf-8") as fh:
        fh.writelines(row + "\n" for row in rows)
    return load_settings(data)


def a_row(key: str, project: str, name: str, amount: str = "1000.00") -> str:
    return f"{key},{project},{name},,091,,2011,{amount},EUR,,maakunnan-kehittamisraha,programme-page"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return generate(ROWS, tmp_path_factory.mktemp("shares") / "data")


@pytest.fixture
def copy(data, tmp_path):
    import shutil

    return shutil.copytree(data, tmp_path / "data")


def assert_same(a, b):
    (sources_a, built_a), (sources_b, built_b) = a, b
    assert publishing.graph_nt(built_a, "fast") == publishing.graph_nt(built_b, "fast")
    for name in (*shares.MAPS, "columns"):  # the same entries in the same order: the serial build's choice
        assert list(getattr(built_a, name).items()) == list(getattr(built_b, name).items()), name
    assert built_a.notes == built_b.notes
    assert sources_a.files == sources_b.files


@pytest.mark.parametrize("piece_lines", [shares.PIECE_LINES, 7])
def test_the_halves_together_are_the_serial_graph(copy, monkeypatch, piece_lines):
    """Projects across the halves, one named differently by a later decision (the first name
    stands), one first named in the second half and again after it, and a quoted name with a
    comma and a line break in it, as Excel writes one; the helper's lines in one piece or in
    many."""
    monkeypatch.setattr(shares, "PIECE_LINES", piece_lines)
    settings = with_rows(copy, [a_row("late-1", "bench-project-0000001", "Toinen nimi"),
                                a_row("late-0", "quoted-project", '"Hanke, jonka nimi\njatkuu seuraavalle riville"'),
                                a_row("late-2", "new-project", "Uusi hanke"),
                                a_row("late-3", "new-project", "Uusi hanke toisin")])
    assert_same(split(settings), serial(settings))


def test_a_publish_split_in_two_writes_the_serial_bytes(data, tmp_path, monkeypatch):
    settings = load_settings(data)
    monkeypatch.setattr(shares, "parts", lambda _: 1)
    publishing.publish(settings, tmp_path / "serial", site=False)
    monkeypatch.setattr(shares, "parts", lambda _: 2)
    publishing.publish(settings, tmp_path / "split", site=False)
    assert contents(tmp_path / "split") == contents(tmp_path / "serial")


@pytest.mark.parametrize("row", [
    a_row("bench-0000003", "p", "Kahdesti käytetty avain"),  # a key of the first half, again in the second
    a_row("late-1", "p", "Summa ei ole luku", amount="paljon"),  # a problem in the helper's half
])
def test_a_problem_goes_to_the_serial_path_and_its_messages(copy, row):
    settings = with_rows(copy, [row])
    with pytest.raises(FellBack):
        split(settings)
    with pytest.raises(InputError) as serial_error:
        serial(settings)
    with pytest.raises(InputError) as split_error:
        split(settings, publishing._load_and_build)
    assert [str(p) for p in split_error.value.problems] == [str(p) for p in serial_error.value.problems]


def test_a_problem_in_the_first_half_goes_to_the_serial_path(copy):
    text = (copy / "decisions.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",EUR,", ",SEK,")
    (copy / "decisions.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(FellBack):
        split(load_settings(copy))


def with_a_long_value_in_the_middle(data, stray: bool):
    """The settings of `data` with a name of many lines in the row at the middle of
    decisions.csv, so that the middle of its text falls inside the quoted name; with `stray`, a
    quote in an unquoted name of an early row too."""
    rows = (data / "decisions.csv").read_text(encoding="utf-8").splitlines()
    name = '"' + "\n".join(f"rivi {i} pitkässä nimessä" for i in range(400)) + '"'
    middle = len(rows) // 2
    rows[middle] = a_row("long-name", "long-project", name)
    if stray:
        rows[2] = rows[2].replace("Generoitu hanke", 'Generoitu "hanke')
    (data / "decisions.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return load_settings(data)


def test_a_cut_past_a_value_of_many_lines_splits_as_the_serial_path(copy):
    """Each process reads only its part of decisions.csv (readers.row_cuts): the cut passes
    the line ends inside the quoted name, and the halves are the serial graph."""
    assert_same(split(with_a_long_value_in_the_middle(copy, stray=False)), serial(load_settings(copy)))


def test_a_cut_inside_a_value_goes_to_the_serial_path(copy):
    """A stray quote before the middle makes the cut fall inside the quoted name: the graph
    child's part ends inside it and cannot be read, and the serial path reads the whole file."""
    settings = with_a_long_value_in_the_middle(copy, stray=True)
    with pytest.raises(FellBack):
        split(settings)
    assert_same(split(settings, publishing._load_and_build), serial(settings))


def with_a_quoted_header(data):
    """The settings of `data` with the first column's name quoted in decisions.csv's header:
    the text is not cut then (readers.row_cuts), and the first part is all of its rows."""
    text = (data / "decisions.csv").read_text(encoding="utf-8")
    name, rest = text.split(",", 1)
    (data / "decisions.csv").write_text(f'"{name}",{rest}', encoding="utf-8")
    return load_settings(data)


def test_a_quoted_header_leaves_all_the_rows_to_the_graph_child(copy):
    settings = with_a_quoted_header(copy)
    assert_same(split(settings), serial(settings))


@pytest.mark.parametrize("how", ["raises", "dies", "hangs", "dies while sending"])
def test_a_helper_that_fails_dies_or_hangs_leaves_the_serial_path(data, monkeypatch, how):
    real_load, real_pieces = shares.load, shares._pieces

    def load(settings, progress=None, share=None):
        if share == (1, 2) and how != "dies while sending":
            if how == "raises":
                raise MemoryError
            if how == "dies":
                os._exit(9)
            time.sleep(30)
        return real_load(settings, progress, share)

    def pieces(lines):  # the third piece of its lines never goes
        for n, piece in enumerate(real_pieces(lines)):
            if n == 2 and how == "dies while sending":
                os._exit(9)
            yield piece

    monkeypatch.setattr(shares, "load", load)
    monkeypatch.setattr(shares, "_pieces", pieces)
    monkeypatch.setattr(shares, "PIECE_LINES", 50)
    monkeypatch.setattr(shares, "WAIT", 0.5)
    settings = load_settings(data)
    with pytest.raises(FellBack):
        split(settings)
    assert_same(split(settings, publishing._load_and_build), serial(settings))


def test_only_a_large_but_not_huge_csv_on_two_cores_is_split(data, tmp_path, monkeypatch):
    settings = load_settings(data)
    assert shares.parts(settings) == 1  # 801 rows: under SPLIT_BYTES
    monkeypatch.setattr(shares, "SPLIT_BYTES", 1)
    monkeypatch.setattr(shares, "_cores", lambda: 2)
    assert shares.parts(settings) == 2
    monkeypatch.setattr(shares, "SPLIT_MAX_BYTES", 2)  # over it: memory matters more than time
    assert shares.parts(settings) == 1
    monkeypatch.setattr(shares, "SPLIT_MAX_BYTES", 1 << 40)
    monkeypatch.setattr(shares, "_cores", lambda: 1)
    assert shares.parts(settings) == 1
    monkeypatch.setattr(shares, "_cores", lambda: 2)
    (data / "decisions.xlsx").write_bytes(b"")  # a workbook beside it: the load says which to keep
    try:
        assert shares.parts(settings) == 1
    finally:
        (data / "decisions.xlsx").unlink()



def funder_only_late(data):
    """The settings of `data` where no row names a funder but three added at the end: where a
    funder's value came from (its column) is known from the second half alone."""
    text = (data / "decisions.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0]] + [",".join(f if i != 9 else "" for i, f in enumerate(row.split(","))) for row in text[1:]]
    (data / "decisions.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    return with_rows(data, [a_row(f"late-{n}", "p", "Rahoittaja lopussa").replace(",EUR,,", ",EUR,tem,")
                            for n in range(3)])


def test_a_column_only_the_helper_s_rows_use_is_placed_as_the_serial_build_places_it(copy):
    settings = funder_only_late(copy)
    ours = split(settings)
    assert_same(ours, serial(settings))
    assert any(column == "funder" for column in ours[1].columns.values())


def test_places_pickle_as_columns_and_read_back_as_places():
    """Built's maps of Places cross processes as columns (errors.places_packed): read back, each
    is a Place equal to the one written, in the same order; a map of anything else, or an
    empty one, is pickled as it is."""
    import pickle

    from pipeline.errors import Place, places_packed, places_unpacked
    from pipeline.graph.build import Built

    places = {f"s{i}": Place("data/decisions.csv", i, i % 3, "amount" if i % 2 else "", "sheet" if i % 5 else "")
              for i in range(50)}
    built = Built([], subject_places=places, fact_places={("s", "p"): Place("data/programme.yaml", 3, 7)},
                  value_places={}, derived_from={"s1": "https://example.org/source"})
    back = pickle.loads(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    for name in (*Built.PLACED, "derived_from"):
        assert list(getattr(back, name).items()) == list(getattr(built, name).items())
        assert all(type(p) is Place for p in getattr(back, name).values()) or name == "derived_from"
    assert places_packed(built.derived_from) is built.derived_from
    assert places_unpacked(places_packed({})) == {}
    mixed = {"a": Place("f", 1), "b": ("f", 1, 0, "", "")}
    assert places_unpacked(places_packed(mixed)) is mixed
