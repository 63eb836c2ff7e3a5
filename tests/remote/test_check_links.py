"""koko check-links asks a deployed release for every address its catalogue publishes."""

import functools
import json
import shutil
from http.server import SimpleHTTPRequestHandler

import pytest
from click.testing import CliRunner
from servers import LocalHTTPServer
from servers.koko import KokoServe

from pipeline.cli import main
from pipeline.remote.links import published_links

BASE = "https://w3id.org/koko-lod/"


@pytest.fixture
def deployed(published, tmp_path):
    """A bare copy of output/ as a web host holds it: the release's files under download/."""
    root = tmp_path / "host"
    shutil.copytree(published, root / "download", ignore=shutil.ignore_patterns("site", "releases"))
    return root


def _host(root, refuse_head=False):
    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_HEAD(self):
            if refuse_head:
                self.send_error(405)
            else:
                super().do_HEAD()

    return LocalHTTPServer(functools.partial(Handler, directory=str(root)))


def check(out, base, *more):
    return CliRunner().invoke(main, ["check-links", "--out", str(out), "--base", base, *more])


def test_the_catalogue_publishes_every_download_and_its_landing_page(published):
    links = published_links(published)
    downloads = {u[len(BASE + "download/"):] for u in links if u.startswith(BASE + "download/")}
    assert {"koko.ttl", "koko.jsonld", "koko.nt", "koko-geo.ttl", "funding.csv"} <= downloads
    assert BASE in links and BASE + "def/koko" in links


def test_a_missing_file_on_a_bare_host_is_named_and_exit_3(published, deployed):
    (deployed / "download" / "koko-geo.ttl").unlink()
    with _host(deployed) as host:
        result = check(published, host.url + "/", "--format", "json")
    assert result.exit_code == 3, result.output
    answers = {a["url"][len(BASE):]: a for a in json.loads(result.stdout)}
    assert answers["download/koko-geo.ttl"]["status"] == 404 and not answers["download/koko-geo.ttl"]["ok"]
    assert answers["download/koko-geo.ttl"]["asked"] == host.url + "/download/koko-geo.ttl"
    assert all(a["ok"] for name, a in answers.items() if name.startswith("download/") and name != "download/koko-geo.ttl")


def test_a_host_that_refuses_head_is_asked_with_get(published, deployed):
    with _host(deployed, refuse_head=True) as host:
        result = check(published, host.url, "--format", "json")
    answers = {a["url"][len(BASE):]: a for a in json.loads(result.stdout)}
    assert answers["download/koko.ttl"]["status"] == 200, result.output


def test_nothing_answering_is_exit_3_naming_why(published):
    result = check(published, "http://127.0.0.1:9/")
    assert result.exit_code == 3
    assert "cannot connect  http://127.0.0.1:9/download/koko.ttl  (published as " + BASE + "download/koko.ttl)" in result.output
    assert "0 of " in result.output


def test_no_release_is_exit_2(tmp_path):
    result = check(tmp_path, "http://127.0.0.1:9/")
    assert result.exit_code == 2 and "no release" in result.output


@pytest.mark.slow  # a real koko serve process
def test_against_koko_serve_every_address_answers_and_a_missing_file_is_reported(published, tmp_path):
    with KokoServe(published) as koko:
        result = check(published, koko.url + "/")
    assert result.exit_code == 0, result.output
    assert "of" in result.output and " 0 of" not in result.output
    bare = tmp_path / "output"
    shutil.copytree(published, bare)
    (bare / "koko-geo.ttl").unlink()
    with KokoServe(bare) as koko:
        result = check(bare, koko.url)
    assert result.exit_code == 3, result.output
    assert f"404  {koko.url}/download/koko-geo.ttl" in result.output
