"""Releases over time, as a steward makes them: publish A; change an amount, add an area,
remove a national network; `koko diff`; publish B. Then the archive, the change set, the
catalogue's versions, 410 for the withdrawn IRI, and push-store sending only the change."""

from __future__ import annotations

import gzip
import json
import shutil

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner
from helpers import DATA, RELEASE, as_it_stands, nt_texts, shared_path
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from servers.koko import KokoServe

from pipeline.cli import main
from pipeline.release.changes import diff

BASE = "https://w3id.org/koko-lod/"
NETWORK = BASE + "id/network/demo"
AREA = BASE + "id/area/seinajoki"
NEW_AREA = """  - key: seinajoki
    name:
      fi: Seinäjoen seutu
    programme: koko
    source: koko-areas-named
"""


def koko(*args):
    result = CliRunner().invoke(main, [*map(str, args)])
    assert isinstance(result.exception, (SystemExit, type(None))), repr(result.exception)
    return result


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def three_changes(data):
    edit(data / "funding.csv", "tem-annual-budget,koko,,tem,,,maakunnan-kehittamisraha,,,yes,11000000,",
         "tem-annual-budget,koko,,tem,,,maakunnan-kehittamisraha,,,yes,11500000,")
    (data / "areas.yaml").write_text((data / "areas.yaml").read_text(encoding="utf-8") + NEW_AREA, encoding="utf-8")
    edit(data / "programme.yaml", "    - tourism\n    - demo\n", "    - tourism\n")
    edit(data / "programme.yaml", "  - key: demo\n    name: {en: DEMO}\n    source: vasek-en\n", "")


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """(data folder, output folder, koko diff text, koko diff JSON, A's koko.nt) after A, the edits and B."""
    root = tmp_path_factory.mktemp("series")
    data, out = root / "data", root / "output"
    shutil.copytree(DATA, data)
    first = koko("publish", "--data", data, "--out", out, "--version", "A", "--release-date", RELEASE, "--no-site")
    assert first.exit_code == 0, first.output
    graph_a = (out / "koko.nt").read_bytes()
    three_changes(data)
    text = koko("diff", "--data", data, "--out", out)
    as_json = koko("diff", "--data", data, "--out", out, "--format", "json")
    assert text.exit_code == as_json.exit_code == 0, text.output
    second = koko("publish", "--data", data, "--out", out, "--version", "B", "--release-date", RELEASE)
    assert second.exit_code == 0, second.output
    return data, out, text.stdout, json.loads(as_json.stdout), graph_a, second.output


def test_diff_names_exactly_the_three_changes(series):
    _, _, text, doc, _, _ = series
    kinds = sorted((c["kind"], c["iri"], c["property"]) for c in doc["changes"])
    assert kinds == [("added", AREA, None), ("changed", BASE + "id/amount/funding-tem-annual-budget", "schema:value"),
                     ("removed", NETWORK, None)], doc["changes"]
    changed = next(c for c in doc["changes"] if c["kind"] == "changed")
    assert changed["old"] == ["11000000"] and changed["new"] == ["11500000"]
    assert changed["source"]["file"].endswith("funding.csv") and changed["source"]["line"] == 2
    added = next(c for c in doc["changes"] if c["kind"] == "added")
    assert added["class"] == "koko:KokoArea" and added["name"] == "Seinäjoen seutu" and added["source"]["file"].endswith("areas.yaml")
    assert doc["classes"]["koko:KokoArea"] == {"before": 13, "after": 14, "added": 1, "removed": 0, "changed": 0}
    assert doc["classes"]["koko:NationalNetwork"]["after"] == 6
    lines = [line.strip() for line in text.splitlines()]
    assert "changed amount/funding-tem-annual-budget: schema:value 11000000 → 11500000  (" in " ".join(lines)
    assert sum(line.startswith(("added ", "removed ", "changed ")) for line in lines) == 3, text


def test_diff_between_two_releases(series):
    _, out, _, doc, _, _ = series
    between = koko("diff", "--out", out, "--from", "A", "--to", "B", "--format", "json")  # no sources needed
    assert between.exit_code == 0, between.output
    found = json.loads(between.stdout)
    assert found["from"] == "A" and found["to"] == "B"
    assert [(c["kind"], c["iri"], c["old"], c["new"]) for c in found["changes"]] == \
        [(c["kind"], c["iri"], c["old"], c["new"]) for c in doc["changes"]]
    assert koko("diff", "--out", out, "--from", "A").exit_code == 2


def test_publish_says_the_change_per_class(series):
    *_, output = series
    assert "Changes since release A:" in output and "koko:KokoArea: 13 → 14 (+1 added" in output


def test_the_archive_holds_release_a(series):
    _, out, _, _, graph_a, _ = series
    folder = out / "releases" / "A"
    assert gzip.decompress((folder / "koko.nt.gz").read_bytes()) == graph_a
    assert json.loads((folder / "release.json").read_text())["version"] == "A"
    assert json.loads((out / "release.json").read_text())["previous"] == "A"
    listing = koko("releases", "--out", out).stdout
    assert listing.splitlines()[1].startswith("B ") and listing.splitlines()[2].startswith("A ")


def test_the_change_set_parses_and_holds_the_change(series):
    _, out, _, _, graph_a, _ = series
    quads = list(ox.parse(path=str(out / "changes.trig"), format=ox.RdfFormat.TRIG))
    graphs = {q.graph_name.value.rsplit("/", 1)[-1] for q in quads}
    assert graphs == {"added", "removed"}
    added = {(q.subject.value, q.predicate.value) for q in quads if q.graph_name.value.endswith("/added")}
    removed = {q.subject.value for q in quads if q.graph_name.value.endswith("/removed")}
    assert (AREA, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") in added and NETWORK in removed
    spo = lambda q: (q.subject, q.predicate, q.object)  # noqa: E731
    a = {spo(q) for q in ox.parse(graph_a, format=ox.RdfFormat.N_TRIPLES)}
    b = {spo(q) for q in ox.parse(path=str(out / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)}
    triples = lambda part: {spo(q) for q in quads if q.graph_name.value.endswith(part)}  # noqa: E731
    assert (a - triples("/removed")) | triples("/added") == b, "A with the change applied is B"


def test_the_catalogue_links_b_to_a(series):
    _, out, *_ = series
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in ox.parse(path=str(out / "catalog.ttl"),
                                                                                  format=ox.RdfFormat.TURTLE)}
    dataset = BASE + "id/dataset/koko"
    assert (dataset, "http://www.w3.org/ns/dcat#version", "B") in g
    assert (dataset, "http://www.w3.org/ns/dcat#previousVersion", dataset + "/A") in g
    notes = [o for s, p, o in g if s == dataset and p == "http://www.w3.org/ns/adms#versionNotes"]
    assert notes and "Against release A" in notes[0]
    archived = [o for s, p, o in g if p == "http://www.w3.org/ns/dcat#downloadURL" and "releases/A/koko.nt.gz" in o]
    assert archived and any(o == "application/gzip" or o.endswith("/application/gzip") for s, p, o in g
                            if p == "http://www.w3.org/ns/dcat#compressFormat")


@pytest.mark.parametrize("name", ["shapes.ttl", "range.ttl"])
def test_the_versioned_catalogue_passes_dcat_ap_3(series, name):
    from pyshacl import validate

    _, out, *_ = series
    shapes = Graph().parse(shared_path("standards", "dcat-ap", "3.0.1", "html", "shacl", name))
    conforms, _, text = validate(Graph().parse(out / "catalog.ttl"), shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text


def test_the_versioned_catalogue_has_no_new_conflict_with_the_finnish_profile(series):
    from pyshacl import validate
    from rdflib.namespace import SH
    from test_catalog import FI_CONFLICTS

    _, out, *_ = series
    shapes = Graph().parse(shared_path("standards", "dcat-ap", "fi", "avoindata_dcat-ap_shacl.ttl"))
    foaf = Graph().parse(shared_path("standards", "dcat-ap", "fi", "FOAF.ttl"))
    _, report, text = validate(Graph().parse(out / "catalog.ttl"), shacl_graph=shapes, ont_graph=foaf, inference="rdfs",
                               advanced=True)
    found = {(str(report.value(r, SH.resultPath)), str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[1])
             for r in report.subjects(SH.resultSeverity, SH.Violation)}
    assert found == FI_CONFLICTS, text


def test_serve_answers_410_for_the_withdrawn_network(series):
    _, out, *_ = series
    with KokoServe(out) as server:
        page = requests.get(server.url + "/id/network/demo?lang=en")
        assert page.status_code == 410 and "Withdrawn in release" in page.text and ">B<" in page.text
        assert "/download/releases/A/koko.nt.gz" in page.text
        ttl = requests.get(server.url + "/id/network/demo", headers={"Accept": "text/turtle"})
        assert ttl.status_code == 410
        assert any(t.predicate.value.endswith("#deprecated") for t in ox.parse(ttl.content, format=ox.RdfFormat.TURTLE))
        assert requests.get(server.url + "/id/network/never-was").status_code == 404
        assert requests.get(server.url + "/download/releases/A/koko.nt.gz").status_code == 200
        changes = requests.get(server.url + "/changes?lang=en").text
        assert 'id="release-B"' in changes and 'id="release-A"' in changes and "koko:KokoArea: 13 → 14" in changes
    assert (out / "site" / "id" / "network" / "demo.html").is_file(), "the static site holds the same page"
    assert (out / "site" / "changes.html").is_file()


def test_push_store_sends_only_the_change(series, tmp_path):
    from servers.oxigraph import OxigraphServer

    from pipeline.remote.store import push_store
    from pipeline.sources.settings import load_settings

    data, out, _, _, graph_a, _ = series
    settings = load_settings(data)
    release_a = tmp_path / "a"  # release A as it was published: the store is loaded with it first
    release_a.mkdir()
    (release_a / "koko.nt").write_bytes(graph_a)
    shutil.copyfile(out / "releases" / "A" / "catalog.ttl", release_a / "catalog.ttl")
    shutil.copyfile(out / "releases" / "A" / "release.json", release_a / "release.json")
    store = OxigraphServer(tmp_path / "store").start()
    try:
        first = push_store(settings, release_a, store.url + "/store", store.url + "/query")
        assert first[0].sent == "replaced"
        second = push_store(settings, out, store.url + "/store", store.url + "/query")
        assert second[0].sent == "changed" and second[0].removed == 5 and second[0].added == 6
        spo = lambda q: (q.subject, q.predicate, q.object)  # noqa: E731
        held = {spo(q) for q in ox.parse(store.graph(BASE + "id/dataset/koko"), format=ox.RdfFormat.N_TRIPLES)}
        assert held == {spo(q) for q in ox.parse(path=str(out / "koko.nt"), format=ox.RdfFormat.N_TRIPLES)}
        # a store that is not exactly the release before gets the whole graph again
        requests.post(store.url + "/update", data=f"INSERT DATA {{ GRAPH <{BASE}id/dataset/koko> {{ <{BASE}x> <{BASE}y> 1 }} }}",
                      headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        push_store(settings, release_a, store.url + "/store", store.url + "/query")
        requests.post(store.url + "/update", data=f"INSERT DATA {{ GRAPH <{BASE}id/dataset/koko> {{ <{BASE}x> <{BASE}y> 1 }} }}",
                      headers={"Content-Type": "application/sparql-update"}).raise_for_status()
        third = push_store(settings, out, store.url + "/store", store.url + "/query")
        assert third[0].sent == "replaced" and third[0].stored == third[0].triples
    finally:
        store.stop()


def test_a_damaged_or_missing_archive_is_a_clear_error_and_nothing_is_lost(series, tmp_path):
    data, out, *_ = series
    copy = tmp_path / "output"
    shutil.copytree(out, copy)
    archived = copy / "releases" / "A" / "koko.nt.gz"
    archived.write_bytes(archived.read_bytes()[:200])
    before = as_it_stands(copy)
    again = koko("publish", "--data", data, "--out", copy, "--version", "B", "--release-date", RELEASE, "--no-site")
    assert again.exit_code == 2 and f"{archived}: damaged" in again.output and "koko releases --drop A" in again.output
    assert as_it_stands(copy) == before
    shutil.rmtree(copy / "releases" / "A")
    missing = koko("diff", "--data", data, "--out", copy, "--against", "A")
    assert missing.exit_code == 2 and "no release 'A' in the archive" in missing.output


def test_same_version_replaces_and_a_steward_names_the_replacement(series, tmp_path):
    data, out, *_ = series
    copy = tmp_path / "output"
    shutil.copytree(out, copy)
    (data / "withdrawn.csv").write_text("key,replaced_by,reason\nid/network/demo,id/network/tourism,merged\n")
    try:
        result = koko("publish", "--data", data, "--out", copy, "--version", "B", "--release-date", RELEASE, "--no-site")
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in (copy / "releases").iterdir()) == ["A"], "the same version does not archive itself"
        withdrawn = json.loads((copy / "withdrawn.json").read_text())
        assert withdrawn[NETWORK]["replaced_by"] == BASE + "id/network/tourism" and withdrawn[NETWORK]["last"] == "A"
        (data / "withdrawn.csv").write_text("key,replaced_by,reason\nid/network/tourism,,x\n")
        bad = koko("publish", "--data", data, "--out", copy, "--version", "B", "--release-date", RELEASE, "--no-site")
        assert bad.exit_code == 2 and "withdrawn.csv:2:" in bad.output and "not withdrawn" in bad.output
    finally:
        (data / "withdrawn.csv").unlink()


def test_a_new_version_archives_b_and_drop_removes_a(series, tmp_path):
    data, out, *_ = series
    copy = tmp_path / "output"
    shutil.copytree(out, copy)
    result = koko("publish", "--data", data, "--out", copy, "--version", "C", "--release-date", RELEASE, "--no-site")
    assert result.exit_code == 0 and "Changes since release B: none" in result.output, result.output
    assert sorted(p.name for p in (copy / "releases").iterdir()) == ["A", "B"]
    assert json.loads((copy / "withdrawn.json").read_text())[NETWORK]["last"] == "A", "carried from release to release"
    assert koko("releases", "--out", copy, "--drop", "C").exit_code == 2
    assert koko("releases", "--out", copy, "--drop", "A").exit_code == 0
    assert sorted(p.name for p in (copy / "releases").iterdir()) == ["B"]


LINES = st.lists(st.sampled_from([f'<http://x/{i}> <http://p/{j}> "{k}" .'.encode() for i in range(6) for j in range(3)
                                  for k in range(3)]), unique=True)


@settings(max_examples=300, deadline=None)
@given(LINES, LINES)
def test_diff_gives_the_set_difference(a, b):
    old, new = b"".join(x + b"\n" for x in sorted(a)), b"".join(x + b"\n" for x in sorted(b))
    change = diff(old, new)
    assert change.added == sorted(set(b) - set(a)) and change.removed == sorted(set(a) - set(b))


def _main_classes(types: dict):
    from collections import Counter

    from pipeline.release.changes import main_class

    return Counter(main_class(c) for c in types.values())


def test_type_lines_by_search_are_the_patterns_on_the_real_graph(published):
    from pipeline.release.changes import main_class_counts, type_lines, type_lines_by_pattern

    nt = (published / "koko.nt").read_bytes()
    assert type_lines(nt) == type_lines_by_pattern(nt) and len(type_lines(nt)) > 500
    assert main_class_counts(nt) == _main_classes(type_lines(nt))


def _type_graphs():
    """Random N-Triples (as koko writes them) where typing lines sit among lines that hold the
    type predicate's bytes inside literals (typed ones end their line in `> .` as a typing
    line does), blank-node subjects and objects, and `>` or ` .` in text."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    iris = st.sampled_from([ox.NamedNode(f"https://w3id.org/koko-lod/id/thing/{n}") for n in range(3)]
                           + [ox.NamedNode("https://w3id.org/koko-lod/def/koko#Region")])
    blanks = st.sampled_from([ox.BlankNode("b0"), ox.BlankNode("b1")])
    texts = st.sampled_from(["> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <x",
                             "> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <x> .", "a > b .", "plain"])
    literals = st.builds(ox.Literal, texts, datatype=st.sampled_from([None, ox.NamedNode("urn:koko:test")]))
    predicates = st.sampled_from([rdf_type, ox.NamedNode("https://schema.org/name")])
    return st.lists(st.builds(ox.Triple, st.one_of(iris, blanks), predicates, st.one_of(iris, blanks, literals)),
                    max_size=30)


def test_type_lines_by_search_are_the_patterns_on_random_graphs():
    from pipeline.release.changes import main_class_counts, type_lines, type_lines_by_pattern

    @settings(max_examples=300, deadline=None)
    @given(nt_texts(_type_graphs()))
    def check(nt):
        assert type_lines(nt) == type_lines_by_pattern(nt)
        canonical = b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))  # as published
        assert main_class_counts(canonical) == _main_classes(type_lines(canonical))

    check()


def _class_graphs():
    """Random typing lines, several own classes a subject whose names sort apart from their
    lines (a `-` sorts before the `>` that ends an IRI), among other lines and blank nodes."""
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    things = [ox.NamedNode(f"https://w3id.org/koko-lod/id/thing/{n}") for n in range(3)]
    classes = [ox.NamedNode(f"https://w3id.org/koko-lod/def/koko#{c}") for c in ("Region", "Region-x", "Regio", "A")]
    subjects = st.one_of(st.sampled_from(things), st.just(ox.BlankNode("b0")))
    typing = st.builds(ox.Triple, subjects, st.just(rdf_type), st.sampled_from(classes + things[:1]))
    other = st.builds(ox.Triple, subjects, st.just(ox.NamedNode("https://schema.org/name")), st.builds(ox.Literal, st.just("x")))
    return st.lists(st.one_of(typing, typing, other), max_size=20)


def test_class_counts_after_a_change_are_the_counts_of_the_new_graph():
    from pipeline.graph.nt_diff import diff
    from pipeline.release.changes import main_class_counts, main_class_counts_after

    def canonical(nt):
        return b"".join(line + b"\n" for line in sorted(set(nt.splitlines())))

    @settings(max_examples=400, deadline=None)
    @given(nt_texts(_class_graphs()), nt_texts(_class_graphs()))
    def check(old, new):
        old, new = canonical(old), canonical(new)
        after = main_class_counts_after(main_class_counts(old), new, diff(old, new))
        if after is not None:
            assert after == main_class_counts(new)
        else:
            assert b"_:" in old + new

    check()


@pytest.mark.parametrize("edit", ["a name in organisations.csv", "a row dropped from nuts.csv"])
def test_a_publish_after_an_edit_counts_only_the_changed_things(data_dir, tmp_path, monkeypatch, edit):
    """The release's class counts come from the previous release's and the change, and are
    the counts of a publish into a new folder; a first publish counts them in the pass that
    counts the graph's lines, never from the typing lines again (main_class_counts)."""
    from source_edits import EDITS

    from pipeline.release import versions

    counted = []
    real = versions.main_class_counts
    monkeypatch.setattr(versions, "main_class_counts", lambda nt: counted.append(1) or real(nt))
    out, whole = tmp_path / "out", tmp_path / "whole"
    assert koko("publish", "--data", data_dir, "--out", out, "--release-date", RELEASE, "--no-site").exit_code == 0
    assert counted == []
    EDITS[edit](data_dir)
    assert koko("publish", "--data", data_dir, "--out", out, "--release-date", RELEASE, "--no-site").exit_code == 0
    assert counted == [], "counted the whole graph again"
    assert koko("publish", "--data", data_dir, "--out", whole, "--release-date", RELEASE, "--no-site").exit_code == 0
    assert (out / "release.json").read_bytes() == (whole / "release.json").read_bytes()
    assert (out / "catalog.ttl").read_bytes() == (whole / "catalog.ttl").read_bytes()


def test_write_release_takes_the_counts_found_else_the_passs_else_counts_them(tmp_path):
    from collections import Counter

    from pipeline.graph import releases as archive
    from pipeline.release import versions
    from pipeline.release.staging import Staging
    from pipeline.sources.settings import load_settings

    settings = load_settings(DATA)
    kk = settings.vocab
    nt = f"<{settings.id_base}area/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{kk}KokoArea> .\n".encode()
    for found, counted, expected in ((Counter({kk + "Region": 2}), Counter({kk + "Project": 5}), {"koko:Region": 2}),
                                     (None, Counter({kk + "Project": 5}), {"koko:Project": 5}),
                                     (None, None, {"koko:KokoArea": 1})):
        history = versions.History(archive.Release("1", "2026-11-28", 1), mains=found)
        with Staging(tmp_path / "out") as staging:
            versions.write_release(settings, history, nt, staging, counted)
            assert json.loads((staging.tmp / archive.RELEASE_FILE).read_bytes())["classes"] == expected
