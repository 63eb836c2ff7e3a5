"""`koko-geo.ttl`: each municipality's simplified boundary as GeoSPARQL, kept out of the main
dumps (it is most of their size) so that a GeoSPARQL store can load both."""

from __future__ import annotations

import pyoxigraph as ox

from ..config import Settings
from ..graph import serialize
from ..graph.vocab import GEO, RDF

FILE = "koko-geo.ttl"


def geo_turtle(settings: Settings, boundaries: dict) -> bytes:
    """Turtle of the boundaries (code -> WKT) of the municipalities the graph names."""
    triples = []
    for code, text in sorted(boundaries.items()):
        place = ox.NamedNode(f"{settings.id_base}municipality/{code}")
        geometry = ox.NamedNode(f"{settings.id_base}geometry/municipality-{code}")
        triples += [ox.Triple(place, ox.NamedNode(GEO + "hasGeometry"), geometry),
                    ox.Triple(geometry, ox.NamedNode(RDF + "type"), ox.NamedNode(GEO + "Geometry")),
                    ox.Triple(geometry, ox.NamedNode(GEO + "asWKT"),
                              ox.Literal("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> " + text,
                                         datatype=ox.NamedNode(GEO + "wktLiteral")))]
    return serialize.to_turtle(serialize.nt_of(triples), settings.base_iri, only_used=True)
