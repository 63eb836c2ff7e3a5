"""The static site: every page and per-IRI file under output/site/, for any web server.

`site/.htaccess` makes Apache negotiate (MultiViews: /id/area/kuopio answers HTML, Turtle
JSON-LD or N-Triples by the Accept header and its q-values); `site/nginx.conf.example` does
the same for nginx for the common Accept headers.
"""

from __future__ import annotations

from ..web import vendor
from ..web.pages import Site

HTACCESS = """\
# Apache: content negotiation for every IRI of the KOKO graph.
# /id/area/kuopio answers kuopio.html, .ttl, .jsonld or .nt by the Accept header (q-values
# honoured); HTML wins for browsers and for */*. /download/ should point at the output folder.
Options +MultiViews
MultiviewsMatch Any
DirectoryIndex index.html
AddType "text/html; charset=utf-8; qs=1.0" .html
AddType "text/turtle; charset=utf-8; qs=0.9" .ttl
AddType "application/ld+json; qs=0.8" .jsonld
AddType "application/n-triples; qs=0.7" .nt
AddCharset utf-8 .html .ttl
"""

NGINX = """\
# nginx: serve output/site/ with content negotiation for the IRIs of the KOKO graph.
# A map picks the suffix from the Accept header (the common cases; Apache's MultiViews in
# .htaccess weighs q-values fully).
map $http_accept $koko_suffix {
    default                         .html;
    "~*^text/turtle"                .ttl;
    "~*^application/ld\\+json"       .jsonld;
    "~*^application/n-triples"      .nt;
}
types {
    text/html               html;
    text/turtle             ttl;
    application/ld+json     jsonld;
    application/n-triples   nt;
}
server {
    listen 80;
    root /srv/koko/output/site;
    location /download/ { alias /srv/koko/output/; }
    location / {
        add_header Vary Accept;
        try_files $uri $uri$koko_suffix $uri.html $uri/index.html =404;
    }
}
"""


#: The files of one thing, by suffix: its page, then its RDF; the last is written last.
THING_SUFFIXES = (".html", ".ttl", ".jsonld", ".nt")


def thing_files(site: Site) -> list:
    """The names of every thing's files, in the order they are written."""
    return [f"site{site.index.href(iri)}{suffix}" for iri in site.index.things() for suffix in THING_SUFFIXES]


def render_site(site: Site, downloads: tuple, claim=None, first: bool = True, history=None, things: bool = True):
    """(relative path, bytes) of the static site's files, one at a time, so that a large
    site is never held whole. `claim()` gives the (start, stop) of the next batch of things
    to write the files of (two processes share a parallel.Claims); none: every thing. `first`:
    also the pages that are not about one thing; not `things`: only those."""
    if first:
        yield "site/index.html", site.landing("fi", downloads=downloads).encode("utf-8")
        yield "site/query.html", site.query_page("fi").encode("utf-8")
        yield "site/search.html", site.static_search_page("fi").encode("utf-8")
        yield "site/search-index.js", site.search_script()
        yield "site/def/koko.html", site.ontology_page("fi").encode("utf-8")
        yield "site/.htaccess", HTACCESS.encode("utf-8")
        yield "site/nginx.conf.example", NGINX.encode("utf-8")
        for kind, listed in site.lists.kinds().items():  # each held kind's list, whole: its filter is the page's script
            listing = site.lists.page(kind, "fi", size=max(1, len(listed)))
            yield f"site/id/{kind}/index.html", site.kind_page(kind, listing, "fi").encode("utf-8")
        for name in vendor.SERVED:  # the query editor's library, as koko serve answers it
            yield f"site{vendor.VENDOR_PATH}{name}", vendor.read(name)
        if site.boundaries:
            yield "site/map.svg", site.map_svg()
        if history is not None:
            releases = [history.release] + history.releases[::-1]
            yield "site/changes.html", site.changes_page(releases, "fi").encode("utf-8")
            for iri, info in history.withdrawn.items():  # the same page koko serve answers with 410
                local = "site" + site.index.href(iri)
                yield local + ".html", site.gone_page(iri, info, "fi").encode("utf-8")
                for ext in ("ttl", "jsonld", "nt"):
                    yield f"{local}.{ext}", site.gone_rdf(iri, info, ext)
    if not things:
        return
    iris = site.index.things()
    for start, stop in _batches(claim, len(iris)):
        for iri in iris[start:stop]:
            local = "site" + site.index.href(iri)
            html, ttl, jsonld, nt = THING_SUFFIXES
            yield local + html, site.page(iri, "fi").encode("utf-8")
            triples = site.rdf(iri, "nt")  # made once, for the three files
            yield local + ttl, site.rdf(iri, "ttl", nt=triples)
            yield local + jsonld, site.rdf(iri, "jsonld", nt=triples)
            yield local + nt, triples  # a thing's last file


def _batches(claim, total: int):
    """(start, stop) of each batch of things to write: all at once without `claim`, else
    the batches it hands this process until the list ends."""
    if claim is None:
        yield 0, total
        return
    while (batch := claim())[0] < total:
        yield batch
