"""HTTP caching and compression of what `koko serve` sends.

Pages and downloads carry a strong ETag (their content's SHA-256) and Last-Modified (the
release date) and answer 304 to a client that holds them; bodies of a few kB and more go
gzip-compressed to a client that accepts it (as their own representation, with their own
ETag); downloads answer Range requests with 206. werkzeug evaluates the conditions.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import shutil
import threading
from pathlib import Path

from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from ..files import file_digest

GZIP_MIN_BYTES = 2048
PAGE_MAX_AGE = 300  # seconds a cache may reuse a page or a download without asking again
_COMPRESSIBLE = ("text/", "application/n-triples", "application/ld+json", "application/json", "application/sparql-results",
                 "application/xml", "application/javascript", "image/svg+xml")


def compressible(media: str) -> bool:
    return media.startswith(_COMPRESSIBLE)


def wants_gzip(request: Request) -> bool:
    """The client takes gzip, and asks for the whole body (a range is of the plain bytes)."""
    return request.accept_encodings["gzip"] > 0 and "Range" not in request.headers


def tag(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


#: The WSGI environ key under which live.py puts the version of the release a request is
#: answered from: every ETag starts with it, so a cached copy is never taken for another release's.
RELEASE_KEY = "koko.release"


def release_tag(request: Request) -> str:
    version = request.environ.get(RELEASE_KEY)
    return f"{version}." if version else ""


def file_tag(path: Path) -> str:
    return file_digest(path)[:32]


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def body(request: Request, data: bytes, media: str, headers=(), status: int = 200, cache: bool = True,
         last_modified: dt.datetime | None = None) -> Response:
    """A response of bytes in memory: gzip when it pays; with `cache`, ETag, Last-Modified and
    Cache-Control, and 304 when the client's copy is current."""
    gz = wants_gzip(request) and len(data) >= GZIP_MIN_BYTES and compressible(media)
    response = Response(gzip.compress(data, compresslevel=6, mtime=0) if gz else data, status=status,
                        headers=list(headers), content_type=media)
    if compressible(media):
        response.vary.add("Accept-Encoding")
    if gz:
        response.headers["Content-Encoding"] = "gzip"
    if not cache:
        response.cache_control.no_cache = True
        return response
    response.set_etag(release_tag(request) + tag(data) + ("-gzip" if gz else ""))
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = PAGE_MAX_AGE
    return conditional(request, response)


def conditional(request: Request, response: Response, length: int | None = None) -> Response:
    try:
        return response.make_conditional(request, accept_ranges=length is not None, complete_length=length)
    except RequestedRangeNotSatisfiable:
        return _unsatisfiable(length)


def _unsatisfiable(length: int) -> Response:
    refused = Response(b"", status=416)
    refused.headers["Content-Range"] = f"bytes */{length}"
    return refused


class Downloads:
    """The published files: each one's ETag taken once at start, and its gzip copy made in the
    background (until it is ready, a client that takes gzip gets the plain file)."""

    def __init__(self, folder: Path, names: tuple, media: dict, last_modified: dt.datetime, workdir: Path):
        self.folder, self.names, self.media = folder, names, media
        self.last_modified = last_modified
        self.tags = {name: file_tag(folder / name) for name in names}
        self.workdir = workdir
        self.gzipped: dict = {}  # name -> path of its gzip copy, once complete
        self._worker = threading.Thread(target=self._compress_all, name="koko-gzip", daemon=True)
        self._worker.start()

    def media_of(self, name: str) -> str:
        return self.media.get(name.rsplit(".", 1)[-1], "application/octet-stream")

    def _compress_all(self) -> None:
        for name in self.names:
            path = self.folder / name
            if not compressible(self.media_of(name)) or path.stat().st_size < GZIP_MIN_BYTES:
                continue
            target = self.workdir / (name + ".gz")
            try:
                with path.open("rb") as src, gzip.GzipFile(target, "wb", compresslevel=6, mtime=0) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except OSError:
                continue  # no copy: the plain file is served
            self.gzipped[name] = target

    def send(self, request: Request, name: str) -> Response:
        media = self.media_of(name)
        gz = self.gzipped.get(name) if wants_gzip(request) else None
        try:
            response = send_file(gz or self.folder / name, request.environ, mimetype=media, conditional=True,
                                 download_name=name, etag=release_tag(request) + self.tags[name] + ("-gzip" if gz else ""),
                                 last_modified=self.last_modified, max_age=PAGE_MAX_AGE)
        except RequestedRangeNotSatisfiable:
            return _unsatisfiable((self.folder / name).stat().st_size)
        response.cache_control.public = True
        if compressible(media):
            response.vary.add("Accept-Encoding")
        if gz:
            response.headers["Content-Encoding"] = "gzip"
        return response
