"""koko.nt mapped (graph/mapped.py) answers as its bytes do, for what the pipeline asks of a
graph; and a whole publish reads it so (the rest of the suite runs on it)."""

from __future__ import annotations

import itertools
import random

import pytest

from pipeline.graph import mapped


@pytest.fixture(autouse=True)
def always_mapped(monkeypatch):
    monkeypatch.setattr(mapped, "MAP_BYTES", 0)


@pytest.fixture(params=range(4))
def pair(request, tmp_path):
    rng = random.Random(request.param)
    text = b"".join(rng.choice([b"<a> <b> <c> .\n", b'<a> <b> "x y" .\n', b"<d> <e> _:b .\n", b"\n", b"\xc3\xa4"])
                    for _ in range(rng.randrange(1, 200)))
    path = tmp_path / "g.nt"
    path.write_bytes(text)
    return mapped.read(path), text


NEEDLES = [b"<a>", b"\n", b" .\n<d>", b"_:", b"zz", b"<a> <b> <c> .\n<a>", b"\xc3", b"",
           b"> <", b"\xc3\xa4\xc3"]  # the last two can overlap themselves: a count takes the first of two


@pytest.mark.parametrize("behind", [5, 64, mapped.BEHIND])
def test_searches_and_counts_are_those_of_bytes(pair, monkeypatch, behind):
    """With the pieces a long search or count goes by as small as a few bytes, and as large
    as the pipeline's."""
    monkeypatch.setattr(mapped, "BEHIND", behind)
    m, b = pair
    m.seek(len(b) // 2)  # a map's own find starts at its position; these do not
    for needle in NEEDLES:
        assert (needle in m) == (needle in b)
        assert m.find(needle) == b.find(needle)
        assert m.rfind(needle) == b.rfind(needle)
        assert m.count(needle) == b.count(needle), needle
        for start in (0, 1, len(b) // 3, len(b)):
            assert m.find(needle, start) == b.find(needle, start)
            assert m.rfind(needle, 0, start) == b.rfind(needle, 0, start)
            assert m.count(needle, start) == b.count(needle, start)
        if needle:
            assert m.startswith(needle) == b.startswith(needle)
            assert m.endswith(needle) == b.endswith(needle)
            assert m.startswith((b"zz", needle)) == b.startswith((b"zz", needle))
            if needle in b:
                assert m.index(needle) == b.index(needle)
            else:
                with pytest.raises(ValueError):
                    m.index(needle)


@pytest.mark.parametrize("behind", [5, 64, mapped.BEHIND])
def test_lines_holding_a_string_are_those_of_bytes(pair, monkeypatch, behind):
    """Read by pieces that each end at a line's end, those that hold the string (and the map
    whole for a string with a line end before its last byte)."""
    from pipeline.graph.serialize import lines_holding

    monkeypatch.setattr(mapped, "BEHIND", behind)
    m, b = pair
    for needle in NEEDLES + [b" .\n", b"<b> ", b"\n<a>"]:
        if needle:
            found = list(itertools.islice(lines_holding(m, needle), len(b) + 2))
            assert len(found) <= b.count(b"\n") + 1, needle  # a line at most once, even where the needle begins one
            assert found == list(itertools.islice(lines_holding(b, needle), len(b) + 2)), needle
    assert b"".join(mapped.pieces(m)) == b and list(mapped.pieces(b)) == [b]


def test_whole_and_sliced_it_is_its_bytes(pair):
    m, b = pair
    assert m == b and not (m != b) and m != b + b"x" and m != b"" and m != "text"
    assert bytes(m) == b and m[:] == b and m[3:10] == b[3:10] and len(m) == len(b)
    assert list(m) == list(b) and m[0] == b[0]
    assert m.splitlines() == b.splitlines() and m.split(b" ") == b.split(b" ") and m.split() == b.split()
    assert m.decode("utf-8", "replace") == b.decode("utf-8", "replace")
    assert m + b"x" == b + b"x" and b"x" + m == b"x" + b
    assert b"".join([m, b"!"]) == b + b"!"
    with pytest.raises(TypeError):
        hash(m)


def test_an_empty_file_is_empty_bytes(tmp_path):
    (tmp_path / "e.nt").write_bytes(b"")
    assert mapped.read(tmp_path / "e.nt") == b""


def test_a_small_graph_is_read_and_a_large_one_mapped(tmp_path, monkeypatch):
    (tmp_path / "g.nt").write_bytes(b"<a> <b> <c> .\n")
    monkeypatch.setattr(mapped, "MAP_BYTES", 15)
    assert type(mapped.read(tmp_path / "g.nt")) is bytes
    monkeypatch.setattr(mapped, "MAP_BYTES", 14)
    assert isinstance(mapped.read(tmp_path / "g.nt"), mapped.Mapped)


def test_a_publish_reading_its_graph_mapped_writes_the_same_bytes(tmp_path, monkeypatch):
    """The whole of a publish (the outputs, validation, the site) on the map, against the read graph."""
    from helpers import DATA, contents

    from pipeline.release.publish import publish
    from pipeline.sources.settings import load_settings

    import datetime
    import shutil

    data = shutil.copytree(DATA, tmp_path / "data")
    for way, size in (("mapped", 0), ("read", 1 << 40)):
        monkeypatch.setattr(mapped, "MAP_BYTES", size)
        settings = load_settings(data)
        publish(settings, tmp_path / way)
        # again, over the first, with a source edited: the change, the earlier results, the splice
        text = (data / "funding.csv").read_text(encoding="utf-8")
        (data / "funding.csv").write_text(text.replace("11000000", "11000001", 1), encoding="utf-8")
        publish(settings.with_release_date(datetime.date(2030, 1, 1)), tmp_path / way)
        (data / "funding.csv").write_text(text, encoding="utf-8")
    assert contents(tmp_path / "mapped") == contents(tmp_path / "read")


def test_a_parser_reads_it_whole_each_time_through_stream(tmp_path):
    import pyoxigraph as ox

    text = b"".join(b"<http://x/%d> <http://p/> \"%d\" .\n" % (i, i) for i in range(5000))
    (tmp_path / "g.nt").write_bytes(text)
    m = mapped.read(tmp_path / "g.nt")
    for _ in range(2):  # a map given as a file would be read from where the last parse stopped
        assert len(list(ox.parse(mapped.stream(m), format=ox.RdfFormat.N_TRIPLES))) == 5000
    assert mapped.stream(text) is text
    with pytest.raises(TypeError):
        list(ox.parse(m, format=ox.RdfFormat.N_TRIPLES))


def _resident_kib(path) -> int:
    """This process's resident memory of the map of `path`, from /proc/self/smaps."""
    lines = open("/proc/self/smaps").read().splitlines()
    for at, line in enumerate(lines):
        if line.endswith(str(path)):
            return next(int(row.split()[1]) for row in lines[at + 1:] if row.startswith("Rss:"))
    raise AssertionError(f"{path} is not mapped")


@pytest.mark.skipif(not __import__("os").path.exists("/proc/self/smaps"), reason="reads /proc/self/smaps (Linux)")
@pytest.mark.parametrize("letting_go", [True, False])
def test_a_pass_over_the_graph_does_not_hold_it(tmp_path, monkeypatch, letting_go):
    """Each way the pipeline passes over the graph, on 24 MB with 1 MB kept behind: the map
    holds a few MB, not the file (and the whole file where nothing is let go)."""
    import pyoxigraph as ox

    from pipeline.graph.serialize import lines_holding

    monkeypatch.setattr(mapped, "BEHIND", 1 << 20)
    if not letting_go:
        monkeypatch.setattr(mapped, "_LET_GO", None)
    path = tmp_path / "big.nt"
    line = b'<http://x/s> <http://p/q> "%d" .\n'
    path.write_bytes(b"".join(line % i for i in range(800_000)))
    size_kib = path.stat().st_size // 1024
    passes = [lambda m: b"_:" in m, lambda m: sum(1 for _ in lines_holding(m, b" <http://p/q> ")),
              lambda m: m.count(b"\n"), lambda m: m.count(b" <http://p/q> "), lambda m: sum(1 for _ in ox.parse(mapped.stream(m), format=ox.RdfFormat.N_TRIPLES))]
    for one_pass in passes:
        m = mapped.read(path)
        one_pass(m)
        held = _resident_kib(path)
        if letting_go:
            assert held <= 4 * 1024, (one_pass, held)
        else:
            assert held >= size_kib * 0.9
        m.close()
