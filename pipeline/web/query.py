"""SPARQL 1.1 over the published dumps, with pyoxigraph's engine."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox

from ..errors import Code, InputError
from ..graph.serialize import compact_iri
from ..graph.vocab import prefixes
from ..i18n import Msg


def open_store(out_dir: Path, files=("koko.nt",)) -> ox.Store:
    """An in-memory store of the published graph (N-Triples parse fastest)."""
    store = ox.Store()
    for name in files:
        path = out_dir / name
        if not path.is_file():
            raise InputError(Msg('{path}: not found; run `koko publish` first (or give --out)', path=path), code=Code.RELEASE_MISSING)
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES if name.endswith(".nt") else ox.RdfFormat.TURTLE)
    return store


def read_query(text_or_file: str) -> str:
    """The query itself, or the contents of a .rq file."""
    path = Path(text_or_file)
    if text_or_file.endswith(".rq") or (len(text_or_file) < 4096 and "\n" not in text_or_file and path.is_file()):
        if not path.is_file():
            raise InputError(Msg('{path}: query file not found', path=text_or_file), code=Code.FILE_NOT_FOUND)
        return path.read_text(encoding="utf-8")
    return text_or_file


def with_prologue(query: str, base_iri: str) -> str:
    """The query with PREFIX lines for the output prefixes it uses, for any SPARQL endpoint."""
    import re

    lines = [f"PREFIX {name}: <{ns}>" for name, ns in prefixes(base_iri).items()
             if re.search(r"(?<![\w:<-])" + re.escape(name) + r":", query)]
    return "\n".join(lines + [query]) if lines else query


def run(store: ox.Store, query: str, base_iri: str):
    try:
        return store.query(query, prefixes=prefixes(base_iri))
    except SyntaxError as exc:
        raise InputError(Msg('the query is not valid SPARQL: {exc}', exc=exc), code=Code.QUERY_SYNTAX) from None


def render(result, fmt: str, base_iri: str) -> str:
    """Text of a result: a table, CSV, SPARQL Results JSON; graphs as Turtle."""
    if isinstance(result, ox.QueryBoolean):
        value = bool(result)
        return json.dumps({"head": {}, "boolean": value}) + "\n" if fmt == "json" else ("true\n" if value else "false\n")
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=prefixes(base_iri)).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[n]) for n in names] for solution in result]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(rows)
        return out.getvalue()
    return _table(names, rows, base_iri)


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value  # lexical forms, as the SPARQL 1.1 CSV results format has them


def _table(names: list, rows: list, base_iri: str) -> str:
    pfx = prefixes(base_iri)
    short = [[compact_iri(c, pfx) for c in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in short]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])]
    out += [line(r) for r in short]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
