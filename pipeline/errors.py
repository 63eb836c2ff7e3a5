"""Typed errors that carry a place in a source file and a note on what to do.

Exit codes follow DESIGN.md: 1 the data does not conform, 2 bad input or configuration,
3 a remote service failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3
EXIT_INTERNAL = 4  # a bug in koko, not in the data: the message asks for --debug

#: How many load problems one run collects before it stops reading.
MAX_PROBLEMS = 100


class Place(NamedTuple):
    """Where a value came from: a file, a 1-based line and, when known, a column.

    A CSV value has no character column; `field` names its column instead.
    """

    file: str
    line: int = 0
    column: int = 0
    field: str = ""

    def __str__(self) -> str:
        text = self.file
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sources, said in the steward's terms."""

    place: Place
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        if self.place.field:
            text += f" (column {self.place.field})"
        if self.hint:
            text += f"; {self.hint}"
        return text


class KokoError(Exception):
    """Base of the errors the CLI turns into a message and an exit code."""

    exit_code = EXIT_BAD_INPUT


class InputError(KokoError):
    """Sources or settings that cannot be read: exit 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem(Place(""), problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):  # keep the problems when the error comes back from a worker process
        return (type(self), (self.problems,))


class NonConformingError(KokoError):
    """The built graph does not conform to the shapes: exit 1."""

    exit_code = EXIT_NONCONFORMING

    def __init__(self, report):
        self.report = report
        super().__init__(f"{report.violation_count} violation(s)")

    def __reduce__(self):
        return (type(self), (self.report,))


class TooManyProblems(InputError):
    """Raised when a run has collected as many problems as it reports."""


class RemoteError(KokoError):
    """A remote service (store, portal, classification API) failed: exit 3."""

    exit_code = EXIT_REMOTE


class ValueProblem(ValueError):
    """A single value that cannot be converted; the loader adds the place."""

    def __init__(self, message: str, hint: str = ""):
        self.message = message
        self.hint = hint
        super().__init__(message)


class Problems:
    """Collects problems over a run so a steward sees them all at once."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.items: list[Problem] = []
        self.limit = limit

    def add(self, place: Place, message: str, hint: str = "") -> None:
        self.items.append(Problem(place, message, hint))
        if len(self.items) >= self.limit:
            raise TooManyProblems(self.sorted() + [Problem(Place(""), f"stopped after {self.limit} problems")])

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.place.file, p.place.line, p.place.column, p.message))

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.sorted())
