"""Finding SERVICE in a query: by hand-made cases, and against rdflib's SPARQL parser."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql.parser import parseQuery

from pipeline.web.service_calls import calls_service

CALLS = [
    "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * {?s ?p ?o.service <x> {}}",
    "SELECT * { ?s ?p ?o . \\u0053ERVICE <x> {} }",
    "SELECT * { ex:a.b ?p ?o .SERVICE <x> {} }",
    "SELECT * { OPTIONAL { SERVICE SILENT <x> {} } }",
    'SELECT * {?s ?p "a"@en. Service ?x {}}',
    "SELECT*{SERVICE<x>{}}",
]
QUIET = [
    "SELECT * { ?s ?p 'SERVICE' }",
    "SELECT ?service { ?service ?p ?o }",
    "PREFIX service: <x> SELECT * { service:a ?p ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <x>",
    "SELECT * { <http://x/SERVICE> ?p ?o }",
    "SELECT * { ex:a.SERVICE ?p ?o }",
    "SELECT * { _:service ?p ?o }",
    'SELECT * { ?s ?p """x\nSERVICE""" }',
    "SELECT * { ?s ?p 'it\\'s SERVICE' }",
    "SELECT * { ?s ?p ?o FILTER(?o < 3) }",
    "SELECT * { ex:SERVICE ?p ?o }",
    "SELECT * { ?s ?p \"x\"@service }",
]


@pytest.mark.parametrize("query", CALLS)
def test_calls(query):
    assert calls_service(query)


@pytest.mark.parametrize("query", QUIET)
def test_quiet(query):
    assert not calls_service(query)


PIECES = st.sampled_from([
    "?s ?p ?o .", "?service ?p ?o .", "ex:service ?p ?o .", "ex:a.SERVICE ?p ?o .", "?s ?p 'SERVICE' .",
    '?s ?p """a\nservice""" .', "?s ?p <http://x/service> .", "# service <x>\n", "SERVICE <http://x/> { ?a ?b ?c }",
    "service silent <http://y/> { ?a ?b ?c }", "OPTIONAL { ?s ?q ?r }", "FILTER(?o < 3)", "?s ?p \"x\"@service .",
    "_:service ?p ?o .", "{ ?a ?b ?c } UNION { ?d ?e ?f }", "?s ?p 1.5 .",
])


def rdflib_sees_service(query: str) -> bool:
    return "ServiceGraphPattern" in repr(parseQuery(query))


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=6))
def test_agrees_with_rdflib(pieces):
    query = "PREFIX ex: <http://example.org/> SELECT * WHERE { " + " ".join(pieces) + " }"
    assert calls_service(query) == rdflib_sees_service(query), query
