"""The edit loop: how long `koko publish` takes after a steward changes one row.

For each round, on generated sources (benchmarks/generate.py): a first publish into a new
folder; one amount in the middle of decisions.csv changed; a publish into the same folder
(what the steward runs next); and the edited sources into a new folder (the same work without
a previous release). Each is `koko publish` as a steward types it, timed alone (run.measure
without its memory sampler, which takes CPU from what it samples); the rounds follow one another in one command, so the
ratios compare runs on the same machine in the same minutes. Checks that the publish after the
edit wrote the same files, byte for byte, as the one into a new folder.

    python benchmarks/edit_loop.py --rows 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from run import measure  # noqa: E402

RELEASE = "2026-11-28"


def publish(data: Path, out: Path) -> dict:
    return measure([sys.executable, "-m", "pipeline", "publish", "--data", str(data), "--out", str(out),
                    "--release-date", RELEASE], memory=False)


def edit_one_amount(decisions: Path) -> int:
    """Adds 1 to the amount of the row in the middle; returns its line number."""
    lines = decisions.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    middle = len(lines) // 2
    row = next(csv.reader([lines[middle]]))
    column = header.index("amount")
    row[column] = str(int(float(row[column])) + 1)
    text = io.StringIO()
    csv.writer(text, lineterminator="").writerow(row)
    lines[middle] = text.getvalue()
    decisions.write_text("\n".join(lines), encoding="utf-8")
    return middle + 1


def _contents(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where the sources and outputs go")
    args = parser.parse_args()
    work = args.work / f"edit-{args.rows}"
    for round_ in range(1, args.rounds + 1):
        shutil.rmtree(work, ignore_errors=True)
        data = generate(args.rows, work / "data")
        first = publish(data, work / "out")
        line = edit_one_amount(data / "decisions.csv")
        again = publish(data, work / "out")
        fresh = publish(data, work / "new")
        same = _contents(work / "out") == _contents(work / "new")
        print(f"round {round_}: first {first['seconds']:.2f} s; "
              f"after the edit of line {line} {again['seconds']:.2f} s, "
              f"{again['seconds'] / first['seconds']:.2f} of the first; the edited sources into a new folder "
              f"{fresh['seconds']:.2f} s ({again['seconds'] / fresh['seconds']:.2f}); same bytes: {same}", flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
