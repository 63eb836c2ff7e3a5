"""koko fetch-reference against the classification API served on 127.0.0.1."""

import datetime as dt
import shutil
import socket

import pytest
from click.testing import CliRunner
from helpers import DATA
from servers.statfi import FakeStatFi, classifications_from

from pipeline.cli import main
from pipeline.errors import RemoteError
from pipeline.remote.fetch_reference import fetch_reference
from pipeline.remote.http import Retry

SHIPPED = DATA / "reference" / "2013-01-01"
FAST = Retry(attempts=2, backoff=0.01, timeout=5)


@pytest.fixture
def api():
    with FakeStatFi(classifications_from(SHIPPED, "20130101")) as fake:
        yield fake


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_fetch_writes_the_shipped_form(api, data_dir):
    shutil.rmtree(data_dir / "reference" / "2013-01-01")
    result = CliRunner().invoke(main, ["fetch-reference", "--date", "2013-01-01", "--api", api.url, "--data", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "320 municipalities, 70 sub-regions, 19 regions" in result.output
    for name in ("municipalities.csv", "subregions.csv", "regions.csv"):
        assert (data_dir / "reference" / "2013-01-01" / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    # and the pipeline publishes with it
    assert CliRunner().invoke(main, ["validate", "--data", str(data_dir)]).exit_code == 0


def test_second_fetch_asks_conditionally(api, data_dir):
    fetch_reference(data_dir, dt.date(2013, 1, 1), api.url, retry=FAST)
    count = len(api.requests)
    _, client = fetch_reference(data_dir, dt.date(2013, 1, 1), api.url, retry=FAST)
    assert client.revalidated == 11 and client.fetched == 0
    assert all(etag for _, etag in api.requests[count:])


def test_offline_uses_the_cache(api, data_dir):
    fetch_reference(data_dir, dt.date(2013, 1, 1), api.url, retry=FAST)
    before = len(api.requests)
    _, client = fetch_reference(data_dir, dt.date(2013, 1, 1), api.url, offline=True)
    assert client.from_cache == 11 and len(api.requests) == before


def test_offline_without_cache_is_exit_3_and_keeps_the_snapshot(data_dir):
    before = snapshot(data_dir / "reference" / "2013-01-01")
    result = CliRunner().invoke(main, ["fetch-reference", "--date", "2013-01-01", "--offline", "--data", str(data_dir)])
    assert result.exit_code == 3 and "not in the cache" in result.output
    assert snapshot(data_dir / "reference" / "2013-01-01") == before


def test_failing_server_keeps_the_old_snapshot(api, data_dir):
    before = snapshot(data_dir / "reference" / "2013-01-01")
    api.fail = [500] * 50
    result = CliRunner().invoke(main, ["fetch-reference", "--date", "2013-01-01", "--api", api.url, "--data", str(data_dir)])
    assert result.exit_code == 3 and "server error 500" in result.output and isinstance(result.exception, SystemExit)
    assert snapshot(data_dir / "reference" / "2013-01-01") == before


def test_unreachable_is_exit_3(data_dir):
    with socket.socket() as held:  # a port this test holds without listening: nothing answers there
        held.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{held.getsockname()[1]}"
        with pytest.raises(RemoteError, match="cannot connect"):
            fetch_reference(data_dir, dt.date(2013, 1, 1), url, retry=FAST)


def test_date_without_classification(api, data_dir):
    with pytest.raises(RemoteError, match="not found"):
        fetch_reference(data_dir, dt.date(2011, 1, 1), api.url, retry=FAST)
    assert not (data_dir / "reference" / "2011-01-01").exists()


def test_build_uses_the_snapshot_of_the_sources_date(api, data_dir):
    """dataset.yaml names the classification date; memberships from that snapshot carry it."""
    from pipeline.release.publish import publish
    from pipeline.sources.settings import load_settings

    classifications = classifications_from(SHIPPED, "20140101")
    with FakeStatFi(classifications) as other:
        fetch_reference(data_dir, dt.date(2014, 1, 1), other.url, retry=FAST)
    dataset = data_dir / "dataset.yaml"
    dataset.write_text(dataset.read_text().replace("reference_date: 2013-01-01", "reference_date: 2014-01-01"))
    out = data_dir.parent / "out"
    publish(load_settings(data_dir), out)
    text = (out / "koko.nt").read_text()
    assert "membership/municipality-778-2014-01-01>" in text and '"2014-01-01"^^<http://www.w3.org/2001/XMLSchema#date>' in text
