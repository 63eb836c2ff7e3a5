"""Lines of a child process's output, read by a thread so that a test waits on them with a
time limit (a bare readline() waits for ever on a child that hangs), and so that the pipe is
always drained (a child writing much never blocks on it)."""

from __future__ import annotations

import queue
import threading
import time


class Lines:
    def __init__(self, stream):
        self.seen: list = []
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream) -> None:
        for line in stream:
            line = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
            self.seen.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, wanted, seconds: float) -> str:
        """The first line for which `wanted(line)` holds (or that contains `wanted`, a str)."""
        test = (lambda line: wanted in line) if isinstance(wanted, str) else wanted
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self._queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line like {wanted!r} within {seconds:g} s:\n{self.text()}") from None
            if line is None:
                raise AssertionError(f"the output ended before a line like {wanted!r}:\n{self.text()}")
            if test(line):
                return line

    def text(self, seconds: float = 0) -> str:
        """All lines so far; with `seconds`, first wait that long for the output to end."""
        if seconds:
            self._thread.join(seconds)
        return "".join(self.seen)
