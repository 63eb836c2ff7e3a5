"""koko.ttl written beside the graph child from koko.nt as it grows (release/following.py):
the reader gets the file whole, fails rather than waits when the writer ends without saying
its size, and a publish gives the bytes of the parent's own Turtle whether the process
beside it works, fails or is not there."""

from __future__ import annotations

import os
import sys
import time

import pytest
from helpers import ROOT, contents

from pipeline.release import following, parallel, shares
from pipeline.release import publish as publishing
from pipeline.sources.settings import load_settings

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402


def _read_beside(path, write):
    """What a reader gets of `path` while a forked process runs `write(written)`."""
    written = following.Written()
    reader_end = written.reader  # the parent reads here, as the process beside the graph child does

    def work():
        written.writer()
        write(written)

    running = parallel.start(work)
    try:
        with reader_end(path) as nt:
            return nt.read()
    finally:
        running.cancel()


def test_a_file_is_read_whole_as_it_is_written(tmp_path):
    path = tmp_path / "koko.nt"
    pieces = [bytes([65 + n % 26]) * (200_000 + n) for n in range(20)]

    def write(written):
        time.sleep(0.05)  # the reader starts before the file exists
        with open(path, "wb") as out:
            for piece in pieces:
                out.write(piece)
                out.flush()
                time.sleep(0.01)  # it catches up with the writer, and waits
        written.done(sum(map(len, pieces)))

    assert _read_beside(path, write) == b"".join(pieces)


@pytest.mark.parametrize("created", [True, False])
def test_a_writer_that_ends_without_the_size_is_an_error_not_a_wait(tmp_path, created):
    path = tmp_path / "koko.nt"

    def write(written):
        if created:
            path.write_bytes(b"<a> <b> <c> .\n")
        os._exit(1)

    with pytest.raises(OSError, match="ended before"):
        _read_beside(path, write)


def test_a_short_file_is_an_error(tmp_path):
    path = tmp_path / "koko.nt"

    def write(written):
        path.write_bytes(b"<a> <b> <c> .\n")
        written.done(1000)

    with pytest.raises(OSError, match="ended at 14 bytes of 1000"):
        _read_beside(path, write)


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """Generated sources published with the growing table split (a helper, and so koko.ttl
    beside the graph child), and the same published in one process, where the parent writes
    koko.ttl."""
    folder = tmp_path_factory.mktemp("following")
    data = generate(801, folder / "data")
    settings = load_settings(data)
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(shares, "parts", lambda _: 1)
        publishing.publish(settings, folder / "serial", site=False)
    finally:
        mp.undo()
    return settings, contents(folder / "serial")


def test_koko_ttl_is_written_beside_the_graph_child_not_by_the_parent(split, tmp_path, monkeypatch):
    settings, serial = split

    def not_here(*_):
        raise AssertionError("the parent wrote koko.ttl")

    monkeypatch.setattr(shares, "parts", lambda _: 2)
    monkeypatch.setattr(publishing, "write_turtle", not_here)
    publishing.publish(settings, tmp_path / "out", site=False)
    assert contents(tmp_path / "out") == serial


@pytest.mark.parametrize("how", ["fails", "is killed"])
def test_where_the_process_beside_fails_the_parent_writes_koko_ttl(split, tmp_path, monkeypatch, how):
    settings, serial = split
    write_turtle = following.write_turtle

    def failing(written, staging, base_iri):
        with written.reader(staging.tmp / "koko.nt") as nt:
            nt.read(100)
        if how == "fails":
            raise OSError("no room")
        os.kill(os.getpid(), 9)
        return write_turtle(written, staging, base_iri)

    monkeypatch.setattr(shares, "parts", lambda _: 2)
    monkeypatch.setattr(following, "write_turtle", failing)
    publishing.publish(settings, tmp_path / "out", site=False)
    assert contents(tmp_path / "out") == serial
