"""`koko serve` as its own process on 127.0.0.1: started on port 0 (the port it binds is read
from its start line, so no other process can take it between choosing and binding), its
stderr drained by a thread so that reading it never waits without a time limit."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class KokoServe:
    def __init__(self, out: Path, *args: str, data: Path = ROOT / "data", preexec_fn=None):
        self.command = [sys.executable, "-m", "pipeline", "serve", "--out", str(out), "--data", str(data),
                        "--port", "0", *args]
        self.preexec_fn = preexec_fn
        self.lines: queue.Queue = queue.Queue()
        self.log: list = []
        self.proc = None
        self.url = self.limits = None

    def start(self, seconds: float = 120) -> "KokoServe":
        self.proc = subprocess.Popen(self.command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                                     preexec_fn=self.preexec_fn)
        threading.Thread(target=self._drain, daemon=True).start()
        self.url = re.search(r"at (http://127\.0\.0\.1:\d+)/", self.wait_for("Serving", seconds)).group(1)
        self.limits = self.wait_for("Limits:", 10)
        return self

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, text: str, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"koko serve did not print {text!r} within {seconds:g} s: {''.join(self.log)}") from None
            if line is None:
                raise AssertionError(f"koko serve ended before printing {text!r}: {''.join(self.log)}")
            if text in line:
                return line

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
