"""The graphs of earlier releases, read back (to compare with, to archive, to serve).

Releases are kept side by side: the current one in output/, the earlier ones in
output/releases/<version>/ (the graph as gzip-compressed N-Triples, the catalogue record,
the release's own description, its change set and its list of withdrawn IRIs).

`release.json` describes a release: its version and date, its counts, the release it
follows, and a summary of its changes. A publish under a new version moves the current
release into the archive; under the same version it replaces the current release.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import Code, InputError
from ..graph.vocab import DCT
from ..i18n import Msg

#: Written last into a release folder by koko publish: a folder with it is a complete release.
MARKER = ".koko-output"
RELEASE_FILE = "release.json"
WITHDRAWN_FILE = "withdrawn.json"
CHANGES_FILE = "changes.trig"
ARCHIVE = "releases"
#: What an archived release keeps: the graph compressed, and its descriptions.
KEPT = ("koko.nt.gz", "catalog.ttl", RELEASE_FILE, CHANGES_FILE, WITHDRAWN_FILE)
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass
class Release:
    version: str
    date: str  # ISO date of the release
    triples: int = 0
    classes: dict = field(default_factory=dict)  # compact class -> things
    previous: str | None = None  # the version this release's changes are counted from
    changes: dict = field(default_factory=dict)  # {"added", "removed", "classes": [...], "notable": [...]}

    def to_bytes(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def check_version(version: str) -> str:
    if not VERSION.fullmatch(version):
        raise InputError(Msg("--version {version!r}: use letters, digits, '.', '_' and '-' (at most 64), starting with a letter or digit", version=version), code=Code.BAD_OPTION)
    return version


def read_release(folder: Path) -> Release | None:
    """The release in a folder; one published before releases had versions is read as the
    version of its catalogue's date. None when the folder holds no release."""
    path = folder / RELEASE_FILE
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Release(**{k: v for k, v in data.items() if k in Release.__dataclass_fields__})
        except (ValueError, TypeError) as exc:
            raise InputError(Msg('{path}: damaged ({exc}); publish again under a new --version, or restore it', path=path, exc=exc), code=Code.ARCHIVE_DAMAGED) from None
    if (folder / "koko.nt").is_file() or (folder / "koko.nt.gz").is_file():
        date = catalogue_date(folder)
        if date is not None:
            return Release(version=date.isoformat(), date=date.isoformat())
    return None


def catalogue_date(folder: Path) -> dt.date | None:
    """The date of the release in a folder: its catalogue's latest dct:modified."""
    try:
        dates = [dt.date.fromisoformat(t.object.value) for t in ox.parse(path=str(folder / "catalog.ttl"),
                                                                         format=ox.RdfFormat.TURTLE)
                 if t.predicate.value == DCT + "modified"]
    except (OSError, SyntaxError, ValueError):
        return None
    return max(dates, default=None)


def archived(out_dir: Path) -> list:
    """The archived releases of an output folder, oldest first (by date, then version)."""
    root = out_dir / ARCHIVE
    found = [r for r in (read_release(p) for p in sorted(root.iterdir()) if p.is_dir()) if r] if root.is_dir() else []
    return sorted(found, key=lambda r: (r.date, r.version))


def graph_of(out_dir: Path, version: str | None = None) -> bytes:
    """The N-Triples of the current release (version None or the current one's) or of an
    archived one; a missing or damaged file is a clear error naming it (exit 2)."""
    current = read_release(out_dir)
    if version is None or (current is not None and current.version == version):
        path = out_dir / "koko.nt"
        if not path.is_file():
            raise InputError(Msg('{path}: not found; there is no release in {out_dir} yet (run koko publish)', path=path, out_dir=out_dir), code=Code.RELEASE_MISSING)
        return path.read_bytes()
    path = out_dir / ARCHIVE / version / "koko.nt.gz"
    if not path.is_file():
        known = ", ".join(r.version for r in archived(out_dir)) or "none"
        raise InputError(Msg('{path}: not found: no release {version!r} in the archive (archived: {known})', path=path, version=version, known=known), code=Code.RELEASE_MISSING)
    try:
        return gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(Msg('{path}: damaged ({exc}); restore it from a backup or drop the release with `koko releases --drop {version}`', path=path, exc=exc, version=version), code=Code.ARCHIVE_DAMAGED) from None


def withdrawn_of(folder: Path) -> dict:
    path = folder / WITHDRAWN_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise InputError(Msg('{path}: damaged ({exc}); restore it from a backup', path=path, exc=exc), code=Code.ARCHIVE_DAMAGED) from None
