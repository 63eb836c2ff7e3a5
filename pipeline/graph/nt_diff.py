"""The lines added and removed between two graphs in canonical N-Triples, exactly and cheaply.

Both graphs are distinct lines, sorted, so their common beginning and end are skipped bytewise
and only the lines between are compared. The old graph is bytes, or a file read a block at a
time (`diff_file`), so that a process can compare with a release it does not hold.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..files import stamp

STEP = 1 << 16  # bytes compared at once


@dataclass
class Change:
    added: list  # N-Triples lines (bytes, no line end), sorted
    removed: list

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed


def diff(old: bytes, new: bytes) -> Change:
    if old == new:
        return Change([], [])
    return _diff(lambda start, end: old[start:end], len(old), new)


def diff_file(path: Path, new: bytes, limit: int, seen: tuple | None = None) -> Change | None:
    """diff of the graph in the file `path` and `new`, holding no more of the file than
    the stretch between their common beginning and end: None when that is over `limit`
    bytes, the file cannot be read, or it is not, or not throughout, the file with the
    files.stamp `seen`."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        before = stamp(os.fstat(fd))
        if seen is not None and before != seen:
            return None
        change = _diff(lambda start, end: os.pread(fd, end - start, start), before[0], new, limit)
        return change if stamp(os.fstat(fd)) == before else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _diff(read, size: int, new: bytes, limit: int | None = None) -> Change | None:
    """`read(start, end)`: bytes [start, end) of the old graph, of `size` bytes."""
    start = _common_prefix(read, size, new)
    if start == size == len(new):
        return Change([], [])
    start = _line_start(read, start)
    tail = _common_suffix(read, size, new, size - start, len(new) - start)
    old_end, new_end = size - tail, len(new) - tail
    if tail and ((read(old_end - 1, old_end) if old_end else b"") != b"\n" or new[new_end - 1:new_end] != b"\n"):
        cut = new.find(b"\n", new_end)  # forward to the end of a line (the two agree from here)
        cut = len(new) if cut < 0 else cut + 1
        old_end, new_end = old_end + (cut - new_end), cut
    if limit is not None and old_end - start > limit:
        return None
    before = set(read(start, old_end).splitlines())
    after = set(new[start:new_end].splitlines())
    before.discard(b"")
    after.discard(b"")
    return Change(sorted(after - before), sorted(before - after))


def _line_start(read, at: int) -> int:
    """The start of the line that holds offset `at`."""
    while at > 0:
        begin = max(0, at - STEP)
        found = read(begin, at).rfind(b"\n")
        if found >= 0:
            return begin + found + 1
        at = begin
    return 0


def _first_difference(a: bytes, b: bytes) -> int:
    i = 0
    while i < len(a) and i < len(b) and a[i] == b[i]:
        i += 1
    return i


def _common_prefix(read, size: int, b: bytes) -> int:
    n, i = min(size, len(b)), 0
    while i < n:
        piece = read(i, min(i + STEP, n))
        if piece != b[i:i + len(piece)]:
            return i + _first_difference(piece, b[i:i + len(piece)])
        i += len(piece)
    return n


def _common_suffix(read, size: int, b: bytes, limit_a: int, limit_b: int) -> int:
    n, k = min(limit_a, limit_b), 0
    while k < n:
        step = min(STEP, n - k)
        piece = read(size - k - step, size - k)
        theirs = b[len(b) - k - step:len(b) - k]
        if piece != theirs:
            return k + _first_difference(piece[::-1], theirs[::-1])
        k += step
    return n
