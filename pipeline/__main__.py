"""`python -m pipeline` and the `koko` command."""

import _signal  # the built-in module: `signal` imports enum first, long enough for a Ctrl-C to land
import os  # already loaded by Python's own start


def _stop_quietly(signum, frame) -> None:
    """End at once: no command has begun, so nothing is written. An exception would land
    wherever the modules are loading, where Python may swallow it (in a __del__, exit 0 after
    a whole run) or wrap it (Python 3.11, while a class is made: a RuntimeError, exit 1)."""
    os._exit(130)


def run() -> None:
    """Start the command. A Ctrl-C while its modules still load (before the command sets up
    its own handling, which keeps the previous output) ends it at once: exit 130, no traceback."""
    _signal.signal(_signal.SIGINT, _stop_quietly)
    from .cli import main

    main(prog_name="koko")


if __name__ == "__main__":
    run()
