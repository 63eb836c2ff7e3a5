"""N-Triples lines sorted on disk in runs: a graph too large to hold whole as lines is built
a part at a time, each part sorted and written as a run, and the runs merged into the
canonical N-Triples (serialize.canonical_lines: distinct, sorted) as they are read.

A line ends with " ." and holds no byte below a space, so a line and its line end sort
among the others as the line alone does: the runs are merged with their line ends on.
"""

from __future__ import annotations

import heapq
import itertools
import operator
import shutil
from pathlib import Path

from .serialize import canonical_lines, nt_chunks

MERGE_PIECE = 1 << 16  # lines a piece of the merged text


class SortedRuns:
    """The runs written so far, in `folder` (made when the first is written, removed with
    them once merged, or by `discard`)."""

    def __init__(self, folder: Path, prefix: str = ""):
        self.folder, self.prefix = folder, prefix  # (a second process writing to the folder names its runs apart)
        self.paths: list = []

    def spill(self, lines: list) -> None:
        """`lines` (without their line ends) sorted into a new run; the list is emptied."""
        if not lines:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{self.prefix}run-{len(self.paths)}.nt"
        with open(path, "wb") as out:
            for piece in nt_chunks(canonical_lines(lines)):
                out.write(piece)
        lines.clear()  # (canonical_lines sorted the caller's list itself, or gave a distinct copy)
        self.paths.append(path)

    def chunks(self, rest: list, told=None):
        """The canonical N-Triples of every run and of the lines `rest`, in pieces; the runs
        (and their folder) are removed once read. Without runs, the pieces of `rest` alone, and `told(n)`, when
        given, hears their size in bytes before the first; told(None) with runs."""
        rest = canonical_lines(rest)
        if told is not None:
            told(sum(map(len, rest)) + len(rest) if not self.paths else None)
        if not self.paths:  # (the folder may still hold another process's files: a helper that wrote no run)
            try:
                yield from nt_chunks(rest)
            finally:
                self.discard()
            return
        files = [open(path, "rb") for path in self.paths]
        try:
            merged = heapq.merge(*files, map(operator.add, rest, itertools.repeat(b"\n")))
            last = None
            while True:
                piece = list(itertools.islice(merged, MERGE_PIECE))
                if not piece:
                    break
                if piece[0] == last or any(map(operator.eq, piece, itertools.islice(piece, 1, None))):
                    piece = [line for line in dict.fromkeys(piece) if line != last]  # sorted: twins sit together
                    if not piece:
                        continue
                last = piece[-1]
                yield b"".join(piece)
        finally:
            for file in files:
                file.close()
            self.discard()

    def discard(self) -> None:
        """Removes the runs."""
        self.paths = []
        shutil.rmtree(self.folder, ignore_errors=True)
