"""koko push-ckan against a CKAN Action API served on 127.0.0.1 (tests/servers/ckan.py)."""

import datetime as dt
import json
import shutil

import pytest
from click.testing import CliRunner
from helpers import DATA
from servers.ckan import FakeCkan

from pipeline.cli import main
from pipeline.errors import InputError, RemoteError
from pipeline.release.outputs import DISTRIBUTIONS
from pipeline.release.publish import publish
from pipeline.remote.ckan import push
from pipeline.remote.http import Retry
from pipeline.sources.settings import load_settings

TOKEN = "secret-token-123"
FAST = Retry(attempts=3, backoff=0.01, timeout=2)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The sources with a real contact address, published once (the pushes send no site)."""
    root = tmp_path_factory.mktemp("ckan")
    shutil.copytree(DATA, root / "data")
    dataset = root / "data" / "dataset.yaml"
    dataset.write_text(dataset.read_text().replace("koko-lod@example.invalid", "koko-lod@example.org"))
    publish(load_settings(root / "data"), root / "output", site=False)
    return root


@pytest.fixture
def site(release, tmp_path):
    """A copy of that data folder and of its release, for one test to push, change or damage."""
    shutil.copytree(release / "data", tmp_path / "release-data")
    shutil.copytree(release / "output", tmp_path / "output")
    return load_settings(tmp_path / "release-data"), tmp_path / "output"


def test_create_then_nothing_changes(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        first = push(settings, out, ckan.url, "koko-lod", "my-org", TOKEN, retry=FAST)
        assert first.dataset == "created" and set(first.resources.values()) == {"created"}
        writes = ckan.writes()
        expected = [n for n, o in DISTRIBUTIONS.items() if not o.optional or (out / n).exists()]  # a first release
        assert [w[0] for w in writes] == ["package_create"] + ["resource_create"] * len(expected)
        created = writes[0][1]
        assert created["name"] == "koko-lod" and created["owner_org"] == "my-org"
        assert set(created["title_translated"]) == {"fi", "sv", "en"} and created["license_id"] == "CC-BY-4.0"
        assert created["maintainer_email"] == ["koko-lod@example.org"]
        uploads = {w[1]["name"]: w[2] for w in writes[1:]}
        assert uploads["koko.ttl"] == (out / "koko.ttl").read_bytes()
        assert writes[1][1]["hash"] and writes[1][1]["size"] == len(uploads[writes[1][1]["name"]])

        count = len(ckan.requests)
        second = push(settings, out, ckan.url, "koko-lod", "my-org", TOKEN, retry=FAST)
        assert second.dataset == "unchanged" and set(second.resources.values()) == {"unchanged"}
        assert [r[0] for r in ckan.requests[count:]] == ["package_show"]


def test_changed_release_updates_only_what_changed(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        newer = settings.with_release_date(dt.date(2027, 1, 1))
        publish(newer, out)
        count = len(ckan.requests)
        result = push(newer, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert result.dataset == "updated"
        patch = [r for r in ckan.requests[count:] if r[0] == "package_patch"][0][1]
        assert patch == {"id": patch["id"], "version": "2027-01-01"}
        # the graph files do not carry the release date: only the files that do are sent again
        assert result.resources["koko.ttl"] == "unchanged"


def test_dry_run_sends_nothing_and_prints_json(site, monkeypatch):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        monkeypatch.setenv("KOKO_CKAN_API_KEY", TOKEN)
        result = CliRunner().invoke(main, ["push-ckan", "--url", ckan.url, "--dataset", "koko-lod", "--dry-run", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert ckan.requests == []
        assert '"title_translated"' in result.output and TOKEN not in result.output
        json.loads(result.output.split("\n", 1)[1].split("\n# ", 1)[0])


@pytest.mark.parametrize("status,expected", [
    (403, "not allowed (403)"),
    (409, "the portal rejected the data: name: That URL is already in use."),
])
def test_client_errors_are_clear(site, monkeypatch, status, expected):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.fail = [404, status]  # package_show: not there; package_create: refused
        monkeypatch.setenv("KOKO_CKAN_API_KEY", TOKEN)
        result = CliRunner().invoke(main, ["push-ckan", "--url", ckan.url, "--dataset", "koko-lod", "--out", str(out)])
        assert result.exit_code == 3, result.output
        assert expected in result.output
        assert TOKEN not in result.output and isinstance(result.exception, SystemExit)


def test_wrong_token(site, monkeypatch):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        monkeypatch.setenv("KOKO_CKAN_API_KEY", "wrong-token-456")
        result = CliRunner().invoke(main, ["push-ckan", "--url", ckan.url, "--dataset", "koko-lod", "--out", str(out)])
        assert result.exit_code == 3
        assert "KOKO_CKAN_API_KEY" in result.output and "wrong-token-456" not in result.output


def test_server_errors_are_retried(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.fail = [500, 503]
        result = push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert result.dataset == "created"
        assert [r[0] for r in ckan.requests[:3]] == ["package_show"] * 3


def test_persistent_server_error_is_exit_3(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.fail = [500] * 10
        with pytest.raises(RemoteError, match=r"server error 500 .*\(tried 3 times\)"):
            push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)


def test_timeout_is_exit_3(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.delay = 0.5
        with pytest.raises(RemoteError, match="no answer within"):
            push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=Retry(attempts=2, backoff=0.01, timeout=0.1))


def test_unreachable_is_exit_3(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        url = ckan.url
    with pytest.raises(RemoteError, match="cannot connect"):
        push(settings, out, url, "koko-lod", None, TOKEN, retry=FAST)


def test_missing_token_and_placeholder_contact_are_exit_2(site, published, data_dir):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        with pytest.raises(InputError, match="KOKO_CKAN_API_KEY"):
            push(settings, out, ckan.url, "koko-lod", None, None)
        real = load_settings(__import__("helpers").DATA)
        with pytest.raises(InputError, match="placeholder"):
            push(real, published, ckan.url, "koko-lod", None, TOKEN)
        assert ckan.requests == [], "nothing is asked of the portal"


@pytest.mark.parametrize("name,damage,line", [
    ("koko.ttl", lambda lines: lines[:20] + ["<not an iri> <x> .\n"] + lines[20:], 21),
    ("koko.nt", lambda lines: lines[:4] + ['<http://a> <http://b> "open .\n'] + lines[4:], 5),
    ("koko.jsonld", lambda lines: lines[:-1], None),
])
def test_a_corrupt_published_file_is_exit_2_naming_it(site, name, damage, line, monkeypatch):
    settings, out = site
    path = out / name
    path.write_text("".join(damage(path.read_text(encoding="utf-8").splitlines(keepends=True))), encoding="utf-8")
    monkeypatch.setenv("KOKO_CKAN_API_KEY", TOKEN)
    with FakeCkan(TOKEN) as ckan:
        result = CliRunner().invoke(main, ["push-ckan", "--url", ckan.url, "--dataset", "koko-lod", "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert f"{path}:{line}:" in result.output if line else f"{path}:" in result.output, result.output
        assert "not valid RDF" in result.output
        assert ckan.writes() == [], "nothing was sent"


@pytest.mark.parametrize("lost", [
    {"package_create": 1},
    {"resource_create": 5},
    {"package_create": 1, "resource_create": 2},
])
def test_a_create_whose_answer_is_lost_is_not_sent_again(site, lost):
    """The portal creates the thing, then a proxy answers 502: the push asks before it writes
    again, and the portal ends with one dataset and one resource per file."""
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.lose = dict(lost)
        result = push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert result.dataset == "created" and set(result.resources.values()) == {"created"}
        assert len(ckan.packages) == 1
        resources = next(iter(ckan.packages.values()))["resources"]
        first = sorted(n for n, o in DISTRIBUTIONS.items() if not o.optional or (out / n).exists())  # no change set yet
        assert sorted(r["name"] for r in resources) == first
        creates = [r[0] for r in ckan.requests if r[0].endswith("_create")]
        assert creates == ["package_create"] + ["resource_create"] * len(first)  # each sent once
        assert all(r["uploaded_bytes"] == (out / r["name"]).stat().st_size for r in resources)
        again = push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert again.dataset == "unchanged" and set(again.resources.values()) == {"unchanged"}


def test_a_lost_create_that_did_not_happen_is_exit_3_and_not_resent(site):
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.fail = [404, 502]  # package_show: none yet; package_create: a 502 before the portal acts
        with pytest.raises(RemoteError, match="package_create: server error 502.*nothing was created: run again"):
            push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert [r[0] for r in ckan.requests] == ["package_show", "package_create", "package_show"]
        assert ckan.packages == {}


def test_reads_wait_as_long_as_retry_after_says(site, monkeypatch):
    """The retry waits what the portal's Retry-After asks (seen as the wait requested, not timed)."""
    import urllib3.util.retry

    waits = []
    monkeypatch.setattr(urllib3.util.retry.time, "sleep", waits.append)
    settings, out = site
    with FakeCkan(TOKEN) as ckan:
        ckan.fail, ckan.retry_after = [503], "7"
        push(settings, out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert [r[0] for r in ckan.requests[:2]] == ["package_show", "package_show"]
    assert waits[:1] == [7.0]  # the backoff alone would be 0 s


def test_a_second_release_sends_its_version_and_change_set(data_dir, tmp_path):
    dataset = data_dir / "dataset.yaml"
    dataset.write_text(dataset.read_text().replace("koko-lod@example.invalid", "koko-lod@example.org"))
    out = tmp_path / "output"
    publish(load_settings(data_dir).with_version("A"), out, site=False)
    funding = data_dir / "funding.csv"
    funding.write_text(funding.read_text().replace(",yes,11000000,EUR,", ",yes,11500000,EUR,"))
    settings = load_settings(data_dir).with_version("B")
    publish(settings, out, site=False)
    with FakeCkan(TOKEN) as ckan:
        result = push(load_settings(data_dir), out, ckan.url, "koko-lod", None, TOKEN, retry=FAST)
        assert result.resources["changes.trig"] == "created"
        created = [w for w in ckan.writes() if w[0] == "package_create"][0][1]
        assert created["version"] == "B", "the published release's version, not the sources' date"
