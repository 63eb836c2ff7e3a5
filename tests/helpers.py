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


def contents(folder: Path) -> dict:
    """Every file under `folder` by its relative name, with its bytes: for comparing folders."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def as_it_stands(folder: Path) -> dict:
    """Every file under `folder` with its inode, size and modification time: a file written
    into, replaced (even by the same bytes), added or removed changes it. For "nothing was
    written over the previous output" without reading thousands of files' bytes twice."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            out[path.relative_to(folder).as_posix()] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def nt_texts(graphs):
    """A hypothesis strategy: the N-Triples text, as pyoxigraph writes it, of each graph that
    `graphs` draws (lists of pyoxigraph triples), with its last line end and without it (as a
    hand-edited file may end). The random tests that hold a byte search to its reference read
    these."""
    from hypothesis import strategies as st

    def text(triples, last_line_end: bool) -> bytes:
        nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return nt if last_line_end else nt.rstrip(b"\n")

    return st.builds(text, graphs, st.booleans())
