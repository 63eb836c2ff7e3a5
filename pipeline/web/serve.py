"""`koko serve`: the published graph on one origin.

/sparql is a read-only SPARQL 1.1 Protocol endpoint: the Oxigraph server, started in its
read-only mode on a private loopback port with a query time limit, behind this page server,
which refuses updates and cuts answers over a size limit. Every IRI {base}X is served at
/X as HTML, Turtle, JSON-LD or N-Triples (Accept header or suffix); / is the landing page,
/query a query page, /def/koko the vocabulary, /download/ the published files. The pages are
a WSGI application served by waitress.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import requests

from ..config import Settings
from ..errors import InputError, RemoteError
from .negotiate import MEDIA, SUFFIXES, negotiate, pick_language
from .pages import ALTERNATES, Site

MAX_RESULT_BYTES = 50 * 1024 * 1024
QUERY_TIMEOUT_S = 10
#: What the Oxigraph server writes into an answer it stops at its time limit (status 200 sent).
CANCELLED = b"The SPARQL operation has been cancelled"


def _stop_with_parent() -> None:
    """In the Oxigraph child, before it starts: ask Linux to stop it if koko itself dies."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the Oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(out_dir: Path, timeout_s: int = QUERY_TIMEOUT_S):
    """Load koko.nt into a fresh store and serve it read-only on 127.0.0.1; yield its URL."""
    binary = oxigraph_binary()
    folder = Path(tempfile.mkdtemp(prefix="koko-store-"))
    proc = None
    try:
        subprocess.run([binary, "load", "--location", str(folder), "--file", str(out_dir / "koko.nt")],
                       check=True, capture_output=True)
        port = free_port()
        proc = subprocess.Popen([binary, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                                 "--timeout-s", str(timeout_s)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=_stop_with_parent)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/query?query=ASK%7B%7D", proc)
        yield url
    except subprocess.CalledProcessError as exc:
        raise RemoteError(f"Oxigraph could not load the graph: {exc.stderr.decode(errors='replace')[:500]}") from None
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


def wait_until_up(url: str, proc=None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RemoteError(f"the server stopped at start: {proc.stderr.read().decode(errors='replace')[:500]}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RemoteError(f"the server did not answer within {seconds:g} s")


class App:
    """The WSGI application of the pages, the downloads and the /sparql proxy."""

    def __init__(self, site: Site, out_dir: Path, sparql_url: str, max_bytes: int = MAX_RESULT_BYTES,
                 timeout_s: int = QUERY_TIMEOUT_S):
        self.site = site
        self.timeout_s = timeout_s
        self.out_dir = out_dir.resolve()
        self.sparql_url = sparql_url
        self.max_bytes = max_bytes
        self.downloads = tuple(sorted(p.name for p in self.out_dir.iterdir() if p.is_file() and not p.name.startswith(".")))
        self.session = requests.Session()

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            status, headers, body = self.route(method, path, environ)
        except Exception as exc:  # never a traceback to the client
            status, headers, body = "500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")], \
                f"internal error: {type(exc).__name__}\n".encode()
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body] if method != "HEAD" else [b""]

    def route(self, method: str, path: str, environ):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        lang = pick_language(environ.get("HTTP_ACCEPT_LANGUAGE", ""), (query.get("lang") or [None])[0])
        fixed = "lang" in query
        if path == "/sparql":
            return self.sparql(method, environ, query)
        if method not in ("GET", "HEAD"):
            return _text("405 Method Not Allowed", "only GET and HEAD here\n", [("Allow", "GET, HEAD")])
        html = [("Content-Type", MEDIA["html"]), ("Vary", "Accept-Language")]
        if path in ("/", "/index.html"):
            return "200 OK", html, self.site.landing(lang, fixed, self.downloads).encode()
        if path in ("/query", "/query.html"):
            return "200 OK", html, self.site.query_page(lang, fixed).encode()
        if path in ("/def/koko", "/def/koko.html"):
            return "200 OK", html, self.site.ontology_page(lang, fixed).encode()
        if path == "/def/koko.ttl":
            return self.download("ontology.ttl")
        if path.startswith("/download/"):
            return self.download(path[len("/download/"):])
        return self.resource(path, environ, lang, fixed)

    def download(self, name: str):
        if name not in self.downloads:  # only the listed files: nothing outside the folder
            return _text("404 Not Found", "no such file\n")
        media = {"ttl": MEDIA["ttl"], "nt": MEDIA["nt"], "jsonld": MEDIA["jsonld"], "md": "text/markdown; charset=utf-8"}
        ext = name.rsplit(".", 1)[-1]
        return "200 OK", [("Content-Type", media.get(ext, "application/octet-stream"))], (self.out_dir / name).read_bytes()

    def resource(self, path: str, environ, lang: str, fixed: bool):
        stem, _, suffix = path.rpartition(".")
        pairs = None
        if suffix in SUFFIXES and "/" not in suffix and self.thing(stem):
            (iri, pairs), fmt, vary = self.thing(stem), suffix, []
        else:
            found = self.thing(path)
            if found is None:
                return _text("404 Not Found", f"no such thing: {path}\n")
            iri, pairs = found
            fmt = negotiate(environ.get("HTTP_ACCEPT"))
            vary = [("Vary", "Accept, Accept-Language")]
            if fmt is None:
                return _text("406 Not Acceptable", "available: text/html, text/turtle, application/ld+json, application/n-triples\n", vary)
        if fmt == "html":
            body = self.site.page(iri, lang, fixed, pairs).encode()
        else:
            body = self.site.rdf(iri, fmt, pairs)
        links = [("Link", f'<{self.site.href(iri)}.{e}>; rel="alternate"; type="{m}"')
                 for e, m in ALTERNATES]
        return "200 OK", [("Content-Type", MEDIA[fmt])] + vary + links, body

    def thing(self, path: str):
        """(IRI, its (property, value) pairs or None when the site holds them) of a path; a
        thing of a kind too large for the site's memory is read from the store."""
        iri = self.site.iri_for(path)
        if iri is not None:
            return iri, None
        kind = path.strip("/").split("/")
        if len(kind) != 3 or kind[0] != "id" or kind[1] not in self.site.bulk or not kind[2]:
            return None
        iri = self.site.base + path.lstrip("/")
        try:
            answer = self.session.post(self.sparql_url + "/query", timeout=QUERY_TIMEOUT_S,
                                       data=f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}".encode(),
                                       headers={"Content-Type": "application/sparql-query", "Accept": MEDIA["nt"]})
            answer.raise_for_status()
            pairs = [(t.predicate.value, t.object) for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES)]
        except (requests.RequestException, SyntaxError, ValueError):
            return None
        return (iri, sorted(pairs, key=lambda po: (po[0], str(po[1])))) if pairs else None

    # -- SPARQL ------------------------------------------------------------------------------
    def sparql(self, method: str, environ, query: dict):
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        body = b""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
        elif method not in ("GET", "HEAD"):
            return _text("405 Method Not Allowed", "use GET or POST\n", [("Allow", "GET, POST")])
        form = parse_qs(body.decode("utf-8", errors="replace")) if ctype == "application/x-www-form-urlencoded" else {}
        if ctype == "application/sparql-update" or "update" in query or "update" in form:
            return _text("403 Forbidden", "this endpoint is read-only: SPARQL updates are refused\n")
        if ctype == "application/sparql-query":
            text = body.decode("utf-8", errors="replace")
        else:
            text = (form.get("query") or query.get("query") or [""])[0]
        if not text.strip():
            return _text("400 Bad Request", "give a SPARQL query: ?query=..., a form field query, or a body of type application/sparql-query\n")
        accept = environ.get("HTTP_ACCEPT") or "application/sparql-results+json"
        over = _text("503 Service Unavailable", f"the query ran over the time limit of {self.timeout_s} s and was "
                     "stopped; narrow it or add a LIMIT\n", [("Retry-After", "10")])
        try:  # the whole answer is read before a status is sent: a query stopped midway is an error
            answer = self.session.post(self.sparql_url + "/query", data=text.encode("utf-8"), stream=True,
                                       timeout=self.timeout_s * 2 + 5,
                                       headers={"Content-Type": "application/sparql-query", "Accept": accept})
            chunks, size = [], 0
            for chunk in answer.iter_content(65536):
                size += len(chunk)
                if size > self.max_bytes:
                    answer.close()
                    return _text("400 Bad Request", f"the result is larger than {self.max_bytes} bytes; add a LIMIT\n")
                chunks.append(chunk)
        except requests.Timeout:
            return over
        except requests.RequestException:
            return _text("503 Service Unavailable", "the SPARQL engine is not answering\n", [("Retry-After", "10")])
        body = b"".join(chunks)
        if body.endswith(CANCELLED):
            return over
        headers = [("Content-Type", answer.headers.get("Content-Type", "application/octet-stream")), ("Vary", "Accept")]
        return f"{answer.status_code} {answer.reason}", headers, body


def _text(status: str, text: str, extra=None):
    return status, [("Content-Type", "text/plain; charset=utf-8")] + list(extra or []), text.encode("utf-8")


def serve(settings: Settings, out_dir: Path, host: str, port: int, ready=None, timeout_s: int = QUERY_TIMEOUT_S) -> None:
    """Run until interrupted. `ready(url)` is called once both servers answer."""
    from waitress import create_server

    if not (out_dir / "koko.nt").is_file():
        raise InputError(f"{out_dir}/koko.nt not found; run `koko publish` first")
    with oxigraph_server(out_dir, timeout_s) as sparql_url:
        site = Site.from_output(out_dir, settings, endpoint="/sparql")
        server = create_server(App(site, out_dir, sparql_url, timeout_s=timeout_s), host=host, port=port, threads=4)
        if ready:
            ready(f"http://{host}:{server.effective_port}")
        try:
            server.run()
        finally:
            server.close()
