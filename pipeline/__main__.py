"""`python -m pipeline` and the `koko` command."""

import _signal  # the built-in module: `signal` imports enum first, long enough for a Ctrl-C to land


def _stop_quietly(signum, frame) -> None:
    raise SystemExit(130)


def run() -> None:
    """Start the command. A Ctrl-C while its modules still load (before the command sets up
    its own handling, which keeps the previous output) ends it at once: exit 130, no traceback."""
    _signal.signal(_signal.SIGINT, _stop_quietly)
    from .cli import main

    main(prog_name="koko")


if __name__ == "__main__":
    run()
