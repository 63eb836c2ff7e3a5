"""The CSV tables for spreadsheet users and their CSVW metadata, read by an independent CSV on
the Web library (csvw from PyPI): the tables validate, and the triples it derives from them are
the graph's own."""

from __future__ import annotations

import csv
import io
import json
import os
from decimal import Decimal

import pyoxigraph as ox
import pytest
from csvw import CSVW
from csvw.metadata_utils import NAMESPACES

from pipeline.release.outputs import DISTRIBUTIONS
from pipeline.release.tables import METADATA, SPECS

FILES = [spec.file for spec in SPECS]


def expand(name: str) -> str:
    if name == "@type":
        return NAMESPACES["rdf"] + "type"
    prefix, _, local = name.partition(":")
    return NAMESPACES[prefix] + local if prefix in NAMESPACES and not local.startswith("//") else name


def lexical(value) -> str:
    """A JSON value as the lexical form the graph writes (csv2json gives decimals as numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (float, Decimal)):
        return format(Decimal(repr(value) if isinstance(value, float) else value).normalize(), "f")
    return str(value)


def _scalar_safe(to_json):
    """csvw 4.1.1's csv2json calls len() on a typed value (a number, a boolean) it has taken out
    of {"@value": ...}; hand such scalars back as they are, as the W3C csv2json algorithm does."""
    def wrapped(obj, flatten_list=False):
        if isinstance(obj, dict) and "@value" in obj and not isinstance(obj["@value"], (str, dict, list)):
            return obj["@value"]
        return to_json(obj, flatten_list=flatten_list)
    return wrapped


@pytest.fixture(scope="module")
def derived(published):
    """(subject, property, value, value is an IRI) the CSVW library derives from the tables."""
    import csvw.jsonld

    original, here = csvw.jsonld.to_json, os.getcwd()
    csvw.jsonld.to_json = _scalar_safe(original)
    os.chdir(published)  # csvw 4.1.1 resolves mailto: and tel: against an absolute metadata path
    try:
        table_group = CSVW(METADATA)
        assert table_group.is_valid, "the tables conform to their own CSVW description"
        # standard mode: every thing a row describes (a column's own aboutUrl makes a second one)
        things = [thing for table in table_group.to_json()["tables"] for row in table["row"]
                  for thing in row["describes"]]
    finally:
        csvw.jsonld.to_json = original
        os.chdir(here)
    meta = json.loads((published / METADATA).read_text())
    iri_props = {expand(c["propertyUrl"]) for t in meta["tables"] for c in t["tableSchema"]["columns"]
                 if "valueUrl" in c and "propertyUrl" in c}
    triples: set = set()

    def walk(thing: dict) -> str:
        subject = str(thing["@id"])
        for key, values in thing.items():
            if key == "@id":
                continue
            prop = expand(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict):  # a described value, nested (csv2json does so for a shared IRI)
                    triples.add((subject, prop, walk(value), True))
                else:
                    triples.add((subject, prop, lexical(value), prop in iri_props))
        return subject

    for thing in things:
        walk(thing)
    return triples


def test_every_table_is_utf8_csv_with_a_header_and_rows(published):
    for spec in SPECS:
        text = (published / spec.file).read_bytes().decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [c.name for c in spec.columns], spec.file
        assert len(rows) > 1, spec.file


def test_the_derived_triples_are_the_graphs_own(published, derived):
    graph = set()
    for t in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES):
        is_iri = isinstance(t.object, ox.NamedNode)
        graph.add((t.subject.value, t.predicate.value, t.object.value, is_iri))
    missing = derived - graph
    assert not missing, sorted(missing)[:10]
    assert len(derived) > 2000


def test_the_tables_cover_the_main_things(derived):
    base = "https://w3id.org/koko-lod/"
    subjects = {s for s, p, o, _ in derived}
    assert base + "id/area/kuopio" in subjects and base + "id/funding/vaasa-2010-state" in subjects
    assert (base + "id/area/kuopio", "https://schema.org/containsPlace", base + "id/subregion/112", True) in derived
    assert (base + "id/amount/funding-vaasa-2010", "https://schema.org/value", "480000", False) in derived
    assert (base + "id/contact/olli-kokander", "http://www.w3.org/2006/vcard/ns#fn", "Olli Kokander", False) in derived


def test_tables_are_distributions_in_the_catalogue(published):
    assert set(FILES) | {METADATA} <= set(DISTRIBUTIONS)
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(path=str(published / "catalog.ttl"),
                                                                                  format=ox.RdfFormat.TURTLE)}
    media = {o for s, p, o in g if p == "http://www.w3.org/ns/dcat#mediaType"}
    assert "http://www.iana.org/assignments/media-types/text/csv" in media
    urls = {o for s, p, o in g if p == "http://www.w3.org/ns/dcat#downloadURL"}
    assert {"https://w3id.org/koko-lod/download/" + f for f in FILES} <= urls


def test_tables_are_on_the_landing_page_and_in_the_site_downloads(published):
    landing = (published / "site" / "index.html").read_text()
    for name in FILES + [METADATA]:
        assert f'href="/download/{name}"' in landing, name



def test_reading_only_the_kinds_gives_what_the_whole_graph_gives(published, tmp_path, monkeypatch):
    """The tables read only the stretches of the kinds they show; read from the whole graph
    instead (the reference), they are the same, for the real sources and for generated ones
    with many funding decisions (whose amounts share the amount/ stretch)."""
    import sys

    from helpers import ROOT

    import pipeline.release.tables as tables_module
    from pipeline.release.publish import check
    from pipeline.sources.settings import load_settings

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    generated = check(load_settings(generate(100, tmp_path / "data"))).nt
    real = (published / "koko.nt").read_bytes()
    settings = load_settings(ROOT / "data")
    for nt in (real, generated):
        fast = tables_module.tables(nt, settings)
        with monkeypatch.context() as m:
            m.setattr(tables_module, "stretch", lambda graph, prefix: graph)
            m.setattr(tables_module, "_KINDS", ("",))
            reference = tables_module.tables(nt, settings)
        assert fast == reference
