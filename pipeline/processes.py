"""Child processes and signals, under one policy. koko runs on POSIX systems (Linux, macOS).

- Ctrl-C and SIGTERM end a command through its clean-up: both raise KeyboardInterrupt in the
  main thread, even where the shell that started koko ignores SIGINT.
- A child server (the Oxigraph store) runs in a session of its own, so a Ctrl-C typed in the
  terminal reaches koko and not it, and koko stops it explicitly (`stop`: TERM, then KILL after
  a grace). On Linux it is also told to die with koko, were koko killed outright: a small
  trampoline sets PR_SET_PDEATHSIG before it starts the program (no `preexec_fn`, which is not
  safe in a threaded server). Linux sends that signal when the thread that started the child
  ends, so children are started only from threads that live as long as the command.
- A forked worker (release/parallel.py, the background removal of an old output) dies with
  its parent in the same way, set from inside the worker.
- The few system calls that swap an output folder run with Ctrl-C and SIGTERM held.
- The first moments of a run, before this module is imported, are `__main__.py`'s: it sets a
  quiet Ctrl-C handler with the built-in `_signal`, as `signal` itself takes long to import.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager

_LINUX = sys.platform.startswith("linux")
_PR_SET_PDEATHSIG = 1
#: Run as `python -c TRAMPOLINE PARENT NICENESS PROGRAM ARGS...`: die with PARENT (SIGTERM),
#: lower the priority by NICENESS, then become PROGRAM.
_TRAMPOLINE = ("import ctypes, os, sys\n"
               "ctypes.CDLL(None, use_errno=True).prctl(1, 15)\n"
               "os.getppid() == int(sys.argv[1]) or sys.exit(70)\n"
               "os.nice(int(sys.argv[2]))\n"
               "os.execv(sys.argv[3], sys.argv[3:])\n")


_stop_asked = False


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both raise KeyboardInterrupt, so every run ends through its clean-up,
    and are remembered (`stop_asked`): Python may hand the KeyboardInterrupt on wrapped in
    another exception (3.11 wraps one raised while a class is made, as a lazily imported
    module does), which is still the stop the user asked for."""

    def stop(signum, frame):
        global _stop_asked
        _stop_asked = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def stop_asked() -> bool:
    """Whether Ctrl-C or SIGTERM came since `stop_on_signals`."""
    return _stop_asked


@contextmanager
def signals_held():
    """Hold Ctrl-C and SIGTERM for a few system calls that must not be cut in two; yields the
    mask to restore (a forked child restores it itself: see forking)."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield old
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def unhold(mask) -> None:
    """In a child forked inside signals_held: take Ctrl-C and SIGTERM again (one that came
    during the fork is raised now, in the child's own code). A fork with them held never
    has Python's fork handlers (logging's locks) cut by a KeyboardInterrupt, which Python
    can only report as a traceback and ignore."""
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def die_with_parent(signum: int = signal.SIGKILL) -> None:
    """In a forked worker: have Linux send `signum` when the parent dies (elsewhere: nothing)."""
    if _LINUX:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)


def spawn(command: list, stderr=subprocess.DEVNULL, niceness: int = 0) -> subprocess.Popen:
    """Start a child server in a session of its own, told to die with koko (see above), at a
    priority lowered by `niceness`. `command[0]` is the program's full path."""
    if _LINUX:
        command = [sys.executable, "-c", _TRAMPOLINE, str(os.getpid()), str(niceness), *command]
    elif niceness:
        command = ["nice", "-n", str(niceness), *command]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                            start_new_session=True)


def stop(proc: subprocess.Popen, grace: float = 10) -> int:
    """Stop a child: SIGTERM, and SIGKILL when it has not ended within `grace` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)
    return proc.returncode


def fork_detached(work) -> None:
    """Run `work()` in a forked child of its own session, which does not keep the parent's
    files (the output's lock among them) and that the parent does not wait for."""
    with signals_held() as mask:
        child = os.fork() == 0
    if child:
        unhold(mask)
        try:
            os.setsid()
            os.closerange(3, _max_fd())
            work()
        finally:
            os._exit(0)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096
