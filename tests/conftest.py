"""Shared fixtures: the demo run done once per session, the shared real files, builders.

This is the only conftest.py: tests import ``run_cli`` from it, and a second
conftest module would shadow the name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session", autouse=True)
def _test_cache() -> Iterator[Path]:
    """A user cache of the test session's own: the demo data never go to ~/.cache.

    Set in the environment, so the command line and notebook kernels started
    by tests use it too.
    """
    saved = os.environ.get("UTENFORSKAP_CACHE")
    folder = Path(tempfile.mkdtemp(prefix="utenforskap-test-cache-"))
    os.environ["UTENFORSKAP_CACHE"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("UTENFORSKAP_CACHE", None)
    else:
        os.environ["UTENFORSKAP_CACHE"] = saved
    shutil.rmtree(folder, ignore_errors=True)


def cli_command() -> list[str]:
    """The installed console script, as a user runs it."""
    script = Path(sys.executable).with_name("utenforskap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "utenforskap"]


def run_cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLBACKEND": "Agg"}
    return subprocess.run(
        [*cli_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not available")
    return SHARED_DATA


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where `utenforskap run` has been run once on the demo (through the CLI).

    The run reads the demo data from the (test session's) user cache, so the
    folder holds only the outputs: ``data/processed`` and its siblings.
    """
    work = tmp_path_factory.mktemp("demo-run")
    result = run_cli("run", cwd=work)
    assert result.returncode == 0, result.stderr
    return work


@pytest.fixture
def demo_copy(demo_run: Path, tmp_path: Path) -> Path:
    """A private copy of the demo run folder that a test may change, with the demo data.

    The demo data are copied into its ``data/raw/demo``, where the demo
    configuration's relative paths point when it is copied beside them.
    """
    from utenforskap.datasets import demo_data_dir

    target = tmp_path / "work"
    shutil.copytree(demo_run, target, symlinks=True)
    shutil.copytree(demo_data_dir(), target / "data" / "raw" / "demo")
    return target


GEO = SHARED_DATA / "geo"


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    if not GEO.is_dir():
        pytest.skip("../shared/data/geo is not available")
    return GEO


@pytest.fixture(scope="session")
def make_counts():
    """The CountFrame builder :func:`counts_frame`, as a fixture."""
    return counts_frame


def counts_frame(
    regions: Sequence[str],
    numerator: Sequence[float],
    denominator: Sequence[float],
    *,
    period: str | Sequence[str] = "2018",
    age: str | Sequence[str] = "16-25",
    status: str | Sequence[str] = "",
    indicator: str = "neet",
) -> pd.DataFrame:
    """A CountFrame with one row per region (other keys broadcast)."""
    n = len(regions)

    def column(value: str | Sequence[str]) -> np.ndarray:
        return np.array([value] * n if isinstance(value, str) else list(value), dtype=object)

    return pd.DataFrame(
        {
            "indicator": column(indicator),
            "region": np.array(list(regions), dtype=object),
            "region_name": column(""),
            "period": column(period),
            "age": column(age),
            "sex": column("total"),
            "group": column("total"),
            "numerator": np.asarray(numerator, dtype=float),
            "denominator": np.asarray(denominator, dtype=float),
            "status": column(status),
        }
    )
