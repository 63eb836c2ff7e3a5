"""The pipeline as one function per command: load -> build -> validate -> export."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from . import catalog, serialize
from .build import Built, build
from .config import Settings
from .errors import NonConformingError
from .export import write_output
from .load import Sources, load
from .pages import Site
from .site import render_site
from .validate import Report, ontology_text, report_turtle, shapes_text, validate
from .vocab import RDF

Progress = Callable[[str], None]

#: The published files a reader downloads (listed on the landing page).
DOWNLOADS = ("koko.ttl", "koko.jsonld", "koko.nt", "context.jsonld", "catalog.ttl", "catalog.jsonld",
             "void.ttl", "provenance.ttl", "ontology.ttl", "shapes.ttl", "validation.ttl")

OUTPUT_README = """\
# KOKO linked open data: published files

Written by `koko publish` (`make publish`); the whole folder is replaced on each run.
Do not edit these files: edit the sources in `data/` and publish again.

| file | what |
| --- | --- |
| `koko.ttl` | the graph in Turtle |
| `koko.nt` | the same graph in N-Triples (one triple a line, sorted) |
| `koko.jsonld` | the same graph in JSON-LD, compacted with `context.jsonld` (embedded) |
| `context.jsonld` | the JSON-LD context: short keys for web developers |
| `ontology.ttl` | the KOKO ontology (OWL; labels in fi, sv, en) |
| `shapes.ttl` | the SHACL shapes the graph was validated with |
| `validation.ttl` | the SHACL validation report of this release |
| `catalog.ttl`, `catalog.jsonld` | the DCAT-AP 3 catalogue record: one distribution per file, with size and SHA-256 |
| `void.ttl` | the VoID description: size, class and property partitions, dumps |
| `provenance.ttl` | PROV-O of the release: input files with SHA-256, software version, sources per statement group |
| `site/` | a static web site: an HTML page and Turtle, JSON-LD and N-Triples files for every IRI, with web-server configuration for content negotiation |
"""


@dataclass
class Outcome:
    sources: Sources
    built: Built
    report: Report
    nt: bytes = b""  # the graph as canonical N-Triples: distinct, sorted
    triples: list = field(default_factory=list)  # the same, parsed, in that order
    files: dict = field(default_factory=dict)  # name -> size in bytes
    timings: dict = field(default_factory=dict)

    @property
    def class_counts(self) -> Counter:
        return Counter(t.object.value for t in self.triples if t.predicate.value == RDF + "type")


def _quiet(_: str) -> None:
    pass


def check(settings: Settings, progress: Progress = _quiet, engine: str = "fast") -> Outcome:
    """Load, build and validate; raise on bad input, return the report either way."""
    timings = {}
    start = time.perf_counter()
    progress("load")
    sources = load(settings)
    timings["load"] = time.perf_counter() - start
    progress("build")
    start = time.perf_counter()
    built = build(sources)
    nt = serialize.canonical_nt(built.lines)
    built.lines.clear()  # the graph is held once, as canonical N-Triples
    timings["build"] = time.perf_counter() - start
    progress("validate")
    start = time.perf_counter()
    report = validate(built, nt, settings.base_iri, engine)
    timings["validate"] = time.perf_counter() - start
    return Outcome(sources, built, report, nt, timings=timings)


def render(outcome: Outcome, settings: Settings, site: bool = True) -> dict:
    """Every output file as bytes, by its name in the output folder."""
    base = settings.base_iri
    triples = outcome.triples = serialize.parse_nt(outcome.nt)
    files = {
        "koko.nt": outcome.nt,
        "koko.ttl": serialize.to_turtle(triples, base),
        "koko.jsonld": serialize.to_jsonld(triples, base),
        "context.jsonld": serialize.context_bytes(base),
        "ontology.ttl": ontology_text(base).encode("utf-8"),
        "shapes.ttl": shapes_text(base).encode("utf-8"),
        "validation.ttl": report_turtle(outcome.report, base),
        "README.md": OUTPUT_README.encode("utf-8"),
    }
    cat = serialize.canonical(catalog.catalogue(settings, files))
    files["catalog.ttl"] = serialize.to_turtle(cat, base)
    files["catalog.jsonld"] = serialize.to_jsonld(cat, base)
    files["void.ttl"] = serialize.to_turtle(serialize.canonical(catalog.void(settings, triples)), base)
    prov = catalog.provenance(settings, outcome.built, catalog.input_files(settings.data_dir))
    files["provenance.ttl"] = serialize.to_turtle(serialize.canonical(prov), base)
    if site:
        ontology = ox.parse(files["ontology.ttl"], format=ox.RdfFormat.TURTLE)
        pages = Site.from_triples(triples, ontology, settings, endpoint=settings.sparql_endpoint)
        files.update(render_site(pages, DOWNLOADS))
    return files


def publish(settings: Settings, out_dir: Path, progress: Progress = _quiet, engine: str = "fast",
            site: bool = True) -> Outcome:
    outcome = check(settings, progress, engine)
    if not outcome.report.conforms:
        raise NonConformingError(outcome.report)
    progress("export")
    start = time.perf_counter()
    files = render(outcome, settings, site)
    write_output(out_dir, files)
    outcome.files = {name: len(data) for name, data in files.items()}
    outcome.timings["export"] = time.perf_counter() - start
    return outcome
