"""Random damage to any source file never ends in a traceback, and an interrupted run loses nothing."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from helpers import DATA, RELEASE, ROOT, as_it_stands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lines import Lines

from pipeline.cli import main

pytestmark = pytest.mark.slow  # 10,000 generated rows, signals to real processes, hypothesis



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


@pytest.mark.parametrize("stage", ["… build", "… validate and render"])
def test_ctrl_c_leaves_previous_output(tmp_path, stage):
    """Ctrl-C once a stage has begun: exit 130, no traceback, the previous output as it was.
    The sources are 10,000 generated decisions, so the run is still going when the signal
    lands (a run of a few seconds; the signal comes a few milliseconds after the stage line)."""
    import shutil

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    data = generate(10000, tmp_path / "data")
    out = tmp_path / "output"
    first = subprocess.run([sys.executable, "-m", "pipeline", "publish", "--data", str(data), "--out", str(out),
                            "--release-date", RELEASE, "--no-site"], capture_output=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = as_it_stands(out)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "publish", "--data", str(data), "--out", str(out),
                             "--release-date", "2030-01-01"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    lines = Lines(proc.stderr)
    try:
        lines.wait_for(lambda line: line.strip() == stage, 120)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = lines.text(seconds=10)
    assert code == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert as_it_stands(out) == before
    assert not list(tmp_path.glob(".output.*")), "no temporary folder is left behind"
    shutil.rmtree(data)


def koko_ran(err: bytes) -> bool:
    """Whether the signal landed in koko's code past the installing of its SIGINT handler
    (the `_signal.signal(...)` line in pipeline/__main__.py's `run`). The innermost of koko's
    frames says where it landed: the package's empty __init__, the module level of __main__
    (all of it runs before the handler) or `run` up to that line are still Python's start,
    a window no program can close."""
    main = (ROOT / "pipeline" / "__main__.py").read_text(encoding="utf-8").splitlines()
    installed = next(i for i, line in enumerate(main, 1) if line.strip().startswith("_signal.signal("))
    frames = re.findall(rb'File "[^"]*/pipeline/([^"]+)", line (\d+), in (\S+)', err)
    if not frames:
        return False
    name, line, function = frames[-1]
    starting = name == b"__init__.py" or (name == b"__main__.py" and (
        function == b"<module>" or (function == b"run" and int(line) <= installed)))
    return not starting


@pytest.mark.parametrize("delay", [0.035, 0.045, 0.055, 0.07, 0.1, 0.2])
def test_ctrl_c_while_starting_is_quiet(tmp_path, delay):
    """Ctrl-C in the first moments, while koko's modules load (Python starts in about 30 ms
    here, the modules take 60 more): exit 130, never a traceback, nothing written. A signal
    that lands while Python itself still starts is Python's to report, not koko's."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "publish", "--data", str(DATA), "--out",
                             str(tmp_path / "out")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if b"init_import_site" in err or (b"<frozen runpy>" in err and not koko_ran(err)):
        return  # before any of koko ran: Python starting, or runpy still finding the package
    assert proc.returncode in (130, -signal.SIGINT), err
    assert b"Traceback" not in err
    assert not list(tmp_path.glob(".out.*"))


SIGNAL_WHILE_A_CLASS_IS_MADE = """
import os, signal
class Catch:
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100000):  # the handler runs between these steps, inside __set_name__
            pass
class Made:
    field = Catch()
"""


def test_ctrl_c_while_a_module_makes_a_class_is_quiet():
    """The start-up handler ends koko at once wherever the signal lands; raised as an exception
    inside __set_name__, Python 3.11 wrapped it in a RuntimeError with a traceback (exit 1)."""
    code = ("import signal\nfrom pipeline.__main__ import _stop_quietly\nsignal.signal(signal.SIGINT, _stop_quietly)\n"
            + SIGNAL_WHILE_A_CLASS_IS_MADE + "print('went on')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd=ROOT)
    assert run.returncode == 130, run.stderr
    assert b"Traceback" not in run.stderr and b"went on" not in run.stdout


def test_ctrl_c_wrapped_in_another_exception_is_still_an_interrupt():
    """Once a command runs, a Ctrl-C that Python hands on wrapped (a module loaded lazily makes
    a class) is the interrupt the user asked for, not an internal error."""
    import click

    from pipeline import cli, processes

    def action():
        exec(SIGNAL_WHILE_A_CLASS_IS_MADE, {})

    held = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes.stop_on_signals()
        with click.Context(cli.main, obj=cli.Context(False)) as ctx, pytest.raises(KeyboardInterrupt):
            cli.run(ctx, action)
    finally:
        for s, handler in held.items():
            signal.signal(s, handler)
        processes._stop_asked = False


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowing itself
def test_ctrl_c_swallowed_in_a_finalizer_swaps_nothing_in(tmp_path):
    """Python discards a KeyboardInterrupt raised in a __del__ or an import's clean-up
    ("Exception ignored in ...") and the run goes on; the stop it asked for is remembered: the
    next stage line raises it, and the staged output is not swapped in. (Left to run, one such
    publish of a fresh clone's `make test` went on and then hung while validating.)"""
    from pipeline import processes
    from pipeline.progress import Progress
    from pipeline.release.staging import Staging

    class Dying:
        def __del__(self):
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100000):  # the handler runs between these steps, inside __del__
                pass

    held = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    out = tmp_path / "out"
    try:
        processes.stop_on_signals()
        with Staging(out) as staging:
            staging.write("koko.nt", b"")
            Dying()  # gone at once: its interrupt is swallowed
            assert processes.stop_asked()
            with pytest.raises(KeyboardInterrupt):  # the next stage does not begin
                Progress(terminal=False)("build")
            with pytest.raises(KeyboardInterrupt):  # nor, whatever shows the stages, is the output swapped in
                staging.commit()
    finally:
        for s, handler in held.items():
            signal.signal(s, handler)
        processes._stop_asked = False
    assert not out.exists() and not list(tmp_path.glob(".out.*"))
