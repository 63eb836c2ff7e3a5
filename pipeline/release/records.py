"""What a publish notes about the release it wrote, for the next publish into the same folder.

After a publish, a record in the cache folder, keyed by the output folder and the SHA-256 of
the release's koko.nt (so that two folders holding the same graph, each with its own files,
never share one), holds the digest of the code that wrote it (`code_digest`), the base IRI, and what the parts
that reuse earlier output keep there: the checksums of koko.ttl and koko.jsonld (splice.py),
the digest of the site's inputs and of its files (site_reuse.py). A later publish reads the
record of the release it replaces only when both were made by this very code for the same
base; each part then checks its own files against the record before it uses one.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..config import cache_dir
from ..files import file_digest, stamp, write_atomic
from ..graph.nt_diff import diff_file

MAX_CHANGED_BYTES = 16 << 20  # of the old graph, between the two graphs' common beginning and end
KEPT_RECORDS = 64  # the records kept: the newest, one a release published from this machine
#: The distributions whose versions shape the bytes koko writes, besides its own files.
MAKERS = ("pyoxigraph", "shacl", "Jinja2", "MarkupSafe", "Babel")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """What the outputs' bytes depend on besides the sources: every file of koko's package
    (code, templates, catalogues, resources), the versions of MAKERS, Python's."""
    versions = []
    for name in MAKERS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    digest = hashlib.sha256(f"{' '.join(versions)} {sys.version}".encode())
    root = Path(__file__).resolve().parent.parent
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _path(out_dir: Path, nt_sha256: str) -> Path:
    key = hashlib.sha256(f"{out_dir.resolve()}\0{nt_sha256}".encode()).hexdigest()
    return cache_dir("releases") / f"{key}.json"


@dataclass
class Recorded:
    """The release in an output folder, when this code wrote it for this base: the folder
    and its record (else neither, and nothing of it is reused)."""

    out_dir: Path | None = None
    record: dict = field(default_factory=dict)
    seen: tuple | None = None  # the files.stamp of koko.nt when it was hashed
    sha256: str = ""

    @classmethod
    def of(cls, out_dir: Path, base_iri: str) -> "Recorded":
        """Finds the record by the old koko.nt's SHA-256, hashed as it is read: the graph is
        not held here."""
        path = out_dir / "koko.nt"
        try:
            seen = stamp(path.stat())
            digest = file_digest(path)
            if stamp(path.stat()) != seen:  # written while it was read
                return cls()
            record = json.loads(_path(out_dir, digest).read_bytes())
        except (OSError, ValueError):
            return cls()
        if not isinstance(record, dict) or record.get("code") != code_digest() or record.get("base") != base_iri:
            return cls()
        return cls(out_dir, record, seen, digest)

    def change(self, nt: bytes):
        """The lines added and removed from the old koko.nt to `nt` (graph/nt_diff.py), read
        from the file while it is the one hashed; None without a record, or where the two differ
        over more than MAX_CHANGED_BYTES."""
        if self.out_dir is None:
            return None
        return diff_file(self.out_dir / "koko.nt", nt, MAX_CHANGED_BYTES, self.seen)

    def nt(self) -> bytes | None:
        """The old koko.nt, read when a part needs it (not before a fork, whose child would
        count its pages too); None without a record, or where the file is not the one hashed
        (the output's lock keeps other publishes from writing it, not a hand)."""
        if self.out_dir is None:
            return None
        try:
            with open(self.out_dir / "koko.nt", "rb") as fh:
                if stamp(os.fstat(fh.fileno())) != self.seen:
                    return None
                data = fh.read()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == self.sha256 else None


def remember(out_dir: Path, nt_sha256: str, base_iri: str, parts: dict) -> None:
    """After a publish into `out_dir`: the record of this release, with each part's entry
    (`parts`: name -> a JSON value). A cache that cannot be written is no error: the next publish reuses
    nothing."""
    record = {"code": code_digest(), "base": base_iri, **parts}
    try:
        write_atomic(_path(out_dir, nt_sha256), json.dumps(record, sort_keys=True).encode())
        _forget_all_but(KEPT_RECORDS)
    except OSError:
        pass


def _forget_all_but(kept: int) -> None:
    """Removes the records beyond the `kept` most recently written: one is written a publish,
    and only the release in each output folder is ever read again."""
    records = sorted(cache_dir("releases").glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for path in records[kept:]:
        path.unlink(missing_ok=True)
