"""Stage 2, graph: build the RDF graph from the records and write it as canonical
N-Triples, Turtle and JSON-LD."""
