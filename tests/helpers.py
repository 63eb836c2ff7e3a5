"""What the tests import: the project's paths, the release date they publish with, and small
helpers (fixtures are in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
BROKEN = ROOT / "tests" / "broken"  # the corpus of broken sources, one folder a case
RELEASE = "2026-11-28"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or a clean skip when that folder is not beside the checkout."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside CI and developer checkouts)")
    return path


def ask(store: ox.Store, query: str, base: str = "https://w3id.org/koko-lod/") -> bool:
    """Run an ASK query with every prefix the outputs declare (koko:, area:, municipality:, ...)."""
    from pipeline.graph.vocab import prefixes

    prologue = "".join(f"PREFIX {name}: <{ns}>\n" for name, ns in prefixes(base).items())
    return bool(store.query(prologue + query))
