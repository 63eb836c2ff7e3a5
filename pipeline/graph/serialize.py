"""Write the graph as N-Triples, Turtle and compacted JSON-LD, the same bytes every run.

Triples are de-duplicated and sorted once; pyoxigraph writes N-Triples and Turtle from that
order, and the JSON-LD writer below compacts the same list with the published context.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import operator
import re

import pyoxigraph as ox

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
        yield b"\n".join(lines[start:start + size]) + b"\n"


def canonical_nt(lines) -> bytes:
    """The canonical N-Triples text of `lines`, any iterable of lines (see canonical_lines)."""
    return b"".join(nt_chunks(canonical_lines(list(lines))))


def parse_nt(nt: bytes) -> list:
    """The triples of canonical N-Triples, in their order."""
    return list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


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
    return ox.parse(nt, format=ox.RdfFormat.N_TRIPLES, lenient=not checked)


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
    graph's JSON-LD is never whole in memory. The N-Triples are read `piece` bytes at a time,
    decoded and split at once; each distinct predicate and object met (a link, a year, a name)
    keeps its JSON-LD form in a bounded memo, as most repeat across subjects."""
    pfx, by_iri = _jsonld_terms(base_iri)
    compact_cache: dict = {}

    def compact(iri: str) -> str:
        found = compact_cache.get(iri)
        if found is None:
            if len(compact_cache) >= KNOWN_LINKS:  # bounded, as `known` is
                compact_cache.clear()
            found = compact_cache[iri] = compact_iri(iri, pfx)
        return found

    type_iri = RDF + "type"
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps makes one a call
    known: dict = {}  # "<predicate> object" -> (name, value)
    yield jsonld_head(base_iri, context_url)
    out = io.BytesIO()
    current, node, separator = None, None, b""
    start, total = 0, len(nt)
    while start < total:
        end = nt.find(b"\n", start + piece)
        end = total if end < 0 else end + 1
        lines = nt[start:end].decode("utf-8").split("\n")  # a line end is never inside a UTF-8 character
        start = end
        for line in lines:
            if not line:
                continue
            s_end = line.index("> ")
            s = line[1:s_end]
            if s != current:
                if current is not None:
                    out.write(separator)
                    out.write(encode(_node(compact_iri(current, pfx), node, compact)).encode("utf-8"))
                    separator = b",\n"
                    if out.tell() >= size:
                        yield out.getvalue()
                        out = io.BytesIO()
                current, node = s, {}
            tail = line[s_end + 2:-2]
            found = known.get(tail)
            if found is None:
                p_end = tail.index("> ")
                p = tail[1:p_end]
                o = tail[p_end + 2:]
                if p == type_iri:
                    found = ("type", compact(o[1:-1]))
                else:
                    name, coercion = by_iri.get(p, (None, None))
                    value = _fit(o, coercion, pfx, compact) if name else None
                    if value is None:
                        name, value = compact(p), _value_object(o, pfx, compact)
                    found = (name, value)
                if len(known) >= KNOWN_LINKS:  # bounded: a graph of unique values does not fill memory
                    known.clear()
                known[tail] = found
            name, value = found
            values = node.get(name)
            if values is None:
                node[name] = [value]
            else:
                values.append(value)
    if current is not None:
        out.write(separator)
        out.write(encode(_node(compact_iri(current, pfx), node, compact)).encode("utf-8"))
    out.write(b"\n]}\n")
    yield out.getvalue()


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
