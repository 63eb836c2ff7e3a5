"""Export stage: write every output file into a new folder, then swap it in.

A run that fails, or is interrupted, leaves the previous output folder exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError

MARKER = ".koko-output"


def _is_ours(folder: Path) -> bool:
    if (folder / MARKER).exists():
        return True
    return all(p.name.startswith(".") or p.name == "README.md" for p in folder.iterdir())


@contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM for the two renames that swap the folders."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _remove_in_background(folder: Path) -> None:
    """Delete a folder without waiting for it: deleting thousands of small files takes longer
    than writing them, and nothing needs it gone before koko exits."""
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # the child: its own session, so Ctrl-C in the terminal does not reach it
        try:
            os.setsid()
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)


def recover(out_dir: Path) -> None:
    """Put back a previous output that a killed run left moved aside."""
    out_dir = out_dir.resolve()
    for trash in out_dir.parent.glob(f".{out_dir.name}.trash-*"):  # left by a run that stopped
        shutil.rmtree(trash, ignore_errors=True)
    if out_dir.exists():
        for stale in out_dir.parent.glob(f".{out_dir.name}.old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        return
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"))
    if olds:
        os.rename(olds[-1], out_dir)


class Staging:
    """A new output folder, written file by file beside the old one and swapped in whole.

    Each file is written as soon as it is ready, so a large output is never all in memory;
    its size and SHA-256 are kept for the catalogue. `commit()` swaps the folder in; leaving
    the `with` block without committing (an error, Ctrl-C) removes it, and the previous
    output stays as it was.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.parent = self.out_dir.parent
        self.parent.mkdir(parents=True, exist_ok=True)
        recover(self.out_dir)
        if self.out_dir.exists() and (not self.out_dir.is_dir() or not _is_ours(self.out_dir)):
            raise InputError(f"{self.out_dir}: not replaced: it holds files that koko did not write; choose another --out")
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.new-", dir=self.parent))
        self.files: dict = {}  # name -> (size, sha256 hex)
        self._folders: set = set()
        self.committed = False

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        if not self.committed:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, name: str, data: bytes) -> None:
        path = self.tmp / name
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        if not self._keep(name, path, data):
            with open(path, "wb") as fh:
                fh.write(data)
        self.files[name] = (len(data), hashlib.sha256(data).hexdigest())

    def link(self, name: str, source: Path) -> None:
        """Carry a file over unchanged (the archive of earlier releases): a hard link where
        the file system allows, a copy elsewhere."""
        path = self.tmp / name
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        try:
            os.link(source, path)
        except OSError:
            shutil.copyfile(source, path)
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        self.files[name] = (path.stat().st_size, digest.hexdigest())

    def _keep(self, name: str, path: Path, data: bytes) -> bool:
        """Link the previous release's file when it holds exactly these bytes: the outputs are
        deterministic, so a publish after a small edit rewrites only what changed, and a
        link costs a small fraction of writing a file on a slow disk."""
        previous = self.out_dir / name
        try:
            if previous.stat().st_size != len(data) or previous.read_bytes() != data:
                return False
            os.link(previous, path)
            return True
        except OSError:  # no previous file, another file system, no hard links here
            return False

    def write_many(self, files: dict, threads: int = 8) -> None:
        """Write many small files at once: creating a file waits on the disk, not the CPU,
        so several threads finish a few thousand of them in a fraction of the time."""
        from concurrent.futures import ThreadPoolExecutor

        for folder in sorted({(self.tmp / name).parent for name in files} - self._folders):
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda item: self.write(*item), files.items()))

    def commit(self) -> None:
        (self.tmp / MARKER).write_text("written by koko publish; the folder is replaced as a whole on each run\n")
        os.chmod(self.tmp, 0o755)
        with _signals_held():
            if self.out_dir.exists():
                old = self.parent / f".{self.out_dir.name}.old-{os.getpid()}"
                os.rename(self.out_dir, old)
                os.rename(self.tmp, self.out_dir)
                self.committed = True
                trash = self.parent / f".{self.out_dir.name}.trash-{os.getpid()}"
                os.rename(old, trash)  # never put back by recover(): it may be half deleted
                _remove_in_background(trash)
            else:
                os.rename(self.tmp, self.out_dir)
                self.committed = True
