"""Stage 4, web: what consumers see of a graph: HTML pages from templates, per-IRI RDF,
content negotiation, SPARQL over the dumps and `koko serve`."""
