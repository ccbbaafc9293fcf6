"""The named steps of a run, announced as they start, and the test hook that kills a run at one.

A run announces each step of :data:`RUN_STEPS` as it starts (a progress line on
a terminal, an ``info`` log line otherwise). The fault-injection tests make a
run kill itself with ``SIGKILL`` at a named point, deterministically, through
the environment variable :data:`KILL_ENV`:

``UTENFORSKAP_TEST_KILL_AT=<point>``
    **A test hook, never for production use.** When it names one of
    :data:`KILL_POINTS`, the process sends itself ``SIGKILL`` when the run
    reaches that point: as a step of :data:`RUN_STEPS` starts;
    ``"figure workers started"`` right after the first worker process of the
    figure pack is forked (the worker survives its parent, as after a real
    kill); ``"new version renamed"`` and ``"new version linked"`` inside the
    atomic swap of the output folder (see :mod:`utenforskap.job.atomic`).
"""

from __future__ import annotations

import logging
import os
import signal

from utenforskap.errors import check_choice
from utenforskap.job.logs import Progress

__all__ = [
    "FORK_POINT",
    "KILL_ENV",
    "KILL_POINTS",
    "RUN_STEPS",
    "SWAP_POINTS",
    "Steps",
    "arm_fork_kill",
    "kill_point",
]

log = logging.getLogger("utenforskap.job.steps")

#: The steps of a run that recomputes, in order (a skipped run stops after the first).
RUN_STEPS: tuple[str, ...] = (
    "checking inputs",
    "computing indicators",
    "writing tables",
    "drawing figures",
    "writing manifest",
)
#: Inside "drawing figures": the first figure worker process has been forked.
FORK_POINT = "figure workers started"
#: Inside the atomic swap: the new version has its final name / the output link points to it.
SWAP_POINTS: tuple[str, ...] = ("new version renamed", "new version linked")
#: Every point the test hook can kill a run at, in the order a run reaches them.
KILL_POINTS: tuple[str, ...] = (*RUN_STEPS[:4], FORK_POINT, RUN_STEPS[4], *SWAP_POINTS)
#: The test hook's environment variable (see the module docstring).
KILL_ENV = "UTENFORSKAP_TEST_KILL_AT"


def kill_point(name: str) -> None:
    """Kill this process with ``SIGKILL`` if the test hook names ``name`` (test use only).

    Parameters
    ----------
    name
        One of :data:`KILL_POINTS`.

    Examples
    --------
    Without the environment variable nothing happens:

    >>> kill_point("writing tables")
    """
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


_fork_hook_registered = False


def _kill_after_fork() -> None:
    if os.environ.get(KILL_ENV) == FORK_POINT:
        os.kill(os.getpid(), signal.SIGKILL)


def arm_fork_kill() -> None:
    """When the test hook names :data:`FORK_POINT`, kill this process right after its next fork.

    Call it as the figure step starts; without the environment variable it
    does nothing (no fork hook is registered).

    Examples
    --------
    >>> arm_fork_kill()
    """
    global _fork_hook_registered
    if os.environ.get(KILL_ENV) == FORK_POINT and not _fork_hook_registered:
        os.register_at_fork(after_in_parent=_kill_after_fork)
        _fork_hook_registered = True


class Steps:
    """Announce the steps of a run: on the progress line when there is one, else as info logs.

    Every step is a kill point of the test hook (:func:`kill_point`).

    Parameters
    ----------
    progress
        The command line's progress display, or None.

    Examples
    --------
    >>> steps = Steps()
    >>> steps.start("checking inputs")
    >>> steps.started
    ['checking inputs']
    """

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress
        self.started: list[str] = []

    def start(self, name: str) -> None:
        """Start the step ``name`` (one of :data:`RUN_STEPS`).

        Parameters
        ----------
        name
            The step.
        """
        check_choice("step", name, RUN_STEPS)
        self.started.append(name)
        if self.progress is not None:
            self.progress.step(name)
        else:
            log.info("step: %s", name, extra={"step": name})
        kill_point(name)
        if name == "drawing figures":
            arm_fork_kill()
