"""The run lock: one holder per output folder, a clear message, stale locks taken over,
and never kept by a child process."""

from __future__ import annotations

import contextlib
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


# Like the figure pack: the holder forks a worker, which inherits every open file.
HOLD_AND_FORK = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from utenforskap.job.lock import run_lock
    with run_lock(Path(sys.argv[1])):
        child = os.fork()
        if child == 0:
            time.sleep(120)
            os._exit(0)
        print(child, flush=True)
        time.sleep(60)
    """
)

PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from utenforskap.job.lock import lock_holder
    print(json.dumps(lock_holder(Path(sys.argv[1]))))
    """
)


def _holder(target: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _probe(target: Path) -> object:
    """The lock's holder as another process sees it."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(target)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead; it only waits for its parent to read its status.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


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
        assert lock_holder(target)["pid"] == os.getpid()  # type: ignore[index]
        # Asking did not drop the lock (closing any descriptor of the file
        # would drop a POSIX record lock): another process still sees it held.
        assert _probe(target)["pid"] == os.getpid()  # type: ignore[index]
    assert lock_path(target).read_text(encoding="utf-8") == ""
    assert _probe(target) is None
    assert lock_holder(target) is None
    with run_lock(target):  # free again, no warning needed
        pass


def test_lock_is_released_when_the_block_fails(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with pytest.raises(RuntimeError), run_lock(target):
        raise RuntimeError("boom")
    assert lock_holder(target) is None


def test_second_lock_in_the_same_process_is_refused_and_the_first_kept(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    with run_lock(target):
        with pytest.raises(RunLockedError) as info, run_lock(target):
            pass
        assert f"pid {os.getpid()}" in str(info.value)
        assert _probe(target)["pid"] == os.getpid()  # type: ignore[index]
    assert _probe(target) is None


def test_a_forked_child_does_not_keep_the_lock_of_a_killed_holder(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_FORK, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    child = int(proc.stdout.readline())
    try:
        assert lock_holder(target)["pid"] == proc.pid  # type: ignore[index]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # The child still has the lock file open, yet holds no lock.
        assert _alive(child)
        assert lock_holder(target) is None
        with run_lock(target):
            assert _probe(target)["pid"] == os.getpid()  # type: ignore[index]
        assert _alive(child)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


CHILD_ASKS = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from utenforskap.job.lock import lock_holder, run_lock
    target = Path(sys.argv[1])
    with run_lock(target):
        child = os.fork()
        if child == 0:
            # The child holds nothing: it sees its parent as the holder, and
            # may not take the lock itself.
            try:
                with run_lock(target):
                    print("child took it", flush=True)
            except Exception as exc:
                print(type(exc).__name__, flush=True)
            print(json.dumps(lock_holder(target)["pid"] == os.getppid()), flush=True)
            os._exit(0)
        os.waitpid(child, 0)
    """
)


def test_a_forked_child_sees_its_parent_as_the_holder(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHILD_ASKS, str(tmp_path / "processed")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["RunLockedError", "true"]
