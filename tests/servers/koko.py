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

ROOT = Path(__file__).resolve().parents[2]


class KokoServe:
    def __init__(self, out: Path, *args: str, data: Path = ROOT / "data", preexec_fn=None):
        self.command = [sys.executable, "-m", "pipeline", "serve", "--out", str(out), "--data", str(data),
                        "--port", "0", *args]
        self.preexec_fn = preexec_fn
        self.lines = None
        self.proc = None
        self.url = self.limits = None

    def start(self, seconds: float = 120) -> "KokoServe":
        self.proc = subprocess.Popen(self.command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     preexec_fn=self.preexec_fn)
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
