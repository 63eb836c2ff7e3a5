"""release/parallel.py: a worker's first answer before its result (Early)."""

import fcntl
import os
import time

import pytest

from pipeline.release import parallel


def test_the_first_answer_comes_while_the_worker_goes_on(tmp_path):
    early = parallel.Early()
    gate = tmp_path / "go"

    def work():
        early.send(bytes(range(256)) * 16000)  # more than a pipe holds
        while not gate.exists():  # goes on only once the parent has the first answer
            time.sleep(0.01)
        return "done"

    running = parallel.start(work)
    assert early.receive(running) == bytes(range(256)) * 16000
    assert not running.done()
    gate.touch()
    assert running.result() == "done"


def test_a_worker_that_fails_before_its_first_answer_gives_its_error():
    early = parallel.Early()

    def work():
        raise LookupError("no such table")

    running = parallel.start(work)
    with pytest.raises(LookupError, match="no such table"):
        early.receive(running)


def test_a_worker_killed_before_its_first_answer_is_said():
    early = parallel.Early()
    running = parallel.start(lambda: os._exit(3))
    with pytest.raises(RuntimeError, match="exit 3"):
        early.receive(running)


@pytest.mark.parametrize("first", [False, True])
def test_a_worker_killed_by_a_signal_is_the_machine_s_doing(first):
    """SIGKILL, as the kernel's out-of-memory killer sends it: exit 5 and a sentence, not a bug."""
    import signal

    from pipeline.errors import EXIT_MACHINE, MachineError

    early = parallel.Early()
    running = parallel.start(lambda: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(MachineError, match=r"signal 9 \(SIGKILL\).*out of memory") as error:
        early.receive(running) if first else running.result()
    assert error.value.exit_code == EXIT_MACHINE


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe buffers are sized on Linux only")
def test_the_pipes_between_processes_hold_a_megabyte():
    limit = int(open("/proc/sys/fs/pipe-max-size").read())
    receive, send = parallel.pipe()
    try:
        assert fcntl.fcntl(send.fileno(), fcntl.F_GETPIPE_SZ) >= min(parallel.PIPE_BYTES, limit) > 64 << 10
        send.send_bytes(b"x" * (parallel.PIPE_BYTES - 64))  # fits whole: the writer does not wait for a reader
        assert receive.recv_bytes() == b"x" * (parallel.PIPE_BYTES - 64)
    finally:
        receive.close()
        send.close()
