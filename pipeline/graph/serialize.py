"""Write the graph as N-Triples, Turtle and compacted JSON-LD, the same bytes every run.

Triples are de-duplicated and sorted once; pyoxigraph writes N-Triples and Turtle from that
order, and the JSON-LD writer below compacts the same list with the published context.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import re

import pyoxigraph as ox

from . import mapped
from .model import json_terms
from .vocab import RDF, XSD, prefixes, vocabulary_prefixes


def canonical_lines(lines: list) -> list:
    """N-Triples lines (bytes), distinct and sorted: the published order. Sorts `lines` itself,
    which the caller gives up: a copy would double the graph's largest part in memory.

    The build writes terms exactly as pyoxigraph does (tests/graph/test_build.py checks it), so
    sorting the lines is all that canonical N-Triples needs. In the build's order (one
    subject's lines together, the subjects mostly in order) the sort merges long runs: 0.1 s
    at 1.6 million lines, against 3.3 s for the same lines in a set's scattered order. A
    duplicate then sits beside its twin; the build makes none, so they are looked for at C
    speed and removed only when there are any.
    """
    lines.sort()
    if any(map(operator.eq, lines, itertools.islice(lines, 1, None))):
        lines = list(dict.fromkeys(lines))  # keeps the sorted order
    return lines


def nt_chunks(lines: list, size: int = 1 << 16):
    """The N-Triples text of `lines` in pieces of `size` lines: written one after another, a
    large graph never needs its whole text in memory at once."""
    for start in range(0, len(lines), size):
        piece = lines[start:start + size]
        piece.append(b"")  # the last line's end, made by the join: not a second copy of the piece
        yield b"\n".join(piece)


def canonical_nt(lines) -> bytes:
    """The canonical N-Triples text of `lines`, any iterable of lines (see canonical_lines)."""
    return b"".join(nt_chunks(canonical_lines(list(lines))))


def parse_nt(nt: bytes) -> list:
    """The triples of canonical N-Triples, in their order."""
    return list(ox.parse(mapped.stream(nt), format=ox.RdfFormat.N_TRIPLES))


def nt_of(triples) -> bytes:
    """Canonical N-Triples of pyoxigraph triples (small graphs: the catalogue, one thing)."""
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return b"\n".join(sorted(set(written.splitlines()))) + b"\n"


def split_lines(nt: bytes):
    """(subject IRI, predicate IRI, object term in N-Triples form) for each line."""
    for line in nt.decode("utf-8").splitlines():
        if not line:
            continue
        s_end = line.index("> ")
        p_end = line.index("> ", s_end + 2)
        yield line[1:s_end], line[s_end + 3:p_end], line[p_end + 2:-2]


_UNESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[tbnrf\"'\\])")
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def literal_parts(term: str) -> tuple:
    """(value, language, datatype IRI) of an N-Triples literal term."""
    end = term.rindex('"')
    value = term[1:end]
    if "\\" in value:
        value = _UNESCAPE.sub(lambda m: _SIMPLE.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), value)
    rest = term[end + 1:]
    if rest.startswith("@"):
        return value, rest[1:], RDF + "langString"
    return value, "", rest[3:-1] if rest else XSD + "string"


def read_graph(nt: bytes, checked: bool = True):
    """The triples of N-Triples, as a stream. Unless `checked`, the terms are not checked
    again, which reads them in half the time (1.6 million lines: 0.9 s against 1.9 s): only
    for the graph a publish built, whose every term was checked where it was made (the input
    values that become IRIs or language tags by this same parser, sources/values.py; the
    literals escaped as it writes them), and which the Rust SHACL engine reads checked when it
    judges it whole."""
    return ox.parse(mapped.stream(nt), format=ox.RdfFormat.N_TRIPLES, lenient=not checked)


def to_turtle(nt: bytes, base_iri: str, only_used: bool = False, output=None, checked: bool = True) -> bytes | None:
    """Turtle of canonical N-Triples, read as a stream; `only_used` declares just the prefixes
    used. Returned, or written into `output` (an object with `.write(bytes)`) as it is made.
    `checked`: see read_graph."""
    pfx = prefixes(base_iri)
    if only_used:  # every prefix's namespace ends at a "/" or "#": cut each IRI there and look it up
        used = set()
        for s, p, o in split_lines(nt):
            for iri in (s, p, o[1:-1] if o.startswith("<") else literal_parts(o)[2]):
                used.add(iri[: max(iri.rfind("/"), iri.rfind("#")) + 1])
        pfx = {k: ns for k, ns in pfx.items() if ns in used}
    return ox.serialize(read_graph(nt, checked), output, format=ox.RdfFormat.TURTLE, prefixes=pfx)


# --- JSON-LD ------------------------------------------------------------------------------

KNOWN_LINKS = 100_000  # how many predicate-and-object pairs, and IRIs, whose JSON-LD form to_jsonld keeps

def context(base_iri: str) -> dict:
    """The JSON-LD context published as output/context.jsonld and embedded in koko.jsonld."""
    pfx = vocabulary_prefixes(base_iri)
    ctx: dict = {"@version": 1.1, "@base": base_iri + "id/", "id": "@id", "type": "@type"}
    ctx.update(pfx)
    for name, (iri, coercion) in json_terms(base_iri).items():
        ctx[name] = _term_definition(compact_iri(iri, pfx), coercion, pfx)
    return ctx


def _term_definition(iri: str, coercion, pfx) -> dict | str:
    if coercion is None:
        return {"@id": iri}
    if coercion == "@language":
        return {"@id": iri, "@container": "@language"}
    if coercion == "@id":
        return {"@id": iri, "@type": "@id"}
    return {"@id": iri, "@type": compact_iri(coercion, pfx)}


def compact_iri(iri: str, pfx: dict) -> str:
    """A compact IRI (prefix:local), a path relative to {base}id/, or the IRI itself."""
    base = pfx.get("@base")
    if base and iri.startswith(base) and ":" not in iri[len(base):]:
        return iri[len(base):]
    best = ""
    for name, ns in pfx.items():
        if name != "@base" and iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns):]
            if local and "/" not in local and "#" not in local and not local.startswith(":"):
                best = ns
                best_name = name
    return f"{best_name}:{iri[len(best):]}" if best else iri


def to_jsonld(nt: bytes, base_iri: str, context_url: str | None = None) -> bytes:
    """Compacted JSON-LD of canonical N-Triples; the context embedded, or referenced by URL.

    One node a line, keys sorted, values sorted: the same bytes for the same graph.
    """
    return b"".join(jsonld_chunks(nt, base_iri, context_url))


def jsonld_chunks(nt: bytes, base_iri: str, context_url: str | None = None, size: int = 1 << 20,
                  piece: int = 1 << 22):
    """The text of to_jsonld in pieces of about `size` bytes, made as they are written: a large
    graph's JSON-LD is never whole in memory.

    The N-Triples are read `piece` bytes at a time and stay bytes: split into lines and each
    line at its subject by C calls, the lines grouped by subject by itertools.groupby (the
    graph is sorted, so a subject's lines come together). Decoding the whole text first cost
    half the time: a text with one non-ASCII character is stored wide, and each of its
    millions of slices is scanned again. Each distinct predicate and object met (a link, a
    year, a name) keeps its JSON-LD form in a bounded memo, as most repeat across subjects;
    only those it does not hold are decoded. tests/graph/test_jsonld_pieces.py holds it to
    the plain per-line loop."""
    pfx, by_iri = _jsonld_terms(base_iri)
    compact = _bounded(lambda iri: compact_iri(iri, pfx))
    node_text = _node_writer(pfx, compact)
    type_iri = RDF + "type"
    known: dict = {}  # b"<predicate> object ." -> (name, value, its member's JSON text; a type's: the type)
    known_get = known.get
    member = _member_writer()

    base = pfx["@base"]
    cut = len(base)
    terms: dict = {}  # b"<predicate>" -> (IRI, term name or None, coercion, a typed literal's ending)

    def term_of(predicate: bytes) -> tuple:
        iri = predicate[1:-1].decode("utf-8")
        name, coercion = by_iri.get(iri, (None, None))
        typed = f'"^^<{coercion}>' if name and coercion not in (None, "@id", "@language") else None
        terms[predicate] = found = (iri, name, coercion, typed)
        return found

    def form(tail: bytes) -> tuple:
        p_end = tail.index(b"> ") + 1
        predicate = tail[:p_end]
        p, name, coercion, typed = terms.get(predicate) or term_of(predicate)
        o = tail[p_end + 1:-2].decode("utf-8")
        if p == type_iri:
            cls = compact(o[1:-1])
            found = ("type", cls, cls)
        else:
            value = None
            if coercion == "@id" and o[0] == "<":  # a link, most often to a thing of the base: compact at once
                iri = o[1:-1]
                value = iri[cut:] if iri.startswith(base) and ":" not in iri[cut:] else compact(iri)
            elif typed is not None and o.endswith(typed) and "\\" not in o:  # a value of the term's own type
                value = o[1:-len(typed)]
            elif name:
                value = _fit(o, coercion, pfx, compact)
            if value is None:
                name, value = compact(p), _value_object(o, pfx, compact)
            found = (name, value, member(name, value))
        if len(known) >= KNOWN_LINKS:  # bounded: a graph of unique values does not fill memory
            known.clear()
        known[tail] = found
        return found

    yield jsonld_head(base_iri, context_url)
    out: list = []
    held, separator = 0, ""
    current, pairs = None, []
    start, total = 0, len(nt)
    while start < total:
        end = nt.find(b"\n", start + piece)
        end = total if end < 0 else end + 1
        lines = filter(None, nt[start:end].split(b"\n"))
        start = end
        for subject, group in itertools.groupby(map(bytes.partition, lines, itertools.repeat(b"> ")), _FIRST):
            if subject == current:  # a subject whose lines began in the piece before
                pairs.extend(known_get(tail) or form(tail) for _, _, tail in group)
                continue
            if current is not None:
                text = node_text(current, pairs)
                out.append(separator)
                out.append(text)
                separator = ",\n"
                held += len(text)
                if held >= size:
                    yield "".join(out).encode("utf-8")
                    out, held = [], 0
            current = subject
            pairs = [known_get(tail) or form(tail) for _, _, tail in group]
    if current is not None:
        out.append(separator)
        out.append(node_text(current, pairs))
    out.append("\n]}\n")
    yield "".join(out).encode("utf-8")


_FIRST = operator.itemgetter(0)


def _bounded(make):
    """`make`, remembering up to KNOWN_LINKS answers; emptied when full."""
    memo: dict = {}

    def get(key):
        found = memo.get(key)
        if found is None:
            if len(memo) >= KNOWN_LINKS:
                memo.clear()
            found = memo[key] = make(key)
        return found
    return get


def _member_writer():
    """(name, value) -> the JSON text of the member `"name": value` of a node, as json's
    encoder writes it inside the node; a string or a language's string by hand, the rest by
    the encoder (the writer keeps the text in its memo with the value)."""
    node_encoder, quoted = _NODE_ENCODER, _QUOTED
    heads: dict = {}  # name -> '"name": '

    def member(name: str, value) -> str:
        head = heads.get(name)
        if head is None:
            if len(heads) >= KNOWN_LINKS:
                heads.clear()
            head = heads[name] = quoted(name) + ": "
        if type(value) is str:
            return head + quoted(value)
        if type(value) is tuple:  # ("@lang", language, text): one value of a language map
            return head + "{" + quoted(value[1]) + ": " + quoted(value[2]) + "}"
        return "".join(node_encoder({name: value}, 0))[1:-1]
    return member


def _node_writer(pfx: dict, compact):
    """subject (b"<IRI"), its (name, value, member text) triples in line order -> the JSON
    text of its node, as _node makes it. Most nodes have each name once, or only several
    types: their node is the members' texts, which the memo made once for each value met, in
    the order of their names; the rest go through _node and json's encoder."""
    base = pfx["@base"].encode("utf-8")
    cut = len(base) + 1
    node_encoder, quoted = _NODE_ENCODER, _QUOTED

    def subject_id(subject: bytes) -> str:
        if subject.startswith(base, 1) and b":" not in subject[cut:]:
            return subject[cut:].decode("utf-8")
        return compact_iri(subject[1:].decode("utf-8"), pfx)

    def node_text(subject: bytes, found: list) -> str:
        node = dict(map(_NAME_TEXT, found))
        head = '{"id": ' + quoted(subject_id(subject))
        if len(node) < len(found):
            types = [cls for name, cls, _ in found if name == "type"]
            if len(node) + len(types) - 1 != len(found):  # a name other than type more than once
                pairs = [(name, value) for name, value, _ in found]
                return "".join(node_encoder(_node(subject_id(subject), _gather(pairs), compact), 0))
            types.sort()
            del node["type"]
            head += ', "type": [' + ", ".join(map(quoted, types)) + "]"
        else:
            cls = node.pop("type", None)
            if cls is not None:
                head += ', "type": ' + quoted(cls)
        if not node:
            return head + "}"
        return head + ", " + ", ".join(map(node.__getitem__, sorted(node))) + "}"
    return node_text


_NAME_TEXT = operator.itemgetter(0, 2)


# json's own C encoder, made once: json.dumps and JSONEncoder.encode make one at every call,
# which was a fifth of the writer's time at a node a call (ensure_ascii off: encode_basestring)
_NODE_ENCODER = json.encoder.c_make_encoder(None, None, json.encoder.encode_basestring, None, ": ", ", ",
                                            False, False, True) if json.encoder.c_make_encoder else \
    json.JSONEncoder(ensure_ascii=False).iterencode
_QUOTED = json.encoder.encode_basestring  # a string as the encoder writes it (ensure_ascii off)


def _gather(pairs: list) -> dict:
    """name -> its values, in order."""
    node: dict = {}
    for name, value in pairs:
        values = node.get(name)
        if values is None:
            node[name] = [value]
        else:
            values.append(value)
    return node


@functools.lru_cache(maxsize=8)
def _jsonld_terms(base_iri: str) -> tuple:
    """(prefixes with @base, predicate IRI -> (term name, coercion)): the same for every
    document under one base IRI (the site writes one for each thing). Not to be changed."""
    pfx = {**vocabulary_prefixes(base_iri), "@base": base_iri + "id/"}
    return pfx, {iri: (name, coercion) for name, (iri, coercion) in json_terms(base_iri).items()}


@functools.lru_cache(maxsize=8)
def jsonld_head(base_iri: str, context_url: str | None = None) -> bytes:
    """The beginning of a JSON-LD document, up to its first node."""
    head = json.dumps(context_url or context(base_iri), ensure_ascii=False, indent=1)
    return b'{"@context": ' + head.encode("utf-8") + b',\n "@graph": [\n'


def _node(subject_id: str, node: dict, compact) -> dict:
    """The JSON-LD node of a subject (its compact IRI) from its gathered values."""
    out = {"id": subject_id}
    types = node.pop("type", None)
    if types:
        types.sort()
        out["type"] = types[0] if len(types) == 1 else types
    for key in sorted(node):
        items = node[key]
        out[key] = items[0] if len(items) == 1 and not isinstance(items[0], tuple) else _collect(items)
    return out


def _collect(items: list):
    if isinstance(items[0], tuple):  # a language map: every value of the term is tagged
        out: dict = {}
        for _, lang, text in items:
            out.setdefault(lang, []).append(text)
        return {lang: vals[0] if len(vals) == 1 else sorted(vals) for lang, vals in sorted(out.items())}
    if len(items) == 1:
        return items[0]
    return sorted(items, key=_order)


_SORTED_KEYS = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def _order(value) -> tuple:
    if isinstance(value, str):
        return (0, value)
    return (1, _SORTED_KEYS(value))


def _fit(term: str, coercion, pfx, compact):
    """The compact form of a value under a term's coercion, or None when it does not fit."""
    if coercion == "@id":
        return compact(term[1:-1]) if term.startswith("<") else None
    if term.startswith("<"):
        return None
    value, lang, datatype = literal_parts(term)
    if coercion == "@language":
        return ("@lang", lang, value) if lang else None
    if coercion is None:
        return _plain(value, lang, datatype, pfx)
    return value if datatype == coercion else None


def _plain(value: str, lang: str, datatype: str, pfx: dict):
    if lang:
        return None
    if datatype == XSD + "string":
        return value
    if datatype == XSD + "boolean" and value in ("true", "false"):
        return value == "true"
    if datatype == XSD + "integer" and value.isdigit() and (value == "0" or not value.startswith("0")):
        return int(value)
    return {"@value": value, "@type": compact_iri(datatype, pfx)}


def _value_object(term: str, pfx, compact):
    if term.startswith("<"):
        return {"@id": compact(term[1:-1])}
    value, lang, datatype = literal_parts(term)
    if lang:
        return {"@value": value, "@language": lang}
    plain = _plain(value, lang, datatype, pfx)
    return plain if isinstance(plain, (str, dict)) else {"@value": plain}


def context_bytes(base_iri: str) -> bytes:
    return (json.dumps({"@context": context(base_iri)}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def stretch(nt: bytes, prefix: bytes) -> bytes:
    """The lines of canonical (sorted) N-Triples whose subject starts with `prefix` (an IRI's
    beginning): one stretch of the bytes, found by two binary searches over the lines."""
    start, end = stretch_span(nt, prefix)
    return nt[start:end]


def stretch_span(nt: bytes, prefix: bytes) -> tuple:
    """(start, end) offsets of `stretch`: where the lines would be when there are none."""
    head = b"<" + prefix
    start = first_line(nt, lambda line: line >= head)
    return start, stretch_end(nt, head, start)


def stretch_end(nt: bytes, head: bytes, start: int) -> int:
    """The offset just after the last of the lines of canonical N-Triples that begin with
    `head`, from the line at `start` on (which is one of them, or the place they would be)."""
    return first_line(nt, lambda line: not line.startswith(head), start)


def first_line(nt: bytes, after, lo: int = 0) -> int:
    """The offset of the first line from offset `lo` (a line's start) on for which
    `after(line)` holds (the line with its line end), where it is false up to some line and
    true from there on, as a prefix's place is in sorted lines: a binary search, a few dozen
    reads of one line instead of a scan of the bytes. len(nt) when it holds for none."""
    hi = len(nt)
    while lo < hi:
        mid = (lo + hi) // 2
        begin = nt.rfind(b"\n", lo, mid) + 1 or lo
        end = nt.find(b"\n", begin) + 1 or len(nt)
        if after(nt[begin:end]):
            hi = begin
        else:
            lo = end
    return lo


def lines_holding(nt: bytes, needle: bytes):
    """Each line of `nt` (without its line end) that holds `needle`, once, or where the needle
    holds a line end, the line it begins in; the caller checks where. A mapped graph is read
    by the pieces that hold it (mapped.pieces)."""
    for piece in mapped.pieces(nt, needle):
        find, at = piece.find, piece.find(needle)
        while at >= 0:
            start = piece.rfind(b"\n", 0, at) + 1
            end = find(b"\n", at)
            end = len(piece) if end < 0 else end
            yield piece[start:end]
            at = find(needle, max(end, at + 1))  # past it: a needle that begins with a line end ends its line there


def line_parts(line: bytes) -> tuple:
    """(subject, predicate, object) of a line, as N-Triples terms."""
    subject, predicate, rest = line.split(b" ", 2)
    return subject, predicate, rest[:-2]
