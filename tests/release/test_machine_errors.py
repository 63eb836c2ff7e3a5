"""When the machine refuses (a full disk, a read-only file system, a permission), koko says
which path and what is wrong in one line, exits 5 (never 4, "a bug"), and the previous output
stays whole. The file systems are real: a small tmpfs (mounted by the test, as root; the test
skips, saying why, where mounting is refused), and a folder the kernel refuses to write in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import DATA, RELEASE, as_it_stands

from pipeline.errors import EXIT_MACHINE

pytestmark = pytest.mark.slow  # publishes onto mounted file systems

KOKO = [sys.executable, "-m", "pipeline"]



def publish(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KOKO, "publish", "--data", str(DATA), "--out", str(out), *args], capture_output=True,
                          text=True, timeout=300)


@contextmanager
def made_so(do: list, undo: list, needs: str):
    """Run `do` for the block and `undo` after it; skip, saying why, where `do` is refused."""
    done = subprocess.run(do, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"{' '.join(do[:2])} was refused here ({done.stderr.strip() or done.returncode}); {needs}")
    try:
        yield
    finally:
        subprocess.run(undo, capture_output=True)


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs of the test's own, unmounted after."""
    mount = tmp_path / "disk"
    mount.mkdir()
    with made_so(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], ["umount", "-l", str(mount)],
                 "it needs root"):
        yield mount


def one_line_error(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    return errors[0]


def test_a_full_disk_is_exit_5_with_the_space_needed(small_disk):
    out = small_disk / "output"
    assert publish(out, "--release-date", RELEASE).returncode == 0
    before = as_it_stands(out)
    free = shutil.disk_usage(small_disk).free
    with open(small_disk / "filler", "wb") as fh:  # leave some 100 kB: far less than a release takes
        fh.truncate(0)
        fh.write(b"\0" * max(0, free - 100_000))
    result = publish(out, "--release-date", "2030-01-01")
    assert result.returncode == EXIT_MACHINE, result.stderr
    line = one_line_error(result.stderr)
    assert line.startswith(f"error: {out}/") and "no space left on the device" in line, line
    assert "this release needs about" in line and "is free in" in line and "previous output is as it was" in line, line
    assert as_it_stands(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "output"], "no staging folder is left"


def test_a_read_only_file_system_is_exit_5(small_disk):
    out = small_disk / "output"
    assert publish(out, "--release-date", RELEASE).returncode == 0
    before = as_it_stands(out)
    assert subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True).returncode == 0
    result = publish(out, "--release-date", "2030-01-01")
    assert result.returncode == EXIT_MACHINE, result.stderr
    line = one_line_error(result.stderr)
    assert "the file system is read-only" in line and str(small_disk) in line, line
    assert as_it_stands(out) == before
    fresh = publish(small_disk / "elsewhere" / "output")  # a missing parent that cannot be made
    assert fresh.returncode == EXIT_MACHINE and "read-only" in one_line_error(fresh.stderr)


@pytest.fixture
def refusing_folder(tmp_path):
    """A folder the kernel refuses to create files in: immutable (chattr +i) for root, whom
    file modes do not stop; read-only by its mode for anyone else."""
    folder = tmp_path / "refusing"
    folder.mkdir()
    if os.geteuid() == 0:
        with made_so(["chattr", "+i", str(folder)], ["chattr", "-i", str(folder)], "the file system has no immutable flag"):
            yield folder
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


def test_a_refused_permission_is_exit_5(refusing_folder):
    result = publish(refusing_folder / "output")
    assert result.returncode == EXIT_MACHINE, result.stderr
    line = one_line_error(result.stderr)
    assert str(refusing_folder) in line and ("not permitted" in line or "permission denied" in line), line
    assert list(refusing_folder.iterdir()) == []


def test_a_process_the_kernel_kills_is_exit_5_and_the_output_stays(tmp_path):
    """The validating process killed with SIGKILL, as the out-of-memory killer does it."""
    out = tmp_path / "output"
    assert publish(out, "--release-date", RELEASE).returncode == 0
    before = as_it_stands(out)
    killed = ("import os, signal, sys; from pipeline.release import publish; "
              "publish._validate_and_site = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL); "
              "from pipeline.cli import main; sys.exit(main())")
    result = subprocess.run([sys.executable, "-c", killed, "publish", "--data", str(DATA), "--out", str(out),
                             "--release-date", "2030-01-01"], capture_output=True, text=True, timeout=300)
    assert result.returncode == EXIT_MACHINE, result.stderr
    assert "signal 9 (SIGKILL)" in one_line_error(result.stderr)
    assert as_it_stands(out) == before
