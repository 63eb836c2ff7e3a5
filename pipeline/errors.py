"""Typed errors that carry a place in a source file and a note on what to do.

Exit codes: 0 done, 1 the data does not conform to the shapes, 2 a source or setting cannot
be read or has a wrong value, 3 a remote service failed, 4 a bug in koko, 5 the machine
refused (a full disk, a read-only folder, a permission), 130 interrupted.
Every problem in the sources has a stable `code` (a member of Code) for programs that read
`koko validate --format json`; the message is for people and may change.
"""

from __future__ import annotations

import errno
import itertools
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from .i18n import N_, Msg, _

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3
EXIT_INTERNAL = 4  # a bug in koko, not in the data: the message asks for --debug
EXIT_MACHINE = 5  # the machine refused: a full disk, a read-only folder, a permission, a quota

#: How many load problems one run collects before it stops reading.
MAX_PROBLEMS = 100


class Code(str, Enum):
    """The kinds of problem: a stable code (part of the JSON output; it does not change, new kinds
    get new codes), what it means (the README's table), and for the kinds of a single value the
    message template and the hint that go with it. A Problem has no other way to say its kind."""

    def __new__(cls, code: str, meaning: str, template: str = "", hint: str = ""):
        member = str.__new__(cls, code)
        member._value_ = code
        member.meaning = meaning
        member.template = template
        member.hint = hint
        return member

    __str__ = str.__str__
    __format__ = str.__format__

    FILE_NOT_FOUND = "file-not-found", "a source file or folder is missing"
    NOT_A_FILE = "not-a-file", "a folder where a file is expected"
    FILE_UNREADABLE = "file-unreadable", "the file cannot be opened"
    EMPTY_FILE = "empty-file", "the file is empty"
    ENCODING_ERROR = "encoding-error", "bytes that are neither UTF-8 nor Windows-1252 text"
    YAML_SYNTAX = "yaml-syntax", "YAML that does not parse"
    YAML_UNSUPPORTED = "yaml-unsupported", "a YAML construct the sources do not use (anchors, aliases)"
    CSV_SYNTAX = "csv-syntax", "a CSV row that does not parse (an unclosed quote)"
    FIELD_COUNT = "field-count", "a CSV row with more or fewer fields than the header"
    WRONG_STRUCTURE = "wrong-structure", "a mapping, list or text where another is expected"
    UNKNOWN_FIELD = "unknown-field", "a field, column, section or setting the sources do not have"
    UNKNOWN_COLUMN = "unknown-column", "a CSV column the table does not have"
    DUPLICATE_COLUMN = "duplicate-column", "a CSV column named twice"
    MISSING_COLUMN = "missing-column", "a CSV column the table needs is not in the header"
    DUPLICATE_SOURCE = "duplicate-source", "a table given twice, as CSV and as a workbook"
    WORKBOOK_AS_CSV = "workbook-as-csv", "a spreadsheet workbook saved under a .csv name"
    NOT_A_MONTH = "not-a-month", "a month that is not written as 2009-07", N_("{value!r} is not a month"), N_("write it as 2009-07")
    NOT_WITHDRAWN = "not-withdrawn", "a key in withdrawn.csv that is not an IRI an earlier release had and this one has not"
    ARCHIVE_DAMAGED = "archive-damaged", "a file of a release (current or archived) that cannot be read as koko wrote it"
    RELEASE_MISSING = "release-missing", "no release where one is needed: none published yet, or no such version"
    RELEASE_TOO_OLD = "release-too-old", "a release published by an older koko, without what this one needs of it"
    RELEASE_CHANGED = "release-changed", "the release folder was replaced or removed while it was being read"
    OUTPUT_LOCKED = "output-locked", "another koko run is writing the output folder (publish --no-wait)"
    OUTPUT_NOT_OURS = "output-not-ours", "an output folder that holds files koko did not write"
    BAD_OPTION = "bad-option", "a command-line option, or a combination of options, that cannot be used"
    SETTING_MISSING = "setting-missing", "a setting the command needs (a token, a real contact address) is not given"
    QUERY_SYNTAX = "query-syntax", "a SPARQL query that does not parse"
    TOOL_MISSING = "tool-missing", "a program koko runs (the Oxigraph server) is not installed"
    REMOTE_FAILED = "remote-failed", "a remote service (store, portal, classification API) failed (exit 3)"
    MISSING_FIELD = "missing-field", "a field or section the record needs is not there"
    MISSING_LANGUAGE = "missing-language", "a text without its language, or a language without its text"
    NO_ROWS = "no-rows", "a table with a header and no rows"
    REQUIRED_EMPTY = "required-empty", "a value the record needs is empty", N_("is empty")
    DUPLICATE_KEY = "duplicate-key", "a key used twice"
    DUPLICATE_MEMBERSHIP = "duplicate-membership", "a municipality in two sub-regions on one date"
    UNKNOWN_REFERENCE = "unknown-reference", "a key that no record of the table it points to has"
    UNKNOWN_SOURCE = "unknown-source", "a source that sources.yaml does not have"
    UNKNOWN_CODE = "unknown-code", "a municipality, sub-region, region or NUTS code the classification does not have"
    REFERENCE_CONFLICT = "reference-conflict", "a fact that contradicts the reference classification"
    REFERENCE_MISSING = "reference-missing", "no reference classification for the date"
    NOT_A_KEY = (
        "not-a-key",
        "a key that is not lower-case ASCII with hyphens",
        N_("{value!r} is not a key"),
        N_("use lower-case ASCII letters, digits and single hyphens, e.g. sisa-savon-seutuyhtyma"),
    )
    NOT_A_NUMBER = "not-a-number", "a value that is not a number", N_("{value!r} is not a number")
    NOT_AN_INTEGER = "not-an-integer", "a value that is not a whole number", N_("{value!r} is not a whole number")
    NOT_A_YEAR = "not-a-year", "a value that is not a year", N_("{value!r} is not a year"), N_("write four digits, e.g. 2011")
    NOT_A_DATE = (
        "not-a-date",
        "a value that is not a date on the calendar",
        N_("{value!r} is not a date"),
        N_("write it as 2011-12-31 or 31.12.2011"),
    )
    NOT_A_BOOLEAN = "not-a-boolean", "a value that is not yes or no", N_("{value!r} is not yes or no")
    NOT_A_CODE = "not-a-code", "a code with the wrong number of digits", N_("{value!r} is not a code of {digits} digits")
    NOT_AN_EMAIL = (
        "not-an-email",
        "a value that is not an e-mail address",
        N_("{value!r} is not an e-mail address"),
        N_("write it as name@example.fi"),
    )
    NOT_A_PHONE = (
        "not-a-phone",
        "a value that is not a phone number",
        N_("{value!r} is not a phone number"),
        N_("write it as 0207 464 645 or +358 207 464 645"),
    )
    NOT_AN_IRI = (
        "not-an-iri",
        "a value that is not a web address",
        N_("{value!r} is not a web address"),
        N_("write it as http://... or https://..."),
    )
    NOT_A_LANGUAGE = (
        "not-a-language",
        "a language tag other than fi, sv or en",
        N_("{value!r} is not a language tag"),
        N_("use fi, sv or en"),
    )
    NOT_IN_LIST = "not-in-list", "a value that is not one of those allowed", N_("{value!r} is not one of {choices}")
    TEMPLATE_ERROR = "template-error", "a page template that does not parse or render"
    RDF_SYNTAX = "rdf-syntax", "a Turtle file (shapes, ontology) that does not parse"
    SHAPES_ERROR = "shapes-error", "a shape that SHACL itself makes an error (SHACL-SHACL, forbidden SPARQL)"
    TOO_MANY_PROBLEMS = "too-many-problems", "the run stopped collecting problems"
    INTERNAL_ERROR = "internal-error", "a bug in koko (exit 4); run again with --debug and report it"
    MACHINE_REFUSED = "machine-refused", "the machine refused (exit 5): a full disk, a read-only folder, a permission, a quota"

    def invalid(self, value, hint: Msg | None = None, **fields) -> "ValueProblem":
        """The problem of one value of this kind, in the words of its template."""
        return ValueProblem(Msg(self.template, value=value, **fields), (Msg(self.hint) if self.hint else "") if hint is None else hint,
                            code=self)


def column_letters(n: int) -> str:
    """Excel's name of the n-th column (1 -> A, 27 -> AA)."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


class Place(NamedTuple):
    """Where a value came from: a file, a 1-based line and, when known, a column.

    A CSV value has no character column; `field` names its column instead. A workbook's
    value has its sheet, row (line) and column: `data/funding.xlsx: funding!H3`.
    """

    file: str
    line: int = 0
    column: int = 0
    field: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.sheet:
            if not self.line:
                return f"{text}: {self.sheet}"
            return f"{text}: {self.sheet}!" + (f"{column_letters(self.column)}{self.line}" if self.column else f"{self.line}:{self.line}")
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


def places_packed(places: dict):
    """A map whose values are all Places, as columns that pickle at C speed: (keys, files,
    lines, columns, fields, sheets). A Place pickles and reads back through its named tuple's
    methods in Python: 250,000 of them took 0.55 s to pickle and 0.38 s to read back, and the
    graph stage hands its maps of a quarter of a million subjects from process to process. Any
    other map is returned as it is; places_unpacked undoes either."""
    if places and set(map(type, places.values())) == {Place}:
        return (list(places), *zip(*places.values()))
    return places


def places_unpacked(packed) -> dict:
    """The map of places_packed, its Places made as Place() makes them."""
    if isinstance(packed, dict):
        return packed
    keys, *columns = packed
    return dict(zip(keys, map(tuple.__new__, itertools.repeat(Place), zip(*columns))))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sources, said in the steward's terms."""

    place: Place
    message: Msg | str  # a Msg, said in the language of the moment (a str is said as it is)
    hint: Msg | str = ""
    code: Code = field(kw_only=True)  # there is no problem without its kind

    def __post_init__(self):
        if not isinstance(self.code, Code):
            raise TypeError(f"{self.code!r} is not a problem code (a member of errors.Code)")

    def __str__(self) -> str:
        message = str(self.message)
        text = f"{self.place}: {message}" if str(self.place) else message
        if self.place.field:
            text += " " + (_("(line {line}, column {column})") if self.place.line else _("(column {column})")).format(
                line=self.place.line, column=self.place.field)
        if self.hint:
            text += f"; {self.hint}"
        return text


class KokoError(Exception):
    """Base of the errors the CLI turns into a message and an exit code; `code` is the kind
    that `--format json` gives an error that is not a list of problems."""

    exit_code = EXIT_BAD_INPUT
    code = Code.INTERNAL_ERROR


class InputError(KokoError):
    """Sources or settings that cannot be read: exit 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | Msg | str, code: Code | None = None):
        if isinstance(problems, (str, Msg)):
            if code is None:
                raise TypeError("an InputError of a message needs its code (a member of errors.Code)")
            problems = [Problem(Place(""), problems, code=code)]
        self.problems = problems
        super().__init__(problems)

    def __str__(self) -> str:  # said in the language of the moment
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self):  # keep the problems when the error comes back from a worker process
        return (type(self), (self.problems,))


class NonConformingError(KokoError):
    """The built graph does not conform to the shapes: exit 1."""

    exit_code = EXIT_NONCONFORMING

    def __init__(self, report):
        self.report = report
        super().__init__(report.violation_count)

    def __str__(self) -> str:
        return _("violations: {count}").format(count=self.report.violation_count)

    def __reduce__(self):
        return (type(self), (self.report,))


class TooManyProblems(InputError):
    """Raised when a run has collected as many problems as it reports."""


class RemoteError(KokoError):
    """A remote service (store, portal, classification API) failed: exit 3."""

    exit_code = EXIT_REMOTE
    code = Code.REMOTE_FAILED


class MachineError(KokoError):
    """The machine refused what koko asked of it (exit 5): nothing wrong with the data or koko."""

    exit_code = EXIT_MACHINE
    code = Code.MACHINE_REFUSED


#: The errors of the machine (errno -> what a person calls it); any other OSError is a bug.
MACHINE_ERRNOS = {
    errno.ENOSPC: N_("no space left on the device"),
    errno.EDQUOT: N_("the disk quota is used up"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EIO: N_("input/output error (a failing disk or a lost network share)"),
    errno.ENOTDIR: N_("a file stands where a folder is needed"),
    errno.EMFILE: N_("too many open files for this process (see ulimit -n)"),
    errno.ENFILE: N_("too many open files on this machine"),
    errno.ENAMETOOLONG: N_("the path is too long"),
}


def machine_error(exc: OSError, more: Msg | str = "") -> MachineError | None:
    """The machine error an OSError is, naming its path and what is wrong; None for any other."""
    what = MACHINE_ERRNOS.get(exc.errno)
    if what is None:
        return None
    path = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        path = f"{path} -> {exc.filename2}"
    return MachineError(Msg("{path}: {what}{more}", path=path, what=Msg(what), more=more) if path
                        else Msg("{what}{more}", what=Msg(what), more=more))


class ValueProblem(ValueError):
    """A single value that cannot be converted; the loader adds the place."""

    def __init__(self, message: Msg | str, hint: Msg | str = "", *, code: Code):
        self.message = message
        self.hint = hint
        self.code = code
        super().__init__(message)


class Problems:
    """Collects problems over a run so a steward sees them all at once."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[Problem] = []
        self.limit = limit

    def add(self, place: Place, message: Msg | str, hint: Msg | str = "", *, code: Code) -> None:
        self.items.append(Problem(place, message, hint, code=code))
        if len(self.items) >= self.limit:
            raise TooManyProblems(self.sorted() + [Problem(Place(""), Msg("stopped after {limit} problems", limit=self.limit),
                                                           code=Code.TOO_MANY_PROBLEMS)])

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.place.file, p.place.line, p.place.column, str(p.message)))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.sorted())
