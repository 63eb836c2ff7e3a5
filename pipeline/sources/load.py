"""Load stage: read every source file into typed records that remember their place.

All problems of a run are collected (up to a limit) and raised together as one InputError,
so a steward can fix a file in one go.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import Code, InputError, Place, Problem, Problems, TooManyProblems, ValueProblem
from ..i18n import N_, Msg
from ..progress import bar
from . import values
from .readers import Cell, YMap, YSeq, display_path, read_csv, read_yaml
from .reference import DIGITS, LEVEL_OF, Reference, load_reference
from .schema import BY_NAME, TABLES, Field, Table
from .workbooks import EXTENSIONS, read_workbook


class Fact:
    """A typed value, where it stands, and the source it comes from when not the record's."""

    __slots__ = ("value", "place", "source")

    def __init__(self, value: Any, place: Place, source: str | None = None):
        self.value = value
        self.place = place
        self.source = source


@dataclass
class ActionLine:
    notation: str
    name: dict  # language -> Fact
    parent: str  # notation of the broader line, "" at the top
    place: Place


@dataclass
class Record:
    table: str
    place: Place
    facts: dict = field(default_factory=dict)  # field name -> Fact

    def get(self, name: str, default=None):
        fact = self.facts.get(name)
        return default if fact is None else fact.value

    @property
    def key(self) -> str:
        table = BY_NAME[self.table]
        return self.get(table.key) if table.key else ""

    @property
    def source(self) -> str:
        return self.get("source")


@dataclass
class Sources:
    """Everything the build needs: typed records per table and the reference classification."""

    settings: Settings
    reference: Reference
    tables: dict = field(default_factory=dict)  # table name -> list[Record]
    files: list = field(default_factory=list)  # every source file read, for provenance

    def records(self, table: str) -> list[Record]:
        return self.tables.get(table, [])

    def index(self, table: str) -> dict:
        return {r.key: r for r in self.records(table)}


#: The table that grows with a programme's size: the one a publish may split between two
#: processes (see release/shares.py), by its rows.
GROWING = "decisions"


def share_of(rows: list, share: tuple | None) -> list:
    """The rows of part `index` of `parts` (share = (index, parts)): contiguous, in order,
    together all of them."""
    if share is None:
        return rows
    index, parts = share
    size = -(-len(rows) // parts)
    return rows[index * size:(index + 1) * size]


def load(settings: Settings, progress=None, share: tuple | None = None, growing: bool = True) -> Sources:
    """The records of every source table, checked and placed; `progress` gets a bar over the
    sources' bytes when it draws one (pipeline/progress.py). With `share` (index, parts),
    only that part of the rows of the GROWING table are read, typed and checked (of a CSV,
    its part of the text: readers.row_cuts): the rest of it is another process's
    (release/shares.py); without `growing`, none (its file is not read:
    release/graph_patch.py reads the rows it needs)."""
    data_dir = settings.data_dir
    if not data_dir.is_dir():
        raise InputError(Msg('{folder}: source folder not found (give it with --data)', folder=display_path(data_dir)), code=Code.FILE_NOT_FOUND)
    reference = load_reference(data_dir, settings.reference_date)
    sources = Sources(settings, reference)
    problems = Problems()
    yaml_docs: dict[str, YMap] = {}
    unreadable: set = set()
    with bar(progress, N_("reading the sources"), _source_bytes(data_dir), "bytes") as advance:
        _read_tables(data_dir, sources, problems, reference, yaml_docs, unreadable, advance, share, growing)
    problems.raise_if_any()
    _check_keys_and_references(sources, problems)
    problems.raise_if_any()
    return sources


def source_file(data_dir: Path, table: Table) -> Path | None:
    """The file a table is read from, when there is one (the reading says what is wrong otherwise)."""
    try:
        path = _table_file(data_dir, table)
    except InputError:
        return None
    return path if path.is_file() else None


def _source_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in {source_file(data_dir, t) for t in TABLES} - {None})


def _read_tables(data_dir: Path, sources: Sources, problems: Problems, reference: Reference, yaml_docs: dict,
                 unreadable: set, advance, share: tuple | None = None, growing: bool = True) -> None:
    read: set = set()
    for table in TABLES:
        path = data_dir / table.file
        if table.file not in sources.files:
            sources.files.append(table.file)
        if table.file in unreadable:
            continue
        if table.name == GROWING and not growing:
            sources.tables[table.name] = []
            continue
        try:
            if table.file.endswith(".yaml"):
                if table.file not in yaml_docs:
                    yaml_docs[table.file] = read_yaml(path)
                    _check_top_keys(yaml_docs[table.file], table.file, problems)
                sources.tables[table.name] = _from_yaml(table, yaml_docs[table.file], problems, reference)
            else:
                sources.tables[table.name] = _from_csv(table, path, problems, reference,
                                                       share if table.name == GROWING else None)
        except TooManyProblems:
            raise
        except InputError as exc:  # this file cannot be read at all: say so, and read the others
            unreadable.add(table.file)
            for problem in exc.problems:
                problems.add(problem.place, problem.message, problem.hint, code=problem.code)
        source = source_file(data_dir, table)
        if source is not None and source not in read:
            read.add(source)
            advance(source.stat().st_size)


def _check_top_keys(doc: YMap, file: str, problems: Problems) -> None:
    known = [t.yaml_key for t in TABLES if t.file == file]
    for key in doc:
        if key not in known:
            problems.add(doc.key_place(key), Msg('unknown section {key!r}', key=key), _nearest(key, known), code=Code.UNKNOWN_FIELD)


def _nearest(name: str, known) -> Msg:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return Msg("did you mean {name!r}?", name=close[0]) if close else Msg("known: {names}", names=", ".join(known))


# --- reading records ------------------------------------------------------------------------

def _table_file(data_dir: Path, table: Table) -> Path:
    """The CSV of a table, or the workbook that stands in for it (data/funding.xlsx)."""
    csv_path = data_dir / table.file
    books = [csv_path.with_suffix(ext) for ext in EXTENSIONS if csv_path.with_suffix(ext).exists()]
    if books and csv_path.exists():
        raise InputError([Problem(Place(display_path(books[0])), Msg('both {file} and {workbook} hold the {name} table', file=table.file, workbook=books[0].name, name=table.name), Msg('keep one of them'), code=Code.DUPLICATE_SOURCE)])
    return books[0] if books else csv_path


def _from_csv(table: Table, path: Path, problems: Problems, ref: Reference, share: tuple | None = None) -> list[Record]:
    """The records of a table's CSV or workbook; with `share`, of that share of its rows: a
    CSV's part of the text (readers.row_cuts), whose other rows are not even read, or a
    workbook's share of them."""
    path = _table_file(path.parent, table)
    if path.suffix in EXTENSIONS:
        csv_table = read_workbook(path)
        rows = share_of(csv_table.rows, share)
    else:
        csv_table = read_csv(path, problems, part=share)
        rows = csv_table.rows
    if not _header_ok(table, csv_table, problems):
        return []
    if not rows and not table.allow_empty and (share is None or share[0] == 0):  # (a later share may hold none)
        problems.add(_placer(csv_table)(2), Msg('has a header but no rows'), code=Code.NO_ROWS)
    return typed_rows(table, csv_table, rows, problems, ref)


def _header_ok(table: Table, csv_table, problems: Problems) -> bool:
    """Whether the header names the table's columns, each once, and every required one."""
    header_place = _placer(csv_table)(1)
    header_ok = True
    for name in csv_table.header:
        if name not in table.names:
            problems.add(header_place, Msg('unknown column {name!r}', name=name), _nearest(name, table.names), code=Code.UNKNOWN_COLUMN)
            header_ok = False
    seen = set()
    for name in csv_table.header:
        if name in seen:
            problems.add(header_place, Msg('column {name!r} appears twice', name=name), code=Code.DUPLICATE_COLUMN)
            header_ok = False
        seen.add(name)
    for f in table.fields:  # an optional column may be left out: its values are all empty
        if f.required and f.name not in csv_table.header:
            problems.add(header_place, Msg('missing column {name!r}', name=f.name), Msg('the header needs: {columns}', columns=','.join(table.names)), code=Code.MISSING_COLUMN)
            header_ok = False
    return header_ok


def growing_batches(sources: Sources, path: Path, size: int, part: tuple | None = None):
    """The records of the GROWING table, read from the CSV `path` (its source_file), `size`
    rows at a time, typed and checked as `load` checks them, for a table too large to hold
    whole as records (release/batches.py). `sources` holds the rest, loaded without it
    (load(..., growing=False)). With `part` (index, parts), only the rows of that part of the
    text are read (readers.row_cuts): the others are another process's. Raises InputError at
    the first batch with a problem: the caller loads it all then with `load`, whose messages,
    all of them in their order, are the ones a steward reads."""
    table = BY_NAME[GROWING]
    problems = Problems()
    csv_table = read_csv(path, problems, lazy=True, part=part)
    if not _header_ok(table, csv_table, problems):
        problems.raise_if_any()
    keys = {t.name: set() if t.name == GROWING else {k for k in (r.key for r in sources.records(t.name)) if k}
            for t in TABLES}
    seen: dict = {}
    rows = csv_table.rows
    while True:
        batch = list(itertools.islice(rows, size))
        if not batch:
            problems.raise_if_any()  # the last rows' shapes
            return
        records = typed_rows(table, csv_table, batch, problems, sources.reference)
        del batch
        _check_keys(table, records, seen, problems)
        _check_references(table, records, keys, problems)
        _check_decisions_of(records, problems)
        problems.raise_if_any()
        yield records


TYPED_TEXTS = 4096  # distinct texts of a column whose typed value typed_rows keeps: most repeat (areas, years, funders)


def typed_rows(table: Table, csv_table, rows, problems: Problems, ref: Reference) -> list[Record]:
    """The records of `rows` ((line, field texts), of `csv_table`, a readers.ReadTable whose
    header has been checked), each value typed and placed; what is wrong goes to `problems`."""
    where, table_name = _placer(csv_table), table.name
    # each value's Place is made as where() makes it, by tuple.__new__ with its column found
    # once: a million values at 100,000 rows, and the named tuple's own __new__ a third of their typing
    file, sheet, new = csv_table.name, csv_table.sheet, tuple.__new__
    columns = [(csv_table.header.index(f.name), f.name, f.required, _scalar_converter(f, ref), where(0, f.name).column, {})
               for f in table.fields if f.name in csv_table.header]
    records = []
    for line, row in rows:
        record = Record(table_name, new(Place, (file, line, 0, "", sheet)))
        facts = record.facts
        for index, name, required, convert, column, typed in columns:
            text = row[index]
            value = typed.get(text)
            if value is None:
                if not text or text.isspace():
                    if required:
                        problems.add(where(line, name), Msg('{name!r} is required but empty', name=name), code=Code.REQUIRED_EMPTY)
                    continue
                try:
                    value = convert(text)
                except ValueProblem as exc:
                    problems.add(where(line, name), _about(name, exc.message), exc.hint, code=exc.code)
                    continue
                if len(typed) < TYPED_TEXTS:
                    typed[text] = value
            facts[name] = Fact(value, new(Place, (file, line, column, name, sheet)))
        records.append(record)
    return records


def _placer(csv_table):
    """where(line, field=""): the Place of a line of `csv_table`, or of one of its values; a
    workbook's value has its column's number too."""
    sheet, name = csv_table.sheet, csv_table.name
    cols = {name: i + 1 for i, name in enumerate(csv_table.header)} if sheet else {}

    def where(line: int, field: str = "") -> Place:
        return Place(name, line, cols.get(field, 0), field, sheet)

    return where


def _about(field: str, message: Msg | str) -> Msg | str:
    """'email 'x' is not an e-mail address', 'year: ...': the field named once, first."""
    english = message.said("en") if isinstance(message, Msg) else message
    if english.startswith(field):
        return message
    return Msg("{field} {message}", field=field, message=message) if english.startswith("'") else \
        Msg("{field}: {message}", field=field, message=message)


def _scalar_converter(f: Field, ref: Reference):
    """The function that types one value of field `f` (one lookup per table, not per value)."""
    if f.item in _CONVERTERS:
        return _CONVERTERS[f.item]
    if f.item == "ref":
        return values.key
    return lambda text: _scalar(f.item, text, f, ref)


def _from_yaml(table: Table, doc: YMap, problems: Problems, ref: Reference) -> list[Record]:
    node = doc.get(table.yaml_key)
    if node is None:
        if table.single:
            problems.add(doc.place, Msg('section {yaml_key!r} is missing', yaml_key=table.yaml_key), code=Code.MISSING_FIELD)
        return []
    items = [node] if table.single else node
    if table.single and not isinstance(node, YMap):
        problems.add(doc.key_place(table.yaml_key), Msg('{yaml_key!r} must be a mapping', yaml_key=table.yaml_key), code=Code.WRONG_STRUCTURE)
        return []
    if not table.single and not isinstance(node, YSeq):
        problems.add(doc.key_place(table.yaml_key), Msg('{yaml_key!r} must be a list (lines starting with -)', yaml_key=table.yaml_key), code=Code.WRONG_STRUCTURE)
        return []
    records = []
    for item in items:
        if not isinstance(item, YMap):
            problems.add(getattr(item, "place", doc.place), Msg('each entry of {yaml_key!r} must be a mapping', yaml_key=table.yaml_key), code=Code.WRONG_STRUCTURE)
            continue
        record = Record(table.name, item.place)
        for key in item:
            if key not in table.names:
                problems.add(item.key_place(key), Msg('unknown field {key!r}', key=key), _nearest(key, table.names), code=Code.UNKNOWN_FIELD)
        for f in table.fields:
            if f.name in item:
                value, source = _unwrap(item[f.name], problems)
                _set(record, f, value, source, problems, ref)
            elif f.required:
                problems.add(item.place, Msg('{name!r} is required', name=f.name), code=Code.MISSING_FIELD)
        records.append(record)
    return records


def _unwrap(node, problems: Problems):
    """`{value: X, source: key}` gives (X, key); anything else gives (node, None)."""
    if isinstance(node, YMap) and "value" in node and set(node) <= {"value", "source"}:
        source = node.get("source")
        if source is not None and not isinstance(source, Cell):
            problems.add(node.key_place("source"), Msg('source must be a key of sources.yaml'), code=Code.UNKNOWN_SOURCE)
            source = None
        return node["value"], source.text.strip() if source is not None else None
    return node, None


def _set(record: Record, f: Field, node, source: str | None, problems: Problems, ref: Reference) -> None:
    place = getattr(node, "place", record.place)
    try:
        value = _convert(f, node, problems, ref)
    except ValueProblem as exc:
        problems.add(place, _about(f.name, exc.message), exc.hint, code=exc.code)
        return
    if value is None or value == [] or value == {}:
        if f.required:
            problems.add(place, Msg('{name!r} is required but empty', name=f.name), code=Code.REQUIRED_EMPTY)
        return
    record.facts[f.name] = Fact(value, place, source)


def _cell(node, what: Msg) -> Cell:
    if not isinstance(node, Cell):
        raise ValueProblem(Msg("must be {what}, not a list", what=what) if isinstance(node, YSeq) else Msg("must be {what}, not a mapping", what=what), code=Code.WRONG_STRUCTURE)
    return node


_CONVERTERS = {
    "key": values.key, "text": values.text, "iri": values.iri, "date": values.date, "month": values.month,
    "year": values.year, "int": values.integer, "decimal": values.decimal, "bool": values.boolean,
    "email": values.email, "phone": values.phone, "language": values.language,
}


def _convert(f: Field, node, problems: Problems, ref: Reference):
    if f.item == "lang":
        if f.is_list:
            return [x for x in (_lang(_unwrap(item, problems)[0], problems) for item in _seq(node)) if x]
        return _lang(node, problems)
    if f.item == "action-lines":
        return _action_lines(node, problems)
    if f.is_list:
        out = []
        for item in _seq(node):
            item, source = _unwrap(item, problems)  # an item may name its own source
            cell = _cell(item, Msg("a value"))
            try:
                out.append(Fact(_scalar(f.item, cell.text, f, ref), cell.place, source))
            except ValueProblem as exc:
                problems.add(cell.place, Msg('{name}: {message}', name=f.name, message=exc.message), exc.hint, code=exc.code)
        return out
    cell = _cell(node, Msg("a single value"))
    if not cell.text.strip():
        return None
    return _scalar(f.item, cell.text, f, ref)


def _scalar(kind: str, text: str, f: Field, ref: Reference):
    if kind in _CONVERTERS:
        return _CONVERTERS[kind](text)
    if kind == "ref":
        return values.key(text)
    if kind == "choice":
        word = text.strip()
        if word not in f.choices:
            raise Code.NOT_IN_LIST.invalid(word, choices=", ".join(f.choices))
        return word
    if kind == "code":
        return values.code(text, 3)
    if kind == "nuts":
        word = text.strip()
        if not re.fullmatch(r"FI[0-9A-Z]{1,3}", word):
            raise ValueProblem(Msg('{word!r} is not a NUTS code of Finland', word=word), Msg('e.g. FI1D2'), code=Code.UNKNOWN_CODE)
        return word
    if kind in ("municipality", "subregion", "region"):
        level = LEVEL_OF[kind]
        code = values.code(text, DIGITS[level])
        if not ref.has(level, code):
            raise ValueProblem(Msg('{code} is not a {kind} code in the {date} classification', code=code, kind=kind, date=ref.date.isoformat()),
                               ref.suggest(level, code), code=Code.UNKNOWN_CODE)
        return code
    raise AssertionError(f"unknown field type {kind}")


def _seq(node) -> list:
    if isinstance(node, Cell):
        return [node] if node.text.strip() else []
    if not isinstance(node, YSeq):
        raise ValueProblem(Msg('must be a list'), code=Code.WRONG_STRUCTURE)
    return node


def _lang(node, problems: Problems) -> dict:
    """A language map `{fi: ..., en: ...}`; each text may carry its own source."""
    if isinstance(node, Cell):
        raise ValueProblem(Msg('needs a language'), Msg('write it as  fi: text'), code=Code.MISSING_LANGUAGE)
    if not isinstance(node, YMap):
        raise ValueProblem(Msg('must be a mapping of languages (fi, sv, en) to text'), code=Code.WRONG_STRUCTURE)
    out = {}
    for lang, value in node.items():
        try:
            values.language(lang)
        except ValueProblem as exc:
            problems.add(node.key_place(lang), exc.message, exc.hint, code=exc.code)
            continue
        inner, source = _unwrap(value, problems)
        if not isinstance(inner, Cell) or not inner.text.strip():
            problems.add(node.key_place(lang), Msg('text for {lang!r} is missing', lang=lang), code=Code.MISSING_LANGUAGE)
            continue
        out[lang] = Fact(" ".join(inner.text.split()), inner.place, source)
    return out


def _action_lines(node, problems: Problems) -> dict:
    if not isinstance(node, YMap):
        raise ValueProblem(Msg('must be a mapping with source, note and lines'), code=Code.WRONG_STRUCTURE)
    out = {"lines": [], "note": {}, "source": None}
    for key in node:
        if key not in ("lines", "note", "source"):
            problems.add(node.key_place(key), Msg('unknown field {key!r}', key=key), Msg('known: lines, note, source'), code=Code.UNKNOWN_FIELD)
    if "note" in node:
        out["note"] = _lang(node["note"], problems)
    if "source" in node:
        out["source"] = values.key(_cell(node["source"], Msg("a source key")).text)

    def walk(seq, parent: str) -> None:
        for item in _seq(seq):
            if not isinstance(item, YMap) or "notation" not in item or "name" not in item:
                problems.add(getattr(item, "place", node.place), Msg('an action line needs notation and name'), code=Code.MISSING_FIELD)
                continue
            notation = _cell(item["notation"], Msg("text")).text.strip()
            out["lines"].append(ActionLine(notation, _lang(item["name"], problems), parent, item.place))
            if "lines" in item:
                walk(item["lines"], notation)

    walk(node.get("lines", YSeq(node.place)), "")
    return out


# --- checks across records ------------------------------------------------------------------

def _check_keys_and_references(sources: Sources, problems: Problems) -> None:
    keys: dict[str, set] = {}
    for table in TABLES:
        seen: dict[str, Place] = {}
        _check_keys(table, sources.records(table.name), seen, problems)
        keys[table.name] = set(seen)
    for table in TABLES:
        _check_references(table, sources.records(table.name), keys, problems)
    _check_classification(sources, problems)


def _check_keys(table: Table, records: list, seen: dict, problems: Problems) -> None:
    """Each key of `records` once: `seen` (key -> Place of its last use) holds those before."""
    if not table.key:
        return
    for record in records:
        k = record.key
        if k:
            if k in seen:
                problems.add(record.facts[table.key].place, Msg('duplicate key {k!r}', k=k), Msg('first used at line {line}', line=seen[k].line), code=Code.DUPLICATE_KEY)
            seen[k] = record.facts[table.key].place


def _check_references(table: Table, records: list, keys: dict, problems: Problems) -> None:
    """Every reference of `records` (of `table`) to a key of another table (`keys`: table
    name -> its keys), and every source a value names, a key of sources.yaml."""

    def check(target: str, fact: Fact, field_name: str) -> None:
        if fact.value not in keys[target]:
            problems.add(fact.place, Msg("{field}: {value!r} is not a key of {file}", field=field_name, value=fact.value,
                                         file=BY_NAME[target].file + ("" if target != "programme" else " (programme)")),
                         _nearest(fact.value, sorted(keys[target])), code=Code.UNKNOWN_REFERENCE)

    refs = [(f.name, f.target, f.is_list) for f in table.fields if f.target]
    texts = [f.name for f in table.fields if f.item in ("lang", "action-lines")]
    list_fields = [f.name for f in table.fields if f.is_list and f.item != "lang"]  # items that may name a source
    for record in records:
        facts = record.facts
        for name, target, is_list in refs:
            fact = facts.get(name)
            if fact is not None:
                for item in (fact.value if is_list else (fact,)):
                    check(target, item, name)
        for name in texts:
            fact = facts.get(name)
            for source_fact in _source_overrides(fact) if fact is not None else ():
                if source_fact.source not in keys["sources"]:
                    problems.add(source_fact.place, Msg('source {source!r} is not a key of sources.yaml', source=source_fact.source),
                                 _nearest(source_fact.source, sorted(keys["sources"])), code=Code.UNKNOWN_SOURCE)
        for fact in (*facts.values(), *(item for f in list_fields if f in facts for item in facts[f].value)):
            if fact.source and fact.source not in keys["sources"]:
                problems.add(fact.place, Msg('source {source!r} is not a key of sources.yaml', source=fact.source),
                             _nearest(fact.source, sorted(keys["sources"])), code=Code.UNKNOWN_SOURCE)


def _source_overrides(fact: Fact):
    value = fact.value
    if isinstance(value, dict) and "lines" in value:
        maps = [value["note"]] + [line.name for line in value["lines"]]
        if value["source"]:
            yield Fact(value["source"], fact.place, value["source"])
    elif isinstance(value, list):
        maps = value
    else:
        maps = [value]
    for lang_map in maps:
        for item in lang_map.values():
            if item.source:
                yield item


def _check_classification(sources: Sources, problems: Problems) -> None:
    ref = sources.reference
    former = {r.key: r for r in sources.records("former_municipalities")}
    for code, record in former.items():
        if ref.has("municipalities", code):
            problems.add(record.facts["code"].place, Msg('{code} is a municipality in the {date} classification, not a former one', code=code, date=ref.date), code=Code.REFERENCE_CONFLICT)
    seen: dict = {}
    for record in sources.records("memberships"):
        code = record.get("municipality")
        date = record.get("classification_date")
        place = record.facts["municipality"].place
        if not ref.has("municipalities", code) and code not in former:
            problems.add(place, Msg('{code} is not a municipality of the {date} classification nor in former-municipalities.csv', code=code, date=ref.date),
                         ref.suggest("municipalities", code), code=Code.UNKNOWN_CODE)
            continue
        if (code, date) in seen:
            problems.add(record.place, Msg('municipality {code} already has a sub-region on {date}', code=code, date=date), Msg('see line {line}', line=seen[code, date].line), code=Code.DUPLICATE_MEMBERSHIP)
        seen[(code, date)] = record.place
        if date == ref.date and ref.units["municipalities"][code].parent != record.get("subregion"):
            problems.add(record.facts["subregion"].place,
                         Msg('on {date} municipality {code} is in sub-region {expected}, not {subregion}', date=date, code=code, expected=ref.units['municipalities'][code].parent, subregion=record.get('subregion')), code=Code.REFERENCE_CONFLICT)
    _check_what_records_are_of(sources, problems)


def _check_what_records_are_of(sources: Sources, problems: Problems) -> None:
    """Fields that only make sense together: what a decision, a funding or an application is of."""
    _check_decisions_of(sources.records("decisions"), problems)
    for record in sources.records("funding"):
        if bool(record.get("programme")) == bool(record.get("area")):
            problems.add(record.place, Msg('a funding is of the programme or of one area: give programme or area, not both'),
                         code=Code.MISSING_FIELD)
    for record in sources.records("areas"):
        if record.get("applied_on") and record.get("stage") != "application":
            problems.add(record.facts["applied_on"].place, Msg('applied_on is for an application: add stage: application'),
                         code=Code.MISSING_FIELD)


def _check_decisions_of(records: list, problems: Problems) -> None:
    for record in records:
        if not (record.get("area") or record.get("municipality") or record.get("subregion")):
            problems.add(record.place, Msg('a decision needs an area, a municipality or a sub-region'), code=Code.MISSING_FIELD)
