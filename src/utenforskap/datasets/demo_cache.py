"""Where the demo lives: the user cache, a folder per generator version, written atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from utenforskap.datasets import demo
from utenforskap.datasets.demo import (
    _BUNDLED,
    CACHE_ENV,
    DEMO_DIR,
    DEMO_FILES,
    DEMO_SEED,
    write_demo_data,
)

__all__ = [
    "demo_config_path",
    "demo_data_dir",
    "demo_project_dir",
    "ensure_demo_data",
    "user_cache_dir",
]


def user_cache_dir() -> Path:
    """The folder utenforskap keeps generated and downloaded data in, outside any project.

    ``$UTENFORSKAP_CACHE`` when set, else ``$XDG_CACHE_HOME/utenforskap``,
    else ``~/.cache/utenforskap``. Nothing is created here.

    Returns
    -------
    pathlib.Path
        The cache folder.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"UTENFORSKAP_CACHE": "/srv/cache/ut"}):
    ...     print(user_cache_dir().as_posix())
    /srv/cache/ut
    """
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "utenforskap"


def _demo_key() -> str:
    """Digest of what the demo data are made from: a changed generator gets a new folder."""
    digest = hashlib.sha256(str(DEMO_SEED).encode())
    digest.update(Path(demo.__file__).read_bytes())
    for name in _BUNDLED:
        digest.update((resources.files(__package__) / name).read_bytes())
    return digest.hexdigest()[:12]


def demo_project_dir() -> Path:
    """The folder the bundled demo configuration's relative input paths are resolved against.

    A folder of the user cache (:func:`user_cache_dir`) named after a digest
    of the generator, so that a changed generator never reads old data; the
    demo files are in its ``data/raw/demo``.

    Returns
    -------
    pathlib.Path
        ``<cache>/demo-<digest>``.

    Examples
    --------
    >>> demo_project_dir().name.startswith("demo-")
    True
    """
    return user_cache_dir() / f"demo-{_demo_key()}"


def demo_data_dir() -> Path:
    """The folder of the demo data in the user cache: ``demo_project_dir() / "data/raw/demo"``.

    Returns
    -------
    pathlib.Path
        Where :func:`ensure_demo_data` generates the demo data by default.

    Examples
    --------
    >>> demo_data_dir().relative_to(demo_project_dir()).as_posix()
    'data/raw/demo'
    """
    return demo_project_dir() / DEMO_DIR


def _complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in DEMO_FILES)


def ensure_demo_data(directory: str | Path | None = None) -> Path:
    """Generate the demo files unless they are all there, and return their folder.

    By default the files go to the user cache (:func:`demo_data_dir`; set
    ``UTENFORSKAP_CACHE`` to choose another place), never into the working
    directory. There they are written into a hidden sibling folder first and
    renamed into place, so that two processes starting at once never read
    half-written files.

    Parameters
    ----------
    directory
        The demo data folder; default :func:`demo_data_dir`.

    Returns
    -------
    pathlib.Path
        The folder.

    Examples
    --------
    >>> folder = ensure_demo_data()
    >>> folder == demo_data_dir(), (folder / "register.csv").is_file()
    (True, True)
    """
    if directory is not None:
        target = Path(directory)
        if not _complete(target):
            write_demo_data(target)
        return target
    target = demo_data_dir()
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".tmp-demo-", dir=target.parent))
    try:
        write_demo_data(work)
        if target.exists() and not _complete(target):
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.rename(work, target)
        except OSError:
            if not _complete(target):  # not another process that finished first
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def demo_config_path() -> Path:
    """Path of the bundled demo run configuration (``demo.toml``)."""
    return Path(str(resources.files(__package__) / "demo.toml"))
