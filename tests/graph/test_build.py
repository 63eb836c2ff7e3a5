import pyoxigraph as ox

from pipeline.graph.build import build, literal
from pipeline.graph.serialize import canonical_nt, parse_nt
from pipeline.sources.load import load


def triples_of(built):
    return parse_nt(canonical_nt(built.lines))


def test_every_subject_has_a_source_place(settings):
    built = build(load(settings))
    subjects = {t.subject.value for t in triples_of(built)}
    missing = [s for s in subjects if s not in built.subject_places and not s.startswith("http://data.europa.eu/")]
    assert missing == []


def test_no_blank_nodes_and_iris_under_base(settings):
    triples = triples_of(build(load(settings)))
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    ours = [t.subject.value for t in triples if t.subject.value.startswith(settings.base_iri)]
    assert all(s.startswith(settings.base_iri + "id/") for s in ours)


def test_fact_places_point_at_columns(settings):
    built = build(load(settings))
    place = built.place(settings.id_base + "contact/olli-kokander", "http://www.w3.org/2006/vcard/ns#hasEmail")
    assert place.file.endswith("contacts.csv") and place.line == 2 and place.field == "email"
    yaml_place = built.place(settings.id_base + "programme/koko", "http://www.w3.org/2004/02/skos/core#prefLabel")
    assert yaml_place.file.endswith("programme.yaml") and yaml_place.line > 0 and yaml_place.column > 0


def test_fact_from_another_source_is_reified(settings):
    statements = [t.subject for t in triples_of(build(load(settings))) if t.predicate.value.endswith("#subject")]
    assert statements, "facts from other sources are published as rdf:Statement with dct:source"


def test_thing_prefixes_do_not_shadow_vocabularies():
    from pipeline.graph.vocab import ID_KINDS, vocabulary_prefixes

    assert not set(ID_KINDS) & set(vocabulary_prefixes("https://example.org/"))


def test_literals_round_trip_through_the_parser():
    text = 'a "quoted" \\ back\nslash\ttab\r and ä'
    nt = canonical_nt([f'<http://example.org/s> <http://example.org/p> {literal(text, "fi")} .'.encode()])
    (triple,) = parse_nt(nt)
    assert triple.object.value == text and triple.object.language == "fi"


def test_canonical_order_is_the_order_of_sorted_lines():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    iri = st.text(alphabet="az09-./>#", min_size=1, max_size=6).map(lambda s: "<http://x/" + s.replace(">", "") + ">")
    line = st.tuples(iri, iri, iri).map(lambda t: f"{t[0]} {t[1]} {t[2]} .".encode())

    @settings(max_examples=300, deadline=None)
    @given(st.lists(line, max_size=40))
    def check(lines):
        expected = b"".join(line + b"\n" for line in sorted(set(lines)))
        assert canonical_nt(lines) == expected

    check()


def test_build_writes_terms_as_pyoxigraph_does():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=30), st.sampled_from([None, "fi", "en-GB"]))
    def check(text, lang):
        mine = f"<http://x/s> <http://x/p> {literal(text, lang)} ."
        theirs = ox.serialize([ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"),
                                         ox.Literal(text, language=lang.lower()) if lang else ox.Literal(text))],
                              format=ox.RdfFormat.N_TRIPLES).decode().strip()
        assert mine == theirs

    check()


def test_a_stretch_is_the_lines_that_begin_with_the_prefix():
    """The binary search for a prefix's lines in sorted N-Triples gives every line that begins
    with it, and only those: prefixes that are another's beginning, that come before or after
    every line, or that no line has; with and without the last line end."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.graph.serialize import stretch

    names = st.text(alphabet="ab-/", min_size=0, max_size=4)
    line = names.map(lambda n: f"<http://x/id/{n}> <http://x/p> \"o\" .".encode())

    @settings(max_examples=400, deadline=None)
    @given(st.lists(line, max_size=30), names, st.booleans())
    def check(lines, prefix, last_line_end):
        nt = canonical_nt(lines)
        if not last_line_end:
            nt = nt.rstrip(b"\n")
        wanted = f"http://x/id/{prefix}".encode()
        expected = b"".join(x for x in nt.splitlines(keepends=True) if x.startswith(b"<" + wanted))
        assert stretch(nt, wanted) == expected

    check()
