"""The graph after an edit of a few rows of the table that grows (decisions), patched from the
previous release's graph instead of loaded, built and sorted whole.

A publish that builds the graph whole keeps, in the cache, a copy of the growing CSV it read
and the map back to the sources it made (the graph child's first answer, already pickled),
under a key of everything else the graph stage read: koko's code, the settings and every
other file of the source folder (`Inputs`). The next publish into the same folder, when
that key is the same, compares the two CSV texts line by line, and only the rows that
differ are read, typed, checked and built, once as they were and once as they are; the
graph is the previous release's koko.nt with the lines only the old rows made taken out
and those only the new rows make put in, at their places in the sorted order.

The serial path (sources/load.py, graph/build.py, the sort) is the reference. The patch
gives its answer only where that is certain, and hands the work back to it (None) where not:
- a workbook, a CSV not in UTF-8, a line end other than \\n or \\r\\n, a quoted value over
  two lines, a blank row, or a row the reader cannot read (a line is then not a row);
- more than MAX_ROWS rows differ, or the files differ in their number of lines;
- a problem in a row as it is now, or in the rest of the sources: the serial path says it;
- a row whose key changed (its lines and its subjects would belong to another row);
- a project whose first decision, which declares it, may be another row after the edit: a
  row's project is taken as declared when an earlier row declared it, and a row whose new
  project was declared by a later row, or by none, is left to the serial path;
- a row whose subjects, their places or the columns its facts come from are not the same
  before and after (the map back to the sources would change elsewhere than the row's; a
  row that declared its project and no longer does is one).
tests/release/test_graph_patch.py holds its graph and its map to the serial path's on random
edits of every column.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings, cache_dir
from ..errors import InputError, Problems
from ..files import stamp, write_atomic
from ..graph.build import GraphBuilder
from ..graph.serialize import first_line
from ..sources import load as loading
from ..sources.readers import ReadTable, display_path, sniff_delimiter
from ..sources.schema import BY_NAME
from . import records, shares

MAX_ROWS = 1000  # rows that differ, beyond which the whole graph is built
MAX_CSV_BYTES = 64 << 20  # a larger growing table is not kept: its copy and map would fill the cache
MAX_OTHER_BYTES = 64 << 20  # the rest of the source folder, hashed at each publish
KEPT_GRAPHS = 4  # saved graphs: one per output folder published from this machine, the newest


@dataclass(frozen=True)
class Inputs:
    """What the graph stage reads: `context`, the digest of all but the growing CSV (koko's
    code, the settings, every other file of the source folder); `raw`, that CSV's bytes."""

    context: str
    raw: bytes
    seen: tuple  # the CSV's files.stamp, before it was read

    @classmethod
    def read(cls, settings: Settings) -> "Inputs | None":
        """None when the growing table is not a CSV of at most MAX_CSV_BYTES, or the folder
        cannot be read whole."""
        growing = loading.source_file(settings.data_dir, BY_NAME[loading.GROWING])
        if growing is None or growing.suffix != ".csv":
            return None
        # the working folder too: the places of the saved map name files relative to it
        digest = hashlib.sha256(f"{records.code_digest()}\0{settings!r}\0{Path.cwd().resolve()}".encode())
        total = 0
        try:
            seen = stamp(growing.stat())
            if seen[0] > MAX_CSV_BYTES:
                return None
            for path in sorted(p for p in settings.data_dir.rglob("*") if p.is_file()):
                if path == growing:
                    continue
                data = path.read_bytes()
                total += len(data)
                if total > MAX_OTHER_BYTES:
                    return None
                digest.update(path.relative_to(settings.data_dir).as_posix().encode() + b"\0" + data + b"\0")
            raw = growing.read_bytes()
            if stamp(growing.stat()) != seen:
                return None
        except OSError:
            return None
        return cls(digest.hexdigest(), raw, seen)

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.context}\0{hashlib.sha256(self.raw).hexdigest()}".encode()).hexdigest()

    def same(self, other: "Inputs | None") -> bool:
        return other is not None and (self.context, self.seen, self.raw) == (other.context, other.seen, other.raw)


def save(inputs: Inputs, pickled: bytes) -> dict:
    """Keeps the growing CSV's copy and the graph child's first answer made from `inputs`
    (shares.answer); the record's entry for them ({} when the cache cannot be written: the
    next publish builds whole)."""
    folder = cache_dir("graphs")
    try:
        write_atomic(folder / f"{inputs.key}.csv", inputs.raw)
        write_atomic(folder / f"{inputs.key}.pickle", pickled)
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in kept[KEPT_GRAPHS:]:
            path.unlink(missing_ok=True)
            path.with_suffix(".csv").unlink(missing_ok=True)
    except OSError:
        return {}
    return {"graph": {"key": inputs.key, "context": inputs.context}}


def eligible(inputs: Inputs | None, previous: records.Recorded) -> bool:
    """Whether the release in the output folder saved its graph under the context of
    `inputs`: then the graph child tries `patched` first."""
    entry = previous.record.get("graph")
    return inputs is not None and isinstance(entry, dict) and inputs.context == entry.get("context")


@dataclass
class Patched:
    sources: object
    built: object
    nt_pieces: list  # the new koko.nt, in order
    rows: int  # rows that differed


def patched(settings: Settings, previous: records.Recorded, inputs: Inputs) -> Patched | None:
    """The graph of `inputs` from the previous release's, or None (see the module)."""
    entry = previous.record.get("graph") or {}
    folder = cache_dir("graphs")
    try:
        old_raw = (folder / f"{entry['key']}.csv").read_bytes()
        saved = (folder / f"{entry['key']}.pickle").read_bytes()
    except (OSError, KeyError, TypeError):
        return None
    if Inputs(entry.get("context"), old_raw, ()).key != entry.get("key"):
        return None
    lines = _changed_lines(old_raw, inputs.raw)
    if lines is None:
        return None
    old_lines, new_lines, header, changed = lines
    try:
        sources = loading.load(settings, None, growing=False)
    except InputError:
        return None
    path = settings.data_dir / BY_NAME[loading.GROWING].file
    delimiter = sniff_delimiter(header)
    table = ReadTable(display_path(path), _header(header, delimiter), [], delimiter)
    before = _records(sources, table, [(i + 1, old_lines[i]) for i in changed])
    after = _records(sources, table, [(i + 1, new_lines[i]) for i in changed])
    if before is None or after is None or [r.key for r in before] != [r.key for r in after]:
        return None
    try:
        _, built = shares.put_together(saved)  # the sources as loaded now stand in for those saved
    except Exception:  # noqa: BLE001 - a damaged cache file: build whole
        return None
    removed, added = set(), set()
    for old, new in zip(before, after):
        then, now = _made(sources, built, old), _made(sources, built, new)
        if then is None or now is None or then[1:3] != now[1:3]:
            return None
        removed |= then[0] - now[0]
        added |= now[0] - then[0]
        built.derived_from.update(now[3])  # the same subjects: only their source may differ
    nt = previous.nt()
    pieces = _spliced(nt, removed, added) if nt is not None else None
    if pieces is None:
        return None
    sources.tables.clear()
    return Patched(sources, built, pieces, len(changed))


def _changed_lines(old: bytes, new: bytes):
    """(old lines, new lines, header text, indexes of the lines that differ) where each line
    of both texts is one row; None where not (see the module)."""
    try:
        old_text, new_text = old.decode("utf-8-sig"), new.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\r" in old_text.replace("\r\n", "") or "\r" in new_text.replace("\r\n", ""):
        return None
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    if len(old_lines) != len(new_lines) or old_lines[0] != new_lines[0]:
        return None
    if any(line.count('"') % 2 for line in new_lines):  # a quoted value goes on over the line end
        return None
    changed = [i for i in range(1, len(new_lines)) if old_lines[i] != new_lines[i]]
    if len(changed) > MAX_ROWS or any(old_lines[i].count('"') % 2 for i in changed):
        return None
    return old_lines, new_lines, old_lines[0].rstrip("\r"), changed


def _header(line: str, delimiter: str) -> list:
    return [h.strip().lstrip("\ufeff") for h in next(csv.reader([line], delimiter=delimiter, strict=True))]


def _records(sources, table: ReadTable, lines: list) -> list | None:
    """The typed and checked records of `lines` ((line number, text)), or None where one is
    not a row as the reader reads it, or has a problem."""
    rows = []
    for number, text in lines:
        try:
            fields = next(csv.reader([text.rstrip("\r")], delimiter=table.delimiter, strict=True), [])
        except csv.Error:
            return None
        if not fields or all(not f.strip() for f in fields) or len(fields) != len(table.header):
            return None
        rows.append((number, fields))
    problems = Problems()
    found = loading.typed_rows(BY_NAME[loading.GROWING], table, rows, problems, sources.reference)
    sources.tables[loading.GROWING] = list(found)
    try:
        loading._check_keys_and_references(sources, problems)
    finally:
        sources.tables[loading.GROWING] = []
    return None if problems.items else found


def _made(sources, built, record):
    """(lines, subject -> place, column of each predicate, subject -> source) that `record`
    makes alone: its project declared by it when it was its project's first decision, else
    taken as declared; None where its project was declared by none or by a later row, or
    where the record's subjects are not placed at its row in `built`. The map's column of a predicate
    is the one of the first row that gives it: the same while each row gives the same ones."""
    builder = GraphBuilder(sources)
    project = builder.node("project", record.facts["project"].value)
    place = built.subject_places.get(project[1:-1])
    if place is None or place.line > record.place.line:
        return None
    if place.line < record.place.line:
        builder.projects[project] = (0, 0)
    sources.tables[loading.GROWING] = [record]
    try:
        builder.build_decisions()
    finally:
        sources.tables[loading.GROWING] = []
    made = builder.finish()
    if made.fact_places or made.value_places or made.notes:
        return None
    if any(built.subject_places.get(s) != p for s, p in made.subject_places.items()):
        return None
    return set(builder.lines), made.subject_places, made.columns, made.derived_from


def _spliced(nt: bytes, removed: set, added: set) -> list | None:
    """Canonical N-Triples `nt` without the lines `removed` and with `added`, as pieces in
    order; None where a line to remove is not there or one to add already is."""
    edits = []
    for line in removed:
        at = first_line(nt, lambda text, line=line + b"\n": text >= line)
        if not nt.startswith(line + b"\n", at):
            return None
        edits.append((at, len(line) + 1, b""))
    for line in added:
        at = first_line(nt, lambda text, line=line + b"\n": text >= line)
        if nt.startswith(line + b"\n", at):
            return None
        edits.append((at, 0, line + b"\n"))
    pieces, done = [], 0
    # at one offset, the lines put in first (in their order), then the line there taken out
    for at, length, text in sorted(edits, key=lambda e: (e[0], e[1] > 0, e[2])):
        pieces.append(nt[done:at])
        pieces.append(text)
        done = at + length
    pieces.append(nt[done:])
    return [p for p in pieces if p]
