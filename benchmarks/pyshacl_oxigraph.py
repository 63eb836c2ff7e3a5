"""pySHACL 0.40 validating over a pyoxigraph Store, against koko's own fast path (the Rust
SHACL Core engine and pyoxigraph for the SPARQL rules), on generated sources: the same
results? how long, as a ratio to the fast path in the same run?

    .venv/bin/python benchmarks/pyshacl_oxigraph.py --rows 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--work", type=Path, default=HERE / "work")
    args = parser.parse_args()

    import pyoxigraph as ox
    from generate import generate
    from rdflib import Graph

    from pipeline.check.validate import _canonical, project_shapes, pyshacl_results, raw_results
    from pipeline.graph.build import build
    from pipeline.graph.serialize import canonical_nt
    from pipeline.sources.load import load
    from pipeline.sources.settings import load_settings

    data = generate(args.rows, args.work / f"pyshacl-{args.rows}")
    settings = load_settings(data)
    nt = canonical_nt(build(load(settings)).lines)
    shapes = project_shapes(settings.base_iri)
    start = time.perf_counter()
    own, notes = raw_results(nt, shapes, "fast")
    fast_s = time.perf_counter() - start
    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    theirs = pyshacl_results(store, Graph().parse(data=shapes.text, format="turtle"))
    oxigraph_s = time.perf_counter() - start
    a, b = {_canonical(r) for r in own}, {_canonical(r) for r in theirs}
    triples = nt.count(b"\n")
    print(f"{args.rows} rows, {triples} triples")
    print(f"fast path: {fast_s:.1f} s, {len(a)} results; pySHACL over Oxigraph: {oxigraph_s:.1f} s, {len(b)} results "
          f"({oxigraph_s / fast_s:.0f}x the fast path's time)")
    print(f"only the fast path: {len(a - b)}; only pySHACL over Oxigraph: {len(b - a)}")
    for r in sorted(a ^ b, key=str)[:10]:
        print("  ", "fast" if r in a else "pyshacl", r)


if __name__ == "__main__":
    main()
