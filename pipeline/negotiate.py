"""HTTP content negotiation for the pages: which representation an Accept header wants."""

from __future__ import annotations

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


def parse_accept(header: str) -> list:
    """[(type, subtype, q)] of an Accept header; a malformed q counts as 0."""
    ranges = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if "/" not in fields[0]:
            continue
        main, sub = fields[0].lower().split("/", 1)
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q))
    return ranges


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
