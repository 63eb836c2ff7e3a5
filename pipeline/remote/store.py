"""Load the published graph into a SPARQL store with the Graph Store HTTP Protocol.

One PUT per named graph replaces it whole, so readers see the old graph or the new one,
never half; the file is streamed from disk, not held in memory. The catalogue goes into its
own named graph, and with it the release's version (dcat:version). With a query endpoint, a
COUNT afterwards checks that the store holds exactly the published triples.

When the store holds exactly the release this one follows (its recorded version, and its
triple count), only the change is sent: SPARQL Update DELETE DATA and INSERT DATA in
batches, which are safe to send again. Anything else (another version, a count that does
not match, no update endpoint) replaces the graph whole, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from ..config import Settings
from ..errors import Code, InputError, RemoteError
from ..graph import releases
from ..graph.vocab import DCAT
from ..i18n import Msg
from ..progress import Counted, bar
from ..release.catalog import dataset_iri
from .http import Retry, request, session
from .published import count_triples

PASSWORD_VARIABLE = "KOKO_STORE_PASSWORD"


BATCH = 5000  # triples per SPARQL Update request


@dataclass
class Upload:
    graph: str
    file: str
    triples: int
    stored: int | None = None  # what the store counted afterwards, when asked
    sent: str = "replaced"  # or "changed": only the change set was sent
    added: int = 0
    removed: int = 0


def update_endpoint_of(endpoint: str) -> str | None:
    """Oxigraph's update endpoint beside its /store; None where it cannot be guessed."""
    return endpoint[: -len("/store")] + "/update" if endpoint.rstrip("/").endswith("/store") else None


def push_store(settings: Settings, out_dir: Path, endpoint: str, query_endpoint: str | None = None,
               graph: str | None = None, user: str | None = None, password: str | None = None,
               auth: str = "basic", retry: Retry = Retry(timeout=300), update_endpoint: str | None = None,
               progress=None) -> list:
    graph = graph or dataset_iri(settings).value
    uploads = [Upload(graph, "koko.nt", 0), Upload(settings.id_base + "catalog", "catalog.ttl", 0)]
    for up in uploads:
        if not (out_dir / up.file).is_file():
            raise InputError(Msg('{path}: not found; run `koko publish` first', path=out_dir / up.file), code=Code.RELEASE_MISSING)
        up.triples = count_triples(out_dir / up.file)
    writes, reads = session(retry), session(retry, safe_posts=True)  # a PUT replaces: safe to send again
    if user:
        credentials = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(user, password or "")
        writes.auth = reads.auth = credentials
        if auth == "digest":
            _take_challenge(writes, endpoint, graph)
    update_endpoint = update_endpoint or update_endpoint_of(endpoint)
    changed = _send_changes(settings, out_dir, uploads[0], query_endpoint, update_endpoint, writes, reads)
    for up in uploads[1:] if changed else uploads:
        media = "application/n-triples" if up.file.endswith(".nt") else "text/turtle"
        size = (out_dir / up.file).stat().st_size
        with open(out_dir / up.file, "rb") as body, bar(progress, Msg("sending {file}", file=up.file), size, "bytes") as sent:
            response = request(writes, "PUT", endpoint, f"upload of {up.file}", params={"graph": up.graph},
                               data=Counted(body, size, sent), headers={"Content-Type": media})
        _check(response, f"upload of {up.file}")
    if query_endpoint:
        for up in uploads:
            up.stored = _count(reads, query_endpoint, up.graph)
            if up.stored != up.triples:
                raise RemoteError(Msg('the store holds {stored} triples in <{graph}>, not the {triples} published', stored=up.stored, graph=up.graph, triples=up.triples))
    return uploads


def _take_challenge(writes: requests.Session, endpoint: str, graph: str) -> None:
    """Meet the store's digest challenge with a HEAD before any body is sent: a store that
    answers a large PUT's first bytes with 401 and closes the connection (Virtuoso does) then
    sees every write already signed. What the signed HEAD itself gets does not matter
    (Virtuoso answers 501: it serves no HEAD there), but refused credentials do."""
    response = request(writes, "HEAD", endpoint, "authentication", any_status=True, params={"graph": graph})
    if response.status_code in (401, 403):
        _check(response, "authentication")


def _send_changes(settings: Settings, out_dir: Path, data: Upload, query_endpoint, update_endpoint, writes, reads) -> bool:
    """Send only the change set when the store holds the release this one follows; True
    when it did (and the store now holds this release's triples)."""
    current = releases.read_release(out_dir)
    if not (query_endpoint and update_endpoint and current and current.previous
            and (out_dir / releases.CHANGES_FILE).is_file()):
        return False
    previous = releases.read_release(out_dir / releases.ARCHIVE / current.previous)
    if previous is None or _stored_version(reads, query_endpoint, settings) != current.previous:
        return False
    if _count(reads, query_endpoint, data.graph) != previous.triples:
        return False  # the store's graph is not exactly that release: replace it whole
    removed, added = _change_lines(out_dir / releases.CHANGES_FILE)
    for verb, lines in (("DELETE", removed), ("INSERT", added)):
        for i in range(0, len(lines), BATCH):
            body = f"{verb} DATA {{ GRAPH <{data.graph}> {{\n" + "\n".join(lines[i:i + BATCH]) + "\n} }"
            response = request(writes, "POST", update_endpoint, f"{verb} DATA of the change set",
                               data=body.encode("utf-8"), headers={"Content-Type": "application/sparql-update"})
            _check(response, f"{verb} DATA of the change set")
    data.sent, data.added, data.removed = "changed", len(added), len(removed)
    return True


def _stored_version(reads, query_endpoint: str, settings: Settings) -> str | None:
    query = (f"SELECT ?v WHERE {{ GRAPH <{settings.id_base}catalog> {{ <{dataset_iri(settings).value}> "
             f"<{DCAT}version> ?v }} }}")
    response = request(reads, "POST", query_endpoint, "version query", data={"query": query},
                       headers={"Accept": "application/sparql-results+json"})
    _check(response, "version query")
    try:
        rows = response.json()["results"]["bindings"]
    except (ValueError, KeyError):
        return None
    return rows[0]["v"]["value"] if len(rows) == 1 else None


def _change_lines(path: Path) -> tuple:
    """(removed, added) of a change set, as N-Triples lines."""
    try:
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    except SyntaxError as exc:
        raise InputError(Msg('{path}: not valid TriG ({exc}); publish again with koko publish', path=path, exc=exc), code=Code.ARCHIVE_DAMAGED) from None
    parts = {"removed": [], "added": []}
    for q in quads:
        part = q.graph_name.value.rsplit("/", 1)[-1] if isinstance(q.graph_name, ox.NamedNode) else ""
        if part in parts:
            parts[part].append(ox.serialize([ox.Triple(q.subject, q.predicate, q.object)],
                                            format=ox.RdfFormat.N_TRIPLES).decode("utf-8").strip())
    return parts["removed"], parts["added"]


def _check(response: requests.Response, what: str) -> None:
    if response.status_code in (200, 201, 204):
        return
    message = " ".join(response.text.split())[:500] or response.reason
    if response.status_code in (401, 403):
        raise RemoteError(Msg('{what}: the store refused the credentials ({status}): {message}; check --user, --auth and {variable}', what=what, status=response.status_code, message=message, variable=PASSWORD_VARIABLE))
    raise RemoteError(Msg('{what}: the store answered {status}: {message}', what=what, status=response.status_code, message=message))


def _count(reads: requests.Session, query_endpoint: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = request(reads, "POST", query_endpoint, "count query", data={"query": query},
                       headers={"Accept": "application/sparql-results+json"})
    _check(response, "count query")
    try:
        return int(response.json()["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError):
        raise RemoteError(Msg("count query: the store's answer is not SPARQL results JSON: {answer}", answer=response.text[:200])) from None
