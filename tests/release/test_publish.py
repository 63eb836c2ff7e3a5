"""The three serialisations carry one graph, byte-identical run after run, written atomically."""

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import RELEASE, ROOT, as_it_stands
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from pipeline.cli import main
from pipeline.config import DEFAULT_BASE_IRI as BASE
from pipeline.errors import NonConformingError
from pipeline.graph.vocab import RDF
from pipeline.release.publish import publish
from pipeline.sources.settings import load_settings

FILES = ["koko.ttl", "koko.nt", "koko.jsonld", "context.jsonld", "ontology.ttl", "shapes.ttl", "validation.ttl", "README.md"]


def triples(path, fmt):
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=fmt)}


def test_all_files_written(published):
    for name in FILES:
        assert (published / name).stat().st_size > 0, name


def test_serialisations_are_one_graph_by_strict_parsers(published):
    nt = triples(published / "koko.nt", ox.RdfFormat.N_TRIPLES)
    assert len(nt) > 5000
    assert triples(published / "koko.ttl", ox.RdfFormat.TURTLE) == nt
    assert triples(published / "koko.jsonld", ox.RdfFormat.JSON_LD) == nt


def test_jsonld_expands_to_the_same_graph_with_pyld(published):
    doc = json.loads((published / "koko.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    from_pyld = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS)}
    assert from_pyld == triples(published / "koko.nt", ox.RdfFormat.N_TRIPLES)


def test_jsonld_link_memo_gives_the_same_bytes_when_it_overflows(published, monkeypatch):
    """to_jsonld keeps the form of each link it has met, in a bounded memo emptied when full:
    emptied at every link, it must write the published bytes."""
    from pipeline.graph import serialize

    nt = (published / "koko.nt").read_bytes()
    monkeypatch.setattr(serialize, "KNOWN_LINKS", 1)
    assert serialize.to_jsonld(nt, "https://w3id.org/koko-lod/") == (published / "koko.jsonld").read_bytes()


def test_rdflib_reads_them_isomorphic(published):
    ttl = Graph().parse(published / "koko.ttl")
    assert isomorphic(ttl, Graph().parse(published / "koko.nt"))
    assert isomorphic(ttl, Graph().parse(published / "koko.jsonld", format="json-ld"))


def test_context_file_is_the_embedded_context(published):
    embedded = json.loads((published / "koko.jsonld").read_text(encoding="utf-8"))["@context"]
    assert json.loads((published / "context.jsonld").read_text(encoding="utf-8"))["@context"] == embedded
    assert embedded["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}


@pytest.mark.slow  # a second process publishes the real sources
def test_byte_identical_in_a_second_process(published, tmp_path):
    out = tmp_path / "again"
    subprocess.run([sys.executable, "-m", "pipeline", "publish", "--data", str(ROOT / "data"),
                    "--out", str(out), "--release-date", RELEASE], check=True, capture_output=True, timeout=300)
    for name in FILES:
        assert (out / name).read_bytes() == (published / name).read_bytes(), name


def test_base_iri_is_configurable(tmp_path):
    settings = load_settings(ROOT / "data", base_iri="http://example.org/koko/")
    publish(settings, tmp_path / "out")
    g = triples(tmp_path / "out" / "koko.nt", ox.RdfFormat.N_TRIPLES)
    subjects = {t.subject.value for t in g}
    assert "http://example.org/koko/id/programme/koko" in subjects
    assert not any(s.startswith("https://w3id.org/koko-lod/") for s in subjects)
    assert "http://example.org/koko/def/koko#" in (tmp_path / "out" / "ontology.ttl").read_text()


@pytest.mark.slow  # two publishes of the real sources
def test_nonconforming_data_is_not_exported(data_dir, tmp_path, published):
    out = tmp_path / "out"
    publish(load_settings(data_dir), out)
    before = as_it_stands(out)
    funding = data_dir / "funding.csv"
    funding.write_text(funding.read_text().replace(",EUR,yes,0.5,", ",EUR,yes,2,"))
    with pytest.raises(NonConformingError):
        publish(load_settings(data_dir), out)
    assert as_it_stands(out) == before


def test_a_refused_graph_stops_the_site_before_it_is_rendered(data_dir, tmp_path, monkeypatch):
    """Once the validating worker answers that the graph does not conform, the parent renders
    no page of the site: a steward's broken edit fails in the time validation takes."""
    from pipeline.release import parallel
    from pipeline.release import publish as publishing

    funding = data_dir / "funding.csv"
    funding.write_text(funding.read_text().replace(",EUR,yes,0.5,", ",EUR,yes,2,"))
    jobs, pages = [], []
    start, render, render_site = parallel.start, publishing.render, publishing.render_site

    def starting(work, parallel=True):
        jobs.append(start(work, parallel))
        return jobs[-1]

    def rendering(*args):
        render(*args)
        jobs[-1].connection.poll(None)  # the parent goes on only once the worker has answered

    def pages_of(*args):
        for page in render_site(*args):
            pages.append(page[0])
            yield page

    monkeypatch.setattr(parallel, "start", starting)
    monkeypatch.setattr(publishing, "render", rendering)
    monkeypatch.setattr(publishing, "render_site", pages_of)
    with pytest.raises(NonConformingError):
        publish(load_settings(data_dir), tmp_path / "out")
    assert pages == []
    assert not (tmp_path / "out").exists()


def test_the_graph_reaches_the_parent_as_the_graph_child_writes_it(settings, tmp_path, monkeypatch):
    """koko.nt comes to the parent through a pipe while the graph child writes it
    (parallel.Stream): the parent does not read the file back, and holds its very bytes."""
    from pipeline.graph import mapped
    from pipeline.release import publish as publishing

    def read_back(path):
        raise AssertionError(f"the parent read {path} back")

    seen, held = [], publishing.held

    def holding(nt, settings):
        seen.append(nt)
        return held(nt, settings)

    monkeypatch.setattr(mapped, "read", read_back)
    monkeypatch.setattr(publishing, "held", holding)
    publish(settings, tmp_path / "out")
    assert type(seen[0]) is bytes and seen[0] == (tmp_path / "out" / "koko.nt").read_bytes()


def test_refuses_to_replace_a_foreign_folder(tmp_path, settings):
    from pipeline.errors import InputError

    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(InputError):
        publish(settings, foreign)
    assert (foreign / "thesis.tex").read_text() == "keep me"


@pytest.mark.slow  # 1,000 generated rows through rdflib and pySHACL
def test_fast_path_and_plain_rdflib_path_publish_the_same_bytes(tmp_path):
    """At 1,000 generated funding rows: the fast path (N-Triples lines, Rust SHACL, pyoxigraph)
    and the plain path (the graph in rdflib, validated by pySHACL) write identical files."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    data = generate(1000, tmp_path / "data")
    settings = load_settings(data)
    fast = publish(settings, tmp_path / "fast", site=False)
    plain = publish(settings, tmp_path / "plain", engine="pyshacl", site=False)
    assert fast.stats.triples > 20000
    names = sorted(p.name for p in (tmp_path / "fast").iterdir() if p.is_file())
    assert names == sorted(p.name for p in (tmp_path / "plain").iterdir() if p.is_file())
    for name in names:
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes(), name
    assert plain.report.results == fast.report.results


@pytest.mark.slow  # three publishes of the real sources
def test_a_publish_keeps_what_did_not_change_and_rewrites_what_did(data_dir, tmp_path):
    """Unchanged files are hard links to the previous release's; changed or tampered ones are
    written anew, so the output is always what this run computed."""
    out = tmp_path / "out"
    args = ["publish", "--data", str(data_dir), "--out", str(out), "--release-date", RELEASE]
    assert CliRunner().invoke(main, args).exit_code == 0
    fresh = {name: (out / name).read_bytes() for name in ("koko.ttl", "site/id/area/kuopio.html")}
    inode = {name: (out / name).stat().st_ino for name in fresh}
    ontology = (out / "ontology.ttl").read_bytes()
    (out / "ontology.ttl").write_bytes(ontology.replace(b"KOKO", b"K0K0"))  # tampered, same size
    contacts = data_dir / "contacts.csv"
    contacts.write_text(contacts.read_text(encoding="utf-8").replace("Seutukehittäjä", "Kehittäjä"), encoding="utf-8")
    assert CliRunner().invoke(main, args).exit_code == 0
    assert (out / "site/id/area/kuopio.html").stat().st_ino == inode["site/id/area/kuopio.html"]  # kept
    assert (out / "site/id/area/kuopio.html").read_bytes() == fresh["site/id/area/kuopio.html"]
    assert b"Kehitt\xc3\xa4j\xc3\xa4" in (out / "site/id/contact/olli-kokander.html").read_bytes()
    assert (out / "ontology.ttl").read_bytes() == ontology


def test_every_term_of_the_graph_is_in_the_model_and_the_outputs_follow_it(published):
    """The ontology (koko.ttl, reused.ttl) states every property and class the graph uses; the
    JSON-LD context, the CSVW datatypes and the pages' names of terms are derived from it."""
    from pipeline.graph import model

    used = set()
    for t in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES):
        used.add(t.predicate.value)
        if t.predicate.value == RDF + "type":
            used.add(t.object.value)
    assert sorted(iri for iri in used if iri not in model.terms()) == []
    doc = json.loads((published / "koko.jsonld").read_text(encoding="utf-8"))
    context = doc["@context"]
    keys = {key for node in doc["@graph"] for key in node}
    assert {key for key in keys if key.startswith("koko:")} == set()
    for name, (iri, coercion) in model.json_terms(BASE).items():
        assert context[name]["@id"].split(":")[-1] == iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    assert context["acronym"]["@container"] == "@language" and context["startMonth"]["@type"] == "xsd:gYearMonth"
    assert context["hasEmail"]["@type"] == "@id" and context["value"]["@type"] == "xsd:decimal"
    csvw = json.loads((published / "koko.csv-metadata.json").read_text(encoding="utf-8"))
    datatypes = {(t["url"], c["name"]): c["datatype"] for t in csvw["tables"] for c in t["tableSchema"]["columns"]
                 if "name" in c}
    assert datatypes[("funding.csv", "amount")] == "decimal" and datatypes[("funding.csv", "start_year")] == "gYear"
    assert datatypes[("municipalities.csv", "classification_date")] == "date"
    assert datatypes[("areas.csv", "end_date")] == "date" and datatypes[("areas.csv", "region")] == "string"
    page = (published / "site/id/area/kuopio.html").read_text(encoding="utf-8")
    assert model.terms()["http://purl.org/dc/terms/source"].labels["fi"] in page



def test_a_kept_file_is_compared_block_by_block_to_its_end(tmp_path):
    """The previous release's file is linked only when every byte is the same: the blocks of
    the comparison, a difference in the last one, and a file longer or shorter than the text."""
    from pipeline.release.staging import _holds

    path = tmp_path / "previous"
    data = bytes(range(256)) * 10
    path.write_bytes(data)
    assert _holds(path, data, block=100)
    assert not _holds(path, data[:-1] + b"x", block=100)
    assert not _holds(path, data[:-1], block=100)
    assert not _holds(path, data + b"x", block=100)
    path.write_bytes(data + b"x")
    assert not _holds(path, data, block=100)
    assert not _holds(path, data, block=256)  # the text ends at a block's end, the file goes on


@pytest.mark.parametrize("again", ["write", "writing", "link"])
def test_a_name_written_twice_never_writes_into_the_previous_release(tmp_path, again):
    """A staged file may be a hard link to the previous release's, which is being served; a
    second write of the same name replaces the link and leaves that file as it was."""
    from pipeline.graph.releases import MARKER
    from pipeline.release.staging import Staging

    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("a release\n")
    (out / "page.html").write_bytes(b"served")
    (tmp_path / "other").write_bytes(b"other")
    with Staging(out) as staging:
        staging.write("page.html", b"served")  # the same bytes: linked to the served file
        assert (staging.tmp / "page.html").stat().st_ino == (out / "page.html").stat().st_ino
        if again == "write":
            staging.write("page.html", b"new")
        elif again == "writing":
            with staging.writing("page.html") as fh:
                fh.write(b"new")
        else:
            staging.link("page.html", tmp_path / "other")
        assert (out / "page.html").read_bytes() == b"served"
        assert (staging.tmp / "page.html").read_bytes() in (b"new", b"other")
