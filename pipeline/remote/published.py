"""The published files a push sends, read back before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import Code, InputError, Place, Problem
from ..i18n import Msg

PARSERS = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE, ".jsonld": ox.RdfFormat.JSON_LD,
           ".trig": ox.RdfFormat.TRIG}


def count_triples(path: Path) -> int:
    """The triples of a published file; one that does not parse is a source problem (exit 2)
    naming the file and line, found before anything is sent."""
    try:
        return sum(1 for _ in ox.parse(path=str(path), format=PARSERS.get(path.suffix, ox.RdfFormat.TURTLE)))
    except (SyntaxError, ValueError) as exc:
        reason = str(exc).split(": ", 1)[-1]
        raise InputError([Problem(Place(str(path), getattr(exc, "lineno", 0) or 0, getattr(exc, "offset", 0) or 0),
                                  Msg('not valid RDF: {reason}', reason=reason), Msg('publish again with koko publish'), code=Code.RDF_SYNTAX)]) from None
