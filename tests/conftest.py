"""Shared fixtures: the demo run done once per session in a scratch folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


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
    """A folder where `utenforskap run` has been run once on the demo (through the CLI)."""
    work = tmp_path_factory.mktemp("demo-run")
    result = run_cli("run", cwd=work)
    assert result.returncode == 0, result.stderr
    return work


@pytest.fixture
def demo_copy(demo_run: Path, tmp_path: Path) -> Path:
    """A private copy of the demo run folder that a test may change."""
    target = tmp_path / "work"
    shutil.copytree(demo_run, target)
    return target
