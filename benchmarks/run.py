"""Measure `koko publish` on generated sources against a naive rdflib + pySHACL baseline.

For each size it generates a source folder (benchmarks/generate.py), then, each as its own
process: `koko publish` as a steward runs it (no flags: the static site included) and
`koko publish --no-site` (wall time, triples, triples per second, peak memory of the whole
process tree, sampled from /proc), and the baseline on the same graph (benchmarks/baseline.py:
an rdflib Graph, rdflib's own Turtle, JSON-LD and N-Triples writers, pySHACL with default
options). A baseline size whose estimate passes 10 minutes is skipped and said so. Prints a
table with the ratio to the baseline and writes benchmarks/results.json.

    python benchmarks/run.py --rows 1000,10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

BASELINE_LIMIT_S = 600


def _tree_rss_kib(pid: int) -> int:
    """Memory of a process and all its descendants, in KiB: the sum of their proportional
    set sizes (PSS), which is their resident memory with each page shared between them (a
    forked child shares its parent's) counted once."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            with open(f"/proc/{p}/task/{p}/children") as fh:
                stack.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def measure(cmd: list, timeout: float | None = None) -> dict:
    """Run a command; its wall time, exit code and peak RSS of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return {"seconds": None, "timed_out": True, "peak_rss_mb": round(peak[0] / 1024)}
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak[0] / 1024), "stdout": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where the generated sources and outputs go")
    args = parser.parse_args()
    sizes = [int(x) for x in args.rows.split(",")]
    koko = [sys.executable, "-m", "pipeline"]
    results = []
    baseline_rate = None  # seconds per triple of the last baseline run, for the estimate
    for rows in sizes:
        data = generate(rows, args.work / f"data-{rows}")
        out = args.work / f"out-{rows}"
        run = measure(koko + ["publish", "--data", str(data), "--out", str(out), "--release-date", "2026-11-28"])
        bare = measure(koko + ["publish", "--data", str(data), "--out", str(out) + "-no-site", "--release-date", "2026-11-28",
                               "--no-site"])
        triples = sum(1 for _ in open(out / "koko.nt", "rb"))
        row = {"rows": rows, "triples": triples, "koko_s": run["seconds"], "koko_triples_per_s": round(triples / run["seconds"]),
               "koko_peak_memory_mb": run["peak_rss_mb"], "site_files": sum(1 for p in (out / "site").rglob("*") if p.is_file()),
               "no_site_s": bare["seconds"], "no_site_peak_memory_mb": bare["peak_rss_mb"]}
        estimate = baseline_rate * triples * 1.3 if baseline_rate else None
        if estimate and estimate > BASELINE_LIMIT_S:
            row.update({"baseline_s": None, "baseline_skipped": f"estimated {estimate:.0f} s, over {BASELINE_LIMIT_S} s"})
        else:
            base = measure([sys.executable, str(HERE / "baseline.py"), "--data", str(data), "--out", str(args.work / f"base-{rows}")],
                           timeout=BASELINE_LIMIT_S)
            if base.get("timed_out"):
                row.update({"baseline_s": None, "baseline_skipped": f"stopped at {BASELINE_LIMIT_S} s"})
            else:
                baseline_rate = base["seconds"] / triples
                row.update({"baseline_s": base["seconds"], "baseline_peak_memory_mb": base["peak_rss_mb"],
                            "speedup": round(base["seconds"] / run["seconds"], 1)})
        results.append(row)
        print_table(results)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "system": platform.platform()}
    (HERE / "results.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    print(f"\nwrote {HERE / 'results.json'} ({machine['cpus']} CPUs, Python {machine['python']}, {machine['machine']})")


def print_table(results: list) -> None:
    head = (f"{'rows':>8} {'triples':>10} {'koko s':>8} {'triples/s':>10} {'peak MB':>8} {'site files':>10} "
            f"{'no-site s':>9} {'peak MB':>8} {'baseline s':>11} {'ratio':>7}")
    print("\n" + head + "\n" + "-" * len(head))
    for r in results:
        base = f"{r['baseline_s']:.2f}" if r.get("baseline_s") else "skipped"
        ratio = f"{r['speedup']}x" if r.get("speedup") else "-"
        print(f"{r['rows']:>8} {r['triples']:>10} {r['koko_s']:>8.2f} {r['koko_triples_per_s']:>10} {r['koko_peak_memory_mb']:>8} "
              f"{r['site_files']:>10} {r['no_site_s']:>9.2f} {r['no_site_peak_memory_mb']:>8} {base:>11} {ratio:>7}")
        if r.get("baseline_skipped"):
            print(f"{'':>8} baseline skipped: {r['baseline_skipped']}")


if __name__ == "__main__":
    main()
