"""Settings of one run: where the sources are, the base IRI, the release date.

The values are read from `data/dataset.yaml` by `sources.settings` and handed down; this
module only holds them, so every stage can import it without reading any file."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

#: The base IRI the ontology and shapes files are written with. A dataset that sets another
#: base_iri gets them rewritten to it at publication.
DEFAULT_BASE_IRI = "https://w3id.org/koko-lod/"

#: What every run reads besides the sources: the ontology, the shapes and the example queries.
#: In a checkout, `pipeline/resources/` holds links to the top-level `ontology/`, `shapes/` and
#: `queries/` (the files a steward edits); a wheel carries copies of their files. Read through
#: importlib.resources, so an installed koko finds them wherever it is installed.
RESOURCES = resources.files("pipeline") / "resources"
ONTOLOGY_DIR = RESOURCES / "ontology"
SHAPES_DIR = RESOURCES / "shapes"
QUERIES_DIR = RESOURCES / "queries"

#: The languages the project publishes names and pages in, in the order pages show them.
LANGS = ("fi", "sv", "en")


@dataclass(frozen=True)
class Settings:
    data_dir: Path | None  # None for a release's own settings (sources/release_settings.py)
    base_iri: str = DEFAULT_BASE_IRI
    download_base: str = DEFAULT_BASE_IRI + "download/"
    release_date: dt.date = dt.date(2026, 1, 1)
    reference_date: dt.date = dt.date(2013, 1, 1)
    sparql_endpoint: str = ""
    templates: Path | None = None  # a steward's page templates, overriding the shipped ones
    shapes: Path | None = None  # a steward's folder of shapes, read after the shipped ones
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

    def with_shapes(self, folder: Path | None) -> "Settings":
        return self if folder is None else replace(self, shapes=folder)

    @property
    def reference_dir(self) -> Path:
        """The classification snapshot the sources are checked against (and its boundaries)."""
        return self.data_dir / "reference" / self.reference_date.isoformat()


def cache_dir(kind: str) -> Path:
    """Where koko keeps what it can compute again (checked shapes' plans, the drawn map):
    $KOKO_CACHE/<kind>, else the user's cache folder."""
    root = Path(os.environ["KOKO_CACHE"]) if os.environ.get("KOKO_CACHE") else \
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "koko-lod"
    return root / kind
