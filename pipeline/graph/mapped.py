"""The published graph as the parent and the validating process read it when it is large:
koko.nt mapped from the staged file, not read into memory. Its pages are the kernel's file cache, shared by both
processes, which the kernel reads again when it has let them go: a graph larger than the
memory left beside the rest of a publish still goes through (README, "What still grows").

A map is not `bytes`: `in` looks for one byte only, `==` compares identity, and several of
bytes' methods are missing. `Mapped` answers as bytes do for what the pipeline asks of a
graph (tests/graph/test_mapped.py holds it to bytes); slices are bytes. A parser reads it through `stream`, never as a file.
"""

from __future__ import annotations

import mmap
from pathlib import Path

BEHIND = 128 << 20  # bytes a forward pass keeps mapped behind where it reads
#: From this size on (about 200,000 rows) the graph is mapped: below it, read, it is read
#: faster (each pass over a map takes its pages again, and every search goes through Python:
#: at 100,000 rows the publish took 12.5-13.5 s mapped against 11.3-12.0 s read).
MAP_BYTES = 512 << 20
_LET_GO = getattr(mmap, "MADV_DONTNEED", None)  # (not on every system: the pages are then the kernel's to take)


class Mapped(mmap.mmap):
    """A read-only map of a whole file that behaves as its bytes."""

    __hash__ = None  # as a bytearray: compared by content, so not a key
    _held = 1 << 62  # the offset from which this process may hold pages it read (none yet)

    def __contains__(self, sub) -> bool:
        return self.find(sub) != -1

    def __eq__(self, other) -> bool:
        try:
            return memoryview(self) == memoryview(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __iter__(self):  # ints, as bytes gives them
        return iter(memoryview(self))

    def __bytes__(self) -> bytes:
        return self[:]

    def __add__(self, other) -> bytes:
        return self[:] + bytes(other)

    def __radd__(self, other) -> bytes:
        return bytes(other) + self[:]

    def find(self, sub, start: int = 0, end: int | None = None) -> int:  # a map's own starts at its position
        end = len(self) if end is None else end
        while end - start > 2 * BEHIND:  # a long search: by windows, letting go of each it passed
            at = super().find(sub, start, start + BEHIND + len(sub) - 1)
            if at >= 0:
                self.passed(start, at + len(sub))
                return at
            start += BEHIND
            self.passed(start, start)
        at = super().find(sub, start, end)
        self.passed(start, at + len(sub) if at >= 0 else end)
        return at

    def rfind(self, sub, start: int = 0, end: int | None = None) -> int:
        end = len(self) if end is None else end
        at = super().rfind(sub, start, end)
        self.passed(at if at >= 0 else start, end)
        return at

    def passed(self, first: int, last: int) -> None:
        """A read of the bytes from `first` to `last`: the pages more than BEHIND before
        `last` that this process read since it last let go are let go (its hold on them: the
        kernel keeps them as file cache while it has room), so that a pass over the graph
        does not hold the whole of it in the process's memory."""
        held = min(self._held, first)
        upto = (last - BEHIND) // mmap.PAGESIZE * mmap.PAGESIZE
        if upto - held >= BEHIND and _LET_GO is not None:
            start = held // mmap.PAGESIZE * mmap.PAGESIZE
            self.madvise(_LET_GO, start, upto - start)
            held = upto
        self._held = held

    def pieces(self, needle: bytes = b"", start: int = 0, end: int | None = None):
        """See `pieces`; here from `start` to `end` only."""
        end = len(self) if end is None else end
        while start < end:
            cut = min(start + BEHIND, end)
            line_end = super().find(b"\n", cut, end) if cut < end else -1
            cut = end if cut == end or line_end < 0 else line_end + 1
            if not needle or super().find(needle, start, cut) >= 0:
                yield self[start:cut]
            self.passed(start, cut)
            start = cut

    def read(self, *_):
        """Refused: a parser given a map reads it as a file, from where the last one stopped
        (the second parse of it finds nothing). Give it `stream(nt)`."""
        raise TypeError("a mapped graph is read through mapped.stream(), from its start")

    readline = read

    def count(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        end = len(self) if end is None else end
        if sub and b"\n" not in sub[:-1]:  # by pieces that end at a line's end, which no match straddles
            return sum(piece.count(sub) for piece in self.pieces(b"", start, end))
        found, at = 0, self.find(sub, start, end)  # one that may straddle them: found one by one
        while at >= 0 and sub:
            found += 1
            at = self.find(sub, at + len(sub), end)
        return found if sub else max(end - start, 0) + 1

    def startswith(self, prefix, start: int = 0) -> bool:
        prefixes = prefix if isinstance(prefix, tuple) else (prefix,)
        return any(self[start:start + len(p)] == p for p in prefixes)

    def endswith(self, suffix) -> bool:
        suffixes = suffix if isinstance(suffix, tuple) else (suffix,)
        return any(len(s) <= len(self) and self[len(self) - len(s):] == s for s in suffixes)

    def index(self, sub, start: int = 0, end: int | None = None) -> int:
        at = self.find(sub, start, len(self) if end is None else end)
        if at < 0:
            raise ValueError("subsection not found")
        return at

    def decode(self, *args) -> str:
        return self[:].decode(*args)

    def split(self, *args) -> list:
        return self[:].split(*args)

    def splitlines(self, *args) -> list:
        return self[:].splitlines(*args)


def read(path: Path):
    """The file's bytes: as a `Mapped` from MAP_BYTES on, else read (an empty file cannot be
    mapped)."""
    with open(path, "rb") as file:
        size = file.seek(0, 2)
        if size < max(MAP_BYTES, 1):
            file.seek(0)
            return file.read()
        return Mapped(file.fileno(), 0, access=mmap.ACCESS_READ)


class _Stream:
    """A file-like reading of a map from its start, for a parser (pyoxigraph's take `read`)."""

    def __init__(self, whole: Mapped):
        self.whole, self.at = whole, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.whole) if size is None or size < 0 else self.at + size
        piece = self.whole[self.at:end]
        self.whole.passed(self.at, self.at + len(piece))
        self.at += len(piece)
        return piece


def pieces(nt, needle: bytes = b""):
    """The graph `nt` as bytes, in pieces that each end at a line's end, for a loop that reads
    a line or finds a string many times: a map answers each of those through Python, a piece
    in C. Bytes are one piece, themselves. A map is read BEHIND bytes at a time (to the next
    line's end), each piece let go of once passed; with `needle`, only the pieces that hold
    it, which a match cannot straddle unless it holds a line end before its last byte (then
    the map is the one piece)."""
    if not isinstance(nt, Mapped) or b"\n" in needle[:-1]:
        yield nt
        return
    yield from nt.pieces(needle)


def stream(nt):
    """What a parser is given for the graph `nt`: bytes as they are, a `Mapped` as a new
    reading of it from its start, a piece at a time (never a copy of it whole)."""
    return _Stream(nt) if isinstance(nt, Mapped) else nt
