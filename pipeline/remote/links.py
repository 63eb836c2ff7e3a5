"""`koko check-links`: ask a deployed release for every address its catalogue publishes.

A portal (data.europa.eu's quality measure among them) asks each distribution's accessURL and
downloadURL and counts the ones that answer 2xx. The addresses are read from the release's
catalogue and VoID description; `--base` checks them at another address (a staging host, or
`koko serve` before the w3id redirect is in place) by putting it in place of the release's base
IRI. Each is asked with HEAD, following redirects, and with GET where a host refuses HEAD.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from ..errors import Code, InputError
from ..graph.vocab import DCAT, DCT, VOID
from ..i18n import Msg
from .http import Retry, failure_kind, session

#: What the catalogue and the VoID description publish as addresses to follow.
LINKS = (DCAT + "downloadURL", DCAT + "accessURL", DCAT + "landingPage", VOID + "dataDump", DCT + "conformsTo")
FILES = ("catalog.ttl", "void.ttl")
WORKERS = 4  # requests at once: enough for a few dozen addresses, gentle on the host
CHECK_RETRY = Retry(attempts=3, backoff=0.5, timeout=15, max_wait=30)


@dataclass(frozen=True)
class Link:
    published: str  # the address as the release publishes it
    asked: str  # the address asked (with --base, on that host)
    status: int | None = None  # the final answer's status, after redirects
    error: str = ""  # why there was no answer

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def published_links(out_dir: Path) -> list[str]:
    """Every address the release's catalogue and VoID give to follow, once each, in order."""
    found: set = set()
    for name in FILES:
        path = out_dir / name
        if not path.is_file():
            raise InputError(Msg("{path} not found: there is no release in {out_dir} to check; run `koko publish` first (or give the release's folder with --out)", path=path, out_dir=out_dir), code=Code.RELEASE_MISSING)
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value in LINKS and isinstance(t.object, ox.NamedNode) and t.object.value.startswith("http"):
                found.add(t.object.value)
    if not found:
        raise InputError(Msg('{out_dir}/catalog.ttl publishes no address to check', out_dir=out_dir), code=Code.ARCHIVE_DAMAGED)
    return sorted(found)


def on_base(url: str, base_iri: str, base: str | None) -> str:
    """The address to ask: with `base`, the part after the release's base IRI put on it."""
    if base and url.startswith(base_iri):
        return base.rstrip("/") + "/" + url[len(base_iri):]
    return url


def check_links(out_dir: Path, base_iri: str, base: str | None = None, retry: Retry = CHECK_RETRY) -> list[Link]:
    """Ask every published address; the answers in the order of the addresses."""
    urls = published_links(out_dir)
    http = session(retry)

    def ask(url: str) -> Link:
        asked = on_base(url, base_iri, base)
        try:
            response = http.head(asked, allow_redirects=True, timeout=retry.timeout)
            if response.status_code in (405, 501):  # a host that does not answer HEAD
                response = http.get(asked, allow_redirects=True, timeout=retry.timeout, stream=True)
                response.close()
            return Link(url, asked, response.status_code)
        except requests.RequestException as exc:
            why = {"unreachable": "cannot connect", "timeout": f"no answer within {retry.timeout:g} s"}.get(failure_kind(exc),
                                                                                                          "the connection broke")
            return Link(url, asked, None, why)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(ask, urls))
