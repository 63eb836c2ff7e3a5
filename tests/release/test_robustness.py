"""Random damage to any source file never ends in a traceback, and an interrupted run loses nothing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner
from conftest import DATA, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import main


def snapshot(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


SOURCES = sorted(p.name for p in DATA.iterdir() if p.is_file())


@st.composite
def damage(draw):
    name = draw(st.sampled_from(SOURCES))
    raw = (DATA / name).read_bytes()
    kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate-line", "swap-delimiter"]))
    at = draw(st.integers(0, max(0, len(raw) - 1)))
    if kind == "delete":
        raw = raw[:at] + raw[at + draw(st.integers(1, 40)):]
    elif kind == "insert":
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=12)) + raw[at:]
    elif kind == "replace":
        chunk = draw(st.sampled_from([b",", b";", b'"', b":", b"- ", b"\t", b"\n", b"\xff", b"{", b"]", b"-1", b"x", b"  "]))
        raw = raw[:at] + chunk + raw[at + 1:]
    elif kind == "truncate":
        raw = raw[:at]
    elif kind == "duplicate-line":
        lines = raw.split(b"\n")
        i = draw(st.integers(0, len(lines) - 1))
        raw = b"\n".join(lines[: i + 1] + lines[i:])
    else:
        raw = raw.replace(b",", b";", draw(st.integers(1, 3)))
    return name, raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage())
def test_random_damage_never_gives_a_traceback(tmp_path_factory, case):
    name, raw = case
    data = tmp_path_factory.mktemp("data")
    for path in DATA.iterdir():
        if path.is_file():
            (data / path.name).write_bytes(path.read_bytes())
    os.symlink(DATA / "reference", data / "reference")
    (data / name).write_bytes(raw)
    result = CliRunner().invoke(main, ["validate", "--data", str(data)])
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def test_ctrl_c_leaves_previous_output(published, tmp_path):
    out = tmp_path / "output"
    import shutil

    shutil.copytree(published, out)
    before = snapshot(out)
    for delay in (0.3, 0.8, 1.2, 1.6, 2.0):
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "publish", "--data", str(ROOT / "data"),
                                 "--out", str(out), "--release-date", "2030-01-01"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        current = snapshot(out)
        if proc.returncode == 0:
            before = current  # finished before the signal: a whole new output, never a mix
            assert (out / "koko.ttl").exists()
            continue
        # 130: koko stopped itself; -SIGINT: the signal came as the interpreter was exiting
        assert proc.returncode in (130, -signal.SIGINT), err
        assert b"Traceback" not in err
        if current != before:  # stopped after the swap: then it is the whole new release, never a mix
            assert set(current) == set(before) and current["koko.nt"] == before["koko.nt"]
            assert b"2030-01-01" in current["catalog.ttl"] and b"2030-01-01" in current["provenance.ttl"]
            before = current
    assert not list(tmp_path.glob(".output.*")), "no temporary folder is left behind"
