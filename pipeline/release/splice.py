"""koko.ttl and koko.jsonld made from the previous release's, where the graph changed little.

Both files are one unit of text per subject, in the order of the canonical N-Triples, and a
subject's unit depends only on that subject's lines: a Turtle block (`<s> p o ;` ... ` .`)
written by pyoxigraph from consecutive lines, a JSON-LD node on one line between `,` and a
line end. So after a small edit only the units of the subjects whose lines changed are made
again (each from its own lines, by the same functions as the whole file), and the others are
the previous file's bytes. tests/release/test_splice.py holds this to the whole file made
afresh, on random graphs and edits and on publishes after an edit of each source table.

The previous files are used only when this very code wrote them from that very graph: the
release's record (records.py) holds the SHA-256 of each file as it was written, and a later
publish checks it against what it reads. Anything else (no record, other code or base, a file
changed by hand, a blank node, more changed subjects than MAX_SUBJECTS, a unit not found
where it must be) makes the file whole, as before.
"""

from __future__ import annotations

import hashlib
import re

from ..graph import serialize
from . import records
from .changes import diff

SPLICED = ("koko.ttl", "koko.jsonld")  # the files made from the previous release's
MAX_SUBJECTS = 20_000  # above this many changed subjects, making the file whole is as quick


def entry(files: dict) -> dict:
    """This part's entry in the release's record (records.py): the checksum of each file it
    splices (`files`: name -> (size, SHA-256), as the staging folder kept them)."""
    return {"files": {name: files[name][1] for name in SPLICED if name in files}}


def changed_subjects(old_nt: bytes, new_nt: bytes) -> set | None:
    """The subject IRIs (bytes) whose lines differ between the two graphs; None where a
    changed line's subject is not an IRI."""
    change = diff(old_nt, new_nt)
    found = set()
    for line in change.added + change.removed:
        if not line.startswith(b"<"):
            return None
        found.add(line[1:line.index(b"> ")])
    return found


def _span(nt: bytes, subject: bytes) -> tuple:
    """(start, end) of the lines of `subject` (an IRI, bytes) in canonical N-Triples: where
    they would be when it has none."""
    return serialize.stretch_span(nt, subject + b"> ")


def _anchor(old_nt: bytes, new_nt: bytes, subject: bytes) -> bytes | None:
    """The subject a new `subject` goes before: the next one of the new graph that the old
    graph has too (its lines there), b"" when none follows (it goes last), None where a line
    after it has no IRI subject."""
    at = _span(new_nt, subject)[1]
    while at < len(new_nt):
        if not new_nt.startswith(b"<", at):
            return None
        after = new_nt[at + 1:new_nt.index(b"> ", at)]
        start, end = _span(old_nt, after)
        if start < end:
            return after
        at = _span(new_nt, after)[1]
    return b""


def needed_lines(old_nt: bytes, new_nt: bytes, subjects: set) -> bytes | None:
    """The lines of the old graph that splice reads (those of the changed subjects, and of
    the subject each new one goes before), as canonical N-Triples, so that the old graph
    need not be held; None where a subject is not an IRI."""
    spans = set()
    for subject in subjects:
        start, end = _span(old_nt, subject)
        if start == end:
            anchor = _anchor(old_nt, new_nt, subject)
            if anchor is None:
                return None
            start, end = _span(old_nt, anchor) if anchor else (0, 0)
        spans.add((start, end))
    return b"".join(old_nt[start:end] for start, end in sorted(spans))


class _Turtle:
    """koko.ttl: the @prefix lines, then a block per subject. A block begins a line with its
    subject and ends in " .\\n"; no line inside it does (they begin with a tab and end in
    " ;" or " ,", and no term holds a line end)."""

    SEP, TAIL, EXTRA = b" .\n", b"", b""  # each unit is followed by its separator already

    def __init__(self, base_iri: str):
        self.base_iri = base_iri

    def whole(self, nt: bytes) -> bytes:
        return serialize.to_turtle(nt, self.base_iri, checked=False)  # the publish's own graph

    def alone(self, text: bytes):
        """(head, unit) of a file of one subject, None when it is not one block."""
        at = 0
        while text.startswith(b"@prefix ", at):
            at = text.index(b"\n", at) + 1
        block = text[at:]
        if not block.endswith(self.SEP) or self.SEP in block[:-len(self.SEP)] or block.startswith(b"\t"):
            return None
        return text[:at], block[:-len(self.SEP)]

    def checks(self, text: bytes, head: bytes) -> bool:
        return text.startswith(head) and text.endswith(self.SEP) and not text.startswith(b"@", len(head))


class _JsonLd:
    """koko.jsonld: the context, then a node per subject on a line of its own (JSON writes a
    line end inside a text as \\n), the nodes joined by ",\\n"; no line of the context
    begins with "{"."""

    SEP, TAIL = b",\n", b"\n]}\n"
    EXTRA = SEP  # read as if the last unit were followed by a separator too, not the tail

    def __init__(self, base_iri: str):
        self.head = serialize.jsonld_head(base_iri)
        self.base_iri = base_iri

    def whole(self, nt: bytes) -> bytes:
        return b"".join(serialize.jsonld_chunks(nt, self.base_iri))

    def alone(self, text: bytes):
        if not text.startswith(self.head) or not text.endswith(self.TAIL):
            return None
        node = text[len(self.head):-len(self.TAIL)]
        return (self.head, node) if node.startswith(b"{") and b"\n" not in node else None

    def checks(self, text: bytes, head: bytes) -> bool:
        return text.startswith(head) and text.endswith(self.TAIL) and text.startswith(b"{", len(head))


FORMS = {"koko.ttl": _Turtle, "koko.jsonld": _JsonLd}
_TEXT = re.compile(rb"\S")


def edits(name: str, base_iri: str, old_text: bytes, old_nt: bytes, new_nt: bytes, subjects: set) -> list | None:
    """How to turn `old_text`, the file `name` (koko.ttl or koko.jsonld) of the graph
    `old_nt`, into the same file of `new_nt`, making again only the units of `subjects`
    (changed_subjects); `old_nt` may hold only the lines needed_lines gives. None where the
    new graph is empty, the old file is not of its form, or a unit is not where it must be.

    The changes are (start, stop, bytes) to put in place of [start, stop) of the old text
    read with every unit followed by the separator (the old text without its tail, then one
    separator): there a unit is removed with its separator and put in with one, whether it
    is the first, the last or the only one (see write_spliced)."""
    form = FORMS[name](base_iri)
    if not _TEXT.search(new_nt):
        return None
    if not subjects:
        return []  # the same graph: the same file
    body = len(old_text) - len(form.TAIL)  # where the units and their separators end
    heads = set()

    def unit(nt: bytes, subject: bytes):
        """The unit of one subject, made from its lines as the whole file makes it: b"" when
        it has none, None when it does not come out as one unit."""
        start, end = _span(nt, subject)
        if start == end:
            return b""
        alone = form.alone(form.whole(nt[start:end]))
        if alone is None:
            return None
        heads.add(alone[0])
        return alone[1]

    def where(u: bytes):
        """The offset of unit `u` in the old text, None when it is not there as a unit: it
        begins a line and the separator or the tail follows it."""
        at = old_text.find(b"\n" + u + form.SEP)
        if at < 0 and form.TAIL:
            at = old_text.find(b"\n" + u + form.TAIL)
        return None if at < 0 else at + 1

    changes = []  # (start, stop, order at one place, bytes)
    for subject in subjects:
        old, new = unit(old_nt, subject), unit(new_nt, subject)
        if old is None or new is None or not (old or new):
            return None  # not one unit, or in neither graph
        if old:
            at = where(old)
            if at is None:
                return None
            changes.append((at, at + len(old) + len(form.SEP), b"~", new + form.SEP if new else b""))
            continue
        # a new subject goes before the old unit of the next subject of the new graph that
        # the old graph has too, or last; new ones at one place go in their lines' order
        anchor = _anchor(old_nt, new_nt, subject)
        if anchor is None:
            return None
        if anchor:
            before = unit(old_nt, anchor)
            at = where(before) if before else None
            if at is None:
                return None
        else:
            at = body + len(form.EXTRA)
        changes.append((at, at, subject + b">", new + form.SEP))
    if len(heads) != 1 or not form.checks(old_text, heads.pop()):
        return None
    changes.sort()
    for (_, stop, _, _), (start, _, _, _) in zip(changes, changes[1:]):
        if start < stop:
            return None  # two changes in one place
    return [(start, stop, text) for start, stop, _, text in changes]


def write_spliced(out, name: str, old_text: bytes, changes: list) -> None:
    """The new file into `out` (.write(bytes)): the old text's bytes between the changes, as
    `edits` reads it (every unit followed by a separator), then the tail in place of the
    last separator where the file has one."""
    form = FORMS[name]
    view = memoryview(old_text)
    body = len(old_text) - len(form.TAIL)

    def between(start: int, stop: int):
        if start < body:
            yield view[start:min(stop, body)]
        if stop > body:
            yield form.EXTRA[max(start, body) - body:stop - body]

    pieces, done = [], 0
    for start, stop, text in changes:
        pieces.extend(between(done, start))
        pieces.append(text)
        done = stop
    pieces.extend(between(done, body + len(form.EXTRA)))
    cut = len(form.EXTRA)  # the last separator gives way to the tail
    while cut:
        last = pieces.pop()
        if len(last) > cut:
            pieces.append(last[:len(last) - cut])
            cut = 0
        else:
            cut -= len(last)
    pieces.append(form.TAIL)
    for piece in pieces:
        if piece:
            out.write(piece)


class Previous:
    """The previous release in an output folder, as far as this code can trust its files (see
    the module): the subjects whose lines the new graph changed, and the old lines it needs."""

    def __init__(self, base_iri: str, nt: bytes, previous: records.Recorded):
        self.out_dir, self.base_iri, self.new_nt = previous.out_dir, base_iri, nt
        self.lines, self.expected, self.subjects = None, {}, None
        old = previous.nt()
        if old is None:
            return
        subjects = changed_subjects(old, nt)
        if subjects is None or len(subjects) > MAX_SUBJECTS:
            return
        self.lines = needed_lines(old, nt, subjects)
        if self.lines is not None:
            self.expected, self.subjects = previous.record.get("files", {}), subjects

    def text(self, name: str) -> bytes | None:
        """The previous `name` when it holds the bytes that release wrote, else None."""
        if self.lines is None or name not in self.expected:
            return None
        try:
            text = (self.out_dir / name).read_bytes()
        except OSError:
            return None
        return text if hashlib.sha256(text).hexdigest() == self.expected[name] else None

    def write(self, name: str, staging) -> bool:
        """Write `name` into `staging` from the previous release's; False when it cannot be
        (then nothing is written)."""
        text = self.text(name)
        if text is None:
            return False
        changes = edits(name, self.base_iri, text, self.lines, self.new_nt, self.subjects)
        if changes is None:
            return False
        with staging.writing(name) as out:
            write_spliced(out, name, text, changes)
        return True
