"""Atomic output folders: a symlink to a complete versioned sibling, swapped with one rename."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from utenforskap.job.steps import kill_point

__all__ = ["atomic_folder", "current_version", "recover", "versions_dir"]

log = logging.getLogger("utenforskap.job.atomic")

_TMP = ".tmp-"
_LINK = ".link-"


def versions_dir(target: Path) -> Path:
    """Return the folder holding the versions of ``target``: ``<folder>.runs`` beside it.

    Parameters
    ----------
    target
        The output folder (a symlink once a run has written it).

    Returns
    -------
    pathlib.Path
        The versions folder.
    """
    target = Path(target)
    return target.parent / f"{target.name}.runs"


def current_version(target: Path) -> Path | None:
    """Return the complete version ``target`` points to, or None when there is none.

    Parameters
    ----------
    target
        The output folder.

    Returns
    -------
    pathlib.Path or None
        The real folder behind ``target`` (``target`` itself when it is a
        plain folder left by an older release), or None.
    """
    target = Path(target)
    if target.is_symlink():
        real = target.parent / os.readlink(target)
        return real if real.is_dir() else None
    return target if target.is_dir() else None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    """Flush every file and folder under ``folder`` so a power cut cannot promote empty files."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        _fsync_dir(Path(root))


def _complete(runs: Path) -> list[Path]:
    if not runs.is_dir():
        return []
    return sorted(p for p in runs.iterdir() if p.is_dir() and not p.name.startswith("."))


def _link(target: Path, version: Path) -> None:
    """Point ``target`` at ``version`` with one atomic rename of a new symlink over it."""
    runs = version.parent
    tmp = runs / f"{_LINK}{os.getpid()}"
    tmp.unlink(missing_ok=True)
    # Relative, so that the data folder can be moved or mounted elsewhere.
    os.symlink(os.path.join(runs.name, version.name), tmp)
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def recover(target: Path) -> None:
    """Repair what an interrupted run left; call it holding the run lock.

    Removes half-written versions and temporary links, and re-links
    ``target`` to the newest complete version when an interrupted first swap
    left it missing. Complete versions are never touched.

    Parameters
    ----------
    target
        The output folder.
    """
    target = Path(target)
    runs = versions_dir(target)
    if runs.is_dir():
        for path in sorted(runs.iterdir()):
            if path.name.startswith(_TMP):
                log.warning("removing %s, left by a run that did not finish", path)
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(_LINK):
                path.unlink(missing_ok=True)
    if not target.exists() and not target.is_symlink():
        complete = _complete(runs)
        if complete:
            log.warning(
                "%s was missing after an interrupted run; restoring %s", target, complete[-1]
            )
            _link(target, complete[-1])
    elif target.is_symlink() and not target.exists():
        log.warning("%s points to a missing folder; it will be replaced by this run", target)


def _version_name() -> str:
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}.{now.microsecond:06d}Z-{os.getpid()}"


def _collect(runs: Path, keep: set[Path]) -> None:
    for path in _complete(runs):
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def atomic_folder(target: Path, *, keep_previous: bool = True) -> Iterator[Path]:
    """Yield an empty folder to write into; make it ``target`` only when the block succeeds.

    ``target`` becomes a symlink to ``<folder>.runs/<version>``. The new
    version is written under a hidden name, flushed to disk, renamed to its
    final name and then swapped in by renaming a new symlink over ``target``
    (``rename(2)`` is atomic), so a reader or a killed run always finds the
    complete previous version or the complete new one, never a mix and never
    nothing. A plain folder left by an older release is moved into
    ``<folder>.runs`` first; if the run dies in the instant between that move
    and the swap, :func:`recover` re-links the newest complete version.
    Call it holding the run lock (:func:`utenforskap.job.lock.run_lock`).

    Parameters
    ----------
    target
        The output folder.
    keep_previous
        Keep the version replaced by this run (for readers still inside it
        and for going back by hand); older versions are removed.

    Yields
    ------
    pathlib.Path
        An empty folder on the same file system as ``target``. On an
        exception it is removed and ``target`` is left untouched.
    """
    target = Path(target)
    runs = versions_dir(target)
    runs.mkdir(parents=True, exist_ok=True)
    name = _version_name()
    work = runs / f"{_TMP}{name}"
    work.mkdir()
    try:
        yield work
        _fsync_tree(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    final = runs / name
    os.replace(work, final)
    _fsync_dir(runs)
    kill_point("new version renamed")
    previous = current_version(target)
    if previous is not None and not target.is_symlink():
        # Sorts before every dated version, so recover() prefers the new one.
        legacy = runs / f"0-legacy-{name}"
        os.replace(target, legacy)
        previous = legacy
    _link(target, final)
    kill_point("new version linked")
    keep = {final}
    if keep_previous and previous is not None and previous.parent == runs:
        keep.add(previous)
    _collect(runs, keep)
