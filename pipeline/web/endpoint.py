"""/sparql: a read-only SPARQL 1.1 Protocol endpoint for the public, in front of the store.

Queries go to the Oxigraph server on a private loopback port through a QueryGate (bounded
running, waiting and per-client), with the stated limits of size and time; updates and
federated SERVICE calls are refused. A GET without a query is the SPARQL 1.1 Service
Description of the endpoint, limits included.
"""

from __future__ import annotations

import threading
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
                  "Turtle", "N-Triples", "N-Quads", "JSON-LD", "RDF_XML")
#: The protocol's dataset parameters: they override FROM and FROM NAMED (SPARQL 1.1 Protocol 2.1.4).
DATASET = ("default-graph-uri", "named-graph-uri")
FORM = "application/x-www-form-urlencoded"
#: What a request without an Accept header gets: results as JSON, graphs as Turtle, else any.
ANY_FORMAT = "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1"
DIRECT = "application/sparql-query"


def plain(status: int, text: str, headers=()) -> Response:
    return Response(text.encode("utf-8"), status=status, headers=list(headers), content_type="text/plain; charset=utf-8")


class StoreClient:
    """Requests to the private store: one HTTP session per server thread (a requests.Session
    is not safe to share between threads); `url` may change when the store is restarted."""

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()

    def query(self, text: str, accept: str | None, timeout, params=(), stream: bool = False) -> requests.Response:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.mount("http://", HTTPAdapter(pool_connections=1, pool_maxsize=2, max_retries=0))
        headers = {"Content-Type": DIRECT, **({"Accept": accept} if accept else {})}
        return session.post(self.url + "/query", params=list(params), data=text.encode("utf-8"), stream=stream,
                            timeout=timeout, headers=headers)


class Refused(Exception):
    """A request the protocol does not allow: its answer."""

    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


class Endpoint:
    def __init__(self, store_url: str, limits: Limits, base_iri: str, triples: int):
        self.store = StoreClient(store_url)
        self.limits = limits
        self.gate = QueryGate(limits)
        self.base_iri = base_iri
        self.triples = triples

    @property
    def store_url(self) -> str:
        return self.store.url

    @store_url.setter
    def store_url(self, url: str) -> None:
        self.store.url = url

    def answer(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD", "POST"):
            return plain(405, "use GET or POST\n", [("Allow", "GET, HEAD, POST, OPTIONS")])
        if request.method == "POST" and (request.content_length or 0) > 3 * self.limits.max_query_bytes + 1024:
            return self.too_large(request.content_length)
        try:
            text, dataset = self.query_text(request)
        except Refused as refused:
            return refused.response
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
                return self.forward(request, text, dataset)
        except Busy as busy:
            return plain(busy.status, busy.reason + "\n", [("Retry-After", str(busy.retry_after))])

    def too_large(self, size) -> Response:
        return plain(413, f"the query is {size} bytes; this endpoint takes queries of at most "
                          f"{self.limits.max_query_bytes} bytes\n")

    def query_text(self, request: Request) -> tuple:
        """(query text, dataset parameters) of a request, (None, ()) when it asks for the
        service description; raises Refused for what the protocol does not allow."""
        ctype = request.mimetype
        if request.method != "POST" and (request.content_length or "chunked" in request.headers.get("Transfer-Encoding", "")):
            raise Refused(plain(400, "a GET carries no body: send the query as ?query=, or POST it\n"))
        body = request.get_data(cache=False) if request.method == "POST" else b""
        charset = request.mimetype_params.get("charset", "utf-8").lower().replace("-", "").replace("_", "")
        if request.method == "POST" and charset != "utf8":
            raise Refused(plain(400, f"the body must be UTF-8, not {request.mimetype_params.get('charset')}\n"))
        form: dict = {}
        if request.method == "POST" and ctype == FORM:
            try:
                form = parse_qs(_utf8(body), keep_blank_values=True, errors="strict") if body else {}
            except UnicodeDecodeError:
                raise Refused(plain(400, "the form's fields are not UTF-8; encode the query in UTF-8\n")) from None
        args = {name: request.args.getlist(name) for name in request.args}
        if ctype == "application/sparql-update" or "update" in args or "update" in form:
            raise Refused(plain(403, "this endpoint is read-only: SPARQL updates are refused\n"))
        if len(args.get("version", []) + form.get("version", [])) > 1:
            raise Refused(plain(400, "give the version parameter at most once\n"))
        queries = args.get("query", []) + form.get("query", [])
        if request.method == "POST" and ctype == DIRECT:
            if queries:
                raise Refused(plain(400, "give the query once: in the body, not also as a parameter\n"))
            queries = [_utf8(body)]
        elif request.method == "POST" and ctype != FORM and not queries:
            raise Refused(plain(415, f"POST a query as {DIRECT} or as {FORM}, not as {ctype or 'no media type'}\n"))
        if not queries:
            if request.method == "POST":
                raise Refused(plain(400, "give a SPARQL query: ?query=..., a form field query, or a body of type "
                                         f"{DIRECT}\n"))
            return None, ()
        if len(queries) > 1:
            raise Refused(plain(400, "give one query: the protocol allows exactly one query parameter\n"))
        if not queries[0].strip():
            raise Refused(plain(400, "give a SPARQL query: ?query=..., a form field query, or a body of type "
                                     f"{DIRECT}\n"))
        dataset = [(name, iri) for name in DATASET for iri in args.get(name, []) + form.get(name, [])]
        return queries[0], dataset

    def forward(self, request: Request, text: str, dataset=()) -> Response:
        """The store's answer, read whole. The protocol's dataset goes with the query (the store
        lets it override FROM and FROM NAMED), and relative IRIs resolve against the dataset's
        base IRI, not the private store's address. No Accept header means any format (ANY_FORMAT)."""
        lim = self.limits
        accept = request.headers.get("Accept") or ANY_FORMAT
        deadline = time.monotonic() + lim.query_timeout + GRACE_S
        over = plain(503, f"the query ran over the time limit of {lim.query_timeout} s and was stopped; narrow it "
                          "or add a LIMIT\n", [("Retry-After", str(lim.retry_after))])
        try:  # the whole answer is read before a status is sent: a query stopped midway is an error
            answer = self.store.query(f"BASE <{self.base_iri}> {text}", accept, (5, lim.query_timeout + GRACE_S),
                                      dataset, stream=True)
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


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(plain(400, f"the body is not UTF-8 (byte {exc.start}); send the query in UTF-8\n")) from None


def _explicit_html(ranges) -> bool:
    return any(media in ("text/html", "application/xhtml+xml") for media, q in ranges if q > 0)


def _rdf_preferred(accept: str | None) -> str:
    """The RDF form an Accept header prefers; Turtle when it names none."""
    best = negotiate(accept)
    return best if best in ("ttl", "jsonld", "nt") else "ttl"
