"""HTTP content negotiation for the pages: which representation an Accept header wants."""

from __future__ import annotations

from werkzeug.datastructures import LanguageAccept, MIMEAccept
from werkzeug.http import parse_accept_header

from ..config import LANGS

#: Representations in the server's order of preference, with the media types that ask for them.
REPRESENTATIONS = (
    ("html", ("text/html", "application/xhtml+xml")),
    ("ttl", ("text/turtle", "application/x-turtle")),
    ("jsonld", ("application/ld+json", "application/json")),
    ("nt", ("application/n-triples",)),
)
MEDIA = {"html": "text/html; charset=utf-8", "ttl": "text/turtle; charset=utf-8",
         "jsonld": "application/ld+json", "nt": "application/n-triples"}
SUFFIXES = {"ttl", "jsonld", "nt", "html"}


def parse_accept(header: str | None) -> MIMEAccept:
    """An Accept header as werkzeug reads it: (media range, q) pairs, best first."""
    return parse_accept_header(header or "", MIMEAccept)


def negotiate(accept: str | None) -> str | None:
    """'html', 'ttl', 'jsonld' or 'nt'; None when nothing offered is acceptable (406). On equal
    quality the server's order decides (REPRESENTATIONS); no header, or one that names no
    media range, is a browser's: HTML."""
    ranges = parse_accept(accept)
    if not ranges:
        return "html"
    best = ranges.best_match([media for _, types in REPRESENTATIONS for media in types])
    return next((name for name, types in REPRESENTATIONS if best in types), None)


def wants_html(accept: str | None) -> bool:
    """Whether an error should be a page: the client names text/html and likes it at least as
    well as text/plain (a browser). No header, or */* alone (curl, scripts): the plain text."""
    ranges = parse_accept(accept)
    named = any(value == "text/html" for value, q in ranges if q > 0)
    return named and ranges.quality("text/html") >= ranges.quality("text/plain")


def pick_language(accept_language: str | None, requested: str | None = None) -> str:
    """fi, sv or en: ?lang= first, then the Accept-Language header by q-value (q=0 is "not
    this one"; the first of equal weights wins; * stands for any), else the first of fi, sv, en
    that the header does not refuse."""
    if requested in LANGS:
        return requested
    ranges = parse_accept_header(accept_language or "", LanguageAccept)
    refused = {value.split("-")[0].lower() for value, q in ranges if q == 0}
    return ranges.best_match(LANGS, default=next((lang for lang in LANGS if lang not in refused), LANGS[0]))
