"""Stage 3, check: validate the graph against the SHACL shapes (Core and SPARQL rules) and
map every result back to the source line it came from."""
