"""`koko serve` as its own process on 127.0.0.1: started on port 0 (the port it binds is read
from its start line, so no other process can take it between choosing and binding), its
stderr drained by a thread so that reading it never waits without a time limit."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

from lines import Lines


class KokoServe:
    """`koko serve --out OUT`: the checkout's, or `koko` an installed command; run in `cwd`."""

    def __init__(self, out: Path, *args: str, preexec_fn=None, koko: list | None = None, cwd: Path | None = None):
        self.command = [*(koko or [sys.executable, "-m", "pipeline"]), "serve", "--out", str(out), "--port", "0", *args]
        self.preexec_fn = preexec_fn
        self.cwd = cwd
        self.lines = None
        self.proc = None
        self.url = self.limits = None

    def start(self, seconds: float = 120) -> "KokoServe":
        self.proc = subprocess.Popen(self.command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     preexec_fn=self.preexec_fn, cwd=self.cwd)
        self.lines = Lines(self.proc.stderr)
        self.url = re.search(r"at (http://127\.0\.0\.1:\d+)/", self.lines.wait_for("Serving", seconds)).group(1)
        self.limits = self.lines.wait_for("Limits:", 10)
        return self

    def stop(self, sig=signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def __enter__(self) -> "KokoServe":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
