"""The run lock: one holder per output folder, a clear message, stale locks taken over."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from utenforskap.job.lock import EXIT_LOCKED, RunLockedError, lock_holder, lock_path, run_lock

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from utenforskap.job.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
    """
)


def _holder(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_file_sits_beside_the_output(tmp_path: Path) -> None:
    assert lock_path(tmp_path / "data" / "processed") == tmp_path / "data" / "processed.lock"


def test_second_holder_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    proc = _holder(target)
    try:
        with pytest.raises(RunLockedError) as info, run_lock(target):
            pass
        assert info.value.exit_code == EXIT_LOCKED == 3
        assert f"pid {proc.pid}" in str(info.value)
        assert str(lock_path(target)) in str(info.value)
        assert lock_holder(target)["pid"] == proc.pid  # type: ignore[index]
    finally:
        proc.kill()
        proc.wait()


def test_lock_of_a_killed_run_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "processed"
    proc = _holder(target)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The killed run's record is still in the file, but the kernel dropped its flock.
    assert json.loads(lock_path(target).read_text(encoding="utf-8"))["pid"] == proc.pid
    assert lock_holder(target) is None
    with caplog.at_level(logging.WARNING, logger="utenforskap"), run_lock(target):
        record = json.loads(lock_path(target).read_text(encoding="utf-8"))
        assert record["pid"] == os.getpid()
    assert f"pid {proc.pid}" in caplog.text and "did not finish" in caplog.text


def test_release_empties_the_file_and_frees_the_lock(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with run_lock(target):
        # flock conflicts between open files, even within one process.
        assert lock_holder(target)["pid"] == os.getpid()  # type: ignore[index]
    assert lock_path(target).read_text(encoding="utf-8") == ""
    assert lock_holder(target) is None
    with run_lock(target):  # free again, no warning needed
        pass


def test_lock_is_released_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with pytest.raises(RuntimeError), run_lock(target):
        raise RuntimeError("boom")
    assert lock_holder(target) is None
