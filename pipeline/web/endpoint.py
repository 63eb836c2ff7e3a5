"""/sparql: a read-only SPARQL 1.1 Protocol endpoint for the public, in front of the store.

Queries go to the Oxigraph server on a private loopback port through a QueryGate (bounded
running, waiting and per-client), with the stated limits of size and time; updates and
federated SERVICE calls are refused. A GET without a query is the SPARQL 1.1 Service
Description of the endpoint, limits included.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from werkzeug.wrappers import Request, Response

from ..graph import serialize
from ..graph.vocab import FORMATS, RDF, SD, VOID, XSD
from . import http_cache
from .gate import Busy, QueryGate
from .limits import Limits
from .negotiate import MEDIA, negotiate, parse_accept
from .service_calls import calls_service

#: What the Oxigraph server writes into an answer it stops at its time limit (status 200 sent).
CANCELLED = b"The SPARQL operation has been cancelled"
#: Seconds past the time limit the store has to stop a query before the endpoint gives up on it.
GRACE_S = 3
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "RDF_XML")


def plain(status: int, text: str, headers=()) -> Response:
    return Response(text.encode("utf-8"), status=status, headers=list(headers), content_type="text/plain; charset=utf-8")


class Endpoint:
    def __init__(self, store_url: str, limits: Limits, base_iri: str, triples: int):
        self.store_url = store_url
        self.limits = limits
        self.gate = QueryGate(limits)
        self.base_iri = base_iri
        self.triples = triples
        self.session = requests.Session()
        pool = limits.max_queries + limits.max_waiting + 8
        self.session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=pool, max_retries=0))

    def answer(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "POST"):
            return plain(405, "use GET or POST\n", [("Allow", "GET, HEAD, POST, OPTIONS")])
        if request.method == "POST" and (request.content_length or 0) > 3 * self.limits.max_query_bytes + 1024:
            return self.too_large(request.content_length)
        text, refused = self.query_text(request)
        if refused is not None:
            return refused
        if text is None:
            return self.description(request)
        size = len(text.encode("utf-8"))
        if size > self.limits.max_query_bytes:
            return self.too_large(size)
        if calls_service(text):
            return plain(403, "this endpoint does not call other services: SERVICE is refused; query each "
                              "endpoint yourself\n")
        try:
            with self.gate.turn(request.remote_addr or "?"):
                return self.forward(request, text)
        except Busy as busy:
            return plain(busy.status, busy.reason + "\n", [("Retry-After", str(busy.retry_after))])

    def too_large(self, size) -> Response:
        return plain(413, f"the query is {size} bytes; this endpoint takes queries of at most "
                          f"{self.limits.max_query_bytes} bytes\n")

    def query_text(self, request: Request):
        """(query text or None when there is none, or a refusal)."""
        ctype = request.mimetype
        body = request.get_data(cache=False) if request.method == "POST" else b""
        form = parse_qs(body.decode("utf-8", errors="replace")) if ctype == "application/x-www-form-urlencoded" else {}
        if ctype == "application/sparql-update" or "update" in request.args or "update" in form:
            return None, plain(403, "this endpoint is read-only: SPARQL updates are refused\n")
        if request.method == "POST" and ctype == "application/sparql-query":
            text = body.decode("utf-8", errors="replace")
        elif "query" in form or "query" in request.args:
            text = (form.get("query") or request.args.getlist("query") or [""])[0]
        elif request.method == "POST":
            text = ""
        else:
            return None, None
        if not text.strip():
            return None, plain(400, "give a SPARQL query: ?query=..., a form field query, or a body of type "
                                    "application/sparql-query\n")
        return text, None

    def forward(self, request: Request, text: str) -> Response:
        lim = self.limits
        accept = request.headers.get("Accept") or "application/sparql-results+json"
        deadline = time.monotonic() + lim.query_timeout + GRACE_S
        over = plain(503, f"the query ran over the time limit of {lim.query_timeout} s and was stopped; narrow it "
                          "or add a LIMIT\n", [("Retry-After", str(lim.retry_after))])
        try:  # the whole answer is read before a status is sent: a query stopped midway is an error
            answer = self.session.post(self.store_url + "/query", data=text.encode("utf-8"), stream=True,
                                       timeout=(5, lim.query_timeout + GRACE_S),
                                       headers={"Content-Type": "application/sparql-query", "Accept": accept})
            with answer:
                chunks, size = [], 0
                for chunk in answer.iter_content(65536):
                    size += len(chunk)
                    if size > lim.max_result_bytes:
                        return plain(400, f"the answer is larger than {lim.max_result_bytes} bytes; add a LIMIT "
                                          "or ask for less\n")
                    if time.monotonic() > deadline:
                        return over
                    chunks.append(chunk)
        except requests.Timeout:
            return over
        except requests.RequestException:
            return plain(503, "the SPARQL engine is not answering\n", [("Retry-After", str(lim.retry_after))])
        data = b"".join(chunks)
        if data.endswith(CANCELLED):
            return over
        media = answer.headers.get("Content-Type", "application/octet-stream")
        response = http_cache.body(request, data, media, [("Vary", "Accept")], status=answer.status_code, cache=False)
        return response

    # -- the service description ---------------------------------------------------------
    def description(self, request: Request) -> Response:
        """SPARQL 1.1 Service Description; a browser that prefers HTML is sent to the query page."""
        ranges = parse_accept(request.headers.get("Accept"))
        if ranges and negotiate(request.headers.get("Accept")) == "html" and _explicit_html(ranges):
            return Response(status=303, headers=[("Location", "/query")])
        fmt = _rdf_preferred(request.headers.get("Accept"))
        data = self.description_nt(request.base_url)
        if fmt == "ttl":
            data = serialize.to_turtle(data, self.base_iri, only_used=True)
        elif fmt == "jsonld":
            data = serialize.to_jsonld(data, self.base_iri)
        return http_cache.body(request, data, MEDIA[fmt], [("Vary", "Accept")])

    def description_nt(self, url: str) -> bytes:
        service, dataset, graph = ox.NamedNode(url), ox.NamedNode(url + "#dataset"), ox.NamedNode(url + "#default-graph")
        n = lambda iri: ox.NamedNode(iri)  # noqa: E731
        triples = [
            ox.Triple(service, n(RDF + "type"), n(SD + "Service")),
            ox.Triple(service, n(SD + "endpoint"), service),
            ox.Triple(service, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
            ox.Triple(service, n(SD + "defaultDataset"), dataset),
            ox.Triple(dataset, n(RDF + "type"), n(SD + "Dataset")),
            ox.Triple(dataset, n(SD + "defaultGraph"), graph),
            ox.Triple(graph, n(RDF + "type"), n(SD + "Graph")),
            ox.Triple(graph, n(VOID + "triples"), ox.Literal(str(self.triples), datatype=n(XSD + "integer"))),
        ]
        triples += [ox.Triple(service, n(SD + "resultFormat"), n(FORMATS + f)) for f in RESULT_FORMATS]
        triples += [ox.Triple(service, n(self.base_iri + "def/koko#" + term), ox.Literal(str(value), datatype=n(XSD + "integer")))
                    for term, value in self.limits.terms()]
        return serialize.nt_of(triples)


def _explicit_html(ranges: list) -> bool:
    return any((main, sub) in (("text", "html"), ("application", "xhtml+xml")) for main, sub, q in ranges if q > 0)


def _rdf_preferred(accept: str | None) -> str:
    """The RDF form an Accept header prefers; Turtle when it names none."""
    best = negotiate(accept)
    return best if best in ("ttl", "jsonld", "nt") else "ttl"
