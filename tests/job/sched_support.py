"""Shared helpers of the scheduler tests: a small run configuration and folder snapshots."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from utenforskap.datasets import write_demo_data

# One indicator, PNG only, no PDF: a run of a few seconds that still writes
# tables, figures, the index page and the manifest.
SMALL_CONFIG = """\
title = "Liten kommune"
output = "data/processed"

[geography]
kommune = "9901"
regions = "data/raw/demo/regions.csv"

[[inputs]]
id = "register"
format = "microdata"
path = "data/raw/demo/register.csv"
indicators = ["neet"]

[indicators.neet]
ages = ["16-25"]

[disclosure]
min_count = {min_count}
min_denominator = 20

[figures]
formats = {formats}
report = {report}
synthetic = true
district_trends = {district_trends}
"""


def write_config(
    work: Path,
    *,
    min_count: int = 5,
    name: str = "kommune.toml",
    every_format: bool = False,
    district_trends: bool = False,
) -> Path:
    """Write the small configuration into ``work``; ``min_count`` changes the outputs.

    ``every_format`` adds SVG figures and the PDF report; ``district_trends``
    adds a trend chart per district, enough figures for the figure pack to
    draw them in worker processes.
    """
    path = work / name
    formats = '["png", "svg"]' if every_format else '["png"]'
    report = "true" if every_format else "false"
    text = SMALL_CONFIG.format(
        min_count=min_count,
        formats=formats,
        report=report,
        district_trends="true" if district_trends else "false",
    )
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (following the output symlink), by relative path."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def without_manifest(state: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in state.items() if k != "manifest.json"}


def manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return data


def copy_work(source: Path, target: Path) -> Path:
    """Copy a run folder keeping the output symlink a symlink."""
    shutil.copytree(source, target, symlinks=True)
    return target


def shared_small_run(factory: pytest.TempPathFactory) -> Path:
    """The demo data, the small configuration and one completed run, made once per session.

    The folder itself marks that it is done, so every test module's fixture
    can call this and only the first pays for the run.
    """
    work = factory.getbasetemp() / "small-run-shared"
    if (work / "data" / "processed" / "manifest.json").is_file():
        return work
    write_demo_data(work / "data" / "raw" / "demo")
    config = write_config(work)
    result = run_cli("run", "--config", str(config), cwd=work)
    assert result.returncode == 0, result.stderr
    return work
