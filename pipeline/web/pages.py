"""HTML pages and per-IRI RDF for every thing in the published graph.

One renderer serves `koko serve` and the static site. A page carries its text in Finnish,
Swedish and English; the reader's language (Accept-Language, ?lang=, or the switch) is shown
and the others hidden by CSS, so a static copy needs no server to switch languages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import LANGS, QUERIES_DIR, Settings
from ..graph import model, serialize
from ..graph.vocab import DCT, OWL, RDF, RDFS, SCHEMA, SKOS, VCARD, XSD
from . import maps
from .labels import UI
from .query import with_prologue
from .summaries import Summaries
from .templating import Templates

LABEL_PROPERTIES = (SKOS + "prefLabel", VCARD + "fn", DCT + "title", RDFS + "label", SCHEMA + "text")
#: A kind of thing (id/<kind>/) with more things than this gets no static pages: there are
#: too many files for a static host to be worth writing (at 100,000 funding decisions, some
#: 300,000), and `koko serve` answers for each of them from its store.
SITE_KIND_LIMIT = 5000
#: The RDF forms of one thing's page: suffix and media type, and the link's label.
ALTERNATES = (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"))
RDF_LABELS = ("Turtle", "JSON-LD", "N-Triples")


def example_queries() -> list:
    """The example queries koko ships (queries/*.rq), by name."""
    return sorted((p for p in QUERIES_DIR.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)


@dataclass
class Site:
    settings: Settings
    out: dict = field(default_factory=lambda: defaultdict(list))  # subject -> [(p, o)]
    inc: dict = field(default_factory=lambda: defaultdict(list))  # object IRI -> [(s, p)]
    ontology: dict = field(default_factory=lambda: defaultdict(list))  # term -> [(p, o)]
    endpoint: str = "/sparql"
    templates: Templates = field(default=None)  # the shipped templates unless a steward's are given
    bulk: dict = field(default_factory=dict)  # kind -> number of things: kinds without static pages
    boundaries: dict = field(default_factory=dict)  # code -> WKT of the municipalities the maps draw
    _names: dict = field(default_factory=dict)  # IRI -> its names, once worked out
    _types: dict = field(default_factory=dict)  # IRI -> its classes, once worked out
    _summaries: Summaries | None = None

    def __post_init__(self):
        if self.templates is None:
            self.templates = Templates(self.settings.templates)

    @classmethod
    def from_output(cls, out_dir: Path, settings: Settings, boundaries: dict, endpoint: str = "/sparql") -> "Site":
        return cls.from_nt((out_dir / "koko.nt").read_bytes(),
                           ox.parse(path=str(out_dir / "ontology.ttl"), format=ox.RdfFormat.TURTLE),
                           settings, endpoint, boundaries=boundaries)

    @classmethod
    def from_nt(cls, nt: bytes, ontology_triples, settings: Settings, endpoint: str = "/sparql",
                limit: int | None = None, templates: Templates | None = None, boundaries: dict | None = None) -> "Site":
        """The site of a canonical (sorted) N-Triples graph, holding only the kinds of thing
        with at most `limit` things (`bulk` counts the others). Sorted by subject, each kind's
        lines are one stretch of the bytes, so the large kinds are cut out without reading their
        lines; what they refer to is not listed under "Referenced by" (SPARQL finds it)."""
        limit = SITE_KIND_LIMIT if limit is None else limit
        id_base = (settings.base_iri + "id/").encode()
        typed = b"> <" + RDF.encode() + b"type> "
        kinds, big, kept, pos, start = {}, set(), [], 0, 0
        head = re.compile(rb"<" + re.escape(id_base) + rb"([^/>]+)/")
        while pos < len(nt):  # one kind's stretch at a time: a find for its last line, no line loop
            match = head.match(nt, pos)
            if match is None:
                pos = nt.find(b"\n", pos) + 1 or len(nt)
                continue
            kind = match.group(1)
            last = nt.rfind(b"\n<" + id_base + kind + b"/")
            end = nt.find(b"\n", max(last + 1, pos)) + 1 or len(nt)
            kinds[kind] = nt.count(typed, pos, end)  # things, near enough: a thing has one type or two
            if kinds[kind] > limit:
                big.add(kind)
                kept.append(nt[start:pos])
                start = end
            pos = end
        kept.append(nt[start:])
        site = cls.from_triples(ox.parse(b"".join(kept), format=ox.RdfFormat.N_TRIPLES), ontology_triples, settings,
                                endpoint, templates, boundaries)
        site.bulk = {k.decode(): kinds[k] for k in sorted(big)}
        return site

    @classmethod
    def from_triples(cls, triples, ontology_triples, settings: Settings, endpoint: str = "/sparql",
                     templates: Templates | None = None, boundaries: dict | None = None) -> "Site":
        site = cls(settings, endpoint=endpoint, templates=templates, boundaries=boundaries or {})
        for t in triples:
            site.add(t.subject, t.predicate, t.object)
        for t in ontology_triples:
            if isinstance(t.subject, ox.NamedNode):
                site.ontology[t.subject.value].append((t.predicate.value, t.object))
        return site

    def add(self, s, p, o) -> None:
        self.out[s.value].append((p.value, o))
        if isinstance(o, ox.NamedNode):
            self.inc[o.value].append((s.value, p.value))

    # -- IRIs and paths ------------------------------------------------------------------
    @property
    def base(self) -> str:
        return self.settings.base_iri

    def things(self) -> list:
        """Every IRI of the graph under {base}id/, the ones that get a page."""
        return sorted(s for s in self.out if s.startswith(self.base + "id/"))

    def iri_for(self, path: str) -> str | None:
        iri = self.base + path.lstrip("/")
        return iri if iri in self.out and iri.startswith(self.base + "id/") else None

    def href(self, iri: str) -> str:
        if iri.startswith(self.base):
            local = iri[len(self.base):]
            if local.startswith("def/koko#"):
                return "/def/koko#" + local.split("#", 1)[1]
            return "/" + local
        return iri

    # -- labels --------------------------------------------------------------------------
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
            parent, date = own.get(self.settings.vocab + "parentPlace"), own.get(self.settings.vocab + "classificationDate")
            if parent is not None and date is not None:
                member = self.names(own[self.settings.vocab + "memberPlace"].value) if self.settings.vocab + "memberPlace" in own else None
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
        return model.labels(iri) or self.names(iri)

    # -- pages ---------------------------------------------------------------------------
    def render(self, template: str, lang: str, fixed: bool, **context) -> str:
        return self.templates.render(template, lang=lang, fixed=fixed, endpoint=self.endpoint, **context)

    def map_svg(self) -> bytes:
        return maps.cached_svg(self.boundaries, {code: self.names(f"{self.base}id/municipality/{code}")["fi"]
                                                 for code in self.boundaries})

    def page_map(self, iri: str, lang: str) -> dict | None:
        """The inline map of a municipality's or an area's page: its municipalities highlighted,
        and for a municipality the rest of its KOKO area shaded."""
        if not self.boundaries:
            return None
        reference = self.settings.reference_date.isoformat()
        codes = [c for c in maps.municipality_codes(self, iri, reference) if c in self.boundaries]
        if not codes:
            return None
        soft = set()
        for area in self.summaries.areas_of(iri) if self.settings.vocab + "Municipality" in self.types(iri) else []:
            soft |= set(maps.municipality_codes(self, area, reference))
        names = self.names(iri)
        return {"hl": codes, "soft": sorted(c for c in soft - set(codes) if c in self.boundaries),
                "title": {lang: f"{UI['map'][lang]}: {names[lang]}" for lang in LANGS}}

    def members_on(self, parent: str, date: str) -> list:
        """The member places of a sub-region or region on a classification date."""
        k = self.settings.vocab
        out = []
        for m, p in self.inc.get(parent, []):
            if p == k + "parentPlace":
                own = dict(self.out.get(m, []))
                when, member = own.get(k + "classificationDate"), own.get(k + "memberPlace")
                if when is not None and member is not None and when.value == date:
                    out.append(member.value)
        return out

    def types(self, iri: str) -> frozenset:
        """The classes of a thing in the graph (rdf:type), worked out once per thing."""
        known = self._types.get(iri)
        if known is None:
            known = self._types[iri] = frozenset(o.value for p, o in self.out.get(iri, []) if p == RDF + "type")
        return known

    @property
    def summaries(self) -> Summaries:
        """The summaries above the triples, one builder for the whole site."""
        if self._summaries is None:
            self._summaries = Summaries(self)
        return self._summaries

    def landing_map(self) -> list:
        """[{href, names, colour, codes}] of every KOKO area with a drawn member."""
        if not self.boundaries:
            return []
        reference = self.settings.reference_date.isoformat()
        areas = sorted((s for s in self.out if self.settings.vocab + "KokoArea" in self.types(s)),
                       key=lambda a: self.names(a)["fi"])
        out = []
        for area in areas:
            codes = [c for c in maps.municipality_codes(self, area, reference) if c in self.boundaries]
            if codes:
                out.append({"href": self.href(area), "names": self.names(area), "codes": codes,
                            "colour": maps.PALETTE[len(out) % len(maps.PALETTE)]})
        return out

    def page(self, iri: str, lang: str = "fi", fixed: bool = False, pairs: list | None = None) -> str:
        """A thing's page; `pairs` its (property, value) pairs when the site does not hold them."""
        held = pairs is None  # a thing of a kind the site holds: its neighbours are here for the summary
        pairs = self.out.get(iri, []) if pairs is None else pairs
        rows = [{"property": p, "href": self.href(p), "names": self.term_names(p),
                 "objects": [self.value(o) for o in sorted(values, key=_sort_key)]}
                for p, values in _group(pairs) if p != RDF + "type"]
        types = [{"href": self.href(o.value), "names": self.term_names(o.value)}
                 for p, o in sorted(pairs, key=lambda x: str(x[1])) if p == RDF + "type"]
        incoming = [{"href": self.href(s), "names": self.names(s), "property_names": self.term_names(p)}
                    for s, p in sorted(self.inc.get(iri, [])) if not s.startswith(self.base + "id/statement/")]
        names = self.names(iri, pairs)
        return self.render("page.html", lang, fixed, title=names, names=names, iri=iri, local=self.href(iri),
                           types=types, rows=rows, incoming=incoming, alternates=ALTERNATES,
                           summary=self.summaries.of(iri) if held else [], map=self.page_map(iri, lang),
                           downloads=[(ext, media, label) for (ext, media), label in zip(ALTERNATES, RDF_LABELS)])

    def value(self, o) -> dict:
        """What the page shows for one value (see `value` in macros.html)."""
        if isinstance(o, ox.NamedNode):
            iri = o.value
            if iri.startswith(("mailto:", "tel:")):
                return {"kind": "contact", "href": iri, "text": iri.split(":", 1)[1]}
            if iri in self.out or iri in self.ontology or iri.startswith(self.base):
                return {"kind": "thing", "href": self.href(iri), "names": self.names(iri)}
            return {"kind": "link", "href": iri}
        return {"kind": "literal", "text": o.value, "lang": o.language}

    def rdf(self, iri: str, fmt: str, pairs: list | None = None) -> bytes:
        pairs = self.out.get(iri, []) if pairs is None else pairs
        nt = serialize.nt_of([ox.Triple(ox.NamedNode(iri), ox.NamedNode(p), o) for p, o in pairs])
        if fmt == "ttl":
            return serialize.to_turtle(nt, self.base, only_used=True)
        if fmt == "nt":
            return nt
        return serialize.to_jsonld(nt, self.base, context_url=self.settings.download_base + "context.jsonld")

    # -- landing, query and vocabulary pages -----------------------------------------------
    def landing(self, lang: str = "fi", fixed: bool = False, downloads: tuple = ()) -> str:
        cat = self.settings.catalogue
        programme = self.base + "id/programme/koko"
        return self.render("landing.html", lang, fixed, title=cat["title"], catalogue=cat, downloads=downloads,
                           bulk=self.bulk, areas_map=self.landing_map(),
                           programme={"href": self.href(programme), "names": self.names(programme)},
                           examples=[self.example(path) for path in example_queries()])

    def example(self, path) -> dict:
        """An example query of queries/ (a file or a package resource): its comment lines say what it answers."""
        text = path.read_text(encoding="utf-8")
        comment = " ".join(line[1:].strip() for line in text.splitlines() if line.startswith("#"))
        body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        return _query(path.name.removesuffix(".rq"), with_prologue(body, self.base), comment)

    def query_page(self, lang: str = "fi", fixed: bool = False, limits: list = ()) -> str:
        """The query page; `limits` the endpoint's stated limits, (ontology term, value)."""
        start = _query("free", "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")
        ns = self.base + "def/koko#"
        stated = [{"names": self.names(ns + term), "value": f"{value:,}".replace(",", "\u202f")} for term, value in limits]
        return self.render("query.html", lang, fixed, title=UI["query"], start=start, limits=stated)

    # -- releases and withdrawn IRIs -----------------------------------------------------
    def changes_page(self, releases: list, lang: str = "fi", fixed: bool = False) -> str:
        """The changelog: `releases` are release descriptions (archive.Release), newest first."""
        shown = []
        for i, r in enumerate(releases):
            current = i == 0
            shown.append({"version": r.version, "date": r.date, "triples": r.triples, "previous": r.previous,
                          "changes": r.changes,
                          "download": "/download/koko.nt" if current else f"/download/releases/{r.version}/koko.nt.gz",
                          "changeset": (("/download/changes.trig" if current else
                                         f"/download/releases/{r.version}/changes.trig") if r.previous else None)})
        return self.render("changes.html", lang, fixed, title=UI["changes"], releases=shown)

    def gone_page(self, iri: str, info: dict, lang: str = "fi", fixed: bool = False) -> str:
        """The page of an IRI an earlier release had: when it went, where its last data is."""
        new = info.get("replaced_by")
        replaced = {"href": self.href(new), "names": self.names(new)} if new else None
        return self.render("gone.html", lang, fixed, title=UI["gone"], iri=iri, info=info, replaced_by=replaced,
                           last_download=f"/download/releases/{info['last']}/koko.nt.gz")

    def gone_rdf(self, iri: str, info: dict, fmt: str) -> bytes:
        s = ox.NamedNode(iri)
        triples = [ox.Triple(s, ox.NamedNode(OWL + "deprecated"), ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
                   ox.Triple(s, ox.NamedNode(RDFS + "seeAlso"),
                             ox.NamedNode(f"{self.settings.download_base}releases/{info['last']}/koko.nt.gz"))]
        if info.get("replaced_by"):
            triples.append(ox.Triple(s, ox.NamedNode(DCT + "isReplacedBy"), ox.NamedNode(info["replaced_by"])))
        if info.get("reason"):
            triples.append(ox.Triple(s, ox.NamedNode(SKOS + "changeNote"), ox.Literal(info["reason"])))
        return self.rdf(iri, fmt, [(t.predicate.value, t.object) for t in triples])

    def ontology_page(self, lang: str = "fi", fixed: bool = False) -> str:
        ns = self.base + "def/koko#"
        properties = {OWL + "ObjectProperty", OWL + "DatatypeProperty"}
        sections = {"classes": [], "properties": []}
        for term in sorted(t for t in self.ontology if t.startswith(ns)):
            types = {o.value for p, o in self.ontology[term] if p == RDF + "type"}
            key = "classes" if OWL + "Class" in types else "properties" if types & properties else None
            if key is None:
                continue
            comments = {o.language: o.value for p, o in self.ontology[term] if p == RDFS + "comment"}
            sections[key].append({
                "local": term[len(ns):], "names": self.names(term),
                "comments": {lang: comments.get(lang, "") for lang in LANGS},
                "parents": [o.value for p, o in self.ontology[term] if p in (RDFS + "subClassOf", RDFS + "subPropertyOf")],
            })
        title = self.names(self.base + "def/koko")
        return self.render("vocabulary.html", lang, fixed, title=title, namespace=ns,
                           sections=[{"key": key, "terms": terms} for key, terms in sections.items()])


def _query(name: str, text: str, comment: str = "") -> dict:
    return {"name": name, "text": text, "comment": comment, "rows": min(14, text.count("\n") + 2)}


def _group(pairs):
    grouped: dict = defaultdict(list)
    for p, o in pairs:
        grouped[p].append(o)
    return sorted(grouped.items())


def _sort_key(term) -> tuple:
    return (getattr(term, "language", "") or "", str(term))


def _tail(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/"))[-1] or iri
