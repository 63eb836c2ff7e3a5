"""Stage 5, release: one publication as a whole: staging folder, catalogue (DCAT-AP, VoID,
PROV-O), the static site, and the parallel run that writes them."""
