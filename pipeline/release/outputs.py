"""The files of a release: one list that the catalogue, the landing page, the output folder's
README, VoID and push-ckan all read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    name: str
    what: str  # one line for output/README.md
    media: str = ""
    file_type: str = ""  # the EU file type; a file that has one is a distribution in the catalogue
    title: str = ""  # the distribution's title and description in the catalogue (English)
    description: str = ""
    dump: bool = False  # the whole graph: a VoID data dump


OUTPUTS = (
    Output("koko.ttl", "the graph in Turtle", "text/turtle", "RDF_TURTLE", "KOKO graph (Turtle)",
           "The whole KOKO graph in Turtle.", dump=True),
    Output("koko.jsonld", "the same graph in JSON-LD, compacted with `context.jsonld` (embedded)", "application/ld+json",
           "JSON_LD", "KOKO graph (JSON-LD)", "The whole KOKO graph in JSON-LD, compacted with the published context.",
           dump=True),
    Output("koko.nt", "the same graph in N-Triples (one triple a line, sorted)", "application/n-triples",
           "RDF_N_TRIPLES", "KOKO graph (N-Triples)", "The whole KOKO graph in N-Triples, one sorted triple a line.",
           dump=True),
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
)

#: The files a reader downloads, in the order the landing page lists them.
DOWNLOADS = tuple(o.name for o in OUTPUTS)
#: The files that are distributions in the DCAT catalogue (and resources on a CKAN portal).
DISTRIBUTIONS = {o.name: o for o in OUTPUTS if o.file_type}
#: The whole graph, in each of its forms.
DUMPS = tuple(o.name for o in OUTPUTS if o.dump)


def readme() -> str:
    """output/README.md: what each file of the folder holds."""
    rows = "".join(f"| `{o.name}` | {o.what} |\n" for o in OUTPUTS)
    return ("# KOKO linked open data: published files\n\n"
            "Written by `koko publish` (`make publish`); the whole folder is replaced on each run.\n"
            "Do not edit these files: edit the sources in `data/` and publish again.\n\n"
            "| file | what |\n| --- | --- |\n" + rows
            + "| `site/` | a static web site: an HTML page and Turtle and JSON-LD files for every IRI of a kind with "
              "at most 5,000 things (`koko serve` answers for the larger kinds), with web-server configuration for "
              "content negotiation |\n")
