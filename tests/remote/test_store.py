"""koko push-store against a real Oxigraph server on 127.0.0.1."""

import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from servers.oxigraph import OxigraphServer

from pipeline.cli import main
from pipeline.errors import RemoteError
from pipeline.remote.http import Retry
from pipeline.remote.store import push_store
from pipeline.sources.settings import load_settings

pytestmark = pytest.mark.slow  # real Oxigraph and Virtuoso servers

DATA_GRAPH = "https://w3id.org/koko-lod/id/dataset/koko"
CATALOG_GRAPH = "https://w3id.org/koko-lod/id/catalog"
FAST = Retry(attempts=2, backoff=0.01, timeout=30)


@pytest.fixture
def store(tmp_path):
    server = OxigraphServer(tmp_path / "store").start()
    yield server
    server.stop()


def triples_of(data: bytes) -> set:
    return set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def test_push_then_push_again(store, published, settings):
    result = CliRunner().invoke(main, ["push-store", "--endpoint", store.url + "/store", "--query-endpoint", store.url + "/query",
                                       "--out", str(published)])
    assert result.exit_code == 0, result.output
    expected = triples_of((published / "koko.nt").read_bytes())
    assert f"the store holds exactly {len(expected)} triples" in result.output
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in triples_of(store.graph(DATA_GRAPH))} == \
        {ox.Triple(q.subject, q.predicate, q.object) for q in expected}
    assert store.count(CATALOG_GRAPH) > 50
    before = store.graph(DATA_GRAPH)
    again = CliRunner().invoke(main, ["push-store", "--endpoint", store.url + "/store", "--query-endpoint", store.url + "/query",
                                      "--out", str(published)])
    assert again.exit_code == 0
    assert triples_of(store.graph(DATA_GRAPH)) == triples_of(before)


def test_changed_graph_replaces_the_old_one(store, data_dir, tmp_path, settings):
    from pipeline.release.publish import publish

    out = tmp_path / "out"
    publish(load_settings(data_dir), out)
    push_store(settings, out, store.url + "/store", store.url + "/query", retry=FAST)
    old = store.count(DATA_GRAPH)
    orgs = data_dir / "organisations.csv"
    orgs.write_text(orgs.read_text().replace("Sisä-Savon Seutuyhtymä", "Sisä-Savon seutuyhtymä"))
    publish(load_settings(data_dir), out)
    push_store(settings, out, store.url + "/store", store.url + "/query", retry=FAST)
    text = store.graph(DATA_GRAPH).decode()
    assert '"Sisä-Savon seutuyhtymä"@fi' in text and '"Sisä-Savon Seutuyhtymä"@fi' not in text
    assert store.count(DATA_GRAPH) == old


def test_rejected_upload_leaves_the_old_graph(store, published, tmp_path, settings, monkeypatch):
    """The store itself refuses the body (the local count is skipped so that it gets it)."""
    import pipeline.remote.store as push

    push_store(settings, published, store.url + "/store", retry=FAST)
    before = store.graph(DATA_GRAPH)
    broken = tmp_path / "broken"
    shutil.copytree(published, broken)
    text = (broken / "koko.nt").read_text()
    (broken / "koko.nt").write_text(text[: len(text) // 2] + "\n<not an iri> <x> .\n" + text[len(text) // 2:])
    monkeypatch.setattr(push, "count_triples", lambda path: 1)
    with pytest.raises(RemoteError, match="the store answered 400"):
        push_store(settings, broken, store.url + "/store", retry=FAST)
    assert triples_of(store.graph(DATA_GRAPH)) == triples_of(before)


def test_a_corrupt_published_file_is_exit_2_naming_it(store, published, tmp_path, settings):
    broken = tmp_path / "broken"
    shutil.copytree(published, broken)
    lines = (broken / "koko.nt").read_text().splitlines(keepends=True)
    (broken / "koko.nt").write_text("".join(lines[:10]) + "<not an iri> <x> .\n" + "".join(lines[10:]))
    result = CliRunner().invoke(main, ["push-store", "--endpoint", store.url + "/store", "--out", str(broken)])
    assert result.exit_code == 2, result.output
    assert f"{broken / 'koko.nt'}:11" in result.output and "not valid RDF" in result.output


def test_store_rejecting_the_body_is_exit_3_with_its_message(store, published, tmp_path, settings, monkeypatch):
    import pipeline.remote.store as push

    monkeypatch.setattr(push, "count_triples", lambda path: 1)
    broken = tmp_path / "broken"
    shutil.copytree(published, broken)
    (broken / "koko.nt").write_text("<http://a> <http://b> oops .\n")
    with pytest.raises(RemoteError, match="the store answered 400"):
        push_store(settings, broken, store.url + "/store", retry=FAST)


def test_stopped_server_is_exit_3(store, published):
    url = store.url
    store.stop()
    result = CliRunner().invoke(main, ["push-store", "--endpoint", url + "/store", "--out", str(published)])
    assert result.exit_code == 3
    assert "cannot connect" in result.output and isinstance(result.exception, SystemExit)


def test_count_mismatch_is_reported(store, published, settings):
    with pytest.raises(RemoteError, match="not the"):
        push_store(settings, published, store.url + "/store", store.url + "/query", graph=CATALOG_GRAPH, retry=FAST)


# -- Virtuoso, where the machine can run Debian's package ------------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    from realparts import need
    from servers.virtuoso import VirtuosoServer

    need("Debian's virtuoso-opensource", "virtuoso-t")
    need("Debian's virtuoso-opensource", "isql-vt")
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso")).start()
    yield server
    server.stop()


def test_virtuoso_digest_push_and_count(virtuoso, published, monkeypatch):
    monkeypatch.setenv("KOKO_STORE_PASSWORD", "dba")
    args = ["push-store", "--endpoint", virtuoso.url + "/sparql-graph-crud-auth", "--query-endpoint", virtuoso.url + "/sparql",
            "--user", "dba", "--auth", "digest", "--out", str(published)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    triples = sum(1 for _ in ox.parse(path=str(published / "koko.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert f"the store holds exactly {triples} triples" in first.output
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and f"the store holds exactly {triples} triples" in again.output


def test_virtuoso_wrong_password_is_exit_3(virtuoso, published, monkeypatch):
    monkeypatch.setenv("KOKO_STORE_PASSWORD", "not-the-password")
    result = CliRunner().invoke(main, ["push-store", "--endpoint", virtuoso.url + "/sparql-graph-crud-auth",
                                       "--user", "dba", "--auth", "digest", "--out", str(published)])
    assert result.exit_code == 3 and "refused the credentials" in result.output
    assert "not-the-password" not in result.output
