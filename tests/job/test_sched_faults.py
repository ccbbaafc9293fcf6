"""Faults in scheduled runs: SIGKILL at every named step, full disk, corrupt input, two runs."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
from pathlib import Path

import pytest
from sched_support import (
    copy_work,
    shared_small_run,
    snapshot,
    without_manifest,
    write_config,
)

from conftest import cli_command, run_cli
from utenforskap.datasets import write_demo_data
from utenforskap.job.lock import lock_holder
from utenforskap.job.steps import FORK_POINT, KILL_ENV, KILL_POINTS

pytestmark = pytest.mark.slow

OUT = Path("data") / "processed"
RUNS = Path("data") / "processed.runs"
ENV = {**os.environ, "MPLBACKEND": "Agg"}


def _new_config(work: Path) -> Path:
    """The changed configuration: other outputs, and enough figures to fork figure workers."""
    return write_config(work, min_count=8, district_trends=True)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_small_run(tmp_path_factory)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory, small_run: Path) -> dict[str, object]:
    """An "old" run folder, and the complete "new" state a changed configuration gives.

    The new state is made in a fresh folder at another path, with freshly
    generated demo data: every later comparison with it (after kills, after
    two runs at once) also checks that the bytes do not depend on where or
    on which machine's folder the run happened.
    """
    old = small_run
    new = tmp_path_factory.mktemp("fresh") / "elsewhere"
    write_demo_data(new / "data" / "raw" / "demo")
    _new_config(new)
    result = run_cli("run", "--config", "kommune.toml", cwd=new)
    assert result.returncode == 0, result.stderr
    old_state, new_state = snapshot(old / OUT), snapshot(new / OUT)
    assert without_manifest(old_state) != without_manifest(new_state)
    return {"old": old, "old_state": old_state, "new_state": new_state}


def _check_complete(work: Path, old_state: dict[str, str], new_state: dict[str, str]) -> str:
    """The output folder is exactly the old run, or exactly the new one; say which."""
    out = work / OUT
    assert out.is_symlink() and out.is_dir()
    state = snapshot(out)
    if state == old_state:
        return "old"
    assert without_manifest(state) == without_manifest(new_state)
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert {r["path"]: r["sha256"] for r in listed} == without_manifest(state)
    return "new"


def _session(sid: int) -> list[int]:
    """Live processes of a session (a run started with ``start_new_session``), zombies aside."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != sid:
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (ProcessLookupError, PermissionError, FileNotFoundError):
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_each_named_step(states: dict[str, object], tmp_path: Path, point: str) -> None:
    """SIGKILL at a named step (the test hook), then: old or new outputs, and the next run works.

    At "figure workers started" the figure pack's first worker process has
    just been forked: it outlives the killed run, still holding the run's open
    files, as after an out-of-memory kill. It must not keep the lock.
    """
    old, old_state, new_state = states["old"], states["old_state"], states["new_state"]
    assert isinstance(old, Path) and isinstance(old_state, dict) and isinstance(new_state, dict)
    if point == FORK_POINT and len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one CPU: the figure pack draws in this process, it forks no workers")
    work = copy_work(old, tmp_path / "work")
    _new_config(work)
    proc = subprocess.Popen(
        [*cli_command(), "run", "--config", "kommune.toml"],
        cwd=work,
        env={**ENV, KILL_ENV: point},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its orphans stay findable, and killable at the end
    )
    try:
        assert proc.wait(timeout=300) == -signal.SIGKILL
        expected = "new" if point == "new version linked" else "old"
        assert _check_complete(work, old_state, new_state) == expected
        orphans = _session(proc.pid)
        if point == FORK_POINT:
            assert orphans, "the forked figure worker should have outlived its parent"
        # Nothing holds the lock, not even the orphans: the next run proceeds.
        assert lock_holder(work / OUT) is None
        result = run_cli("run", "--config", "kommune.toml", cwd=work)
        assert result.returncode == 0, result.stderr
        assert _check_complete(work, old_state, new_state) == "new"
        assert not [p for p in (work / RUNS).iterdir() if p.name.startswith(".")]
        assert _session(proc.pid) == orphans  # the next run did not need them gone
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _fsize_limit(limit: int) -> None:
    # Writes beyond the limit fail with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_full_disk_keeps_old_outputs(states: dict[str, object], tmp_path: Path) -> None:
    old, old_state = states["old"], states["old_state"]
    assert isinstance(old, Path)
    work = copy_work(old, tmp_path / "work")
    _new_config(work)
    result = subprocess.run(
        [*cli_command(), "run", "--config", "kommune.toml"],
        cwd=work,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _fsize_limit(30_000),
    )
    assert result.returncode == 1, result.stderr
    assert (
        "cannot write the outputs" in result.stderr and "previous outputs are kept" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert snapshot(work / OUT) == old_state
    assert sorted(p.name for p in (work / RUNS).iterdir()) == [
        os.readlink(work / OUT).split("/")[-1]
    ]


def test_corrupt_input_exits_2_and_keeps_old_outputs(
    states: dict[str, object], tmp_path: Path
) -> None:
    old, old_state = states["old"], states["old_state"]
    assert isinstance(old, Path)
    work = copy_work(old, tmp_path / "work")
    register = work / "data" / "raw" / "demo" / "register.csv"
    lines = register.read_text(encoding="utf-8").splitlines()
    register.write_text(
        "\n".join([lines[0], "\x00garbage;;;", *lines[2:]]) + "\n", encoding="utf-8"
    )
    result = run_cli("run", "--config", "kommune.toml", cwd=work)
    assert result.returncode == 2, result.stderr
    assert "register.csv" in result.stderr and len(result.stderr.splitlines()) == 1
    assert snapshot(work / OUT) == old_state


def test_two_runs_started_together(states: dict[str, object], tmp_path: Path) -> None:
    old = states["old"]
    assert isinstance(old, Path)
    work = copy_work(old, tmp_path / "work")
    _new_config(work)
    procs = [
        subprocess.Popen(
            [*cli_command(), "run", "--config", "kommune.toml"],
            cwd=work,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 3], results
    (locked,) = [err for code, err in results if code == 3]
    assert "another run is writing this output folder" in locked and "pid" in locked
    assert len(locked.strip().splitlines()) == 1
    assert _check_complete(work, states["old_state"], states["new_state"]) == "new"  # type: ignore[arg-type]


def test_sigterm_cleans_up_and_exits_143(states: dict[str, object], tmp_path: Path) -> None:
    old, old_state = states["old"], states["old_state"]
    assert isinstance(old, Path)
    work = copy_work(old, tmp_path / "work")
    _new_config(work)
    proc = subprocess.Popen(
        [*cli_command(), "-v", "run", "--config", "kommune.toml"],
        cwd=work,
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # stop it while it draws, as `systemctl stop` would
        if "drawing figures" in line:
            proc.send_signal(signal.SIGTERM)
            break
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 143, rest
    assert "terminated; outputs untouched" in rest
    assert snapshot(work / OUT) == old_state
    assert not [p for p in (work / RUNS).iterdir() if p.name.startswith(".")]
    assert json.loads((work / "data" / "processed.lock").read_text() or "null") is None
