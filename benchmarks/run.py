"""Measure `koko publish` on generated sources against the hand-assembled peer and a naive baseline.

For each size it generates a source folder (benchmarks/generate.py), then, each as its own
process: `koko publish` as a steward runs it (no flags: the static site included) and
`koko publish --no-site` (wall time, triples, triples per second), each `--repeat` times
alternated (the median time goes into the table; every run's time into results.json), then
each once more for the peak memory of its whole process tree, sampled from /proc (a run of
its own: the sampler takes CPU from what it samples, see `measure`); the hand-assembled peer
on the same sources, timed, then run again for its memory (benchmarks/peer.py: morph-kgc with
an RML mapping, pyoxigraph to sort and write Turtle, the Rust `shacl` engine with koko's Core
shapes; its time is the sum of its three steps, its memory the largest step's); and the naive
baseline, timed (benchmarks/baseline.py: an rdflib Graph, rdflib's own Turtle, JSON-LD and
N-Triples writers, pySHACL with default options). A baseline
size whose estimate passes 10 minutes is skipped and said so. Prints a table with koko's time
as a ratio of the peer's (below 1: koko is faster) and the baseline's over koko's, and writes
benchmarks/results.json. The peer's first run makes its own virtual environment (PyPI).

Every run writes into a folder that does not exist yet: koko's is a first publish, never one
that patches or links the release an earlier benchmark left (release/graph_patch.py,
site_reuse.py). Those folders are moved aside and removed only once the benchmark is done:
on ext4 without a journal (this machine class), a file created in the minutes after a large
removal costs many times more (the kernel passes over every inode freed in the last 60-360 s),
which would charge an earlier run's clean-up to the next one; for the same reason a benchmark
started within 6 minutes of the last one's end waits until they have passed.

    python benchmarks/run.py --rows 1000,10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from peer import commands as peer_commands, ensure_venv as peer_venv  # noqa: E402

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


def measure(cmd: list, timeout: float | None = None, memory: bool = True) -> dict:
    """Run a command; its wall time, exit code and, with `memory`, the peak PSS of its process
    tree (else None). The sampler is not free: reading a process's smaps_rollup walks its page
    tables, 23 ms of kernel time for a process of 880 MB here, so sampling a tree of several such
    every 0.05 s took most of a core from the command it measured (a 100,000-row publish took
    13.6-17.4 s sampled against 12.3-13.9 s alone, alternated). A time that is compared is
    therefore measured without it (`memory` off), and the peak in a run of its own."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
        seconds = round(time.perf_counter() - start, 2)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        seconds = None
    finally:
        done.set()
        if memory:
            sampler.join()
    measured = {"seconds": seconds, "peak_rss_mb": round(peak[0] / 1024) if memory else None, "stdout": out}
    if seconds is None:
        return {**measured, "timed_out": True}
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return measured


def timed_and_sized(commands: dict, repeat: int) -> tuple:
    """Each of `commands` (name -> a function of a suffix that gives the command) run `repeat`
    times alone, the names alternated, then once each with the memory sampler (see measure):
    (name -> its timed runs, name -> its sampled run)."""
    runs: dict = {name: [] for name in commands}
    for n in range(max(1, repeat)):
        for name, command in commands.items():
            runs[name].append(measure(command(str(n)), memory=False))
    sized = {name: measure(command("memory")) for name, command in commands.items()}
    return runs, sized


REMOVED = ".removed-at"  # when the last benchmark removed its outputs (time.time())
SETTLE_S = 360  # how long the kernel keeps freed inodes aside on ext4 without a journal (see the module)


def settle(work: Path) -> None:
    """Wait until the outputs the last benchmark removed no longer make creating files dear:
    run again at once, its smallest size (14,000 site files at 1,000 rows) took 4.4 s instead
    of 2.5 s."""
    try:
        left = float((work / REMOVED).read_text(encoding="utf-8")) + SETTLE_S - time.time()
    except (OSError, ValueError):
        return
    if left > 0:
        print(f"waiting {left:.0f} s: the last benchmark removed its outputs {SETTLE_S - left:.0f} s ago (see the module)")
        time.sleep(left)


def median_run(runs: list) -> dict:
    """The run of median time."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def set_aside(path: Path, trash: Path) -> Path:
    """`path`, made free: what an earlier run left there goes into `trash` (see the module)."""
    if path.exists():
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(trash / f"{path.name}-{time.time_ns()}")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000,10000,100000", help="comma-separated sizes")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="where the generated sources and outputs go")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of koko's two commands at each size, alternated; the table gives each one's median "
                             "(on this machine class the same publish varies by a second or more at 100,000 rows)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the default publish of the largest size with py-spy (make bench installs it); "
                             "writes benchmarks/profile.txt")
    args = parser.parse_args()
    sizes = [int(x) for x in args.rows.split(",")]
    koko = [sys.executable, "-m", "pipeline"]
    results = []
    peer_python = peer_venv(args.work)
    baseline_rate = None  # seconds per triple of the last baseline run, for the estimate
    trash = args.work / "trash"
    settle(args.work)
    for rows in sizes:
        data = generate(rows, args.work / f"data-{rows}")
        publish = koko + ["publish", "--data", str(data), "--release-date", "2026-11-28"]
        runs, sized = timed_and_sized({  # each into a new folder: a first publish every time
            "koko": lambda n: publish + ["--out", str(set_aside(args.work / f"out-{rows}-{n}", trash))],
            "no_site": lambda n: publish + ["--no-site", "--out", str(set_aside(args.work / f"out-{rows}-no-site-{n}", trash))]},
            args.repeat)
        run, bare = median_run(runs["koko"]), median_run(runs["no_site"])
        out = args.work / f"out-{rows}-0"
        triples = sum(1 for _ in open(out / "koko.nt", "rb"))
        row = {"rows": rows, "triples": triples, "koko_s": run["seconds"], "koko_triples_per_s": round(triples / run["seconds"]),
               "koko_peak_memory_mb": sized["koko"]["peak_rss_mb"],
               "site_files": sum(1 for p in (out / "site").rglob("*") if p.is_file()),
               "no_site_s": bare["seconds"], "no_site_peak_memory_mb": sized["no_site"]["peak_rss_mb"],
               "koko_runs_s": [r["seconds"] for r in runs["koko"]], "no_site_runs_s": [r["seconds"] for r in runs["no_site"]],
               "sampled_runs_s": {name: m["seconds"] for name, m in sized.items()}}
        steps = {name: measure(cmd, memory=False)
                 for name, cmd in peer_commands(peer_python, data, set_aside(args.work / f"peer-{rows}", trash))}
        sized_steps = {name: measure(cmd)
                       for name, cmd in peer_commands(peer_python, data, set_aside(args.work / f"peer-{rows}-memory", trash))}
        row.update({"peer_s": round(sum(m["seconds"] for m in steps.values()), 2),
                    "peer_steps_s": {name: m["seconds"] for name, m in steps.items()},
                    "peer_peak_memory_mb": max(m["peak_rss_mb"] for m in sized_steps.values()),
                    "peer_triples": int(steps["write"]["stdout"].split()[0])})
        row["sampled_runs_s"]["peer"] = round(sum(m["seconds"] for m in sized_steps.values()), 2)
        row["koko_over_peer"] = round(row["koko_s"] / row["peer_s"], 2)
        row["no_site_over_peer"] = round(row["no_site_s"] / row["peer_s"], 2)
        estimate = baseline_rate * triples * 1.3 if baseline_rate else None
        if estimate and estimate > BASELINE_LIMIT_S:
            row.update({"baseline_s": None, "baseline_skipped": f"estimated {estimate:.0f} s, over {BASELINE_LIMIT_S} s"})
        else:
            base = measure([sys.executable, str(HERE / "baseline.py"), "--data", str(data),
                            "--out", str(set_aside(args.work / f"base-{rows}", trash))],
                           timeout=BASELINE_LIMIT_S, memory=False)  # (once: its memory is not in the table)
            if base.get("timed_out"):
                row.update({"baseline_s": None, "baseline_skipped": f"stopped at {BASELINE_LIMIT_S} s"})
            else:
                baseline_rate = base["seconds"] / triples
                row.update({"baseline_s": base["seconds"], "speedup": round(base["seconds"] / run["seconds"], 1)})
        results.append(row)
        print_table(results)
    machine = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
               "system": platform.platform()}
    (HERE / "results.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2) + "\n")
    write_readme_table(ROOT / "README.md", results)
    if args.profile:
        from profile_publish import record, summarise

        rows = max(sizes)
        out = set_aside(args.work / f"profile-{rows}", trash)
        record(koko + ["publish", "--data", str(args.work / f"data-{rows}"), "--out", str(out), "--release-date", "2026-11-28"],
               args.work / f"profile-{rows}.raw")
        text = f"`koko publish` of {rows:,} generated rows, sampled by py-spy at 200 Hz (benchmarks/profile_publish.py)\n\n"
        (HERE / "profile.txt").write_text(text + summarise(args.work / f"profile-{rows}.raw"), encoding="utf-8")
        print(f"wrote {HERE / 'profile.txt'}")
    shutil.rmtree(trash, ignore_errors=True)
    (args.work / REMOVED).write_text(f"{time.time()}\n", encoding="utf-8")
    print(f"\nwrote {HERE / 'results.json'} ({machine['cpus']} CPUs, Python {machine['python']}, {machine['machine']})")


TABLE_START = "<!-- benchmark table: written by benchmarks/run.py from its run; do not edit by hand -->\n"
TABLE_END = "<!-- end of benchmark table -->"


def readme_table(results: list) -> str:
    """The README's table of a run, in Markdown."""
    def n(x) -> str:
        return f"{x:,}"

    def s(x) -> str:
        return "-" if x is None else f"{x:.2f} s" if x < 10 else f"{x:.1f} s"

    lines = ["| rows | triples | `koko publish` | peak memory | site files | `--no-site` | peak memory | peer | peer's peak memory "
             "| koko / peer | `--no-site` / peer | baseline | baseline / koko |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        base = s(r.get("baseline_s")) if r.get("baseline_s") else f"skipped ({r.get('baseline_skipped', '')})"
        lines.append(f"| {n(r['rows'])} | {n(r['triples'])} | {s(r['koko_s'])} | {n(r['koko_peak_memory_mb'])} MB | "
                     f"{n(r['site_files'])} | {s(r['no_site_s'])} | {n(r['no_site_peak_memory_mb'])} MB | {s(r['peer_s'])} | "
                     f"{n(r['peer_peak_memory_mb'])} MB | {r['koko_over_peer']:.2f} | {r['no_site_over_peer']:.2f} | {base} | "
                     f"{str(r['speedup']) + 'x' if r.get('speedup') else '-'} |")
    return "\n".join(lines) + "\n"


def write_readme_table(readme: Path, results: list) -> None:
    """Put the run's table between the README's markers (the README says how it was made)."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        print(f"{readme}: no benchmark table markers; the table is not written there")
        return
    readme.write_text(text[: start + len(TABLE_START)] + readme_table(results) + text[end:], encoding="utf-8")
    print(f"wrote the table into {readme}")


def print_table(results: list) -> None:
    head = (f"{'rows':>8} {'triples':>10} {'koko s':>8} {'triples/s':>10} {'peak MB':>8} {'site files':>10} "
            f"{'no-site s':>9} {'peak MB':>8} {'peer s':>7} {'peak MB':>8} {'koko/peer':>9} {'no-site/peer':>12} "
            f"{'baseline s':>11} {'baseline/koko':>13}")
    print("\n" + head + "\n" + "-" * len(head))
    for r in results:
        base = f"{r['baseline_s']:.2f}" if r.get("baseline_s") else "skipped"
        ratio = f"{r['speedup']}x" if r.get("speedup") else "-"
        print(f"{r['rows']:>8} {r['triples']:>10} {r['koko_s']:>8.2f} {r['koko_triples_per_s']:>10} {r['koko_peak_memory_mb']:>8} "
              f"{r['site_files']:>10} {r['no_site_s']:>9.2f} {r['no_site_peak_memory_mb']:>8} {r['peer_s']:>7.2f} "
              f"{r['peer_peak_memory_mb']:>8} {r['koko_over_peer']:>9.2f} {r['no_site_over_peer']:>12.2f} {base:>11} {ratio:>13}")
        if r.get("baseline_skipped"):
            print(f"{'':>8} baseline skipped: {r['baseline_skipped']}")


if __name__ == "__main__":
    main()
