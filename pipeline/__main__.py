"""`python -m pipeline` and the `koko` command."""

import signal


def run() -> None:
    """Start the command. A Ctrl-C while its modules still load (before the command sets up
    its own handling, which keeps the previous output) ends it at once: exit 130, no traceback."""
    signal.signal(signal.SIGINT, _stop_quietly)
    from .cli import main

    main(prog_name="koko")


def _stop_quietly(signum, frame) -> None:
    raise SystemExit(130)


if __name__ == "__main__":
    run()
