"""`koko serve`: the published graph on one origin, for the public.

The pages, downloads and /sparql are one WSGI application (app.py) served by waitress. SPARQL
queries run in the Oxigraph server behind it (store_server.py) and pass a gate that bounds how
many run and wait; waitress gets that many threads more than the page workers, so pages are
always served by threads no query can hold.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..graph import releases as archive
from ..sources.boundaries import read_boundaries
from ..sources.release_settings import serving_dir
from .app import DOWNLOAD_MEDIA, App
from .endpoint import Endpoint
from .http_cache import Downloads, midnight
from .limits import Limits
from .pages import Site
from .store_server import oxigraph_server

PAGE_WORKERS = 4
MAX_CONNECTIONS = 200


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


def make_app(settings: Settings, out_dir: Path, store_url: str, limits: Limits, workdir: Path) -> App:
    """The application over a published folder and its running store; gzip copies go to workdir."""
    names = tuple(sorted(p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith(".")))
    if (out_dir / archive.ARCHIVE).is_dir():  # the earlier releases' files, by their paths under output/
        names += tuple(sorted(p.relative_to(out_dir).as_posix() for p in (out_dir / archive.ARCHIVE).rglob("*")
                              if p.is_file()))
    released = archive.catalogue_date(out_dir) or settings.release_date
    site = Site.from_output(out_dir, settings, read_boundaries(serving_dir(out_dir)), endpoint="/sparql")
    endpoint = Endpoint(store_url, limits, settings.base_iri, count_lines(out_dir / "koko.nt"))
    current = archive.read_release(out_dir)
    releases = ([current] if current else []) + archive.archived(out_dir)[::-1]
    return App(site, endpoint, Downloads(out_dir, names, DOWNLOAD_MEDIA, midnight(released), workdir), released,
               releases, archive.withdrawn_of(out_dir))


def serve(settings: Settings, out_dir: Path, host: str, port: int, ready=None, limits: Limits | None = None) -> None:
    """Run until interrupted. `ready(url, limits)` is called once both servers answer."""
    from waitress import create_server

    limits = limits or Limits()
    out_dir = out_dir.resolve()
    if not (out_dir / "koko.nt").is_file():
        raise InputError(f"{out_dir}/koko.nt not found; run `koko publish` first")
    with oxigraph_server(out_dir, limits.query_timeout) as store_url, tempfile.TemporaryDirectory(prefix="koko-gz-") as gz:
        app = make_app(settings, out_dir, store_url, limits, Path(gz))
        threads = PAGE_WORKERS + limits.max_queries + limits.max_waiting
        server = create_server(app, host=host, port=port, threads=threads,
                               connection_limit=MAX_CONNECTIONS, max_request_body_size=3 * limits.max_query_bytes + 1024,
                               channel_timeout=30, ident="koko")
        if ready:
            ready(f"http://{host}:{server.effective_port}", limits)
        try:
            server.run()
        finally:
            server.close()
