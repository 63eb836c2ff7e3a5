"""What a long run shows while it works: a line for each stage and, on a terminal, a bar
with an estimate for work whose size is known (the sources' bytes read, the site's files
written, the lines validated, the bytes of an upload). Not on a terminal (CI, a pipe, a log
file) the stage lines alone, as before: nothing that redraws itself.

A `Progress` is what the library's functions take as `progress`: called with a stage's
name (a catalogue id), and asked for a bar with `bar(progress, label, total)`, which gives a
function to call with each step done. A plain function (the library's default, or a test's)
shows no bars.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Callable

import click

from .i18n import Msg, _
from .processes import stop_asked


def _nothing(_: int = 1) -> None:
    pass


class Progress:
    """Stage lines on standard error; bars too when it is a terminal (`terminal`)."""

    def __init__(self, terminal: bool | None = None, file=None):
        self._file, self._terminal = file, terminal
        self._open = False  # one bar at a time: a bar asked for inside another is not drawn

    @property
    def file(self):  # standard error as it is when something is shown (a test may have replaced it)
        return self._file or sys.stderr

    @property
    def terminal(self) -> bool:
        if self._terminal is not None:
            return self._terminal
        try:
            return self.file.isatty()
        except (AttributeError, ValueError):
            return False

    def __call__(self, step: str) -> None:
        if stop_asked():  # a Ctrl-C that Python swallowed (in a __del__, in an import's clean-up): stop here
            raise KeyboardInterrupt
        click.echo(f"… {_(step)}", file=self.file)

    @contextlib.contextmanager
    def bar(self, label: str | Msg, total: int, unit: str = ""):
        if not self.terminal or self._open or total <= 0:
            yield _nothing
            return
        self._open = True
        try:
            with click.progressbar(length=total, label=f"  {label if isinstance(label, Msg) else _(label)}", file=self.file, show_eta=True, show_percent=True,
                                   show_pos=unit != "bytes", width=24) as shown:
                yield shown.update
        finally:
            self._open = False


def bar(progress, label: str, total: int, unit: str = ""):
    """A bar of `progress` when it draws them, else a context that draws nothing; either way
    it gives the function to call with each step done."""
    drawn = getattr(progress, "bar", None)
    return drawn(label, total, unit) if drawn is not None else contextlib.nullcontext(_nothing)


class Counted:
    """A file to upload that tells `advance` how many bytes were read from it (requests
    streams a request's body by reading it)."""

    def __init__(self, file, size: int, advance: Callable[[int], None]):
        self.file, self.size, self.advance = file, size, advance
        self.counted = file.tell()  # the furthest byte told so far: a resend tells nothing twice

    def read(self, n: int = -1) -> bytes:
        chunk = self.file.read(n)
        reached = self.file.tell()
        if reached > self.counted:
            self.advance(reached - self.counted)
            self.counted = reached
        return chunk

    def __len__(self) -> int:
        return self.size

    def tell(self) -> int:  # with seek: a resend (after a digest challenge, or a retry) starts again at the first byte
        return self.file.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def __iter__(self):  # requests iterates a body that has no fileno
        while chunk := self.read(1 << 16):
            yield chunk
