"""The graph stage on two cores: the rows of the table that grows (decisions) are read, typed
and built half in the graph child, half in a helper process beside it, and put together as
the serial load and build would have made them. Of a CSV each reads only its part of the
text (readers.row_cuts); where the cut falls inside a quoted value after all, the graph
child's part cannot be read, which is a problem like any other (below).

The serial path (sources/load.py's `load`, graph/build.py's `build`) is the reference, and
it stays the only path for anything this one is not sure of: whenever either half finds a
problem in the sources, when the two halves share a key, when the helper fails, dies or
takes far longer than the graph child's own half, the graph child loads and builds it all
again on its own, which gives the exact messages and the exact graph.

Putting the halves together:
- the lines: the graph is sorted and made distinct afterwards, so their order is free;
- a project is declared by its first decision: the helper sends each project it declared
  apart, and only those the first half did not declare are kept;
- where each subject and fact came from (Built's maps): the first half's first, then the
  helper's in its order, each kept only where the first half had none, which is the order
  and the choice of the serial build. The helper sends its maps pickled, and the graph
  child passes them on unread after its own pickled answer: `put_together` joins them where
  they are read (the parent, a later publish's patch). Reading, joining and pickling them
  again took the graph child 0.4 s at 100,000 rows while the other core waited.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import time

from ..config import Settings
from ..errors import InputError, places_packed, places_unpacked
from ..graph.build import Built, GraphBuilder
from ..i18n import N_
from ..sources.load import GROWING, Sources, load, source_file
from ..sources.schema import BY_NAME
from .parallel import pipe

SPLIT_BYTES = 4 << 20  # below this the growing table is loaded in one process: a helper costs more than it saves
# Above this (about 450,000 rows) it is too: with both halves and the helper's text in memory
# at once, a 1,000,000-row publish peaked at 8.7 GB against 8.0-8.2 GB in one process, and at
# that size memory, not time, is what limits a publish (README, "What still grows with the graph").
SPLIT_MAX_BYTES = 64 << 20
WAIT = 60.0  # seconds the graph child waits for the helper at least; at most 4 times its own half's time beyond
MAPS = ("subject_places", "fact_places", "value_places", "derived_from")
BUILD = "build"  # the graph child's word to a helper that waits (channel(waits=True))
PIECE_LINES = 20_000  # lines a piece of the helper's half: a few MB, so the half is never one text too


def parts(settings: Settings) -> int:
    """2 when the growing table is a CSV large enough to split, not so large that memory
    matters more, and there are two cores to split it on; otherwise 1."""
    path = source_file(settings.data_dir, BY_NAME[GROWING])  # None when missing or a workbook stands beside it
    if path is None or path.suffix != ".csv" or _cores() < 2:
        return 1
    return 2 if SPLIT_BYTES <= path.stat().st_size <= SPLIT_MAX_BYTES else 1


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def channel(waits: bool = False) -> tuple:
    """The one-way pipe from the helper to the graph child; make it before forking both, and
    `close` the parent's ends after. With `waits`, a second one from the graph child to the
    helper, which then builds only once told to: the graph child first tries to patch the
    previous graph (release/graph_patch.py) and needs the helper only where it cannot."""
    ends = pipe()
    return (*ends, *pipe()) if waits else ends


def close(ends: tuple) -> None:
    for end in ends:
        end.close()


# --- the helper -------------------------------------------------------------------------

def help_build(settings: Settings, ends: tuple) -> None:
    """In the helper: type and build the second half of the growing table and send it to the
    graph child; whatever goes wrong, tell it that instead."""
    receive, send, *word = ends
    receive.close()
    if word and not _told_to_build(*word):
        send.close()
        return
    gc.disable()  # as in the graph child: millions of objects that live until this process ends
    try:
        sources = load(settings, None, (1, 2))
        keys = [record.key for record in sources.records(GROWING)]
        builder = GraphBuilder(sources)
        builder.build_decisions()
        part = _part(builder, keys)
        del sources, builder, keys  # what goes is in `part`: the rest is let go before the graph child takes it
    except BaseException as exc:  # noqa: BLE001 - the graph child does it all itself then
        part = None
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    try:  # each send waits for the graph child to read it, and fails once that has gone
        if part is None:
            send.send(answer)
        else:  # the lines as texts of a few thousand: neither process holds them all as one text
            lines = part.pop("lines")
            send.send(("ok", part))
            for piece in _pieces(lines):
                send.send_bytes(piece)
            send.send_bytes(b"")  # the end: a piece is never empty, as no line is
    except OSError:
        pass
    finally:
        send.close()


def _told_to_build(heard, said) -> bool:
    """Waits for the graph child's word: True when it could not patch; False when it patched
    or ended (its end of the pipe closes)."""
    said.close()
    try:
        return heard.recv() == BUILD
    except (EOFError, OSError):
        return False
    finally:
        heard.close()


def _part(builder: GraphBuilder, keys: list) -> dict:
    """The helper's half: its lines, each project it declared apart, its maps pickled."""
    lines, declared, rest, after = builder.lines, {}, [], 0
    for project, (start, stop) in builder.projects.items():
        rest.extend(lines[after:start])
        declared[project] = b"\n".join(lines[start:stop])
        after = stop
    rest.extend(lines[after:])
    lines.clear()
    built = builder.built
    return {"keys": keys, "lines": rest, "projects": declared, "columns": builder.columns, "notes": built.notes,
            "maps": maps_pickled(built)}


def maps_pickled(built: Built) -> bytes:
    """A helper's maps back to the sources, pickled: the graph child passes them on unread."""
    return pickle.dumps({name: places_packed(getattr(built, name)) for name in MAPS}, protocol=pickle.HIGHEST_PROTOCOL)


def _pieces(lines: list):
    """The lines as texts of PIECE_LINES lines, taken from the end of the list so that the
    lines of each piece go as it is made (their order is free: see the module)."""
    while lines:
        piece = b"\n".join(lines[-PIECE_LINES:])
        del lines[-PIECE_LINES:]
        yield piece


# --- the graph child ----------------------------------------------------------------------

def load_and_build(settings: Settings, progress, timings: dict, ends: tuple, serial) -> tuple[Sources, Built, bytes]:
    """In the graph child: the first half here, the second from the helper, put together but
    for the maps: (sources, built, the helper's maps pickled, b"" for none; see the module).
    `serial(settings, progress, timings)` (the reference) whenever that is not sure."""
    receive, send, *word = ends
    send.close()
    if word:
        _tell_to_build(*word)
    began = time.perf_counter()
    try:
        progress(N_("load"))
        sources = load(settings, progress, (0, 2))
        timings["load"] = time.perf_counter() - began
        progress(N_("build"))
        start = time.perf_counter()
        keys = {record.key for record in sources.records(GROWING)}
        builder = GraphBuilder(sources)
        builder.build_tables()
        part = receive_part(receive, max(WAIT, 4 * (time.perf_counter() - began)))
        if part is None or not keys.isdisjoint(part["keys"]):
            raise Serial
        merge_part(builder, part)
        built = builder.finish()
        timings["build"] = time.perf_counter() - start
        return sources, built, part["maps"]
    except (InputError, Serial):
        timings.clear()
        return (*serial(settings, progress, timings), b"")
    finally:
        receive.close()


def _tell_to_build(heard, said) -> None:
    heard.close()
    try:
        said.send(BUILD)
    except OSError:  # the helper has gone: its half will not come, and the serial path runs
        pass
    finally:
        said.close()


class Serial(Exception):
    """The halves cannot be put together with certainty: do it all in one process."""


def receive_part(receive, wait: float) -> dict | None:
    """The helper's half, its lines split as each piece comes; None when it failed, died or
    did not send within `wait` s."""
    try:
        if not receive.poll(wait):
            return None
        kind, value = receive.recv()
        if kind != "ok":
            return None
        value["lines"] = lines = []
        while True:
            if not receive.poll(wait):
                return None
            piece = receive.recv_bytes()
            if not piece:
                break
            lines.extend(piece.split(b"\n"))
    except (EOFError, OSError):
        return None
    return value


def merge_part(builder: GraphBuilder, part: dict) -> None:
    """The helper's lines, projects, columns and notes into the graph child's; its maps are
    put together where they are read (put_together)."""
    lines = builder.lines
    for project, text in part["projects"].items():
        if project not in builder.projects:
            lines.extend(text.split(b"\n"))
    lines.extend(part.pop("lines"))
    for key, value in part["columns"].items():
        builder.columns.setdefault(key, value)
    builder.built.notes.extend(part["notes"])


def answer(sources: Sources, built: Built, theirs: bytes = b"") -> bytes:
    """The graph child's first answer: (sources, built) pickled, then the helper's maps as
    they came (`theirs`, pickled), where it built half."""
    return pickle.dumps((sources, built), protocol=pickle.HIGHEST_PROTOCOL) + theirs


def put_together(data: bytes) -> tuple[Sources, Built]:
    """(sources, built) of an `answer`: the helper's maps, where they follow, taken in after
    the graph child's own, each only where those have none."""
    stream = io.BytesIO(data)
    sources, built = pickle.load(stream)
    if stream.tell() < len(data):
        theirs = pickle.load(stream)
        for name in MAPS:  # as setdefault for each of theirs would, by three C calls
            mine, extra = getattr(built, name), places_unpacked(theirs[name])
            shared = {key: mine[key] for key in mine.keys() & extra.keys()}
            mine.update(extra)
            mine.update(shared)
    return sources, built
