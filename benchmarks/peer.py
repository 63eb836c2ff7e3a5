"""The hand-assembled peer: what a user would put together from the field's best parts
instead of koko, run on the same generated sources for benchmarks/run.py.

1. map: morph-kgc runs an RML mapping of the tables (benchmarks/peer/mapping.rml.ttl) to
   N-Triples. It pins rdflib and pyoxigraph versions other than koko's, so it runs in its own
   virtual environment under the work folder, made once (`ensure_venv`; PyPI only).
2. write: pyoxigraph parses that, the distinct lines are sorted into N-Triples, and
   pyoxigraph writes Turtle from them.
3. validate: the Rust `shacl` engine with koko's SHACL Core shapes over the sorted file.

Each step is its own process (`python benchmarks/peer.py write|validate ...`), as a user
would chain them; run.py times and measures the three together. The peer writes less than
koko (one Turtle file; no JSON-LD, catalogue, site, or messages placed in the sources).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAPPING = HERE / "peer" / "mapping.rml.ttl"
MORPH_KGC = "morph-kgc==2.10.0"
PREFIXES = {
    "koko": "https://w3id.org/koko-lod/def/koko#", "schema": "https://schema.org/", "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#", "org": "http://www.w3.org/ns/org#",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def ensure_venv(work: Path) -> Path:
    """The peer's own Python with morph-kgc, made on first use; its interpreter."""
    folder = work / "peer-venv"
    python = folder / "bin" / "python"
    stamp = folder / f".installed-{MORPH_KGC}"
    if not stamp.is_file():
        venv.create(folder, with_pip=True, clear=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", MORPH_KGC], capture_output=True, text=True)
        if done.returncode:  # pip's notices (a package index it skips, ...) only when the install fails
            sys.exit(f"installing {MORPH_KGC} for the peer failed:\n{done.stdout}{done.stderr}")
        stamp.touch()
    return python


def commands(python: Path, data: Path, out: Path) -> list:
    """The peer's three steps, as (name, command) to run one after the other."""
    out.mkdir(parents=True, exist_ok=True)
    mapping = out / "mapping.rml.ttl"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace("{data}", str(data.resolve())), encoding="utf-8")
    config = out / "morph-kgc.ini"
    config.write_text(f"[CONFIGURATION]\noutput_file={out / 'mapped.nt'}\noutput_format=N-TRIPLES\n"
                      f"[koko]\nmappings={mapping}\n", encoding="utf-8")
    me = [sys.executable, str(Path(__file__).resolve())]
    return [
        ("map", [str(python), "-m", "morph_kgc", str(config)]),
        ("write", me + ["write", str(out / "mapped.nt"), str(out)]),
        ("validate", me + ["validate", str(out / "peer.nt")]),
    ]


def write(mapped: Path, out: Path) -> None:
    """Sorted, distinct N-Triples (pyoxigraph reads them, so every line is checked) and Turtle."""
    import pyoxigraph as ox

    triples = ox.parse(path=str(mapped), format=ox.RdfFormat.N_TRIPLES)
    lines = sorted({f"{t} .\n" for t in (ox.Triple(q.subject, q.predicate, q.object) for q in triples)})
    (out / "peer.nt").write_text("".join(lines), encoding="utf-8")
    ox.serialize(ox.parse(path=str(out / "peer.nt"), format=ox.RdfFormat.N_TRIPLES), str(out / "peer.ttl"),
                 format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    print(f"{len(lines)} triples")


def validate(nt: Path) -> None:
    import shacl

    shapes = shacl.Shapes.from_text((ROOT / "shapes" / "koko-shapes.ttl").read_text(encoding="utf-8"), format="turtle")
    report = shapes.validate_file(str(nt))
    print(f"{len(report.results)} results")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    w = steps.add_parser("write", help="sort the mapped N-Triples and write Turtle")
    w.add_argument("mapped", type=Path)
    w.add_argument("out", type=Path)
    v = steps.add_parser("validate", help="SHACL Core with koko's shapes, in the Rust engine")
    v.add_argument("nt", type=Path)
    args = parser.parse_args()
    if args.step == "write":
        write(args.mapped, args.out)
    else:
        validate(args.nt)


if __name__ == "__main__":
    main()
