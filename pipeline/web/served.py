"""One release as `koko serve` holds it: a snapshot of its folder, its store, its application.

A publish swaps a whole new folder in and moves the old one aside to delete it, so what is
served must not be read from the output folder after it is loaded. A release is therefore
taken from the folder it was in when koko looked (opened once, so a swap meanwhile cannot
mix two releases): its files are hard-linked (copied across file systems) into a private
snapshot, which the pages, the downloads and the store are all made from. The static site
(`site/`) is not taken: koko serve renders its pages itself.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from ..errors import Code, InputError
from ..files import count_lines
from ..graph import releases as archive
from ..graph.releases import MARKER
from ..i18n import Msg
from ..sources.boundaries import read_boundaries
from ..sources.release_settings import release_settings, serving_dir
from .app import DOWNLOAD_MEDIA, App
from .endpoint import Endpoint
from .http_cache import Downloads, midnight
from .limits import Limits
from .pages import Site
from .store_server import Store

NOT_TAKEN = ("site",)


def identity(folder: Path) -> tuple | None:
    """What tells one release folder from the next at the same path: its device and inode."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def snapshot(out_dir: Path, target: Path) -> tuple:
    """Link (or copy) the release in `out_dir` into `target`; returns the folder's identity.
    Raises InputError when the folder is not a complete release or goes away meanwhile."""
    try:
        fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise InputError(Msg('{out_dir}: cannot be read ({strerror})', out_dir=out_dir, strerror=exc.strerror), code=Code.FILE_UNREADABLE) from None
    try:
        st = os.fstat(fd)
        target.mkdir(parents=True)
        for root, dirs, files, root_fd in os.fwalk(".", dir_fd=fd):
            if root == ".":
                dirs[:] = [d for d in dirs if d not in NOT_TAKEN]
            into = target / root
            into.mkdir(exist_ok=True)
            for name in files:
                _take(name, root_fd, into / name)
        if not (target / MARKER).is_file():
            raise InputError(Msg('{out_dir}: not a complete release (no {marker}); publish it again', out_dir=out_dir, marker=MARKER), code=Code.ARCHIVE_DAMAGED)
        return st.st_dev, st.st_ino
    except FileNotFoundError as exc:
        raise InputError(Msg('{out_dir}: the release went away while it was read ({filename})', out_dir=out_dir, filename=exc.filename), code=Code.RELEASE_CHANGED) from None
    finally:
        os.close(fd)


def _take(name: str, dir_fd: int, dest: Path) -> None:
    try:
        os.link(name, dest, src_dir_fd=dir_fd, follow_symlinks=False)
    except OSError:  # another file system, or no hard links here: a copy
        src = os.open(name, os.O_RDONLY, dir_fd=dir_fd)
        with os.fdopen(src, "rb") as fin, open(dest, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)


def make_app(settings, folder: Path, store_url: str, limits: Limits, workdir: Path) -> App:
    """The application over a release folder and its running store; gzip copies go to workdir."""
    names = tuple(sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")))
    if (folder / archive.ARCHIVE).is_dir():  # the earlier releases' files, by their paths under output/
        names += tuple(sorted(p.relative_to(folder).as_posix() for p in (folder / archive.ARCHIVE).rglob("*")
                              if p.is_file()))
    released = archive.catalogue_date(folder) or settings.release_date
    site = Site.from_output(folder, settings, read_boundaries(serving_dir(folder)), endpoint="/sparql")
    site.served = True
    endpoint = Endpoint(store_url, limits, settings.base_iri, count_lines(folder / "koko.nt"))
    current = archive.read_release(folder)
    releases = ([current] if current else []) + archive.archived(folder)[::-1]
    return App(site, endpoint, Downloads(folder, names, DOWNLOAD_MEDIA, midnight(released), workdir), released,
               releases, archive.withdrawn_of(folder), version=settings.release_version)


class Served:
    """A release being served, and the requests it is answering (so that it is stopped only
    once the last of them is done)."""

    def __init__(self, folder: Path, identity: tuple, store: Store, app: App):
        self.folder, self.identity, self.store, self.app = folder, identity, store, app
        self.version = app.version
        self.loaded_at = time.monotonic()
        self._busy = 0
        self._idle = threading.Condition()

    @classmethod
    def load(cls, out_dir: Path, workroot: Path, limits: Limits, templates: Path | None = None) -> "Served":
        """Snapshot the release in `out_dir` under `workroot`, start its store, build its pages."""
        folder = Path(os.path.join(workroot, f"release-{time.monotonic_ns()}"))
        store = None
        try:
            ident = snapshot(out_dir, folder / "files")
            settings = release_settings(folder / "files").with_templates(templates)
            store = Store(folder / "files" / "koko.nt", limits.query_timeout)
            (folder / "gz").mkdir()
            app = make_app(settings, folder / "files", store.url, limits, folder / "gz")
            return cls(folder, ident, store, app)
        except BaseException:
            if store is not None:
                store.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def restart_store(self, limits: Limits) -> None:
        """A new store of the same snapshot, for one that stopped."""
        old, self.store = self.store, Store(self.folder / "files" / "koko.nt", limits.query_timeout)
        self.app.endpoint.store_url = self.store.url
        old.close()

    def enter(self) -> None:
        with self._idle:
            self._busy += 1

    def leave(self) -> None:
        with self._idle:
            self._busy -= 1
            if not self._busy:
                self._idle.notify_all()

    def close(self, wait_s: float = 0) -> None:
        """Stop it once the requests it answers are done (waiting at most `wait_s`)."""
        deadline = time.monotonic() + wait_s
        with self._idle:
            while self._busy and time.monotonic() < deadline:
                self._idle.wait(deadline - time.monotonic())
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)
