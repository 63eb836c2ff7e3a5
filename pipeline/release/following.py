"""koko.ttl made beside the graph child, from koko.nt as the graph child writes it.

The graph child ends its work alone: it sorts the graph and writes koko.nt (1.2 s at 100,000
rows, 13 s at 1,000,000), while the parent waits for it with a core free. Turtle is made from
the sorted N-Triples alone, read in their order, so a process forked at the start of the
graph stage reads koko.nt as it grows and writes koko.ttl from it: the Turtle writer's time
(1.7 s at 100,000 rows) begins on the free core instead of after the graph stage.

The graph child says koko.nt's size once the file is whole (`Written.done`); the reader reads
up to it, waiting where it has caught up with the writer, and fails where the graph child
ended without saying it. Wherever this process fails, the parent writes koko.ttl itself, as
it does for a small graph (publish.write_graph_files): the same function on the same bytes.
"""

from __future__ import annotations

import gc
import io
import os
import select
import struct
from pathlib import Path

from ..graph import serialize
from .staging import Staging

_SIZE = struct.Struct("q")
LOOK = 0.005  # seconds between looks at a file that has not grown, or does not exist yet


class Written:
    """koko.nt's size, from the graph child that writes the file to the process that reads it
    as it grows: a pipe made before both are forked. The graph child calls `writer()` first
    and `done(size)` once the file is whole; the reading process `reader(path)`; the parent,
    once both are forked, `close()`."""

    def __init__(self):
        self._read, self._write = os.pipe()

    def writer(self) -> None:
        os.close(self._read)

    def done(self, size: int) -> None:
        try:
            os.write(self._write, _SIZE.pack(size))
        except OSError:  # the reading process has gone: the parent writes koko.ttl itself
            pass

    def reader(self, path: Path) -> io.BufferedReader:
        os.close(self._write)
        return io.BufferedReader(_Following(path, self._read), buffer_size=1 << 20)

    def close(self) -> None:
        for fd in (self._read, self._write):
            os.close(fd)


class _Following(io.RawIOBase):
    """The file at `path` read as another process writes it, up to the size it says by the
    pipe `told`: created, grown and ended, in that order."""

    def __init__(self, path: Path, told: int):
        self.path, self.told = path, told
        self.size: int | None = None
        self.at = 0
        self.file = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while True:
            if self.file is None and self.path.exists():
                self.file = open(self.path, "rb", buffering=0)  # noqa: SIM115 - closed with this reader
            if self.file is not None:
                n = self.file.readinto(buffer)
                if n:
                    self.at += n
                    return n
            if self.size is not None:
                if self.at >= self.size:
                    return 0
                raise OSError(f"{self.path} ended at {self.at} bytes of {self.size}")
            self._hear(LOOK)

    def _hear(self, wait: float) -> None:
        """Wait up to `wait` s for the size; the writer gone without saying it is an error."""
        if select.select([self.told], [], [], wait)[0]:
            data = os.read(self.told, _SIZE.size)
            if len(data) != _SIZE.size:
                raise OSError(f"the graph child ended before {self.path} was whole")
            (self.size,) = _SIZE.unpack(data)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        os.close(self.told)
        super().close()


def write_turtle(written: Written, staging: Staging, base_iri: str) -> tuple:
    """In the process forked for it: koko.ttl, from koko.nt as the graph child writes it into
    `staging`; its (size, SHA-256)."""
    gc.disable()  # a short-lived process
    with written.reader(staging.tmp / "koko.nt") as nt, staging.writing("koko.ttl") as out:
        serialize.to_turtle(nt, base_iri, output=out, checked=False)
    return staging.files["koko.ttl"]
