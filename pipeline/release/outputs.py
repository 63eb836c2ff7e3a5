"""The files of a release: one list that the catalogue, the landing page, the output folder's
README, VoID and push-ckan all read."""

from __future__ import annotations

from dataclasses import dataclass

from .tables import METADATA, SPECS


@dataclass(frozen=True)
class Output:
    name: str
    what: str  # one line for output/README.md
    media: str = ""
    file_type: str = ""  # the EU file type; a file that has one is a distribution in the catalogue
    title: str = ""  # the distribution's title and description in the catalogue (English)
    description: str = ""
    dump: bool = False  # the whole graph: a VoID data dump
    optional: bool = False  # not in every release (the first has no change set)
    licence: str = ""  # the file's own licence (an EU licence authority code), where not the dataset's


OUTPUTS = (
    Output("koko.ttl", "the graph in Turtle", "text/turtle", "RDF_TURTLE", "KOKO graph (Turtle)",
           "The whole KOKO graph in Turtle.", dump=True),
    Output("koko.jsonld", "the same graph in JSON-LD, compacted with `context.jsonld` (embedded)", "application/ld+json",
           "JSON_LD", "KOKO graph (JSON-LD)", "The whole KOKO graph in JSON-LD, compacted with the published context.",
           dump=True),
    Output("koko.nt", "the same graph in N-Triples (one triple a line, sorted)", "application/n-triples",
           "RDF_N_TRIPLES", "KOKO graph (N-Triples)", "The whole KOKO graph in N-Triples, one sorted triple a line.",
           dump=True),
    Output("koko-geo.ttl", "simplified municipal boundaries (2013) as GeoSPARQL geo:hasGeometry / geo:asWKT, apart from the "
           "main graph; MIT licence (mapcolorizer project)", "text/turtle", "RDF_TURTLE",
           "KOKO municipal boundaries (GeoSPARQL, Turtle)",
           "Simplified boundaries of the 2013 municipalities as GeoSPARQL WKT, from the mapcolorizer project (MIT licence).",
           optional=True, licence="MIT"),
    Output("context.jsonld", "the JSON-LD context: short keys for web developers", "application/ld+json"),
    Output("catalog.ttl", "the DCAT-AP 3 catalogue record: one distribution per file, with size and SHA-256",
           "text/turtle"),
    Output("catalog.jsonld", "the same catalogue record in JSON-LD", "application/ld+json"),
    Output("void.ttl", "the VoID description: size, class and property partitions, dumps", "text/turtle"),
    Output("provenance.ttl", "PROV-O of the release: input files with SHA-256, software version, sources per statement group",
           "text/turtle"),
    Output("ontology.ttl", "the KOKO ontology (OWL; labels in fi, sv, en)", "text/turtle", "RDF_TURTLE",
           "KOKO ontology (Turtle)", "The OWL ontology of the terms the graph defines, with labels in fi, sv and en."),
    Output("shapes.ttl", "the SHACL shapes the graph was validated with", "text/turtle", "RDF_TURTLE",
           "KOKO SHACL shapes (Turtle)", "The SHACL shapes the graph is validated with."),
    Output("validation.ttl", "the SHACL validation report of this release", "text/turtle"),
    Output("changes.trig", "what changed since the release before: TriG with a `removed` and an `added` graph",
           "application/trig", "RDF_TRIG", "KOKO graph: changes since the previous release (TriG)",
           "The triples removed and added since the previous release, in two named graphs.", optional=True),
    *(Output(spec.file, f"a table for spreadsheets: {spec.title.lower()} (UTF-8 CSV, described in `koko.csv-metadata.json`)",
             "text/csv", "CSV", f"KOKO table: {spec.title} (CSV)",
             f"{spec.title}, one row a thing, UTF-8 CSV with a header; columns and their mapping to the graph in koko.csv-metadata.json.")
      for spec in SPECS),
    Output(METADATA, "the CSV on the Web (W3C CSVW) description of the tables: columns, datatypes, keys, and how each row "
           "maps to the graph's IRIs", "application/csvm+json", "JSON", "KOKO tables: CSVW metadata",
           "The W3C CSV on the Web metadata of the CSV tables: columns, datatypes, keys and the mapping of each row to the graph."),
    Output("release.json", "this release: its version, date, counts per class, the release it follows, its changes",
           "application/json"),
    Output("withdrawn.json", "IRIs earlier releases had and this one has not: when, and what replaced them",
           "application/json"),
)

#: The files a reader downloads, in the order the landing page lists them.
DOWNLOADS = tuple(o.name for o in OUTPUTS)
#: The files that are distributions in the DCAT catalogue (and resources on a CKAN portal).
DISTRIBUTIONS = {o.name: o for o in OUTPUTS if o.file_type}
def present(written) -> tuple:
    """The downloads of a release whose files are `written` (names): the optional ones only
    when this release has them."""
    return tuple(o.name for o in OUTPUTS if not o.optional or o.name in written)


#: The whole graph, in each of its forms.
DUMPS = tuple(o.name for o in OUTPUTS if o.dump)


def readme() -> str:
    """output/README.md: what each file of the folder holds."""
    rows = "".join(f"| `{o.name}` | {o.what} |\n" for o in OUTPUTS)
    return ("# KOKO linked open data: published files\n\n"
            "Written by `koko publish` (`make publish`); the whole folder is replaced on each run.\n"
            "Do not edit these files: edit the sources in `data/` and publish again.\n\n"
            "| file | what |\n| --- | --- |\n" + rows
            + "| `site/` | a static web site: an HTML page and Turtle, JSON-LD and N-Triples files for every IRI of a kind with "
              "at most 5,000 things (`koko serve` answers for the larger kinds), with web-server configuration for "
              "content negotiation |\n"
            + "| `releases/` | the earlier releases, one folder each: the graph (`koko.nt.gz`), its catalogue record, "
              "`release.json`, its change set and withdrawn IRIs |\n"
            + "| `serving/` | what `koko serve --out`, `koko query`, `push-store` and `push-ckan` read of this release, so "
              "that a copy of this folder serves on its own: the settings it was published with (`settings.json`), the "
              "municipal boundaries its maps are drawn from (with their licence) and the page templates |\n")
