"""Stage 1, sources: read the files under data/ (YAML, CSV, the reference classification)
into typed records, each with the file, line and column it came from."""
