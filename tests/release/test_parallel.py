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


def _streamed(work):
    """(the worker's answer, or the error its result raised; the text as the Stream gave it).
    The answer is read before the worker may be stopped: it sends it after the text, and a
    stop between the two (as this helper made once on a loaded machine) loses it."""
    text = parallel.Stream()
    running = parallel.start(lambda: (text.writing(), work(text))[1])
    text.begin()
    try:
        got = text.result()
        try:
            answer = running.result()
        except Exception as exc:  # noqa: BLE001 - given to the test
            answer = exc
        return answer, got
    finally:
        running.cancel()


def test_a_streamed_text_comes_whole_as_one_bytes_object():
    pieces = [bytes([n]) * (300_000 + n) for n in range(12)]  # more than the pipe holds, and uneven

    def work(text):
        text.size(sum(map(len, pieces)))
        for piece in pieces:
            text.write(piece)
        return "done"

    answer, got = _streamed(work)
    assert type(got) is bytes and got == b"".join(pieces)
    assert answer == "done"


def test_a_streamed_text_said_to_be_none_or_cut_short_is_none():
    def none(text):
        text.none()
        text.write(b"not sent")

    def cut(text):
        text.size(1000)
        text.write(b"x" * 10)
        os._exit(3)  # as a worker killed midway

    assert _streamed(none)[1] is None
    assert _streamed(cut)[1] is None


def test_a_worker_whose_reader_has_gone_goes_on():
    text = parallel.Stream()

    def work():
        text.writing()
        text.size(50 << 20)
        for _ in range(50):
            text.write(b"y" * (1 << 20))  # would wait for ever on a full pipe if it still held the reading end
        return "went on"

    running = parallel.start(work)
    text.close()  # the parent never reads: both its ends closed
    running.process.join(timeout=60)
    assert not running.process.is_alive(), "the worker waits on a pipe nobody reads"
    assert running.result() == "went on"
