"""Run one piece of work in a forked child process while the parent goes on.

Validation and rendering both take seconds on a large graph and need nothing from each
other, so on a machine with two cores they run side by side. The child inherits the
parent's memory (the graph is not copied or pickled); only its result comes back.
"""

from __future__ import annotations

import fcntl
import gc
import mmap
import multiprocessing
import os
import select
import signal
import struct
import threading
import time
import weakref

from ..errors import MachineError
from ..i18n import Msg
from ..processes import die_with_parent, signals_held, unhold


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return "?"


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value

    def done(self) -> bool:
        return True

    def cancel(self) -> None:
        pass


class _Running:
    def __init__(self, process, connection):
        self.process = process
        self.connection = connection
        self.finished = False
        self.answer = None

    def done(self) -> bool:
        """Whether the answer is in, without waiting for it."""
        return self.answer is not None or (not self.finished and self.connection.poll())

    def result(self):
        if self.answer is None:
            self.answer = self._receive()
        kind, value = self.answer
        if kind == "error":
            raise value
        return value

    def _receive(self):
        try:
            kind, value = self.connection.recv()
        except EOFError:
            self.process.join()
            code = self.process.exitcode
            if code is not None and code < 0:  # a signal it did not send itself: the kernel's OOM killer sends SIGKILL
                raise MachineError(Msg("a process of this run was stopped by signal {number} ({name}), most often "
                                       "sent when the machine runs out of memory; the previous output is as it was",
                                       number=-code, name=_signal_name(-code))) from None
            raise RuntimeError(f"the worker process ended without an answer (exit {code})") from None
        except BaseException:  # Ctrl-C while waiting: the worker may be blocked writing its answer
            self.cancel()
            raise
        self.process.join()
        self.finished = True
        return kind, value

    def cancel(self) -> None:
        """Stop the worker at once. SIGKILL, not SIGTERM: the worker may be blocked writing a
        large answer that nobody reads, and it has no clean-up of its own to do."""
        if not self.finished and self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.finished = True


PIPE_BYTES = 1 << 20  # a pipe's buffer between forked processes (Linux gives 64 kB)


def pipe() -> tuple:
    """A one-way pipe between forked processes, (receive, send), its buffer widened to
    PIPE_BYTES where the system allows. Each write then moves more before the other side has
    to run: 124 MB of lines crossed in 0.07 s against 0.24 s, with both processes busy all
    along. Elsewhere (not Linux, over /proc/sys/fs/pipe-max-size, or past the user's quota of
    pipe pages) the buffer stays as the system made it."""
    receive, send = multiprocessing.get_context("fork").Pipe(duplex=False)
    _widen(send.fileno())
    return receive, send


def _widen(fd: int) -> None:
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):
        pass


def start(work, parallel: bool = True):
    """Start `work()`; `.result()` returns what it returned (or raises what it raised)."""
    if not parallel:
        return _Done(work())
    context = multiprocessing.get_context("fork")
    gc.collect()
    gc.freeze()  # the collector in the child would otherwise touch, and so copy, every object
    receive, send = pipe()

    parent = os.getpid()

    def run() -> None:
        unhold(mask)
        die_with_parent()  # a killed publish leaves no worker writing its staging folder
        if os.getppid() != parent:  # it died before that took effect
            os._exit(1)
        try:
            send.send(("ok", work()))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent as it is
            send.send(("error", exc))

    process = context.Process(target=run, daemon=True)
    with signals_held() as mask:  # see processes.unhold
        process.start()
    gc.unfreeze()
    send.close()
    return _Running(process, receive)


class Early:
    """A worker's first answer, before its result: what it has made that the parent can take
    in while the worker goes on (reading a large answer costs the parent as much as writing it
    costs the worker, so the two overlap). Made before `start`; the work calls `send` once,
    the parent `receive` once, after `start`. The answer is bytes: the two sides say what
    they mean (a pickle, or more than one)."""

    def __init__(self):
        self._receive, self._send = pipe()

    def send(self, data: bytes) -> None:
        self._send.send_bytes(data)
        self._send.close()

    def receive(self, running: "_Running"):
        """The first answer; what the work raised, when it ended before sending it."""
        try:
            self._send.close()  # the parent's end: the worker's is then the only one, and its end is seen
            # looked at every second too: a process forked meanwhile may hold the worker's end open
            while not self._receive.poll(1.0):
                if not running.process.is_alive() and not self._receive.poll(0):
                    raise EOFError
            return self._receive.recv_bytes()
        except EOFError:
            running.result()  # raises what the work raised
            raise RuntimeError("the worker process ended without its first answer") from None
        except BaseException:  # Ctrl-C while waiting
            running.cancel()
            raise
        finally:
            self._receive.close()


class Claims:
    """Batches of positions (0-49, 50-99, ...) handed out in turn to whichever process asks
    next: a counter in an anonymous shared page that a forked child shares with its parent,
    so that two processes split a list of work by how fast each gets through it, not half and
    half. Its lock is one byte in a pipe, taken by whoever reads it: neither needs /dev/shm
    nor a writable temporary folder, as multiprocessing's shared values and locks do."""

    WAIT = 30.0  # seconds: the other process holds the byte only for an increment

    def __init__(self, batch: int = 50):
        self.batch = batch
        self._counter = mmap.mmap(-1, 8)  # MAP_SHARED | MAP_ANONYMOUS: the same page after fork
        self._take, give = os.pipe()
        os.set_blocking(self._take, False)
        os.write(give, b"\0")
        self._give = give
        weakref.finalize(self, _close, self._counter, self._take, give)

    def __call__(self) -> tuple:
        """(start, stop) of the next batch; unbounded: the caller stops at its list's end."""
        deadline = time.monotonic() + self.WAIT
        while True:
            try:
                os.read(self._take, 1)
                break
            except BlockingIOError:  # the other process holds it, or took it first
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self._take], [], [], left)[0]:  # its holder was killed holding it
                    raise RuntimeError("the other process sharing the work stopped while claiming a batch") from None
        try:
            (start,) = struct.unpack_from("q", self._counter)
            struct.pack_into("q", self._counter, 0, start + self.batch)
        finally:
            os.write(self._give, b"\0")
        return start, start + self.batch


def _close(counter: mmap.mmap, *fds: int) -> None:
    counter.close()
    for fd in fds:
        os.close(fd)


class Stream:
    """A large text a worker writes as it makes it (into a file, say), read by a thread of
    the parent into one bytes object as it comes: the parent has it when the worker has
    written it, not a read of the file later. Made before `start`. The worker calls `size(n)`
    and then `write` for each piece, or `none()`; the parent `begin()` after `start`, then
    `result()`: the bytes, or None when none came whole (the worker said none, failed, or was
    stopped). The parent's reading is a copy it would make anyway; a reader that is gone costs
    the worker nothing: its writes stop, and its own work goes on."""

    _HEAD = struct.Struct("q")

    def __init__(self):
        self._read, self._write = os.pipe()
        _widen(self._write)
        self._broken = False
        self._thread: threading.Thread | None = None
        self._got = None

    # --- in the worker

    def writing(self) -> None:
        """First, in the worker: close its copy of the reading end, so that a parent that
        stops reading makes its writes fail at once instead of wait."""
        os.close(self._read)
        self._read = -1

    def size(self, n: int) -> None:
        self._put(self._HEAD.pack(n))

    def none(self) -> None:
        """No text will come: the pieces written after are not sent."""
        self._put(self._HEAD.pack(-1))
        self._broken = True

    def write(self, data) -> None:
        self._put(data)

    def _put(self, data) -> None:
        view, done = memoryview(data), 0
        try:
            while done < len(view) and not self._broken:
                done += os.write(self._write, view[done:])
        except OSError:  # the parent stopped reading: it reads the file instead
            self._broken = True

    # --- in the parent

    def begin(self) -> None:
        """Close the parent's end of the writing (the worker's is then the only one, and its
        end is seen) and read on a thread."""
        os.close(self._write)
        self._write = -1
        self._thread = threading.Thread(target=self._receive, name="koko-stream", daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        with open(self._read, "rb") as reader:  # a buffered read of n bytes fills one bytes object, raw read by raw read
            head = reader.read(self._HEAD.size)
            if len(head) == self._HEAD.size:
                (n,) = self._HEAD.unpack(head)
                data = reader.read(n) if n >= 0 else None
                if data is not None and len(data) == n:
                    self._got = data

    def result(self):
        """The bytes the worker wrote, once it has ended or written them all; None when not whole."""
        if self._thread is None:
            return None
        self._thread.join()
        return self._got

    def close(self) -> None:
        """The parent's ends, where `begin` did not run (an error before it)."""
        if self._thread is None:
            for fd in (self._read, self._write):
                if fd >= 0:
                    os.close(fd)
            self._read = self._write = -1
