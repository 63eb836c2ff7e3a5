"""Shared fixtures: a private copy of the sources, and one publication reused by many tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
BROKEN = ROOT / "tests" / "broken"  # the corpus of broken sources, one folder a case

# Checked shapes graphs are cached (pipeline/check/shapes.py); the tests keep theirs apart.
os.environ.setdefault("KOKO_CACHE", tempfile.mkdtemp(prefix="koko-test-cache-"))
RELEASE = "2026-11-28"


def pytest_collection_modifyitems(items) -> None:
    """A case run on the reference engine (pySHACL, seconds a run) is slow: `make test-fast`
    keeps the default engine's."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "pyshacl" in params.values():
            item.add_marker(pytest.mark.slow)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a clean skip when that folder is not beside the checkout."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside CI and developer checkouts)")
    return path


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


def ask(store: ox.Store, query: str, base: str = "https://w3id.org/koko-lod/") -> bool:
    """Run an ASK query with every prefix the outputs declare (koko:, area:, municipality:, ...)."""
    from pipeline.graph.vocab import prefixes

    prologue = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in prefixes(base).items())
    return bool(store.query(prologue + query))
