"""The diff of two canonical graphs, from bytes and from a file read a block at a time, is the
set difference of their lines."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.graph import nt_diff

LINES = st.lists(st.sampled_from([f'<http://x/{i}> <http://p/{j}> "{k}" .'.encode() for i in range(6) for j in range(3)
                                  for k in range(3)]), unique=True)


def _text(lines) -> bytes:
    return b"".join(x + b"\n" for x in sorted(lines))


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, st.sampled_from([1, 7, 64, nt_diff.STEP]))
def test_diff_of_a_file_read_in_blocks_is_the_set_difference(tmp_path_factory, a, b, step):
    old, new = _text(a), _text(b)
    path = tmp_path_factory.mktemp("nt") / "old.nt"
    path.write_bytes(old)
    expected = (sorted(set(b) - set(a)), sorted(set(a) - set(b)))
    original, nt_diff.STEP = nt_diff.STEP, step
    try:
        for change in (nt_diff.diff(old, new), nt_diff.diff_file(path, new, 1 << 20)):
            assert (change.added, change.removed) == expected
    finally:
        nt_diff.STEP = original


def test_a_file_that_differs_over_more_than_the_limit_or_is_gone_gives_none(tmp_path):
    path = tmp_path / "old.nt"
    path.write_bytes(_text([b"<http://x/1> <http://p/1> \"a\" .", b"<http://x/9> <http://p/1> \"a\" ."]))
    new = _text([b"<http://x/1> <http://p/1> \"b\" .", b"<http://x/9> <http://p/1> \"b\" ."])
    assert nt_diff.diff_file(path, new, 10) is None
    assert nt_diff.diff_file(path, new, 1000).added == sorted(new.splitlines())
    assert nt_diff.diff_file(tmp_path / "gone.nt", new, 1000) is None


def test_a_file_other_than_the_one_seen_gives_none(tmp_path):
    """The validating process compares with the release the parent found the record of: a
    file written since (by hand: the output's lock keeps publishes out) is not used."""
    from pipeline.files import stamp

    path = tmp_path / "old.nt"
    path.write_bytes(_text([b"<http://x/1> <http://p/1> \"a\" ."]))
    new = _text([b"<http://x/1> <http://p/1> \"b\" ."])
    seen = stamp(path.stat())
    assert nt_diff.diff_file(path, new, 1000, seen).added == sorted(new.splitlines())
    path.write_bytes(_text([b"<http://x/1> <http://p/1> \"cc\" ."]))
    assert nt_diff.diff_file(path, new, 1000, seen) is None

