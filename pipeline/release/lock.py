"""One publish at a time: an OS lock on a file beside the output folder.

`koko publish` and `koko releases --drop` hold the lock exclusively for the whole run; `koko
diff` holds it shared while it reads a release, so it never reads one half swapped. The lock
is `flock` on `.<output>.lock` in the output's parent folder: the kernel releases it when the
process ends, however it ends (SIGKILL included), so a killed run never leaves it held. The
holder writes who it is into the file (command, process, host, start time) for the one line a
waiting run prints, and removes the file when it is done; a run that finds the file it locked
removed meanwhile locks the new one, so two runs never hold two different files.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ..errors import Code, InputError
from ..i18n import Msg

#: What a reader may meet where no writer can be: no folder yet, a read-only copy.
_NO_WRITER = (errno.ENOENT, errno.EROFS, errno.EACCES, errno.EPERM)


def lock_path(out_dir: Path) -> Path:
    out = out_dir.resolve()
    return out.parent / f".{out.name}.lock"


def holder(path: Path) -> str | Msg:
    """Who holds the lock, as its holder wrote it; a reader (shared) writes nothing."""
    try:
        said = path.read_text(encoding="utf-8").strip()
    except OSError:
        said = ""
    return said or Msg("another koko command reading it (koko diff)")


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _acquire(path: Path, out_dir: Path, shared: bool, wait: bool, say) -> int:
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    said = False
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
                busy = Msg("{folder} is locked by {holder}", folder=out_dir, holder=holder(path))
                if not wait:
                    raise InputError(Msg('{busy}; not waiting (--no-wait). Run again when it has finished.', busy=busy), code=Code.OUTPUT_LOCKED) from None
                if say is not None and not said:
                    say(Msg("waiting: {busy}", busy=busy))
                    said = True
                fcntl.flock(fd, mode)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            return fd
        os.close(fd)  # the run we waited for removed this file: lock the one there now


@contextmanager
def output_lock(out_dir: Path, command: str, wait: bool = True, say: Callable[[str], None] | None = None,
                shared: bool = False):
    """Hold the output folder's lock. When another run holds it: with `wait`, say once who
    does and wait for it; without, stop at once (exit 2) with the same words."""
    path = lock_path(out_dir)
    if shared:
        try:
            fd = _acquire(path, out_dir, True, wait, say)
        except OSError as exc:
            if exc.errno not in _NO_WRITER:
                raise
            yield path
            return
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _acquire(path, out_dir, False, wait, say)
        since = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} (process {os.getpid()} on {socket.gethostname()}, since {since})\n".encode(), 0)
    try:
        yield path
    finally:
        try:
            if not shared or _try(fd, fcntl.LOCK_EX | fcntl.LOCK_NB):
                path.unlink(missing_ok=True)  # still held: nobody can have locked the file at this path
        finally:
            os.close(fd)  # releases the lock


def _try(fd: int, mode: int) -> bool:
    try:
        fcntl.flock(fd, mode)
        return True
    except OSError:
        return False
