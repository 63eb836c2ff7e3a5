"""Export stage: write every output file into a new folder, then swap it in.

A run that fails, or is interrupted, leaves the previous output folder exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

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


def recover(out_dir: Path) -> None:
    """Put back a previous output that a killed run left moved aside."""
    out_dir = out_dir.resolve()
    if out_dir.exists():
        for stale in out_dir.parent.glob(f".{out_dir.name}.old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        return
    olds = sorted(out_dir.parent.glob(f".{out_dir.name}.old-*"))
    if olds:
        os.rename(olds[-1], out_dir)


def write_output(out_dir: Path, files: dict) -> None:
    """Write `files` (relative name -> bytes) as the new content of `out_dir`, atomically."""
    out_dir = out_dir.resolve()
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or not _is_ours(out_dir)):
        raise InputError(f"{out_dir}: not replaced: it holds files that koko did not write; choose another --out")
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=parent))
    try:
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        (tmp / MARKER).write_text("written by koko publish; the folder is replaced as a whole on each run\n")
        os.chmod(tmp, 0o755)
        with _signals_held():
            if out_dir.exists():
                old = parent / f".{out_dir.name}.old-{os.getpid()}"
                os.rename(out_dir, old)
                os.rename(tmp, out_dir)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
