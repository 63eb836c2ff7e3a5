"""Files as koko writes and reads them, one helper each: a file written whole or not at all,
a folder swapped in whole, a file's SHA-256 and its line count read in blocks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .processes import signals_held

BLOCK = 1 << 20


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it and one rename: a reader
    finds the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def swap_folder(new: Path, target: Path) -> Path | None:
    """Put the folder `new` in the place of `target` with two renames (Ctrl-C and SIGTERM
    held between them). Returns the folder that was there, moved aside beside it as
    `.<name>.old-<pid>`, for the caller to remove; None when there was none."""
    with signals_held():
        if not target.exists():
            os.rename(new, target)
            return None
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.rename(target, old)
        os.rename(new, target)
        return old


def stamp(status: os.stat_result) -> tuple:
    """What tells a file changed since it was looked at, without reading it: its size, its
    time of change and its inode (a file written again, or put in its place, has another)."""
    return status.st_size, status.st_mtime_ns, status.st_ino


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, in hex, read in blocks (a release's graph may be hundreds of MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(BLOCK), b""))
