"""The WSGI application of `koko serve`: pages for every IRI, the vocabulary, the downloads
and /sparql, with CORS, HTTP caching and compression.

Every IRI {base}X is served at /X as HTML, Turtle, JSON-LD or N-Triples (Accept header or
suffix); / is the landing page, /query the query page, /def/koko the vocabulary, /download/
the published files. Only GET and HEAD (and POST to /sparql) are allowed: the data is read-only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
import threading

import pyoxigraph as ox
import requests
from werkzeug.wrappers import Request, Response

from ..config import LANGS
from . import http_cache, vendor
from .endpoint import Endpoint, plain
from .gate import Busy
from .lists import MAX_PAGE_SIZE, PAGE_SIZE, SORTS, item, paged
from .negotiate import MEDIA, SUFFIXES, negotiate, pick_language, wants_html
from .pages import ALTERNATES, Site
from .search import MAX_QUERY, fold

#: Response headers a script on another origin may read.
EXPOSED = "ETag, Last-Modified, Link, Retry-After, Content-Range, Content-Length, Content-Encoding"
_KEY = re.compile(r"[A-Za-z0-9._~\-]+")  # a thing's key in its IRI: nothing that could leave the IRI
DOWNLOAD_MEDIA = {"ttl": MEDIA["ttl"], "nt": MEDIA["nt"], "jsonld": MEDIA["jsonld"], "md": "text/markdown; charset=utf-8",
                  "json": "application/json", "trig": "application/trig", "gz": "application/gzip",
                  "csv": "text/csv; charset=utf-8"}


LOG = logging.getLogger("koko.serve")
_LIST = re.compile(r"/id/([a-z0-9-]+)/(?:index\.(html|json|csv))?")  # a kind's list, and its formats
_LIST_MEDIA = {"html": MEDIA["html"], "json": "application/json", "csv": "text/csv; charset=utf-8"}


class App:
    """One release's application (see served.py and live.py for how releases follow each other)."""

    def __init__(self, site: Site, endpoint: Endpoint, downloads: http_cache.Downloads, released: dt.date,
                 releases: list = (), withdrawn: dict | None = None, version: str = ""):
        self.version = version
        self.site = site
        self.releases = list(releases)  # newest first
        self.withdrawn = withdrawn or {}  # IRI -> when it went, and what replaced it
        self.map_svg = None  # drawn on first request
        self.endpoint = endpoint
        self.downloads = downloads
        self.released = http_cache.midnight(released)
        # a page of a thing of the large kinds is read from the store: as many at once as queries may run
        self.lookups = threading.BoundedSemaphore(endpoint.limits.max_queries)

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            response = self.route(request)
        except Busy as busy:
            response = self.failed(request, busy.status, busy.reason + "\n", [("Retry-After", str(busy.retry_after))])
        except Exception:  # the traceback goes to the operator's log, never to the client
            LOG.exception("internal error answering %s %s", request.method, request.full_path)
            response = self.failed(request, 500, "internal error; the server's log has the details\n")
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        return response(environ, start_response)

    def route(self, request: Request) -> Response:
        path = request.path
        sparql = path == "/sparql"
        if request.method == "OPTIONS":  # a CORS preflight
            return Response(status=204, headers=[
                ("Allow", "GET, HEAD, POST, OPTIONS" if sparql else "GET, HEAD, OPTIONS"),
                ("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS" if sparql else "GET, HEAD, OPTIONS"),
                ("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, Range"),
                ("Access-Control-Max-Age", "86400")])
        if sparql:
            return self.endpoint.answer(request)
        if request.method not in ("GET", "HEAD"):
            return plain(405, "only GET and HEAD here\n", [("Allow", "GET, HEAD, OPTIONS")])
        lang = pick_language(request.headers.get("Accept-Language", ""), request.args.get("lang"))
        fixed = "lang" in request.args
        if path in ("/", "/index.html"):
            return self.html(request, self.site.landing(lang, fixed, self.downloads.names))
        if path in ("/query", "/query.html"):
            return self.html(request, self.site.query_page(lang, fixed, limits=self.endpoint.limits.terms()))
        if path == "/map.svg":
            if self.map_svg is None:
                self.map_svg = self.site.map_svg() if self.site.boundaries else b""
            if not self.map_svg:
                return self.failed(request, 404, "no map: the reference has no boundaries\n")
            return http_cache.body(request, self.map_svg, "image/svg+xml", last_modified=self.released)
        if path in ("/search", "/search.html"):
            return self.search(request, lang, fixed)
        if path in ("/changes", "/changes.html"):
            return self.html(request, self.site.changes_page(self.releases, lang, fixed))
        if path in ("/def/koko", "/def/koko.html"):
            return self.html(request, self.site.ontology_page(lang, fixed))
        if path == "/def/koko.ttl":
            return self.download(request, "ontology.ttl")
        if path.startswith("/download/"):
            return self.download(request, path[len("/download/"):])
        if path.startswith(vendor.VENDOR_PATH):
            return self.vendored(request, path[len(vendor.VENDOR_PATH):])
        listed = _LIST.fullmatch(path)
        if listed:
            return self.kind_list(request, listed.group(1), listed.group(2), lang, fixed)
        return self.resource(request, path, lang, fixed)

    def failed(self, request: Request, status: int, text: str, headers=()) -> Response:
        """An error: a page in the visitor's language for a browser, the plain text for others.
        A page that cannot be drawn (the failure may be the pages') falls back to the text."""
        if request.method in ("GET", "HEAD") and request.path != "/sparql" and wants_html(request.headers.get("Accept")):
            lang = pick_language(request.headers.get("Accept-Language", ""), request.args.get("lang"))
            try:
                page = self.site.error_page(status, lang, "lang" in request.args, request.path if status == 404 else "")
            except Exception:  # noqa: BLE001 - logged; the plain answer still goes out
                LOG.exception("the error page for %s failed", status)
            else:
                return Response(page.encode("utf-8"), status=status, headers=[("Vary", "Accept, Accept-Language"), *headers],
                                content_type=MEDIA["html"])
        return plain(status, text, [("Vary", "Accept"), *headers])

    def search(self, request: Request, lang: str, fixed: bool) -> Response:
        """/search?q=: a page of hits, or JSON of them for a client that asks for JSON."""
        query = request.args.get("q", "").strip()
        if len(query) > MAX_QUERY:
            return self.failed(request, 400, f"a search is at most {MAX_QUERY} characters\n")
        accept = request.accept_mimetypes
        if accept.quality("application/json") > accept.quality("text/html"):
            hits, more = self.site.hits(query) if query else ([], False)
            body = json.dumps({"query": query, "more": more, "hits": [
                {"iri": h["iri"], "href": h["href"], "kind": h["kind_key"], "names": h["names"]} for h in hits]},
                ensure_ascii=False).encode("utf-8")
            return Response(body, headers=[("Vary", "Accept")], content_type="application/json")
        return Response(self.site.search_page(query, lang, fixed).encode("utf-8"),
                        headers=[("Vary", "Accept, Accept-Language")], content_type=MEDIA["html"])

    def kind_list(self, request: Request, kind: str, suffix: str | None, lang: str, fixed: bool) -> Response:
        """/id/<kind>/: its things, filtered (?q=), sorted (?sort=name|key) and paged (?page=,
        ?size= up to MAX_PAGE_SIZE); HTML, JSON or CSV by suffix (index.json) or Accept."""
        args = request.args
        query = args.get("q", "").strip()[:MAX_QUERY]
        sort = args.get("sort", "name") if args.get("sort", "name") in SORTS else "name"
        try:
            number = max(1, int(args.get("page", 1)))
            size = min(MAX_PAGE_SIZE, max(1, int(args.get("size", PAGE_SIZE))))
        except ValueError:
            return self.failed(request, 400, "page and size are whole numbers\n")
        fmt = suffix
        if fmt is None:
            accept = request.accept_mimetypes
            fmt = max(("html", "json", "csv"), key=lambda f: accept.quality(_LIST_MEDIA[f].split(";")[0]))
            if not accept.quality(_LIST_MEDIA[fmt].split(";")[0]):
                fmt = "html"
        listing = self.site.lists.page(kind, lang, query, sort, number, size)
        if listing is None:
            if kind not in self.site.index.bulk:
                return self.failed(request, 404, f"no such kind: /id/{kind}/\n")
            listing = self.bulk_page(kind, query, number, size)
        headers = [("Vary", "Accept, Accept-Language")]
        if fmt == "json":
            body = json.dumps({"kind": kind, "count": listing["count"], "matching": listing["matching"],
                               "page": listing["page"], "pages": listing["pages"], "size": listing["size"],
                               "more": listing["more"], "items": [{"iri": i["iri"], "href": i["href"], "key": i["key"],
                                                                   "names": i["names"]} for i in listing["items"]]},
                              ensure_ascii=False).encode("utf-8")
        elif fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(["iri", "key", *(f"name_{lang_}" for lang_ in LANGS)])
            for i in listing["items"]:
                writer.writerow([i["iri"], i["key"], *(i["names"][lang_] for lang_ in LANGS)])
            body = out.getvalue().encode("utf-8")
        else:
            body = self.site.kind_page(kind, listing, lang, fixed, query, sort, served=True).encode("utf-8")
        return http_cache.body(request, body, _LIST_MEDIA[fmt], headers, last_modified=self.released)

    def bulk_page(self, kind: str, query: str, number: int, size: int) -> dict:
        """A page of a large kind from the store, by key (the filter matches keys)."""
        prefix = f"{self.site.base}id/{kind}/"
        key = re.sub(r"[^a-z0-9-]", "", fold(query).replace(" ", "-"))
        where = f'FILTER(STRSTARTS(STR(?s), "{prefix}"))' + (f' FILTER(CONTAINS(STR(?s), "{key}"))' if key else "")
        sparql = (f"SELECT DISTINCT ?s WHERE {{ ?s a ?c . {where} }} ORDER BY ?s "
                  f"LIMIT {size + 1} OFFSET {(number - 1) * size}")
        lim = self.endpoint.limits
        if not self.lookups.acquire(timeout=lim.queue_wait):
            raise Busy(503, "the server is busy reading pages from its store; try again shortly", lim.retry_after)
        try:
            answer = self.endpoint.store.query(sparql, "application/sparql-results+json", lim.query_timeout)
            answer.raise_for_status()
            iris = [b["s"]["value"] for b in answer.json()["results"]["bindings"]]
        except (requests.RequestException, ValueError, KeyError):
            raise Busy(503, "the store did not answer the list in time; try again shortly", lim.retry_after) from None
        finally:
            self.lookups.release()
        items = [item(self.site.index, iri, named=False) for iri in iris[:size]]
        return paged(items, self.site.index.bulk[kind], number, size, more=len(iris) > size)

    def vendored(self, request: Request, name: str) -> Response:
        """The editor's library (pipeline/web/vendor/), from the package: never fetched elsewhere."""
        media = vendor.SERVED.get(name)
        if media is None:
            return self.failed(request, 404, "no such file\n")
        return http_cache.body(request, vendor.read(name), media, last_modified=self.released)

    def html(self, request: Request, page: str, headers=()) -> Response:
        return http_cache.body(request, page.encode("utf-8"), MEDIA["html"], [("Vary", "Accept-Language"), *headers],
                               last_modified=self.released)

    def download(self, request: Request, name: str) -> Response:
        if name not in self.downloads.names:  # only the listed files: nothing outside the folder
            return self.failed(request, 404, "no such file\n")
        return self.downloads.send(request, name)

    def resource(self, request: Request, path: str, lang: str, fixed: bool) -> Response:
        stem, _, suffix = path.rpartition(".")
        found = self.thing(stem) if suffix in SUFFIXES and "/" not in suffix else None
        if found is not None:
            (iri, pairs), fmt, vary = found, suffix, []
        else:
            found = self.thing(path)
            if found is None:
                return self.gone(request, path, lang, fixed)
            iri, pairs = found
            fmt = negotiate(request.headers.get("Accept"))
            vary = [("Vary", "Accept, Accept-Language")]
            if fmt is None:
                return plain(406, "available: text/html, text/turtle, application/ld+json, application/n-triples\n", vary)
        links = [("Link", f'<{self.site.index.href(iri)}.{e}>; rel="alternate"; type="{m}"') for e, m in ALTERNATES]
        if fmt == "html":
            return self.html(request, self.site.page(iri, lang, fixed, pairs), vary + links)
        return http_cache.body(request, self.site.rdf(iri, fmt, pairs), MEDIA[fmt], vary + links, last_modified=self.released)

    def gone(self, request: Request, path: str, lang: str, fixed: bool) -> Response:
        """410 for an IRI an earlier release had, with the page that says when it went; 404 else."""
        stem, _, suffix = path.rpartition(".")
        suffixed = suffix in SUFFIXES and "/" not in suffix
        iri = self.site.base + (stem if suffixed else path).lstrip("/")
        info = self.withdrawn.get(iri)
        if info is None:
            return self.failed(request, 404, f"no such thing: {path}\n")
        fmt = suffix if suffixed else negotiate(request.headers.get("Accept")) or "html"
        if fmt == "html":
            body, media = self.site.gone_page(iri, info, lang, fixed).encode("utf-8"), MEDIA["html"]
        else:
            body, media = self.site.gone_rdf(iri, info, fmt), MEDIA[fmt]
        return http_cache.body(request, body, media, [("Vary", "Accept, Accept-Language")], status=410,
                               last_modified=self.released)

    def thing(self, path: str):
        """(IRI, its (property, value) pairs or None when the site holds them) of a path; a
        thing of a kind too large for the site's memory is read from the store."""
        iri = self.site.index.iri_for(path)
        if iri is not None:
            return iri, None
        kind = path.strip("/").split("/")
        if len(kind) != 3 or kind[0] != "id" or kind[1] not in self.site.index.bulk or not _KEY.fullmatch(kind[2]):
            return None
        iri = self.site.base + path.lstrip("/")
        lim = self.endpoint.limits
        if not self.lookups.acquire(timeout=lim.queue_wait):
            raise Busy(503, "the server is busy reading pages from its store; try again shortly", lim.retry_after)
        try:
            answer = self.endpoint.store.query(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", MEDIA["nt"],
                                               lim.query_timeout)
            answer.raise_for_status()
            pairs = [(t.predicate.value, t.object) for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)]
        except (requests.RequestException, SyntaxError, ValueError):
            return None
        finally:
            self.lookups.release()
        return (iri, sorted(pairs, key=lambda po: (po[0], str(po[1])))) if pairs else None
