"""Named steps and the test hook that kills a run at one (deterministic fault injection)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from utenforskap.errors import ParameterError
from utenforskap.job.steps import (
    FORK_POINT,
    KILL_ENV,
    KILL_POINTS,
    RUN_STEPS,
    SWAP_POINTS,
    Steps,
)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


STEP = """
from utenforskap.job.steps import Steps
steps = Steps()
for name in ("checking inputs", "computing indicators", "writing tables"):
    steps.start(name)
    print(name, flush=True)
"""


def test_kill_hook_kills_at_the_named_step_only() -> None:
    killed = _python(STEP, **{KILL_ENV: "computing indicators"})
    assert killed.returncode == -signal.SIGKILL
    assert killed.stdout.splitlines() == ["checking inputs"]
    free = _python(STEP)
    assert free.returncode == 0
    assert free.stdout.splitlines() == ["checking inputs", "computing indicators", "writing tables"]


def test_fork_point_kills_the_parent_after_its_next_fork() -> None:
    code = """
    import os, time
    from utenforskap.job.steps import arm_fork_kill
    arm_fork_kill()
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)  # the child goes on after its parent died
        print("child", flush=True)
        os._exit(0)
    print("parent", flush=True)
    """
    killed = _python(code, **{KILL_ENV: FORK_POINT})
    assert killed.returncode == -signal.SIGKILL
    assert "parent" not in killed.stdout
    unarmed = _python(code)
    assert unarmed.returncode == 0 and "parent" in unarmed.stdout


def test_kill_points_cover_every_step_in_order() -> None:
    assert [p for p in KILL_POINTS if p in RUN_STEPS] == list(RUN_STEPS)
    assert KILL_POINTS.index(FORK_POINT) == RUN_STEPS.index("drawing figures") + 1
    assert KILL_POINTS[-2:] == SWAP_POINTS


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(ParameterError, match="step must be one of"):
        Steps().start("drawing pictures")
