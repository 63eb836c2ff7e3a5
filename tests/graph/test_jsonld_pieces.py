"""koko.jsonld is the same bytes however the N-Triples are cut into pieces and however small
the memo of values is: the published form reads a piece of megabytes at a time and keeps a
bounded memo, the reference here one line at a time with a memo emptied at every line. And
the writer, which works on bytes and builds most nodes at C speed, gives the bytes of the
plain per-line loop below (the writer before it, kept here as the reference)."""

import io
import json

import pyoxigraph as ox
from helpers import nt_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.graph import serialize
from pipeline.graph.vocab import RDF_TYPE, SKOS, XSD

BASE = "https://w3id.org/koko-lod/"
KOKO = BASE + "def/koko#"


def _graphs():
    """Things of the project's base and others, with typed, tagged and plain values (some
    outside the ASCII range, some the same on several subjects) and links."""
    things = [ox.NamedNode(f"{BASE}id/decision/{n}") for n in range(4)] + [ox.NamedNode("urn:x:other"),
                                                                            ox.NamedNode(f"{BASE}id/x:y")]
    predicates = [ox.NamedNode(p) for p in (RDF_TYPE, SKOS + "prefLabel", KOKO + "year", KOKO + "amount",
                                              "https://schema.org/name", "urn:x:p", "http://purl.org/dc/terms/source",
                                              "https://schema.org/value")]  # a link and a decimal by their terms
    literals = st.one_of(
        st.builds(lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t)),
                  st.sampled_from(["2011", "12.50", "0", "007", "true", "x", 'a"b\\c']),
                  st.sampled_from(["integer", "decimal", "gYear", "boolean", "string"])),
        st.builds(lambda v, lang: ox.Literal(v, language=lang), st.sampled_from(["Kuopio", "Åbo", "a \"b\""]),
                  st.sampled_from(["fi", "sv"])),
        st.builds(ox.Literal, st.text(max_size=8)))
    objects = st.one_of(st.sampled_from(things + [ox.NamedNode(KOKO + "FundingDecision")]), literals)
    return st.lists(st.builds(ox.Triple, st.sampled_from(things), st.sampled_from(predicates), objects), max_size=30)


def _per_line(nt: bytes, base_iri: str) -> bytes:
    """The reference: each line decoded and cut by hand, each node gathered name by name and
    written by json's encoder, no memo."""
    pfx, by_iri = serialize._jsonld_terms(base_iri)
    compact = lambda iri: serialize.compact_iri(iri, pfx)  # noqa: E731
    encode = json.JSONEncoder(ensure_ascii=False).encode
    out = io.BytesIO()
    out.write(serialize.jsonld_head(base_iri))
    current, node, separator = None, None, b""
    for line in nt.decode("utf-8").split("\n"):
        if not line:
            continue
        s_end = line.index("> ")
        s = line[1:s_end]
        if s != current:
            if current is not None:
                out.write(separator + encode(serialize._node(compact(current), node, compact)).encode("utf-8"))
                separator = b",\n"
            current, node = s, {}
        tail = line[s_end + 2:-2]
        p_end = tail.index("> ")
        p, o = tail[1:p_end], tail[p_end + 2:]
        if p == RDF_TYPE:
            name, value = "type", compact(o[1:-1])
        else:
            name, coercion = by_iri.get(p, (None, None))
            value = serialize._fit(o, coercion, pfx, compact) if name else None
            if value is None:
                name, value = compact(p), serialize._value_object(o, pfx, compact)
        node.setdefault(name, []).append(value)
    if current is not None:
        out.write(separator + encode(serialize._node(compact(current), node, compact)).encode("utf-8"))
    out.write(b"\n]}\n")
    return out.getvalue()


def test_the_writer_gives_the_per_line_loops_bytes_on_random_graphs():
    @settings(max_examples=400, deadline=None)
    @given(nt_texts(_graphs()))
    def check(nt):
        nt = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))
        assert serialize.to_jsonld(nt, BASE) == _per_line(nt, BASE)

    check()


def test_the_writer_gives_the_per_line_loops_bytes_on_the_real_graph(published):
    nt = (published / "koko.nt").read_bytes()
    assert serialize.to_jsonld(nt, BASE) == _per_line(nt, BASE)


def test_pieces_and_memo_do_not_change_the_bytes_on_random_graphs(monkeypatch):
    @settings(max_examples=300, deadline=None)
    @given(nt_texts(_graphs()), st.integers(min_value=1, max_value=300))
    def check(nt, piece):
        nt = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))  # canonical, as published
        published = b"".join(serialize.jsonld_chunks(nt, BASE))
        with monkeypatch.context() as m:
            m.setattr(serialize, "KNOWN_LINKS", 1)
            reference = b"".join(serialize.jsonld_chunks(nt, BASE, piece=1, size=1))
        assert published == reference
        json.loads(published)

    check()
