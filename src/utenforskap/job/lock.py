"""One run at a time per output folder: an flock'ed lock file naming its holder."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from utenforskap.errors import UtenforskapError

__all__ = ["EXIT_LOCKED", "RunLockedError", "lock_holder", "lock_path", "run_lock"]

log = logging.getLogger("utenforskap.job.lock")

#: Exit code of a run that found another run holding the lock.
EXIT_LOCKED = 3


class RunLockedError(UtenforskapError):
    """Another run holds the lock of the output folder.

    Parameters
    ----------
    lock
        The lock file.
    holder
        What the holder wrote into it (``pid``, ``host``, ``started``), when readable.
    """

    exit_code = EXIT_LOCKED

    def __init__(self, lock: Path, holder: dict[str, Any] | None) -> None:
        self.lock = lock
        self.holder = holder
        who = (
            f"pid {holder.get('pid')} on {holder.get('host')}, started {holder.get('started')}"
            if holder
            else "holder unknown"
        )
        super().__init__(
            f"{lock}: another run is writing this output folder ({who}); "
            "this run did nothing — try again when it has finished"
        )


def lock_path(target: Path) -> Path:
    """Return the lock file of an output folder: ``<folder>.lock`` beside it.

    Parameters
    ----------
    target
        The output folder.

    Returns
    -------
    pathlib.Path
        The lock file path.
    """
    target = Path(target)
    return target.parent / f"{target.name}.lock"


def _read(handle: Any) -> dict[str, Any] | None:
    handle.seek(0)
    text = handle.read()
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def lock_holder(target: Path) -> dict[str, Any] | None:
    """Return who holds the lock of ``target`` now, or None when it is free.

    Parameters
    ----------
    target
        The output folder.

    Returns
    -------
    dict or None
        ``pid``, ``host`` and ``started`` of the holder (``{}`` when it wrote
        nothing yet), or None when no run holds the lock.
    """
    path = lock_path(target)
    if not path.exists():
        return None
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(handle) or {}
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


@contextmanager
def run_lock(target: Path) -> Iterator[Path]:
    """Hold the lock of an output folder for the duration of a ``with`` block.

    The lock is an ``flock`` on ``<folder>.lock``, so the kernel releases it
    when the holding process dies, however it dies: a lock file left by a
    killed run is taken over by the next one (which logs who left it). The
    holder's pid, host and start time are written inside for the message a
    second run prints. The file itself is kept (emptied on release): removing
    a lock file that another process may have just opened would let two runs
    lock two different files.

    Parameters
    ----------
    target
        The output folder (its parent is created).

    Yields
    ------
    pathlib.Path
        The lock file.

    Raises
    ------
    RunLockedError
        Another live process holds the lock (exit code 3).
    """
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held across the yield
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLockedError(path, _read(handle)) from None
        previous = _read(handle)
        if previous:
            log.warning(
                "taking over the lock %s left by a run that did not finish "
                "(pid %s on %s, started %s)",
                path,
                previous.get("pid"),
                previous.get("host"),
                previous.get("started"),
            )
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(me) + "\n")
        handle.flush()
        try:
            yield path
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
