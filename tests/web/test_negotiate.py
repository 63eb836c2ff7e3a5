import pytest

from pipeline.web.negotiate import negotiate, pick_language


@pytest.mark.parametrize("accept,expected", [
    (None, "html"),
    ("*/*", "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "jsonld"),
    ("text/html;q=0.1, text/turtle", "ttl"),
    ("text/*;q=0.3, application/n-triples;q=0.4", "nt"),
    ("text/*", "html"),
    ("text/turtle;q=0, */*;q=0.1", "html"),
    ("image/png", None),
    ("text/html;q=0", None),
])
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


@pytest.mark.parametrize("header,requested,expected", [
    ("sv-FI,sv;q=0.9,en;q=0.5", None, "sv"),
    ("en-GB,en;q=0.9,fi;q=0.8", None, "en"),
    ("de,fr;q=0.5", None, "fi"),
    ("fi;q=0.2,en;q=0.9", None, "en"),
    ("sv", "en", "en"),
    ("", None, "fi"),
    ("sv;q=0, en", None, "en"),  # q=0 is "not Swedish"
    ("sv;q=0", None, "fi"),
    ("fi;q=0, sv;q=0", None, "en"),
    ("fi;q=0, *;q=0.5", None, "sv"),
    ("en;q=0.5, *", None, "fi"),
    ("sv;q=abc, en;q=0.1", None, "en"),  # a malformed q counts as 0
    ("SV-fi", None, "sv"),
])
def test_pick_language(header, requested, expected):
    assert pick_language(header, requested) == expected
