"""HTTP content negotiation for the pages: which representation an Accept header wants."""

from __future__ import annotations

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


def parse_q_list(header: str | None) -> list:
    """[(token, q)] of an Accept-style header (Accept, Accept-Language), in its order; tokens
    lower-cased, q clamped to 0..1, a malformed q counted as 0 (not acceptable)."""
    items = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    q = 0.0
        items.append((fields[0].lower(), q))
    return items


def parse_accept(header: str | None) -> list:
    """[(type, subtype, q)] of an Accept header."""
    return [(*token.split("/", 1), q) for token, q in parse_q_list(header) if "/" in token]


def _quality(media: str, ranges: list) -> float:
    main, sub = media.split("/", 1)
    best, specificity = 0.0, -1
    for r_main, r_sub, q in ranges:
        if (r_main, r_sub) == (main, sub):
            level = 2
        elif r_main == main and r_sub == "*":
            level = 1
        elif (r_main, r_sub) == ("*", "*"):
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def negotiate(accept: str | None) -> str | None:
    """'html', 'ttl', 'jsonld' or 'nt'; None when nothing offered is acceptable (406)."""
    if not accept or not accept.strip():
        return "html"
    ranges = parse_accept(accept)
    if not ranges:
        return "html"
    best, best_q = None, 0.0
    for name, types in REPRESENTATIONS:
        q = max(_quality(t, ranges) for t in types)
        if q > best_q:
            best, best_q = name, q
    return best


def pick_language(accept_language: str | None, requested: str | None = None) -> str:
    """fi, sv or en: ?lang= first, then the Accept-Language header by q-value (q=0 is "not
    this one"; the first of equal weights wins; * stands for any), else the first of fi, sv, en
    that the header does not refuse."""
    if requested in LANGS:
        return requested
    ranges = parse_q_list(accept_language)
    refused = {tag.split("-")[0] for tag, q in ranges if q == 0}
    best, best_q = next((lang for lang in LANGS if lang not in refused), LANGS[0]), 0.0
    for tag, q in ranges:
        primary = tag.split("-")[0]
        if primary == "*":
            primary = next((lang for lang in LANGS if lang not in refused), None)
        if primary in LANGS and primary not in refused and q > best_q:
            best, best_q = primary, q
    return best
