"""The published graph indexed for the pages: each thing's outgoing and incoming links, its
classes and its names, built once per publish (the static site) or per served release
(`koko serve`). The view models (summaries, maps, the rows of a page) are read from here;
the pages only render them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..config import LANGS, Settings
from ..graph import model
from ..graph.serialize import stretch_end
from ..graph.vocab import DCT, RDF, RDFS, SCHEMA, SKOS, VCARD

LABEL_PROPERTIES = (SKOS + "prefLabel", VCARD + "fn", DCT + "title", RDFS + "label", SCHEMA + "text")
#: A kind of thing (id/<kind>/) with more things than this gets no static pages: there are
#: too many files for a static host to be worth writing (at 100,000 funding decisions, some
#: 300,000), and `koko serve` answers for each of them from its store.
SITE_KIND_LIMIT = 5000


@dataclass
class GraphIndex:
    base: str  # the release's base IRI
    vocab: str  # koko's namespace under it
    out: dict = field(default_factory=lambda: defaultdict(list))  # subject -> [(p, o)]
    inc: dict = field(default_factory=lambda: defaultdict(list))  # object IRI -> [(s, p)]
    ontology: dict = field(default_factory=lambda: defaultdict(list))  # term -> [(p, o)]
    bulk: dict = field(default_factory=dict)  # kind -> number of things: kinds the index does not hold
    _names: dict = field(default_factory=dict)  # IRI -> its names, once worked out
    _types: dict = field(default_factory=dict)  # IRI -> its classes, once worked out

    @classmethod
    def from_nt(cls, nt: bytes, ontology_triples, settings: Settings, limit: int | None = None,
                part: tuple | None = None) -> "GraphIndex":
        """The index of a canonical (sorted) N-Triples graph, holding only the kinds of thing
        with at most `limit` things (`bulk` counts the others; see held). `part`: held's answer
        for `nt`, when the caller has it (a pass over a large graph's bytes spared)."""
        kept, bulk = part if part is not None else held(nt, settings, limit)
        index = cls.from_triples(ox.parse(kept, format=ox.RdfFormat.N_TRIPLES), ontology_triples, settings)
        index.bulk = bulk
        return index

    @classmethod
    def from_triples(cls, triples, ontology_triples, settings: Settings) -> "GraphIndex":
        index = cls(settings.base_iri, settings.vocab)
        for t in triples:
            index.add(t.subject, t.predicate, t.object)
        for t in ontology_triples:
            if isinstance(t.subject, ox.NamedNode):
                index.ontology[t.subject.value].append((t.predicate.value, t.object))
        return index

    def add(self, s, p, o) -> None:
        self.out[s.value].append((p.value, o))
        if isinstance(o, ox.NamedNode):
            self.inc[o.value].append((s.value, p.value))

    # -- IRIs and paths ------------------------------------------------------------------
    def things(self) -> list:
        """Every IRI of the graph under {base}id/, the ones that get a page."""
        return sorted(s for s in self.out if s.startswith(self.base + "id/"))

    def iri_for(self, path: str) -> str | None:
        iri = self.base + path.lstrip("/")
        return iri if iri in self.out and iri.startswith(self.base + "id/") else None

    def kind(self, iri: str) -> str:
        """The kind of a thing: the segment of its IRI after id/ (area, municipality, ...)."""
        return iri[len(self.base + "id/"):].split("/", 1)[0]

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            local = iri[len(self.base):]
            if local.startswith("def/koko#"):
                return "/def/koko#" + local.split("#", 1)[1]
            return "/" + local
        return iri

    def link(self, iri: str) -> dict:
        """What a page needs to link a thing: its path and its names."""
        return {"href": self.href(iri), "names": self.names(iri)}

    # -- what a thing is -----------------------------------------------------------------
    def types(self, iri: str) -> frozenset:
        """The classes of a thing in the graph (rdf:type), worked out once per thing."""
        known = self._types.get(iri)
        if known is None:
            known = self._types[iri] = frozenset(o.value for p, o in self.out.get(iri, []) if p == RDF + "type")
        return known

    def of_class(self, name: str) -> list:
        """The things of one of koko's classes, by name ("KokoArea")."""
        return [s for s in self.out if self.vocab + name in self.types(s)]

    def members_on(self, parent: str, date: str) -> list:
        """The member places of a sub-region or region on a classification date."""
        k = self.vocab
        out = []
        for m, p in self.inc.get(parent, []):
            if p == k + "parentPlace":
                own = dict(self.out.get(m, []))
                when, member = own.get(k + "classificationDate"), own.get(k + "memberPlace")
                if when is not None and member is not None and when.value == date:
                    out.append(member.value)
        return out

    # -- names ---------------------------------------------------------------------------
    def names(self, iri: str, pairs: list | None = None) -> dict:
        """Language -> name of a thing, every language filled (fi, then en, then sv, then any).
        A membership is named by what it means: its sub-region or region and its date."""
        if pairs is None:
            known = self._names.get(iri)
            if known is None:
                known = self._names[iri] = self._name(iri)
            return known
        return self._name(iri, pairs)

    def _name(self, iri: str, pairs: list | None = None) -> dict:
        if pairs is None and iri.startswith(self.base + "id/membership/"):
            own = dict(self.out.get(iri, []))
            parent, date = own.get(self.vocab + "parentPlace"), own.get(self.vocab + "classificationDate")
            if parent is not None and date is not None:
                member = self.names(own[self.vocab + "memberPlace"].value) if self.vocab + "memberPlace" in own else None
                parent_names = self.names(parent.value)
                return {lang: (f"{member[lang]} → " if member else "") + f"{parent_names[lang]}, {date.value}" for lang in LANGS}
        found: dict = {}
        for p in LABEL_PROPERTIES:
            for pred, o in (self.out.get(iri, []) if pairs is None else pairs) + self.ontology.get(iri, []):
                if pred == p and isinstance(o, ox.Literal):
                    found.setdefault(o.language or "", o.value)
            if found:
                break
        if not found:
            found = model.labels(iri) or {}
        if not found:
            notation = [o.value for p, o in (self.out.get(iri, []) if pairs is None else pairs) if p == SKOS + "notation"]
            found = {"": notation[0] if notation else _tail(iri)}
        best = [found.get(k) for k in ("fi", "en", "sv", "")] + list(found.values())
        fallback = next(v for v in best if v)
        return {lang: found.get(lang) or fallback for lang in LANGS}

    def term_names(self, iri: str) -> dict:
        """The names of a term of the model (a property or a class)."""
        return model.labels(iri) or self.names(iri)


def held(nt: bytes, settings: Settings, limit: int | None = None) -> tuple:
    """The part of a canonical (sorted) N-Triples graph that the index holds: the lines of
    all but the kinds of thing with more than `limit` things (SITE_KIND_LIMIT), and the kind
    -> number of things of those. Sorted by subject, each kind's lines are one stretch of the
    bytes, so the large kinds are cut out without reading their lines; what they refer to is
    not listed under "Referenced by" (SPARQL finds it)."""
    limit = SITE_KIND_LIMIT if limit is None else limit
    id_base = (settings.base_iri + "id/").encode()
    typed = b"> <" + RDF.encode() + b"type> "
    kinds, big, kept, pos, start = {}, set(), [], 0, 0
    head = re.compile(rb"<" + re.escape(id_base) + rb"([^/>]+)/")
    while pos < len(nt):  # one kind's stretch at a time: a binary search for its end, no line loop
        match = head.match(nt, pos)
        if match is None:
            pos = nt.find(b"\n", pos) + 1 or len(nt)
            continue
        kind = match.group(1)
        end = stretch_end(nt, b"<" + id_base + kind + b"/", pos)
        kinds[kind] = nt.count(typed, pos, end)  # things, near enough: a thing has one type or two
        if kinds[kind] > limit:
            big.add(kind)
            kept.append(nt[start:pos])
            start = end
        pos = end
    kept.append(nt[start:])
    return b"".join(kept), {k.decode(): kinds[k] for k in sorted(big)}


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri
