"""The naive way, for comparison: the same graph through rdflib and pySHACL's defaults.

Loads and builds the sources with the project's own code, puts every triple into an rdflib
Graph, validates it with pySHACL called with its default options, and writes Turtle,
JSON-LD and N-Triples with rdflib's own serializers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    from pyshacl import validate
    from rdflib import Graph

    from pipeline.check.validate import shapes_text
    from pipeline.graph.build import build
    from pipeline.sources.load import load
    from pipeline.sources.settings import load_settings

    settings = load_settings(args.data)
    built = build(load(settings))
    graph = Graph()
    graph.parse(data=b"\n".join(built.lines).decode("utf-8"), format="nt")
    shapes = Graph().parse(data=shapes_text(settings.base_iri), format="turtle")
    conforms, _, _ = validate(graph, shacl_graph=shapes)
    args.out.mkdir(parents=True, exist_ok=True)
    graph.serialize(args.out / "koko.ttl", format="turtle")
    graph.serialize(args.out / "koko.jsonld", format="json-ld")
    graph.serialize(args.out / "koko.nt", format="nt")
    print(f"{len(graph)} triples, conforms: {conforms}")


if __name__ == "__main__":
    main()
