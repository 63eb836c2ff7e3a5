"""koko.ttl and koko.jsonld made from the previous release's give the bytes of the files made
whole: on random graphs and edits, and on publishes after edits of the sources. A test that
expects the splice checks that it was taken, so a fallback to the whole file cannot pass
for it."""

import io
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.graph.vocab import RDF_TYPE, SKOS, XSD
from pipeline.release import records, splice
from source_edits import EDITS, OUTSIDE_THE_GRAPH

BASE = "https://w3id.org/koko-lod/"
RELEASE = "2026-11-28"
NAMES = splice.FORMS


def _terms():
    things = [ox.NamedNode(f"{BASE}id/{kind}/{n}") for kind in ("decision", "amount", "x") for n in ("1", "10", "1-a", "2")]
    things += [ox.NamedNode("urn:other:a"), ox.NamedNode("http://example.org/a b".replace(" ", "%20"))]
    predicates = [ox.NamedNode(p) for p in (RDF_TYPE, SKOS + "prefLabel", BASE + "def/koko#year", "https://schema.org/value",
                                              "urn:p:q")]
    literals = st.one_of(
        st.builds(lambda v, t: ox.Literal(v, datatype=ox.NamedNode(XSD + t)), st.sampled_from(["2011", "1.50", "x"]),
                  st.sampled_from(["integer", "decimal", "gYear", "string"])),
        st.builds(lambda v, lang: ox.Literal(v, language=lang), st.sampled_from(["Kuopio", "Åbo"]), st.sampled_from(["fi", "sv"])),
        st.builds(ox.Literal, st.sampled_from(["a .", "b ,\nc", "@prefix x: <y> .", '"q"', "x ;", "", "a\n .\n"])),
        st.builds(ox.Literal, st.text(max_size=6)))
    objects = st.one_of(st.sampled_from(things + [ox.NamedNode(BASE + "def/koko#FundingDecision")]), literals)
    return st.builds(ox.Triple, st.sampled_from(things), st.sampled_from(predicates), objects)


def _nt(triples) -> bytes:
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return b"".join(line + b"\n" for line in sorted(set(written.splitlines())))


def test_a_splice_is_the_whole_file_on_random_graphs_and_edits():
    @settings(max_examples=400, deadline=None)
    @given(st.lists(_terms(), min_size=1, max_size=25), st.lists(st.integers(min_value=0, max_value=40), max_size=6),
           st.lists(_terms(), max_size=6), st.sampled_from(sorted(NAMES)))
    def check(before, dropped, added, name):
        old_nt = _nt(before)
        after = [t for i, t in enumerate(before) if i not in dropped] + added
        new_nt = _nt(after)
        form = NAMES[name](BASE)
        old_text = form.whole(old_nt)
        subjects = splice.changed_subjects(old_nt, new_nt)
        lines = splice.needed_lines(old_nt, new_nt, subjects)  # all the splice may read of the old graph
        changes = splice.edits(name, BASE, old_text, lines, new_nt, subjects)
        if new_nt:
            assert changes is not None  # never a fallback while both graphs have lines
            made = io.BytesIO()
            splice.write_spliced(made, name, old_text, changes)
            assert made.getvalue() == form.whole(new_nt)
        else:
            assert changes is None

    check()


def test_a_file_not_of_its_form_or_with_another_head_is_made_whole():
    old_nt = _nt([ox.Triple(ox.NamedNode(BASE + "id/x/1"), ox.NamedNode("urn:p:q"), ox.Literal("a"))])
    new_nt = old_nt.replace(b'"a"', b'"b"')
    subjects = splice.changed_subjects(old_nt, new_nt)
    assert splice.edits("koko.ttl", BASE, b"not turtle", old_nt, new_nt, subjects) is None
    other_head = NAMES["koko.jsonld"]("https://example.org/").whole(old_nt)
    assert splice.edits("koko.jsonld", BASE, other_head, old_nt, new_nt, subjects) is None
    edited = NAMES["koko.ttl"](BASE).whole(old_nt).replace(b'"a"', b'"c"')  # not the unit of the old lines
    assert splice.edits("koko.ttl", BASE, edited, old_nt, new_nt, subjects) is None
    assert splice.edits("koko.ttl", BASE, NAMES["koko.ttl"](BASE).whole(old_nt), old_nt, new_nt, subjects)


# -- publishes -----------------------------------------------------------------------------

def _publish(data_dir, out, *extra):
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out), "--release-date", RELEASE,
                                       "--no-site", *extra])
    assert result.exit_code == 0, result.output


class _Heard:
    """Names heard by any process (the validating one makes the files after an edit), in a file."""

    def __init__(self, path):
        self.path = path

    def append(self, name: str) -> None:
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(name + "\n")

    def names(self) -> list:
        return self.path.read_text(encoding="utf-8").split() if self.path.exists() else []

    def __eq__(self, other) -> bool:
        return self.names() == other

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def __repr__(self) -> str:
        return repr(self.names())


@pytest.fixture
def spliced(monkeypatch, tmp_path):
    """The names of the files a publish made by splicing."""
    made, real = _Heard(tmp_path / "spliced.txt"), splice.Previous.write

    def spy(self, name, staging):
        done = real(self, name, staging)
        if done:
            made.append(name)
        return done

    monkeypatch.setattr(splice.Previous, "write", spy)
    return made


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_publish_after_an_edit_splices_the_bytes_of_a_whole_publish(data_dir, tmp_path, spliced, edit):
    out, whole = tmp_path / "out", tmp_path / "whole"
    _publish(data_dir, out)
    assert spliced == []  # nothing to splice from
    first = (out / "koko.nt").read_bytes()
    EDITS[edit](data_dir)
    _publish(data_dir, out)
    assert spliced == ["koko.ttl", "koko.jsonld"]
    assert ((out / "koko.nt").read_bytes() == first) == (edit in OUTSIDE_THE_GRAPH)
    _publish(data_dir, whole)
    for name in ("koko.nt", "koko.ttl", "koko.jsonld"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


def test_other_code_a_file_changed_by_hand_or_other_shapes(data_dir, tmp_path, spliced, monkeypatch):
    """Other code than wrote the previous files, or a file changed since: made whole. Other
    shapes leave the graph as it was: spliced, the same bytes."""
    out, whole = tmp_path / "out", tmp_path / "whole"
    _publish(data_dir, out)
    _publish(data_dir, whole)
    own = tmp_path / "shapes"
    own.mkdir()
    (own / "extra.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                                   "<urn:s> a sh:NodeShape ; sh:targetClass <urn:none> ; sh:closed false .\n")
    _publish(data_dir, out, "--shapes", str(own))
    assert spliced == ["koko.ttl", "koko.jsonld"]
    spliced.clear()
    (out / "koko.ttl").write_bytes((out / "koko.ttl").read_bytes().replace(b"Kuopio", b"Kuopi0", 1))
    _publish(data_dir, out)
    assert spliced == ["koko.jsonld"]  # koko.ttl is not the one that release wrote
    spliced.clear()
    with monkeypatch.context() as m:
        m.setattr(records, "code_digest", lambda: "other code")
        _publish(data_dir, out)
    assert spliced == []
    for name in ("koko.ttl", "koko.jsonld"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_copied_release_without_the_cache_is_made_whole(data_dir, tmp_path, spliced, monkeypatch):
    out = tmp_path / "out"
    _publish(data_dir, out)
    monkeypatch.setenv("KOKO_CACHE", str(tmp_path / "empty-cache"))
    shutil.copytree(out, tmp_path / "copy")
    _publish(data_dir, tmp_path / "copy")
    assert spliced == []


def test_the_records_are_bounded_to_the_newest(tmp_path, monkeypatch):
    """One record is written a publish; only the newest KEPT_RECORDS stay, the one just
    written among them."""
    import os

    monkeypatch.setenv("KOKO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(records, "KEPT_RECORDS", 3)
    for n in range(5):
        files = {name: (1, f"{name}-{n}") for name in splice.SPLICED}
        records.remember(tmp_path / "out", f"koko.nt-{n}", BASE, splice.entry(files))
        path = records._path(tmp_path / "out", f"koko.nt-{n}")
        os.utime(path, ns=(n * 10**9, n * 10**9))  # written in this order, whatever the clock's grain
    left = sorted(p.name for p in (tmp_path / "cache" / "releases").glob("*.json"))
    assert left == sorted(records._path(tmp_path / "out", f"koko.nt-{n}").name for n in (2, 3, 4))


def test_the_old_graph_is_read_only_while_it_is_the_one_hashed(tmp_path, monkeypatch):
    """Recorded.nt gives the release's graph only as it was when its record was found."""
    import hashlib

    monkeypatch.setenv("KOKO_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "out"
    out.mkdir()
    graph = b"<urn:a> <urn:p> \"1\" .\n"
    (out / "koko.nt").write_bytes(graph)
    records.remember(out, hashlib.sha256(graph).hexdigest(), BASE, {})
    assert records.Recorded.of(out, BASE).nt() == graph
    found = records.Recorded.of(out, BASE)
    assert found.change(graph).empty
    (out / "koko.nt").write_bytes(b"<urn:a> <urn:p> \"2\" .\n")
    assert found.nt() is None
    found = records.Recorded.of(out, BASE)
    assert found.out_dir is None  # no record of that graph
