"""Settings of one run: where the sources are, the base IRI, the release date.

The values are read from `data/dataset.yaml` by `sources.settings` and handed down; this
module only holds them, so every stage can import it without reading any file."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

#: The base IRI the ontology and shapes files are written with. A dataset that sets another
#: base_iri gets them rewritten to it at publication.
DEFAULT_BASE_IRI = "https://w3id.org/koko-lod/"

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PACKAGE_ROOT / "ontology"
SHAPES_DIR = PACKAGE_ROOT / "shapes"

#: The languages the project publishes names and pages in, in the order pages show them.
LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    base_iri: str = DEFAULT_BASE_IRI
    download_base: str = DEFAULT_BASE_IRI + "download/"
    release_date: dt.date = dt.date(2026, 1, 1)
    reference_date: dt.date = dt.date(2013, 1, 1)
    sparql_endpoint: str = ""
    templates: Path | None = None  # a steward's page templates, overriding the shipped ones
    version: str = ""  # the release's version; empty: its release date
    catalogue: dict = field(default_factory=dict)  # the catalogue block of dataset.yaml, plain

    @property
    def id_base(self) -> str:
        return self.base_iri + "id/"

    @property
    def vocab(self) -> str:
        return self.base_iri + "def/koko#"

    @property
    def release_version(self) -> str:
        return self.version or self.release_date.isoformat()

    def with_version(self, version: str | None) -> "Settings":
        return self if not version else replace(self, version=version)

    def with_release_date(self, date: dt.date | None) -> "Settings":
        return self if date is None else replace(self, release_date=date)

    def with_templates(self, folder: Path | None) -> "Settings":
        return self if folder is None else replace(self, templates=folder)


def cache_dir(kind: str) -> Path:
    """Where koko keeps what it can compute again (checked shapes' plans, the drawn map):
    $KOKO_CACHE/<kind>, else the user's cache folder."""
    root = Path(os.environ["KOKO_CACHE"]) if os.environ.get("KOKO_CACHE") else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "koko-lod"
    return root / kind
