"""What a release carries to be served on its own: `output/serving/`.

`koko publish` writes there the settings the release was made with (base IRI, download
address, dates, version, the catalogue block), the municipal boundaries its maps are drawn
from, and the steward's page templates. `koko serve`, `koko query`, `koko push-store` and
`koko push-ckan` read the release through this module and nothing under `data/`, so a copy of
`output/` on a host without the sources serves exactly what was published, and an edit of
`data/` after a publish changes nothing that is served until the next publish.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..config import Settings
from ..errors import Code, InputError
from ..i18n import Msg

FOLDER = "serving"
SETTINGS_FILE = "settings.json"
TEMPLATES = "templates"
FORMAT = 1
#: What of a steward's templates folder a release carries: what the page loader can read.
TEMPLATE_SUFFIXES = (".html", ".css", ".js")


def settings_bytes(settings: Settings) -> bytes:
    """The release's settings as the JSON document `serving/settings.json` holds."""
    doc = {"format": FORMAT, "base_iri": settings.base_iri, "download_base": settings.download_base,
           "release_date": settings.release_date.isoformat(), "reference_date": settings.reference_date.isoformat(),
           "sparql_endpoint": settings.sparql_endpoint, "version": settings.release_version,
           "catalogue": settings.catalogue}
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def template_files(folder: Path | None) -> dict:
    """name under serving/templates/ -> bytes, of a steward's templates folder (none: {})."""
    if folder is None:
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in TEMPLATE_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def serving_dir(out_dir: Path) -> Path:
    return out_dir / FOLDER


def release_settings(out_dir: Path) -> Settings:
    """The settings of the release in `out_dir`, as publish wrote them. A folder without them
    (no release, or one published by a koko before 0.2) is exit 2 saying what to do."""
    path = serving_dir(out_dir) / SETTINGS_FILE
    if not path.is_file():
        if not (out_dir / "koko.nt").is_file():
            raise InputError(Msg("{out_dir}/koko.nt not found: there is no release in {out_dir}; run `koko publish` first (or give the release's folder with --out)", out_dir=out_dir), code=Code.RELEASE_MISSING)
        raise InputError(Msg('{path} not found: this release was published by an older koko; publish it again to serve it on its own', path=path), code=Code.RELEASE_TOO_OLD)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, this koko reads format {FORMAT}")
        templates = serving_dir(out_dir) / TEMPLATES
        return Settings(data_dir=None, base_iri=doc["base_iri"], download_base=doc["download_base"],
                        release_date=dt.date.fromisoformat(doc["release_date"]),
                        reference_date=dt.date.fromisoformat(doc["reference_date"]),
                        sparql_endpoint=doc["sparql_endpoint"], version=doc["version"], catalogue=doc["catalogue"],
                        templates=templates if templates.is_dir() else None)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Msg('{path}: damaged ({error}: {exc}); publish the release again', path=path, error=type(exc).__name__, exc=exc), code=Code.ARCHIVE_DAMAGED) from None
