"""Long work shows progress on a terminal, and only the stage lines anywhere else."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from helpers import DATA, ROOT


def under_a_terminal(*args) -> tuple[int, str]:
    """koko's exit code and everything it wrote, run under a pseudo-terminal."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", *args], stdin=follower, stdout=follower, stderr=follower,
                            cwd=ROOT, env={**os.environ, "KOKO_LANG": "en", "COLUMNS": "100"})
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the terminal's other end closed: koko is done
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(timeout=120), out.decode("utf-8", "replace")


def test_a_terminal_shows_bars_with_their_progress():
    code, shown = under_a_terminal("validate", "--data", str(DATA))
    assert code == 0, shown
    reading = [part for part in shown.split("\r") if "reading the sources" in part]
    assert len(reading) >= 2 and "100%" in reading[-1] and "[" in reading[-1], shown[:2000]
    assert "… load" in shown and "… validate" in shown


def test_a_pipe_gets_the_stage_lines_alone():
    run = subprocess.run([sys.executable, "-m", "pipeline", "validate", "--data", str(DATA)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env={**os.environ, "KOKO_LANG": "en"})
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == ["… load", "… build", "… validate"], run.stderr
    assert "\r" not in run.stderr and "%" not in run.stderr + run.stdout


def test_an_upload_sent_again_is_counted_once():
    """requests rewinds a body to send it again (a digest challenge, a retry): the bar hears
    each byte of the file once, so it never passes the file's size."""
    import io

    from pipeline.progress import Counted

    told = []
    body = Counted(io.BytesIO(b"x" * 100), 100, told.append)
    assert body.read(60) == b"x" * 60
    body.seek(0)
    assert b"".join(body) == b"x" * 100
    assert sum(told) == 100 and told == [60, 40]
