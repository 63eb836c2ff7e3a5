"""One publish at a time, with real processes: a second publish waits for the first (or with
--no-wait stops at once), no release that exited 0 goes missing, and what a killed run left
beside the output is removed by the next one."""

import json
import os
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import DATA, RELEASE, ROOT
from lines import Lines

from pipeline.cli import main
from pipeline.release.lock import lock_path, output_lock

pytestmark = pytest.mark.slow  # real publishes racing, 10,000 generated rows

KOKO = [sys.executable, "-m", "pipeline"]


def publish_process(data, out, *args):
    proc = subprocess.Popen([*KOKO, "publish", "--data", str(data), "--out", str(out), "--release-date", RELEASE, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, Lines(proc.stderr)


def finish(proc, lines, seconds: float = 300) -> tuple:
    try:
        code = proc.wait(timeout=seconds)
    finally:
        if proc.poll() is None:
            proc.kill()
    return code, lines.text(seconds=10)


def release_of(folder) -> dict:
    return json.loads((folder / "release.json").read_text(encoding="utf-8"))


def beside(out) -> list:
    """What lies beside the output folder in its parent, the folder itself aside."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def test_a_second_publish_waits_and_no_release_is_lost(tmp_path):
    """v1, then v2 and v3 at once: v3 waits for v2 (saying who holds the lock), and the
    releases end v1 and v2 archived, v3 current, each following the one before. v2 is
    stopped (SIGSTOP) while it holds the lock, so v3 surely finds it held."""
    out = tmp_path / "output"
    assert CliRunner().invoke(main, ["publish", "--data", str(DATA), "--out", str(out), "--version", "v1",
                                     "--release-date", RELEASE]).exit_code == 0
    v2, v2_lines = publish_process(DATA, out, "--version", "v2")
    v3 = None
    try:
        v2_lines.wait_for("… load", 120)  # the lock is taken before any work
        v2.send_signal(signal.SIGSTOP)
        v3, v3_lines = publish_process(DATA, out, "--version", "v3")
        waiting = v3_lines.wait_for("waiting:", 120)
        assert f"process {v2.pid} on " in waiting and "koko publish" in waiting, waiting
        v2.send_signal(signal.SIGCONT)
        code2, err2 = finish(v2, v2_lines)
        code3, err3 = finish(v3, v3_lines)
    finally:
        for proc in (v2, v3):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGCONT)
                proc.kill()
    assert (code2, code3) == (0, 0), err2 + err3
    assert err3.count("waiting:") == 1, err3
    current = release_of(out)
    assert (current["version"], current["previous"]) == ("v3", "v2")
    archived = {p.name: release_of(p) for p in (out / "releases").iterdir()}
    assert sorted(archived) == ["v1", "v2"]
    assert archived["v2"]["previous"] == "v1"
    listing = CliRunner().invoke(main, ["releases", "--out", str(out)]).output
    assert all(v in listing for v in ("v1", "v2", "v3")), listing
    assert beside(out) == [], "the lock file goes with the last run"


def test_no_wait_stops_at_once_naming_the_holder(tmp_path, published):
    out = tmp_path / "output"
    import shutil

    shutil.copytree(published, out)
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with output_lock(out, "koko publish (the test)"):
        result = subprocess.run([*KOKO, "publish", "--data", str(DATA), "--out", str(out), "--no-wait"],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"locked by koko publish (the test) (process {os.getpid()} on " in result.stderr, result.stderr
    assert "--no-wait" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before


def test_releases_drop_waits_for_the_lock(tmp_path):
    """`koko releases --drop` takes the same lock: held elsewhere, it says so and waits."""
    out = tmp_path / "output"
    out.mkdir()
    with output_lock(out, "koko publish (the test)"):
        proc = subprocess.Popen([*KOKO, "releases", "--out", str(out), "--drop", "v0"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        lines = Lines(proc.stderr)
        assert "koko publish (the test)" in lines.wait_for("waiting:", 60)
        assert proc.poll() is None, "it waits while the lock is held"
    code, err = finish(proc, lines, 60)
    assert code == 2 and "no such archived release" in err, err


def test_a_killed_publish_leaves_nothing_after_the_next(tmp_path):
    """SIGKILL a publish of 10,000 generated rows while it writes: its staging folder stays
    behind (and a trash folder of an interrupted clean-up is made by hand); the next publish
    removes both, says so in one line, and leaves nothing beside the output."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    data = generate(10000, tmp_path / "data")
    out = tmp_path / "output"
    killed, lines = publish_process(data, out)
    try:
        lines.wait_for("… validate and render", 300)
        killed.kill()
        killed.wait(timeout=60)
    finally:
        if killed.poll() is None:
            killed.kill()
    gone = subprocess.Popen(["true"])  # a process that has ended: its id names no clean-up still running
    gone.wait(timeout=30)
    trash = out.parent / f".output.trash-{gone.pid}"
    trash.mkdir()
    (trash / "koko.nt").write_bytes(b"x" * 1000)
    left = [name for name in beside(out) if name.startswith(".output.new-")]
    assert left, f"the killed run left its staging folder: {beside(out)}"
    result = subprocess.run([*KOKO, "publish", "--data", str(data), "--out", str(out), "--no-site"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "removed what earlier runs left" in line]
    assert len(notices) == 1 and left[0] in notices[0] and trash.name in notices[0], result.stderr
    assert beside(out) == ["data"]
    assert not lock_path(out).exists()


def test_a_publish_that_fails_gives_the_lock_back(tmp_path, data_dir):
    """A run that stops on bad input gives the lock back (the next one does not wait) and
    leaves nothing beside the output."""
    (data_dir / "funding.csv").write_text("broken\n", encoding="utf-8")
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out)])
    assert result.exit_code == 2, result.output
    with output_lock(out, "the test", wait=False):
        pass
    assert beside(out) == ["data"]
