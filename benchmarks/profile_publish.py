"""Profile a publish with py-spy: every process of it (the parent and its forked workers),
sampled from outside, so the profile is of the command as a steward runs it.

    python benchmarks/profile_publish.py --data DIR --out DIR [--summary benchmarks/profile.txt]

py-spy writes the raw samples (one line a distinct stack, ending in its count); this keeps
them beside the summary and prints, per process, the share of samples in each function (self
time: the innermost frame, koko's or the library's it called) and in each stage (the innermost
of the frames in release/publish.py, which names the stages).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.+?) \((?P<file>[^:()]+)(?::(?P<line>\d+))?\)$")


def record(cmd: list, raw: Path, rate: int = 200) -> None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    subprocess.run([spy, "record", "--subprocesses", "--format", "raw", "--rate", str(rate), "--output", str(raw),
                    "--", *cmd], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _own(frame: str) -> bool:
    m = FRAME.match(frame)
    return bool(m) and ("/pipeline/" in m["file"] or m["file"].startswith("pipeline/"))


def where(frame: str) -> str:
    """A frame as `module.function` for koko's, `library: function` for the rest."""
    m = FRAME.match(frame)
    if not m:
        return frame
    path = m["file"]
    if _own(frame):
        module = path.split("pipeline/", 1)[1].removesuffix(".py").replace("/", ".")
        return f"{module}.{m['function']}"
    library = path.split("site-packages/", 1)[1].split("/", 1)[0] if "site-packages/" in path else Path(path).name
    return f"{library}: {m['function']}"


def summarise(raw: Path, top: int = 12) -> str:
    per_process: dict = defaultdict(Counter)
    own: dict = defaultdict(Counter)
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        named = [f for f in frames if f.startswith("process ")]  # py-spy names the process and its parents first
        process = named[-1].split(":", 1)[0] if named else "?"
        frames = frames[len(named):]
        if not frames:
            continue
        n = int(count)
        per_process[process]["(all)"] += n
        per_process[process][where(frames[-1])] += n
        koko = [where(f) for f in frames if _own(f)]
        stages = [name for name in koko if name.startswith("release.publish.")]
        own[process][stages[-1] if stages else (koko[-1] if koko else "(outside koko)")] += n
    out = []
    for process, counts in sorted(per_process.items(), key=lambda kv: -kv[1]["(all)"]):
        total = counts.pop("(all)")
        out.append(f"{process} {total} samples")
        out.append("  self time (innermost frame):")
        out += [f"    {100 * n / total:5.1f}%  {name}" for name, n in counts.most_common(top)]
        out.append("  stages (the innermost of release.publish's frames):")
        out += [f"    {100 * n / total:5.1f}%  {name}" for name, n in own[process].most_common(top)]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--summary", type=Path, help="write the summary here too")
    args = parser.parse_args()
    raw = args.out.parent / f"{args.out.name}-profile.raw"
    record([sys.executable, "-m", "pipeline", "publish", "--data", str(args.data), "--out", str(args.out),
            "--release-date", "2026-11-28"], raw)
    text = summarise(raw)
    print(text)
    if args.summary:
        args.summary.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
