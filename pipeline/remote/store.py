"""Load the published graph into a SPARQL store with the Graph Store HTTP Protocol.

One PUT per named graph replaces it whole, so readers see the old graph or the new one,
never half; the file is streamed from disk, not held in memory. The catalogue goes into its
own named graph. With a query endpoint, a COUNT afterwards checks that the store holds
exactly the published triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from ..config import Settings
from ..errors import InputError, RemoteError
from ..release.catalog import dataset_iri
from .http import Retry, request, session
from .published import count_triples

PASSWORD_VARIABLE = "KOKO_STORE_PASSWORD"


@dataclass
class Upload:
    graph: str
    file: str
    triples: int
    stored: int | None = None  # what the store counted afterwards, when asked


def push_store(settings: Settings, out_dir: Path, endpoint: str, query_endpoint: str | None = None,
               graph: str | None = None, user: str | None = None, password: str | None = None,
               auth: str = "basic", retry: Retry = Retry(timeout=300)) -> list:
    graph = graph or dataset_iri(settings).value
    uploads = [Upload(graph, "koko.nt", 0), Upload(settings.id_base + "catalog", "catalog.ttl", 0)]
    for up in uploads:
        if not (out_dir / up.file).is_file():
            raise InputError(f"{out_dir / up.file}: not found; run `koko publish` first")
        up.triples = count_triples(out_dir / up.file)
    writes, reads = session(retry), session(retry, safe_posts=True)  # a PUT replaces: safe to send again
    if user:
        credentials = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(user, password or "")
        writes.auth = reads.auth = credentials
    for up in uploads:
        media = "application/n-triples" if up.file.endswith(".nt") else "text/turtle"
        with open(out_dir / up.file, "rb") as body:
            response = request(writes, "PUT", endpoint, f"upload of {up.file}",
                               params={"graph": up.graph}, data=body, headers={"Content-Type": media})
        _check(response, f"upload of {up.file}")
    if query_endpoint:
        for up in uploads:
            up.stored = _count(reads, query_endpoint, up.graph)
            if up.stored != up.triples:
                raise RemoteError(f"the store holds {up.stored} triples in <{up.graph}>, not the {up.triples} published")
    return uploads


def _check(response: requests.Response, what: str) -> None:
    if response.status_code in (200, 201, 204):
        return
    message = " ".join(response.text.split())[:500] or response.reason
    if response.status_code in (401, 403):
        raise RemoteError(f"{what}: the store refused the credentials ({response.status_code}): {message}; "
                          f"check --user, --auth and {PASSWORD_VARIABLE}")
    raise RemoteError(f"{what}: the store answered {response.status_code}: {message}")


def _count(reads: requests.Session, query_endpoint: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    response = request(reads, "POST", query_endpoint, "count query", data={"query": query},
                       headers={"Accept": "application/sparql-results+json"})
    _check(response, "count query")
    try:
        return int(response.json()["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError):
        raise RemoteError(f"count query: the store's answer is not SPARQL results JSON: {response.text[:200]}") from None
