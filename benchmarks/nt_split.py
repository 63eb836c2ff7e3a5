"""The N-Triples line splitter of the hot loops (graph.serialize.split_nt) against the inline
finds it replaced, on the lines of a release: counting subjects, properties and classes as
VoID does. Prints each as a ratio to the inline baseline of the same run.

    .venv/bin/python benchmarks/nt_split.py --nt output/koko.nt --repeat 250
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pipeline.graph.serialize import split_nt  # noqa: E402
from pipeline.graph.vocab import RDF  # noqa: E402

TYPE = f"<{RDF}type>".encode()


def inline(lines) -> tuple:
    """The finds as they were written inline before split_nt (the baseline)."""
    properties, classes, last, subjects = Counter(), Counter(), b"", 0
    marker = b"> " + TYPE + b" <"
    for line in lines:
        s_end = line.index(b"> ")
        p_end = line.index(b"> ", s_end + 2)
        subject = line[1:s_end]
        if subject != last:
            subjects, last = subjects + 1, subject
        properties[line[s_end + 3:p_end]] += 1
        if line.startswith(marker, s_end):
            classes[line[p_end + 3:-3]] += 1
    return subjects, sum(properties.values()), sum(classes.values())


def helper(lines) -> tuple:
    properties, classes, last, subjects = Counter(), Counter(), b"", 0
    for line in lines:
        subject, predicate, obj = split_nt(line)
        if subject != last:
            subjects, last = subjects + 1, subject
        properties[predicate] += 1
        if predicate == TYPE:
            classes[obj] += 1
    return subjects, sum(properties.values()), sum(classes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nt", type=Path, default=HERE.parent / "output" / "koko.nt")
    parser.add_argument("--repeat", type=int, default=250, help="how many times the file's lines are taken")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lines = [line for line in args.nt.read_bytes().split(b"\n") if line] * args.repeat
    best = {}
    for _ in range(args.rounds):
        for f in (inline, helper):
            start = time.perf_counter()
            f(lines)
            best[f.__name__] = min(best.get(f.__name__, float("inf")), time.perf_counter() - start)
    assert inline(lines) == helper(lines), "the splitter counts differently from the inline finds"
    print(f"{len(lines):,} lines, best of {args.rounds}")
    for name, seconds in best.items():
        print(f"  {name:7s} {seconds:6.3f} s  {seconds / best['inline']:.2f}x the inline finds")


if __name__ == "__main__":
    main()
