"""Stage 6, remote: services elsewhere: CKAN portals, SPARQL stores, Statistics Finland's
classification API, over one HTTP client with safe retries."""
