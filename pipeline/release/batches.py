"""The graph stage for a growing table too large to hold whole: its rows are read, typed,
checked and built a batch at a time, and the graph's lines go to disk in sorted runs
(graph/sorted_runs.py), merged into koko.nt as it is written. Neither the table's records
nor the graph's lines are ever whole in memory; what stays is the map back to the sources.

The serial path (sources/load.py's `load`, graph/build.py's `build`) is the reference. The
batches build what it builds in its order (the rest of the tables first, then the growing
table's rows in order), so the lines, and each map's first entry for a subject, are the
same. Whenever a batch finds a problem in the sources, the serial path runs instead and
gives every message in its order (tests/release/test_batches.py).
"""

from __future__ import annotations

import time

from ..config import Settings
from ..errors import InputError
from ..graph.build import GraphBuilder
from ..graph.sorted_runs import SortedRuns
from ..i18n import N_
from ..sources.load import GROWING, growing_batches, load, source_file
from ..sources.schema import BY_NAME

#: From this size on the growing CSV (about 450,000 rows) is built in batches: below it the
#: serial path, or the two halves of release/shares.py, hold it whole in less time.
MIN_BYTES = 64 << 20
BATCH_ROWS = 20_000
RUN_LINES = 1_000_000  # lines held before they are sorted into a run: about 200 MB


def wanted(settings: Settings) -> bool:
    """Whether the growing table is a CSV of at least MIN_BYTES."""
    path = source_file(settings.data_dir, BY_NAME[GROWING])
    return path is not None and path.suffix == ".csv" and path.stat().st_size >= MIN_BYTES


def load_and_build(settings: Settings, progress, timings: dict, runs: SortedRuns, serial):
    """(sources, built) as `serial(settings, progress, timings)` gives them, but for the
    lines: all but built.lines are in `runs`. `serial` runs instead where a batch has a
    problem (its runs are discarded then)."""
    try:
        start = time.perf_counter()
        progress(N_("load"))
        sources = load(settings, progress, growing=False)
        builder = GraphBuilder(sources)
        builder.build_tables()  # all the tables: the growing one is empty here, and built last
        path = source_file(settings.data_dir, BY_NAME[GROWING])
        building = 0.0
        batches = growing_batches(sources, path, BATCH_ROWS)
        progress(N_("build"))
        while True:
            records = next(batches, None)
            built_from = time.perf_counter()
            if records is None:
                break
            sources.tables[GROWING] = records
            builder.build_decisions()
            if len(builder.lines) >= RUN_LINES:
                runs.spill(builder.lines)
            building += time.perf_counter() - built_from
        sources.tables[GROWING] = []
        built = builder.finish()
        timings["load"] = time.perf_counter() - start - building
        timings["build"] = building
        return sources, built
    except InputError:
        runs.discard()
        timings.clear()
        return serial(settings, progress, timings)
