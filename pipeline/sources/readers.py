"""Read source files into cells that remember their file, line and column.

YAML is read with every scalar kept as text (no implicit typing, so `no` stays "no" and
`2011-12-31` stays a string until the loader types it). CSV is read the way Excel in a
Finnish locale writes it as well as the plain way: UTF-8 (with or without BOM) or
Windows-1252, `,` `;` or tab as the delimiter.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from ..errors import Code, InputError, Place, Problem
from ..i18n import N_, Msg


class Cell(NamedTuple):
    """One scalar value as written in a source, with where it stands."""

    text: str
    place: Place


class YMap(dict):
    """A YAML mapping: keys to Cell / YMap / YSeq, with the places of its keys."""

    def __init__(self, place: Place):
        super().__init__()
        self.place = place
        self.key_places: dict[str, Place] = {}

    def key_place(self, key: str) -> Place:
        return self.key_places.get(key, self.place)


class YSeq(list):
    def __init__(self, place: Place):
        super().__init__()
        self.place = place


def to_plain(node):
    """A YAML node as plain Python: dicts, lists and stripped strings."""
    if isinstance(node, YMap):
        return {key: to_plain(value) for key, value in node.items()}
    if isinstance(node, YSeq):
        return [to_plain(value) for value in node]
    return node.text.strip()


def display_path(path: Path) -> str:
    """A path as a steward would write it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read_bytes(path: Path) -> bytes:
    name = display_path(path)
    if not path.exists():
        raise InputError([Problem(Place(name), Msg('file not found'), Msg('create it or check the --data folder'), code=Code.FILE_NOT_FOUND)])
    if path.is_dir():
        raise InputError([Problem(Place(name), Msg('is a folder, not a file'), code=Code.NOT_A_FILE)])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(Place(name), Msg('cannot be read: {strerror}', strerror=exc.strerror), code=Code.FILE_UNREADABLE)]) from None


def read_yaml(path: Path) -> YMap:
    """Parse a YAML file whose top level is a mapping; broken YAML names its line and column."""
    name = display_path(path)
    raw = _read_bytes(path)
    text = decode(raw, name)
    if not text.strip():
        raise InputError([Problem(Place(name, 1), Msg('file is empty'), code=Code.EMPTY_FILE)])
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Place(name, mark.line + 1, mark.column + 1) if mark else Place(name)
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise InputError([Problem(where, Msg('broken YAML: {what}', what=what), code=Code.YAML_SYNTAX)]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(Place(name), Msg('broken YAML: {exc}', exc=exc), code=Code.YAML_SYNTAX)]) from None
    if node is None:
        raise InputError([Problem(Place(name, 1), Msg('file is empty'), code=Code.EMPTY_FILE)])
    value = _convert(node, name)
    if not isinstance(value, YMap):
        raise InputError([Problem(value.place, Msg('the top level must be a mapping (key: value lines)'), code=Code.WRONG_STRUCTURE)])
    return value


#: libyaml's composer, when PyYAML was built with it: the same nodes, an order of magnitude faster
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(text: str):
    """The node tree of a YAML text. A text that libyaml refuses is parsed again by PyYAML's
    own parser, whose messages (and marks) are the ones the sources' errors quote."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _place(node, name: str) -> Place:
    return Place(name, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node, name: str):
    if isinstance(node, yaml.MappingNode):
        out = YMap(_place(node, name))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError([Problem(_place(key_node, name), Msg('a key must be plain text'), code=Code.WRONG_STRUCTURE)])
            key = key_node.value
            if key in out:
                raise InputError([Problem(_place(key_node, name), Msg('key {key!r} appears twice in this mapping', key=key), code=Code.DUPLICATE_KEY)])
            out[key] = _convert(value_node, name)
            out.key_places[key] = _place(key_node, name)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = YSeq(_place(node, name))
        out.extend(_convert(item, name) for item in node.value)
        return out
    if isinstance(node, yaml.ScalarNode):
        text = node.value
        if node.tag == "tag:yaml.org,2002:null" and not node.style and text in ("", "~", "null"):
            text = ""
        return Cell(text, _place(node, name))
    raise InputError([Problem(_place(node, name), Msg('unsupported YAML construct (anchors and aliases are not used here)'), code=Code.YAML_UNSUPPORTED)])


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


#: The first bytes of the spreadsheet files a steward may save under a .csv name.
WORKBOOK_MAGIC = ((b"PK\x03\x04", N_("a zipped workbook (xlsx or ods)")),
                  (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", N_("an old Excel workbook (xls)")))


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (BOM or not) when it decodes; UTF-16 with its BOM (Excel's "Unicode text");
    Windows-1252 when the file is not UTF-8 at all.

    A file that has UTF-8 characters and also bytes that are not UTF-8 is broken, and the
    error names the line of the first bad byte. A workbook saved under a .csv name is named
    for what it is.
    """
    for magic, what in WORKBOOK_MAGIC:
        if raw.startswith(magic):
            raise InputError([Problem(Place(name, 1), Msg('is {what}, not CSV text', what=Msg(what)),
                                      Msg("give it the workbook's own name ({stem}.xlsx) and koko reads it, or save it from Excel as 'CSV UTF-8 (comma delimited)'", stem=Path(name).stem), code=Code.WORKBOOK_AS_CSV)])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError([Problem(Place(name, 1), Msg('starts as UTF-16 text but does not decode as it'),
                                      Msg("save the file as 'CSV UTF-8 (comma delimited)'"), code=Code.ENCODING_ERROR)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if not _UTF8_MULTIBYTE.search(raw):
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            bad = exc.start
    line = raw.count(b"\n", 0, bad) + 1
    column = bad - (raw.rfind(b"\n", 0, bad) + 1) + 1
    raise InputError([Problem(
        Place(name, line, column),
        Msg('byte 0x{byte:02x} is not valid text in UTF-8 or Windows-1252', byte=raw[bad]),
        Msg('save the file as UTF-8'),
        code=Code.ENCODING_ERROR,
    )])


@dataclass
class ReadTable:
    """A table as read from a CSV file or a workbook's sheet: its header and its rows, each as
    (first line number, list of field texts)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str
    sheet: str = ""  # a workbook's sheet the table was read from


def sniff_delimiter(first_line: str) -> str:
    counts = {d: _count_outside_quotes(first_line, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    inside = False
    count = 0
    for c in line:
        if c == '"':
            inside = not inside
        elif c == char and not inside:
            count += 1
    return count


def read_csv(path: Path, problems, lazy: bool = False, part: tuple | None = None) -> ReadTable | None:
    """Read a CSV table. Row-shape problems go to `problems`; unreadable files raise. With
    `lazy`, the rows are an iterator, read as it is taken (and their problems added then),
    so that a large table is never whole in memory as rows. With `part` (index, parts), only
    the rows of that part of the text are read (row_cuts), each at its line in the file;
    where the text cannot be cut, the first part is all of them."""
    name = display_path(path)
    raw = _read_bytes(path)
    text = decode(raw, name)
    del raw
    if not text or text.isspace():  # (no stripped copy of a large text)
        raise InputError([Problem(Place(name, 1), Msg('file is empty'), Msg('it needs at least the header row'), code=Code.EMPTY_FILE)])
    end = text.find("\n")  # the first line as splitlines() gives it, without splitting the whole text
    delimiter = sniff_delimiter(text[:end + 1 if end >= 0 else len(text)].splitlines()[0])
    skipped, none = 0, False  # lines of the file before the part's first, after the header
    if part is not None:
        cuts = row_cuts(text, part[1])
        if cuts is None:  # a quote in the header line: the first part is all of the rows, the others none
            none = part[0] > 0
        else:
            start, stop = cuts[part[0]], cuts[part[0] + 1]
            skipped = text.count("\n", cuts[0], start)
            text = text[:cuts[0]] + text[start:stop] if start > cuts[0] else text[:stop]
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # a coast's boundary (WKT) is a long field
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except csv.Error as exc:
        raise InputError([Problem(Place(name, 1), Msg('header row cannot be read: {exc}', exc=exc), code=Code.CSV_SYNTAX)]) from None
    rows = iter(()) if none else _rows(reader, name, header, delimiter, problems, skipped)
    return ReadTable(name, header, rows if lazy else list(rows), delimiter)


def row_cuts(text: str, parts: int) -> list | None:
    """Where a CSV text is cut into `parts` parts of about the same size after its header
    line: [end of the header line, each cut, len(text)]; None where the header line holds a
    quote (a value that may go on past it). Each cut follows a line end that has an even
    number of quotes before it, so outside a quoted value wherever quotes only open and close
    values (and are doubled inside them). A cut inside a value after all leaves the part before
    it ending inside that value, which read_csv's strict reading reports as the row it cannot
    read: the caller reads the whole file then (release/shares.py)."""
    first = text.find("\n") + 1
    if not first or '"' in text[:first]:
        return None
    cuts = [first]
    for k in range(1, parts):
        at = max(cuts[-1], first + (len(text) - first) * k // parts)
        quotes = text.count('"', 0, at)
        end = text.find("\n", at)
        while end >= 0:
            quotes += text.count('"', at, end)
            at = end
            if quotes % 2 == 0:
                break
            end = text.find("\n", end + 1)
        cuts.append(len(text) if end < 0 else end + 1)
    return cuts + [len(text)]


def _rows(reader, name: str, header: list, delimiter: str, problems, skipped: int = 0):
    """(first line number, field texts) of each row after the header that holds something;
    `skipped` lines of the file stand between the header and the text the reader reads."""
    line_after = reader.line_num + skipped
    while True:
        start = line_after + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError([Problem(Place(name, reader.line_num + skipped), Msg('row cannot be read: {exc}', exc=exc),
                                      Msg('check the quotes on this line'), code=Code.CSV_SYNTAX)]) from None
        line_after = reader.line_num + skipped
        if not fields or all(not f.strip() for f in fields):
            continue  # blank lines (and rows of empty cells Excel leaves) carry nothing
        if len(fields) != len(header):
            problems.add(Place(name, start), Msg('row has {fields} fields, the header has {header}', fields=len(fields), header=len(header)),
                         Msg('the delimiter here is {delimiter!r}; a value with it must be quoted', delimiter=delimiter), code=Code.FIELD_COUNT)
            continue
        yield start, fields
