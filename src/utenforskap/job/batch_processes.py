"""One kommune's run per process: forked, at most ``jobs`` at a time, stopped with the batch."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from utenforskap.errors import UtenforskapError
from utenforskap.job.atomic import current_version
from utenforskap.job.batch_config import Kommune
from utenforskap.job.config import RunConfig
from utenforskap.job.manifest import read_manifest
from utenforskap.job.steps import kill_point

__all__ = [
    "BATCH_KILL_POINT",
    "KOMMUNE_STATUSES",
    "KommuneResult",
    "run_processes",
    "warm_imports",
]

#: ``written``: new outputs swapped in; ``skipped``: nothing changed, outputs
#: kept; ``failed``: the run stopped (previous outputs, if any, kept).
KOMMUNE_STATUSES: tuple[str, ...] = ("written", "skipped", "failed")
#: Test hook point (see :mod:`utenforskap.job.steps`): the batch process has
#: recorded a kommune's finished run.
BATCH_KILL_POINT = "batch kommune finished"
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class KommuneResult:
    """What one kommune's run of a batch did.

    Attributes
    ----------
    kommune
        The kommune.
    folder
        Its output folder.
    status
        One of :data:`KOMMUNE_STATUSES`.
    exit_code
        The exit code its run would have had alone: 0, 2 (input or
        configuration to fix), 3 (its folder locked by another run), 1
        (unexpected), or the signal that ended its process, negated.
    error
        The error's message (empty unless failed).
    seconds
        Wall time of its run.
    finished
        When the outputs now in its folder were written (the manifest's
        ``run.finished``), or None when it has none.
    """

    kommune: Kommune
    folder: Path
    status: str
    exit_code: int = 0
    error: str = ""
    seconds: float = 0.0
    finished: str | None = None

    def record(self) -> dict[str, Any]:
        """The result as ``batch.json`` records it.

        Returns
        -------
        dict
            JSON-safe.
        """
        return {
            "code": self.kommune.code,
            "name": self.kommune.name,
            "folder": self.folder.name,
            "status": self.status,
            "exit_code": self.exit_code,
            "error": self.error,
            "seconds": round(self.seconds, 3),
            "outputs_finished": self.finished,
        }


class _Prefix(logging.Filter):
    """Name the kommune in every log line of its run (the processes share stderr)."""

    def __init__(self, kommune: Kommune) -> None:
        super().__init__()
        self.label = f"{kommune.code} {kommune.name}"
        self.code = kommune.code

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "kommune", None):
            record.msg = f"{self.label}: {record.getMessage()}"
            record.args = None
            record.kommune = self.code
        return True


def _die_with_parent() -> None:
    """Ask Linux to stop this process (SIGTERM) when the batch process dies, however it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: children finish their kommune
        pass


def _child(config: RunConfig, kommune: Kommune, force: bool, conn: Connection) -> None:
    """One kommune's run, in its own process; the outcome goes back through ``conn``."""
    from utenforskap.job.pipeline import run

    _die_with_parent()
    if os.getppid() == 1:  # the batch died before the request above was made
        os._exit(1)
    prefix = _Prefix(kommune)
    for handler in logging.getLogger("utenforskap").handlers:
        handler.addFilter(prefix)
    started = time.monotonic()
    message: dict[str, Any]
    try:
        result = run(config, force=force, jobs=1)
        message = {"status": result.status, "exit_code": 0}
    except UtenforskapError as exc:
        message = {"status": "failed", "exit_code": exc.exit_code, "error": str(exc)}
    except BaseException as exc:  # reported to the batch, which goes on
        message = {
            "status": "failed",
            "exit_code": 1,
            "error": f"unexpected error: {type(exc).__name__}: {exc}",
        }
    message["seconds"] = time.monotonic() - started
    conn.send(message)
    conn.close()


def _finished(folder: Path) -> str | None:
    manifest = read_manifest(current_version(folder))
    if manifest is None:
        return None
    return manifest.get("run", {}).get("finished")


def _result(
    kommune: Kommune, folder: Path, message: dict[str, Any] | None, code: int | None
) -> KommuneResult:
    if message is None:
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        message = {
            "status": "failed",
            "exit_code": code if code is not None and code < 0 else 1,
            "error": f"the kommune's process ended without a result ({how})",
            "seconds": 0.0,
        }
    return KommuneResult(
        kommune,
        folder,
        message["status"],
        int(message["exit_code"]),
        str(message.get("error", "")),
        float(message.get("seconds", 0.0)),
        _finished(folder),
    )


@dataclass
class _Running:
    kommune: Kommune
    folder: Path
    process: Any
    conn: Connection
    message: dict[str, Any] | None = None


def warm_imports() -> None:
    """Import what every kommune's run needs, once, before forking: about a second per kommune."""
    import importlib

    for name in (
        "utenforskap.job.pipeline",
        "utenforskap.microdata",
        "utenforskap.publish.pack",
        "utenforskap.plot.figures",
    ):
        importlib.import_module(name)


def run_processes(
    configs: Sequence[RunConfig],
    kommuner: Sequence[Kommune],
    *,
    force: bool,
    jobs: int,
    on_result: Callable[[KommuneResult, int, int], None] | None,
    warm: Callable[[], object] | None = None,
    warm_first: bool = False,
    warm_from: int = 1,
) -> list[KommuneResult]:
    """Run each kommune's configuration in a forked process, at most ``jobs`` at a time.

    Each process runs :func:`utenforskap.job.pipeline.run` (figures drawn in
    that process), names its kommune in every log line, sends its outcome
    back through a pipe and is stopped (SIGTERM) if the batch process dies.
    A process that ends without an outcome (killed, crashed) is a failed
    kommune; the others go on. If the batch is interrupted, the processes it
    started are stopped and waited for.

    Parameters
    ----------
    configs
        Each kommune's configuration (see :func:`~utenforskap.job.batch_config.kommune_configs`).
    kommuner
        The kommuner, in the same order.
    force
        Recompute even when nothing changed.
    jobs
        Processes at a time.
    on_result
        Called as each kommune finishes: its result, the number finished, the total.
    warm
        Called once in this process, before forking the next kommuner, to
        load what they all need (see :func:`~utenforskap.job.batch_warm.warm_figures`):
        before the first one when ``warm_first``, else after the first
        kommune that wrote new outputs, if ``warm_from`` kommuner or more
        are still to start (a batch where nothing changed is not warmed).
    warm_first
        Warm before forking the first kommune.
    warm_from
        Warm later only when at least this many kommuner are still to start.

    Returns
    -------
    list of KommuneResult
        In the order of ``kommuner``.
    """
    context = multiprocessing.get_context("fork")
    pending = list(zip(kommuner, configs, strict=True))[::-1]
    running: list[_Running] = []
    results: dict[str, KommuneResult] = {}
    if warm is not None and warm_first:
        warm()
        warm = None
    try:
        while pending or running:
            while pending and len(running) < jobs:
                kommune, cfg = pending.pop()
                receive, send = context.Pipe(duplex=False)
                process = context.Process(
                    target=_child, args=(cfg, kommune, force, send), name=f"kommune-{kommune.code}"
                )
                process.start()
                send.close()
                running.append(_Running(kommune, cfg.output, process, receive))
            ready = wait([r.process.sentinel for r in running] + [r.conn for r in running])
            for item in list(running):
                if item.conn in ready and item.message is None:
                    try:
                        item.message = item.conn.recv()
                    except EOFError:
                        item.message = None
                if item.process.sentinel not in ready:
                    continue
                item.process.join()
                if item.message is None and item.conn.poll():
                    with contextlib.suppress(EOFError):
                        item.message = item.conn.recv()
                item.conn.close()
                running.remove(item)
                result = _result(item.kommune, item.folder, item.message, item.process.exitcode)
                results[item.kommune.code] = result
                if warm is not None and result.status == "written" and len(pending) >= warm_from:
                    warm()
                    warm = None
                if on_result is not None:
                    on_result(result, len(results), len(configs))
                kill_point(BATCH_KILL_POINT)
    finally:
        for item in running:  # interrupted: stop the runs this batch started
            if item.process.is_alive():
                os.kill(item.process.pid, signal.SIGTERM)
        for item in running:
            item.process.join()
    return [results[k.code] for k in kommuner]
