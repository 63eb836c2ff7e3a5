"""The graph stage for a growing table too large to hold whole: its rows are read, typed,
checked and built a batch at a time, and the graph's lines go to disk in sorted runs
(graph/sorted_runs.py), merged into koko.nt as it is written. Neither the table's records
nor the graph's lines are ever whole in memory; what stays is the map back to the sources.
On two cores, a helper process builds the rows of the second half of the file's text
(readers.row_cuts: neither process reads the other's rows) the same way, into runs of its
own, while the graph child builds the first half.

The serial path (sources/load.py's `load`, graph/build.py's `build`) is the reference. The
batches build what it builds in its order (the rest of the tables first, then the growing
table's rows in order), so the lines, and each map's first entry for a subject, are the
same. Putting the halves together follows release/shares.py: a project is declared by its
first decision, so the helper keeps the lines declaring each of its projects apart (a file
beside its runs) and only those of projects the first half did not declare are kept; the
helper's maps are passed on unread and taken in after the graph child's own. Whenever a
batch finds a problem in the sources, the halves share a key, or the helper fails, dies or
takes far longer than the first half, the serial path runs instead and gives every message
in its order (tests/release/test_batches.py).
"""

from __future__ import annotations

import gc
import itertools
import pickle
import time
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..graph.build import GraphBuilder
from ..graph.sorted_runs import SortedRuns
from ..i18n import N_
from ..sources.load import GROWING, growing_batches, load, source_file
from ..sources.schema import BY_NAME
from . import shares

#: From this size on the growing CSV (about 450,000 rows) is built in batches: below it the
#: serial path, or the two halves of release/shares.py, hold it whole in less time.
MIN_BYTES = 64 << 20
BATCH_ROWS = 20_000
RUN_LINES = 1_000_000  # lines held before they are sorted into a run: about 200 MB
RUNS = ".runs"  # the runs' folder, in the staging folder: removed before it is swapped in


def wanted(settings: Settings) -> bool:
    """Whether the growing table is a CSV of at least MIN_BYTES."""
    path = _path(settings)
    return path is not None and path.suffix == ".csv" and path.stat().st_size >= MIN_BYTES


def parts() -> int:
    """2 where there are two cores to build the halves on; else 1."""
    return 2 if shares._cores() >= 2 else 1


def _path(settings: Settings):
    return source_file(settings.data_dir, BY_NAME[GROWING])


class _Half:
    """One process's rows (of `part` of the text, as growing_batches reads it): typed,
    checked and built by batches with `builder`, the lines spilled to runs. With `declared`
    (a file), the lines declaring each project the rows declare go there instead, a batch's
    list pickled at a time."""

    def __init__(self, builder: GraphBuilder, runs: SortedRuns, part: tuple | None, declared=None):
        self.builder, self.runs, self.part, self.declared = builder, runs, part, declared
        self.keys: set = set()
        self.building = 0.0

    def build(self) -> None:
        builder, sources = self.builder, self.builder.sources
        batches = growing_batches(sources, _path(sources.settings), BATCH_ROWS, self.part)
        while True:
            records = next(batches, None)
            if records is None:
                break
            began = time.perf_counter()
            self.keys.update(record.key for record in records)
            sources.tables[GROWING] = records
            before = len(builder.projects)
            builder.build_decisions()
            if self.declared is not None and len(builder.projects) > before:
                self._set_apart(before)
            if len(builder.lines) >= RUN_LINES:
                self.runs.spill(builder.lines)
            self.building += time.perf_counter() - began
        sources.tables[GROWING] = []

    def _set_apart(self, before: int) -> None:
        """The lines declaring the projects this batch declared, out of the lines and into
        the `declared` file (their spans are those of the lines as they stand: a batch
        spills after this)."""
        lines, rest, kept, after = self.builder.lines, [], [], 0
        for project, (start, stop) in itertools.islice(self.builder.projects.items(), before, None):
            rest.extend(lines[after:start])
            kept.append((project, b"\n".join(lines[start:stop])))
            after = stop
        rest.extend(lines[after:])
        lines[:] = rest
        pickle.dump(kept, self.declared, protocol=pickle.HIGHEST_PROTOCOL)


def load_and_build(settings: Settings, progress, timings: dict, runs: SortedRuns, serial, helper: tuple | None = None):
    """(sources, built, the helper's maps pickled or b"") as `serial(settings, progress,
    timings)` gives (sources, built), but for the lines: all but built.lines are in `runs`.
    With `helper` (the ends of shares.channel()), the rows of the second half of the text
    come from it. `serial` runs instead where that is not sure (the runs are
    discarded then)."""
    receive = None
    if helper is not None:
        receive, send = helper
        send.close()
    try:
        start = time.perf_counter()
        progress(N_("load"))
        sources = load(settings, progress, growing=False)
        builder = GraphBuilder(sources)
        builder.build_tables()  # all the tables: the growing one is empty here, and built last
        half = _Half(builder, runs, (0, 2) if helper is not None else None)
        progress(N_("build"))
        half.build()
        theirs = b""
        if helper is not None:
            part = shares.receive_part(receive, max(shares.WAIT, 4 * (time.perf_counter() - start)))
            if part is None or not half.keys.isdisjoint(part["keys"]):
                raise shares.Serial
            theirs = _merge(builder, part, runs)
        built = builder.finish()
        timings["load"] = time.perf_counter() - start - half.building
        timings["build"] = half.building
        return sources, built, theirs
    except (InputError, shares.Serial):
        runs.discard()
        timings.clear()
        return (*serial(settings, progress, timings), b"")
    finally:
        if receive is not None:
            receive.close()


def _merge(builder: GraphBuilder, part: dict, runs: SortedRuns) -> bytes:
    """The helper's runs, the lines declaring its projects that the first half did not
    declare, then its columns and notes as release/shares.py takes them in; returns its
    maps, pickled."""
    runs.paths.extend(part["runs"])
    with open(part["declared"], "rb") as file:
        while True:
            try:
                kept = pickle.load(file)
            except EOFError:
                break
            for project, text in kept:
                if project not in builder.projects:
                    builder.lines.extend(text.split(b"\n"))
    shares.merge_part(builder, part)
    return part["maps"]


def help_build(settings: Settings, ends: tuple, folder: Path) -> None:
    """In the helper: the rows of the second half of the text, built into runs in
    `folder`; their paths, its keys, columns, notes and maps go to the graph child (and the
    lines declaring its projects, in a file there), or that it failed."""
    receive, send = ends
    receive.close()
    gc.disable()  # as in the graph child: objects that live until this process ends
    try:
        sources = load(settings, None, growing=False)
        builder = GraphBuilder(sources)
        runs = SortedRuns(folder, "helper-")
        folder.mkdir(parents=True, exist_ok=True)
        declared = folder / "helper-declared.pickle"
        with open(declared, "wb") as file:
            half = _Half(builder, runs, (1, 2), file)
            half.build()
        runs.spill(builder.lines)
        built = builder.finish()
        answer = ("ok", {"keys": half.keys, "runs": runs.paths, "declared": declared, "projects": {},
                         "columns": builder.columns, "notes": built.notes, "maps": shares.maps_pickled(built)})
    except BaseException as exc:  # noqa: BLE001 - the graph child does it all itself then
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    try:
        send.send(answer)
        send.send_bytes(b"")  # no lines come through the pipe: they are in the runs (shares.receive_part)
    except OSError:
        pass
    finally:
        send.close()
