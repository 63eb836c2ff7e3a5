"""The growing table built in batches, its lines sorted in runs on disk (release/batches.py,
graph/sorted_runs.py), against the serial load and build: the same graph, the same map back
to the sources, and the serial path itself, with its messages, whenever a batch finds a
problem."""

from __future__ import annotations

import itertools
import os
import random
import time

import pytest
from helpers import contents
from test_shares import (FellBack, a_row, assert_same, copy, data, funder_only_late, quiet, refuse,  # noqa: F401
                         serial, with_a_long_value_in_the_middle, with_a_quoted_header, with_rows)

from pipeline.errors import InputError
from pipeline.graph import serialize, sorted_runs
from pipeline.graph.sorted_runs import SortedRuns
from pipeline.release import batches, parallel, shares
from pipeline.release import publish as publishing
from pipeline.sources.settings import load_settings


def in_batches(settings, tmp_path, fallback=refuse, helped=False):
    """The graph child's side, with a real helper process beside it when `helped`: (sources,
    built) with the lines merged back from the runs, read as the parent reads them; the
    runs' folder is gone after."""
    folder = tmp_path / "runs"
    runs, ends, helper = SortedRuns(folder), None, None
    if helped:
        ends = shares.channel()
        helper = parallel.start(lambda: batches.help_build(settings, ends, folder))
    try:
        sources, built, theirs = batches.load_and_build(settings, quiet, {}, runs, fallback, ends)
    finally:
        if helper is not None:
            helper.cancel()
    lines, built.lines = built.lines, []
    built.lines = b"".join(runs.chunks(lines)).splitlines()
    assert not folder.exists()
    sources.tables.clear()
    return shares.put_together(shares.answer(sources, built, theirs))


@pytest.mark.parametrize("helped", [False, True])
@pytest.mark.parametrize("batch_rows, run_lines", [(7, 50), (100, 1), (batches.BATCH_ROWS, batches.RUN_LINES)])
def test_the_batches_are_the_serial_graph(copy, tmp_path, monkeypatch, batch_rows, run_lines, helped):
    """Projects across batches and across the halves, one named differently by a later
    decision (the first name stands), one first named late and again after it, a quoted name
    with a comma and a line break in it; batches of a few rows and runs of a few lines, or
    one of each; alone, or with the helper's half."""
    monkeypatch.setattr(batches, "BATCH_ROWS", batch_rows)
    monkeypatch.setattr(batches, "RUN_LINES", run_lines)
    settings = with_rows(copy, [a_row("late-1", "bench-project-0000001", "Toinen nimi"),
                                a_row("late-0", "quoted-project", '"Hanke, jonka nimi\njatkuu seuraavalle riville"'),
                                a_row("late-2", "new-project", "Uusi hanke"),
                                a_row("late-3", "new-project", "Uusi hanke toisin")])
    ours = in_batches(settings, tmp_path, helped=helped)
    assert_same(ours, serial(settings))


def test_a_publish_in_batches_writes_the_serial_bytes(data, tmp_path, monkeypatch):
    settings = load_settings(data)
    publishing.publish(settings, tmp_path / "serial", site=False)
    monkeypatch.setattr(batches, "MIN_BYTES", 0)
    monkeypatch.setattr(batches, "BATCH_ROWS", 100)
    monkeypatch.setattr(batches, "RUN_LINES", 2_000)
    real = batches.load_and_build

    def noted(settings, progress, timings, runs, *rest):  # in the graph child: say how many runs it took in
        answer = real(settings, progress, timings, runs, *rest)
        (tmp_path / "runs-made").write_text(str(len(runs.paths)))
        return answer

    monkeypatch.setattr(batches, "load_and_build", noted)
    monkeypatch.setattr(shares, "_cores", lambda: 2)  # with the helper's half
    publishing.publish(settings, tmp_path / "batches", site=False)
    assert int((tmp_path / "runs-made").read_text()) > 3
    assert contents(tmp_path / "batches") == contents(tmp_path / "serial")
    assert not any(path.name == ".runs" for path in tmp_path.rglob("*"))


@pytest.mark.parametrize("rows", [
    [a_row("bench-0000003", "p", "Kahdesti käytetty avain")],  # a key of an early batch, again in the last
    [a_row("late-1", "p", "Summa ei ole luku", amount="paljon")],
    [a_row("late-1", "p", "Tuntematon rahoittaja").replace(",,maakunnan", ",ei-ole,maakunnan")],
    [a_row("late-1", "p", "Ei aluetta").replace(",091,", ",,")],  # of no area, municipality or sub-region
    [a_row("late-1", "p", "Liian vähän kenttiä").rsplit(",", 1)[0]],  # a field short
    [a_row("late-1", "p", "Kaksi ongelmaa", amount="x"), a_row("bench-0000700", "p", "sama avain")],
])
@pytest.mark.parametrize("helped", [False, True])
def test_a_problem_goes_to_the_serial_path_and_its_messages(copy, tmp_path, monkeypatch, rows, helped):
    """Problems in the last rows: the helper's half, where there is one; a key of the first
    half again in the second."""
    monkeypatch.setattr(batches, "BATCH_ROWS", 50)
    monkeypatch.setattr(batches, "RUN_LINES", 100)
    settings = with_rows(copy, rows)
    with pytest.raises(FellBack):
        in_batches(settings, tmp_path, helped=helped)
    assert not (tmp_path / "runs").exists()  # its runs went with it
    with pytest.raises(InputError) as serial_error:
        serial(settings)
    with pytest.raises(InputError) as batch_error:
        in_batches(settings, tmp_path, publishing._load_and_build, helped)
    assert [str(p) for p in batch_error.value.problems] == [str(p) for p in serial_error.value.problems]


def test_a_problem_in_the_first_half_goes_to_the_serial_path(copy, tmp_path):
    text = (copy / "decisions.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",EUR,", ",SEK,")
    (copy / "decisions.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(FellBack):
        in_batches(load_settings(copy), tmp_path, helped=True)


def test_a_cut_past_a_value_of_many_lines_gives_the_serial_graph(copy, tmp_path, monkeypatch):
    """Each process reads only its part of decisions.csv (readers.row_cuts), in batches that
    pass the line ends inside the quoted name."""
    monkeypatch.setattr(batches, "BATCH_ROWS", 7)
    settings = with_a_long_value_in_the_middle(copy, stray=False)
    assert_same(in_batches(settings, tmp_path, helped=True), serial(settings))


def test_a_cut_inside_a_value_goes_to_the_serial_path(copy, tmp_path):
    """A stray quote before the middle: the graph child's part ends inside the quoted name,
    and the serial path reads the whole file."""
    settings = with_a_long_value_in_the_middle(copy, stray=True)
    with pytest.raises(FellBack):
        in_batches(settings, tmp_path, helped=True)
    assert_same(in_batches(settings, tmp_path, publishing._load_and_build, helped=True), serial(settings))


def test_a_quoted_header_leaves_all_the_rows_to_the_graph_child(copy, tmp_path):
    settings = with_a_quoted_header(copy)
    assert_same(in_batches(settings, tmp_path, helped=True), serial(settings))


@pytest.mark.parametrize("how", ["raises", "dies", "hangs"])
def test_a_helper_that_fails_dies_or_hangs_leaves_the_serial_path(data, tmp_path, monkeypatch, how):
    real = batches._Half.build

    def build(half):
        if half.declared is not None:  # the helper's
            if how == "raises":
                raise MemoryError
            if how == "dies":
                os._exit(9)
            time.sleep(30)
        real(half)

    monkeypatch.setattr(batches._Half, "build", build)
    monkeypatch.setattr(shares, "WAIT", 0.5)
    settings = load_settings(data)
    with pytest.raises(FellBack):
        in_batches(settings, tmp_path, helped=True)
    assert_same(in_batches(settings, tmp_path, publishing._load_and_build, helped=True), serial(settings))


def test_a_header_problem_goes_to_the_serial_path(copy, tmp_path):
    text = (copy / "decisions.csv").read_text(encoding="utf-8")
    (copy / "decisions.csv").write_text(text.replace("project_name", "projekti", 1), encoding="utf-8")
    with pytest.raises(FellBack):
        in_batches(load_settings(copy), tmp_path)


def test_only_a_large_csv_is_built_in_batches(data, monkeypatch):
    settings = load_settings(data)
    assert not batches.wanted(settings)  # 801 rows
    monkeypatch.setattr(batches, "MIN_BYTES", 1)
    assert batches.wanted(settings)
    (data / "decisions.xlsx").write_bytes(b"")  # a workbook beside it: the load says which to keep
    try:
        assert not batches.wanted(settings)
    finally:
        (data / "decisions.xlsx").unlink()


@pytest.mark.parametrize("seed", range(6))
def test_runs_merge_into_the_canonical_lines(tmp_path, monkeypatch, seed):
    """Random lines with twins within a run, across runs and across the merged pieces,
    spilled at random points: the merge gives canonical_lines of them all."""
    rng = random.Random(seed)
    monkeypatch.setattr(sorted_runs, "MERGE_PIECE", rng.choice([1, 2, 3, 64]))
    pool = [f"<http://x/{rng.randrange(40)}> <http://p/{rng.randrange(3)}> \"{rng.choice(['a', 'a b', 'ä', ''])}\" ."
            .encode() for _ in range(60)]
    every, runs, lines = [], SortedRuns(tmp_path / f"runs-{seed}"), []
    for _ in range(rng.randrange(0, 400)):
        line = rng.choice(pool)
        every.append(line)
        lines.append(line)
        if rng.random() < 0.05:
            runs.spill(lines)
            assert lines == []
    merged = b"".join(runs.chunks(lines))
    assert merged == b"".join(serialize.nt_chunks(serialize.canonical_lines(list(every))))
    assert not (tmp_path / f"runs-{seed}").exists()


def test_no_lines_no_runs(tmp_path):
    runs = SortedRuns(tmp_path / "runs")
    runs.spill([])
    assert b"".join(runs.chunks([])) == b"" and not (tmp_path / "runs").exists()
    assert list(itertools.islice(runs.chunks([b"<a> <b> <c> ."]), 3)) == [b"<a> <b> <c> .\n"]


def test_a_column_only_the_helper_s_rows_use_is_placed_as_the_serial_build_places_it(copy, tmp_path):
    settings = funder_only_late(copy)
    ours = in_batches(settings, tmp_path, helped=True)
    assert_same(ours, serial(settings))
    assert any(column == "funder" for column in ours[1].columns.values())
