"""View models of the pages, read from the graph index: a thing's rows, types and referrers,
and the change list. The pages (web/pages.py) only put them into templates."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from ..graph.vocab import RDF
from .graph_index import GraphIndex


def thing(index: GraphIndex, iri: str, pairs: list | None = None) -> dict:
    """What a thing's page shows: its names, types, property rows and what refers to it.
    `pairs` are its (property, value) pairs when the index does not hold them."""
    pairs = index.out.get(iri, []) if pairs is None else pairs
    rows = [{"property": p, "href": index.href(p), "names": index.term_names(p),
             "objects": [value(index, o) for o in sorted(values, key=_sort_key)]}
            for p, values in _group(pairs) if p != RDF + "type"]
    types = [{"href": index.href(o.value), "names": index.term_names(o.value)}
             for p, o in sorted(pairs, key=lambda x: str(x[1])) if p == RDF + "type"]
    incoming = [{"href": index.href(s), "names": index.names(s), "property_names": index.term_names(p)}
                for s, p in sorted(index.inc.get(iri, [])) if not s.startswith(index.base + "id/statement/")]
    names = index.names(iri, pairs)
    return {"title": names, "names": names, "iri": iri, "local": index.href(iri), "types": types, "rows": rows,
            "incoming": incoming}


def value(index: GraphIndex, o) -> dict:
    """What the page shows for one value (see `value` in macros.html)."""
    if isinstance(o, ox.NamedNode):
        iri = o.value
        if iri.startswith(("mailto:", "tel:")):
            return {"kind": "contact", "href": iri, "text": iri.split(":", 1)[1]}
        if iri in index.out or iri in index.ontology or iri.startswith(index.base):
            return {"kind": "thing", **index.link(iri)}
        return {"kind": "link", "href": iri}
    return {"kind": "literal", "text": o.value, "lang": o.language}


def change_list(releases: list) -> list:
    """The changelog's entries: `releases` are release descriptions (archive.Release), newest first."""
    shown = []
    for i, r in enumerate(releases):
        current = i == 0
        shown.append({"version": r.version, "date": r.date, "triples": r.triples, "previous": r.previous,
                      "changes": r.changes,
                      "download": "/download/koko.nt" if current else f"/download/releases/{r.version}/koko.nt.gz",
                      "changeset": (("/download/changes.trig" if current else
                                     f"/download/releases/{r.version}/changes.trig") if r.previous else None)})
    return shown


def _group(pairs):
    grouped: dict = defaultdict(list)
    for p, o in pairs:
        grouped[p].append(o)
    return sorted(grouped.items())


def _sort_key(term) -> tuple:
    return (getattr(term, "language", "") or "", str(term))
