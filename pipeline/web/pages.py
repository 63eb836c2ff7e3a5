"""HTML pages and per-IRI RDF for every thing in the published graph.

One renderer serves `koko serve` and the static site. A page carries its text in Finnish,
Swedish and English; the reader's language (Accept-Language, ?lang=, or the switch) is shown
and the others hidden by CSS, so a static copy needs no server to switch languages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

from .. import i18n
from ..config import LANGS, QUERIES_DIR, Settings
from ..graph import serialize
from ..graph.vocab import DCT, OWL, RDF, RDFS, SKOS, XSD, prefixes
from . import maps, views
from .graph_index import GraphIndex
from .labels import UI
from .lists import SORTS, KindLists
from .query import with_prologue
from .search import MAX_HITS, MAX_QUERY, SearchIndex, fold
from .summaries import Summaries
from .templating import Templates
from .vendor import VENDOR_PATH

#: The RDF forms of one thing's page: suffix and media type, and the link's label.
ALTERNATES = (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"))
RDF_LABELS = ("Turtle", "JSON-LD", "N-Triples")


_TITLE = re.compile(r"#(fi|sv|en):(.*)")


def example_queries() -> list:
    """The example queries koko ships (queries/*.rq), by name."""
    return sorted((p for p in QUERIES_DIR.iterdir() if p.name.endswith(".rq")), key=lambda p: p.name)


@dataclass
class Site:
    """The renderer of the pages: each page's view model comes from the index and the view
    builders (views, summaries, maps); a page method fills a template with it."""

    settings: Settings
    index: GraphIndex
    endpoint: str = "/sparql"
    templates: Templates = field(default=None)  # the shipped templates unless a steward's are given
    boundaries: dict = field(default_factory=dict)  # code -> WKT of the municipalities the maps draw
    served: bool = False  # koko serve: the large kinds are listed from its store
    _summaries: Summaries | None = None
    _search: SearchIndex | None = None
    _lists: KindLists | None = None

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
                limit: int | None = None, templates: Templates | None = None, boundaries: dict | None = None,
                part: tuple | None = None) -> "Site":
        """The site of a canonical N-Triples graph (see GraphIndex.from_nt for the kinds it
        holds, and for `part`)."""
        return cls(settings, GraphIndex.from_nt(nt, ontology_triples, settings, limit, part), endpoint, templates,
                   boundaries or {})

    @classmethod
    def from_triples(cls, triples, ontology_triples, settings: Settings, endpoint: str = "/sparql",
                     templates: Templates | None = None, boundaries: dict | None = None) -> "Site":
        return cls(settings, GraphIndex.from_triples(triples, ontology_triples, settings), endpoint, templates,
                   boundaries or {})

    @property
    def base(self) -> str:
        return self.settings.base_iri

    def render(self, template: str, lang: str, fixed: bool, **context) -> str:
        return self.templates.render(template, lang=lang, fixed=fixed, endpoint=self.endpoint, **context)

    @property
    def summaries(self) -> Summaries:
        """The summaries above the triples, one builder for the whole site."""
        if self._summaries is None:
            self._summaries = Summaries(self.index, self.settings.reference_date.isoformat())
        return self._summaries

    def map_svg(self) -> bytes:
        return maps.cached_svg(self.boundaries, {code: self.index.names(f"{self.base}id/municipality/{code}")["fi"]
                                                 for code in self.boundaries})

    # -- pages ---------------------------------------------------------------------------
    def page(self, iri: str, lang: str = "fi", fixed: bool = False, pairs: list | None = None) -> str:
        """A thing's page; `pairs` its (property, value) pairs when the site does not hold them."""
        held = pairs is None  # a thing of a kind the site holds: its neighbours are here for the summary
        view = views.thing(self.index, iri, pairs)
        reference = self.settings.reference_date.isoformat()
        return self.render("page.html", lang, fixed, **view, alternates=ALTERNATES,
                           summary=self.summaries.of(iri) if held else [],
                           map=maps.page_map(self.index, self.summaries, self.boundaries, reference, iri),
                           downloads=[(ext, media, label) for (ext, media), label in zip(ALTERNATES, RDF_LABELS)])

    def rdf(self, iri: str, fmt: str, pairs: list | None = None, nt: bytes | None = None) -> bytes:
        """A thing's triples in `fmt` (ttl, jsonld or nt); `nt`: them as N-Triples, already made."""
        if nt is None:
            pairs = self.index.out.get(iri, []) if pairs is None else pairs
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
        held = self.lists.kinds()
        kinds = [{"kind": kind, "count": count, "names": self.lists.names_of_kind(kind),
                  "href": f"/id/{kind}/" if kind in held or self.served else None}
                 for kind, count in sorted(self.lists.counts().items())]
        return self.render("landing.html", lang, fixed, title=cat["title"], catalogue=cat, downloads=downloads,
                           bulk=self.index.bulk, kinds=kinds,
                           areas_map=maps.landing_map(self.index, self.boundaries, self.settings.reference_date.isoformat()),
                           programme=self.index.link(programme),
                           examples=[self.example(path) for path in example_queries()])

    def example(self, path) -> dict:
        """An example query of queries/ (a file or a package resource): its `#fi:`, `#sv:` and
        `#en:` lines are its title, the question it answers; its other comment lines say more."""
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        titles = {m.group(1): m.group(2).strip() for m in (_TITLE.match(line) for line in lines) if m}
        comment = " ".join(line[1:].strip() for line in lines if line.startswith("#") and not _TITLE.match(line))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        query = _query(path.name.removesuffix(".rq"), with_prologue(body, self.base), comment)
        query["titles"] = {lang: titles.get(lang) or comment for lang in LANGS}
        return query

    def query_page(self, lang: str = "fi", fixed: bool = False, limits: list = ()) -> str:
        """The query page; `limits` the endpoint's stated limits, (ontology term, value)."""
        start = _query("free", "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")
        ns = self.base + "def/koko#"
        stated = [{"names": self.index.names(ns + term), "value": {lang: i18n.number(value, lang=lang) for lang in LANGS}}
                  for term, value in limits]
        examples = [self.example(path) for path in example_queries()]
        return self.render("query.html", lang, fixed, title=UI["query"], start=start, limits=stated,
                           examples=examples, examples_json={q["name"]: q["text"] for q in examples},
                           editor={"endpoint": self.endpoint or "", "base": self.base,
                                   "prefixes": prefixes(self.base), "vendor": VENDOR_PATH})

    # -- releases and withdrawn IRIs -----------------------------------------------------
    def changes_page(self, releases: list, lang: str = "fi", fixed: bool = False) -> str:
        """The changelog: `releases` are release descriptions (archive.Release), newest first."""
        return self.render("changes.html", lang, fixed, title=UI["changes"], releases=views.change_list(releases))

    def gone_page(self, iri: str, info: dict, lang: str = "fi", fixed: bool = False) -> str:
        """The page of an IRI an earlier release had: when it went, where its last data is."""
        new = info.get("replaced_by")
        replaced = self.index.link(new) if new else None
        return self.render("gone.html", lang, fixed, title=UI["gone"], iri=iri, info=info, replaced_by=replaced,
                           last_download=f"/download/releases/{info['last']}/koko.nt.gz")

    # -- search and errors ---------------------------------------------------------------
    def hits(self, query: str, limit: int = MAX_HITS) -> tuple[list, bool]:
        """The view of a search: each hit's link, names and kind; and whether there were more."""
        found = self.search.search(query, limit + 1)
        return [{**self.index.link(h.iri), "iri": h.iri, "kind_key": h.kind, "kind": self.lists.names_of_kind(h.kind)}
                for h in found[:limit]], len(found) > limit

    def search_page(self, query: str, lang: str = "fi", fixed: bool = False) -> str:
        hits, more = self.hits(query) if query else ([], False)
        # the large kinds are not in the index: their lists, from the store, filter by key
        bulk = [{"kind": kind, "count": count, "names": self.index.term_names(self.vocab_class(kind)),
                 "href": f"/id/{kind}/?" + urlencode({"q": query})}
                for kind, count in self.index.bulk.items()] if query and self.served else []
        return self.render("search.html", lang, fixed, title=UI["search"], query=query, hits=hits, more=more,
                           max_query=MAX_QUERY, static=False, bulk=bulk)

    @property
    def search(self) -> SearchIndex:
        if self._search is None:
            self._search = SearchIndex(self.index)
        return self._search

    def search_script(self) -> bytes:
        """The static site's search index, as a script that the search page loads beside it."""
        payload = self.search.payload({kind: self.lists.names_of_kind(kind) for kind in self.lists.kinds()})
        return b"window.KOKO_SEARCH=" + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b";\n"

    def static_search_page(self, lang: str = "fi") -> str:
        """The static site's search page: its script searches the index file in the browser."""
        return self.render("search.html", lang, False, title=UI["search"], query="", hits=[], more=False,
                           max_query=MAX_QUERY, static=True)

    @property
    def lists(self) -> KindLists:
        if self._lists is None:
            self._lists = KindLists(self.index)
        return self._lists

    def vocab_class(self, kind: str) -> str:
        """The class of a large kind's things, by the model's naming (decision -> koko:Decision)."""
        return self.settings.vocab + "".join(part.capitalize() for part in kind.split("-"))

    def kind_page(self, kind: str, listing: dict, lang: str = "fi", fixed: bool = False, query: str = "",
                  sort: str = "name", served: bool = False) -> str:
        """The list of a kind's things: one page of `listing` (lists.KindLists.page), with the
        filter (in the page's script; served, also by the server), the sort and the pages."""
        for item in listing["items"]:
            item["folded"] = fold(" ".join([item["key"], *item["names"].values()]))

        def link(number: int) -> str:
            return urlencode({k: v for k, v in (("q", query), ("sort", sort if sort != "name" else ""),
                                                 ("page", number if number > 1 else "")) if v})
        names = {code: name[:1].upper() + name[1:] for code, name in self.lists.names_of_kind(kind).items()}
        return self.render("list.html", lang, fixed, title=names, kind=kind, kind_names=names, listing=listing, query=query, sort=sort,
                           sorts=SORTS, served=served, link=link)

    def error_page(self, status: int, lang: str = "fi", fixed: bool = False, path: str = "") -> str:
        """The page a browser gets for a 404, a 429 or 503 (busy) or a 500."""
        heading, text = {404: ("e404", "e404_text"), 429: ("e429", "busy_text"), 503: ("e503", "busy_text")}.get(
            status, ("e500", "e500_text"))
        return self.render("error.html", lang, fixed, title=UI[heading], heading=UI[heading], text=UI[text], path=path)

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
        ontology = self.index.ontology
        listed = {} if not self.served else {self.vocab_class(kind): kind for kind in self.index.bulk}
        for kind, things in self.lists.kinds().items():
            for cls in sorted(t for t in self.index.types(things[0]) if t.startswith(ns)):
                listed.setdefault(cls, kind)
        for term in sorted(t for t in ontology if t.startswith(ns)):
            types = {o.value for p, o in ontology[term] if p == RDF + "type"}
            key = "classes" if OWL + "Class" in types else "properties" if types & properties else None
            if key is None:
                continue
            comments = {o.language: o.value for p, o in ontology[term] if p == RDFS + "comment"}
            sections[key].append({
                "local": term[len(ns):], "names": self.index.names(term),
                "comments": {lang: comments.get(lang, "") for lang in LANGS},
                "parents": [o.value for p, o in ontology[term] if p in (RDFS + "subClassOf", RDFS + "subPropertyOf")],
                "list": f"/id/{listed[term]}/" if term in listed else None,
            })
        title = self.index.names(self.base + "def/koko")
        return self.render("vocabulary.html", lang, fixed, title=title, namespace=ns,
                           sections=[{"key": key, "terms": terms} for key, terms in sections.items()])


def _query(name: str, text: str, comment: str = "") -> dict:
    return {"name": name, "text": text, "comment": comment, "rows": min(14, text.count("\n") + 2)}
