"""One run at a time per output folder: a POSIX record lock on a file naming its holder."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from utenforskap.errors import UtenforskapError

__all__ = ["EXIT_LOCKED", "RunLockedError", "lock_holder", "lock_path", "run_lock"]

log = logging.getLogger("utenforskap.job.lock")

#: Exit code of a run that found another run holding the lock.
EXIT_LOCKED = 3

# Lock files this process holds, by (device, inode), with the holder record.
# POSIX record locks belong to a process, not to an open file: the kernel
# does not refuse a second lock by the same process, and closing *any*
# descriptor of the file drops the lock. So this process answers for its own
# locks from here and never opens a file it holds.
_HELD: dict[tuple[int, int], dict[str, Any]] = {}
_HELD_GUARD = threading.Lock()


def _forget_in_child() -> None:
    """A forked child holds none of its parent's record locks (and no thread's guard)."""
    global _HELD_GUARD
    _HELD.clear()
    _HELD_GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_in_child)


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

    Examples
    --------
    >>> lock_path(Path("data/processed")).as_posix()
    'data/processed.lock'
    """
    target = Path(target)
    return target.parent / f"{target.name}.lock"


def _read(handle: IO[str]) -> dict[str, Any] | None:
    handle.seek(0)
    text = handle.read()
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


# A run writes its record just after taking the lock; a second run that
# finds the lock taken waits this long for the record before it says so.
_RECORD_WAIT_SECONDS = 2.0


def _holder_record(handle: IO[str]) -> dict[str, Any]:
    """Read the holder's record, waiting briefly for a holder that has just locked."""
    deadline = time.monotonic() + _RECORD_WAIT_SECONDS
    while True:
        record = _read(handle)
        if record or time.monotonic() >= deadline:
            return record or {}
        time.sleep(0.02)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _try_lock(handle: IO[str]) -> bool:
    """Take the record lock without waiting; False when another process holds it."""
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EAGAIN):
            return False
        raise
    return True


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

    Examples
    --------
    >>> lock_holder(Path("processed")) is None
    True
    >>> with run_lock(Path("processed")):
    ...     lock_holder(Path("processed"))["pid"] == os.getpid()
    True
    """
    path = lock_path(target)
    identity = _identity(path)
    if identity is None:
        return None
    with _HELD_GUARD:
        if identity in _HELD:
            return dict(_HELD[identity])
    with open(path, "a+", encoding="utf-8") as handle:
        if not _try_lock(handle):
            return _holder_record(handle)
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return None


def _take(path: Path) -> tuple[IO[str], tuple[int, int]]:
    """Open and lock ``path``; raise RunLockedError when another run holds it."""
    with _HELD_GUARD:
        identity = _identity(path)
        if identity is not None and identity in _HELD:
            # Held by this process: refuse without opening the file, since
            # closing a second descriptor of it would drop our own lock.
            raise RunLockedError(path, dict(_HELD[identity]))
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - returned to the caller
        try:
            info = os.fstat(handle.fileno())
            identity = (info.st_dev, info.st_ino)
            if not _try_lock(handle):
                raise RunLockedError(path, _holder_record(handle) or None)
        except BaseException:
            handle.close()
            raise
        _HELD[identity] = {}
    return handle, identity


@contextmanager
def run_lock(target: Path) -> Iterator[Path]:
    """Hold the lock of an output folder for the duration of a ``with`` block.

    The lock is a POSIX record lock (``lockf``) on ``<folder>.lock``. Such a
    lock belongs to the process that took it: a child process (the figure
    pack's workers are forked) does not inherit it, and the kernel drops it
    when the process dies, however it dies. A lock left by a killed run is
    therefore free for the next run, which takes it over and logs who left it,
    even while forked children of the dead run are still alive. The holder's
    pid, host and start time are written inside, for the message a second run
    prints. The file itself is kept (emptied on release): removing a lock file
    that another process may have just opened would let two runs lock two
    different files. A second ``run_lock`` on the same folder in the same
    process is refused like one from another process.

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
        Another live run holds the lock (exit code 3).

    Examples
    --------
    >>> with run_lock(Path("processed")) as lock:
    ...     print(lock.name)
    processed.lock
    >>> lock_holder(Path("processed")) is None
    True
    """
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, identity = _take(path)
    try:
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
        with _HELD_GUARD:
            _HELD[identity] = me
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(me) + "\n")
        handle.flush()
        yield path
    finally:
        try:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.lockf(handle, fcntl.LOCK_UN)
        finally:
            with _HELD_GUARD:
                _HELD.pop(identity, None)
            handle.close()
