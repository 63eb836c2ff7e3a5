import pyoxigraph as ox

from pipeline.build import build
from pipeline.load import load


def test_every_subject_has_a_source_place(settings):
    built = build(load(settings))
    subjects = {t.subject.value for t in built.triples}
    missing = [s for s in subjects if s not in built.subject_places and not s.startswith("http://data.europa.eu/")]
    assert missing == []


def test_no_blank_nodes_and_iris_under_base(settings):
    built = build(load(settings))
    assert not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in built.triples)
    ours = [t.subject.value for t in built.triples if t.subject.value.startswith(settings.base_iri)]
    assert all(s.startswith(settings.base_iri + "id/") for s in ours)


def test_fact_places_point_at_columns(settings):
    built = build(load(settings))
    place = built.fact_places[(settings.id_base + "contact/olli-kokander", "http://www.w3.org/2006/vcard/ns#hasEmail")]
    assert place.file.endswith("contacts.csv") and place.line == 2 and place.field == "email"


def test_fact_from_another_source_is_reified(settings):
    built = build(load(settings))
    statements = [t.subject for t in built.triples if t.predicate.value.endswith("#subject")]
    assert statements, "facts from other sources are published as rdf:Statement with dct:source"


def test_thing_prefixes_do_not_shadow_vocabularies():
    from pipeline.vocab import ID_KINDS, vocabulary_prefixes

    assert not set(ID_KINDS) & set(vocabulary_prefixes("https://example.org/"))
