"""Shared fixtures: a private copy of the sources, and one publication reused by many tests.
What tests import (paths, the release date, helpers) is in helpers.py."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import DATA, RELEASE

# The tests read koko's English unless they choose a language (tests/test_language.py does).
os.environ["KOKO_LANG"] = "en"
# Checked shapes graphs are cached (pipeline/check/shapes.py); the tests keep theirs apart.
os.environ.setdefault("KOKO_CACHE", tempfile.mkdtemp(prefix="koko-test-cache-"))


def pytest_collection_modifyitems(items) -> None:
    """A case run on the reference engine (pySHACL, seconds a run) is slow: `make test-fast`
    keeps the default engine's."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pyshacl" in params.values():
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The real sources published once into a temporary output folder."""
    from pipeline.release.publish import publish
    from pipeline.sources.settings import load_settings

    out = tmp_path_factory.mktemp("pub") / "output"
    settings = load_settings(DATA).with_release_date(__import__("datetime").date.fromisoformat(RELEASE))
    publish(settings, out)
    return out


@pytest.fixture(scope="session")
def store(published: Path) -> ox.Store:
    """The published Turtle, parsed by pyoxigraph (a strict parser independent of the writer)."""
    s = ox.Store()
    s.load(path=str(published / "koko.ttl"), format=ox.RdfFormat.TURTLE)
    return s


@pytest.fixture(scope="session")
def settings():
    from pipeline.sources.settings import load_settings

    return load_settings(DATA)
