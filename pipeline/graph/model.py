"""The model the graph is written in, read once from the ontology: koko's own terms
(ontology/koko.ttl) and the terms it reuses from other vocabularies (ontology/reused.ttl).

What the outputs say about a term is derived from here and written nowhere else: its name
in the JSON-LD context and the coercion of its values, the datatype of a CSV column that
holds it, and its names in fi, sv and en on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from ..config import DEFAULT_BASE_IRI, LANGS, ONTOLOGY_DIR
from .vocab import KOKO_MODEL, OWL, RDF, RDFS, XSD

MODEL = KOKO_MODEL
KOKO_NS = DEFAULT_BASE_IRI + "def/koko#"

#: Datatypes JSON writes as they are (or as text): a term of one of these ranges needs no coercion.
_PLAIN_RANGES = {XSD + "string", XSD + "boolean", XSD + "integer", RDFS + "Literal"}
_PROPERTY_KINDS = {OWL + "ObjectProperty", OWL + "DatatypeProperty", RDF + "Property"}


@dataclass
class Term:
    """One term of the model, as the ontology states it (IRIs of koko's terms under the default base)."""

    iri: str
    kinds: set = field(default_factory=set)
    range: str | None = None
    json_name: str | None = None
    labels: dict = field(default_factory=dict)  # language -> name

    @property
    def is_property(self) -> bool:
        return bool(self.kinds & _PROPERTY_KINDS)

    @property
    def coercion(self) -> str | None:
        """How JSON-LD writes its values: "@id" for links, "@language" for a language map, an
        XSD datatype, or None for what JSON writes as it is."""
        if OWL + "ObjectProperty" in self.kinds:
            return "@id"
        if self.range == RDF + "langString":
            return "@language"
        return None if self.range is None or self.range in _PLAIN_RANGES else self.range

    @property
    def csv_datatype(self) -> str:
        """The CSVW datatype of a column of its literal values ("string" unless the range is an XSD type)."""
        if self.range and self.range.startswith(XSD):
            return self.range[len(XSD):]
        return "string"


@lru_cache(maxsize=1)
def terms() -> dict:
    """IRI -> Term of every term of the two files, in the files' order (koko's own first)."""
    found: dict = {}
    for name in ("koko.ttl", "reused.ttl"):
        for t in ox.parse((ONTOLOGY_DIR / name).read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=DEFAULT_BASE_IRI):
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s, p, o = t.subject.value, t.predicate.value, t.object
            if name == "koko.ttl" and not s.startswith(KOKO_NS):
                continue
            term = found.setdefault(s, Term(s))
            if p == RDF + "type":
                term.kinds.add(o.value)
            elif p == RDFS + "range":
                term.range = o.value
            elif p == MODEL + "jsonName":
                term.json_name = o.value
            elif p == RDFS + "label" and isinstance(o, ox.Literal) and o.language in LANGS:
                term.labels[o.language] = o.value
    for term in found.values():
        if term.iri.startswith(KOKO_NS) and term.is_property:
            term.json_name = term.iri[len(KOKO_NS):]
    return found


def term(iri: str, base_iri: str = DEFAULT_BASE_IRI) -> Term | None:
    """The Term of an IRI, koko's own under any base IRI."""
    own = base_iri + "def/koko#"
    if base_iri != DEFAULT_BASE_IRI and iri.startswith(own):
        iri = KOKO_NS + iri[len(own):]
    return terms().get(iri)


def json_terms(base_iri: str) -> dict:
    """name -> (IRI, coercion) of every term the JSON-LD context names, for this base IRI."""
    out = {}
    ordered = sorted(terms().values(), key=lambda t: t.iri.startswith(KOKO_NS))  # the reused first: koko's own win a name
    for t in ordered:
        if t.json_name is not None:
            iri = base_iri + "def/koko#" + t.iri[len(KOKO_NS):] if t.iri.startswith(KOKO_NS) else t.iri
            out[t.json_name] = (iri, t.coercion)
    return out


def labels(iri: str) -> dict | None:
    """language -> name of a reused term, when the model names it in every language."""
    t = terms().get(iri)
    if t is None or iri.startswith(KOKO_NS) or set(t.labels) != set(LANGS):
        return None
    return dict(t.labels)
