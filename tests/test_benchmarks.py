"""The benchmark's measuring (benchmarks/run.py): the times it compares are of runs with
nothing of its own beside them, and the peak memory comes from a run of its own."""

from __future__ import annotations

import sys

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from run import measure, timed_and_sized  # noqa: E402

HOLDS_50_MB = [sys.executable, "-c", "import time; held = bytearray(50 << 20); held[::4096] = b'x' * len(held[::4096]); time.sleep(0.5)"]


def test_a_sampled_run_finds_the_memory_the_command_holds():
    assert measure(HOLDS_50_MB)["peak_rss_mb"] >= 50


def test_a_timed_run_has_no_sampler_beside_it(monkeypatch):
    import run

    samples = []
    monkeypatch.setattr(run, "_tree_rss_kib", samples.append)
    timed = measure(HOLDS_50_MB, memory=False)
    assert samples == [] and timed["peak_rss_mb"] is None and timed["seconds"] >= 0.5


def test_each_command_is_timed_alone_then_sized_once():
    seen = []

    def command(name):
        def made(suffix):
            seen.append((name, suffix))
            return HOLDS_50_MB
        return made

    runs, sized = timed_and_sized({"a": command("a"), "b": command("b")}, 2)
    assert seen == [("a", "0"), ("b", "0"), ("a", "1"), ("b", "1"), ("a", "memory"), ("b", "memory")]
    assert all(r["peak_rss_mb"] is None for rs in runs.values() for r in rs) and [len(rs) for rs in runs.values()] == [2, 2]
    assert all(m["peak_rss_mb"] >= 50 for m in sized.values())
