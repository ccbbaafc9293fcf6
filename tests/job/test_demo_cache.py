"""Nothing is written outside the output and cache folders: the demo data live in the user cache."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import utenforskap as ut
from utenforskap.datasets import (
    demo_data_dir,
    demo_project_dir,
    ensure_demo_data,
    user_cache_dir,
    write_demo_data,
)
from utenforskap.datasets.demo import DEMO_FILES


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_user_cache_dir_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UTENFORSKAP_CACHE", str(tmp_path / "mine"))
    assert user_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("UTENFORSKAP_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert user_cache_dir() == tmp_path / "xdg" / "utenforskap"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert user_cache_dir() == tmp_path / "home" / ".cache" / "utenforskap"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("UTENFORSKAP_CACHE", str(folder))
    return folder


def test_demo_data_go_to_the_cache_once(cache: Path, tmp_path: Path) -> None:
    folder = ensure_demo_data()
    assert folder == demo_data_dir() == demo_project_dir() / "data" / "raw" / "demo"
    assert folder.is_relative_to(cache)
    assert sorted(p.name for p in folder.iterdir()) == sorted(DEMO_FILES)
    # The same bytes as written anywhere else.
    assert _hashes(folder) == _hashes(Path(write_demo_data(tmp_path / "elsewhere")[0]).parent)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert ensure_demo_data() == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps  # not rewritten
    assert [p.name for p in folder.parent.iterdir()] == ["demo"]  # no temporary folders left


def test_an_incomplete_demo_folder_is_made_whole(cache: Path) -> None:
    folder = ensure_demo_data()
    before = _hashes(folder)
    (folder / "register.csv").unlink()
    assert ensure_demo_data() == folder
    assert _hashes(folder) == before


def test_two_processes_generate_the_demo_at_once(cache: Path) -> None:
    code = "from utenforskap.datasets import ensure_demo_data; print(ensure_demo_data())"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert outs == [str(demo_data_dir())] * 2
    assert sorted(p.name for p in demo_data_dir().iterdir()) == sorted(DEMO_FILES)
    assert [p.name for p in demo_data_dir().parent.iterdir()] == ["demo"]


@pytest.mark.slow
def test_computing_the_demo_writes_nothing_in_the_working_directory(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "notebooks"
    work.mkdir()
    monkeypatch.chdir(work)
    result = ut.run(write=False)
    assert result.status == "computed" and len(result.indicators) > 0
    assert list(work.iterdir()) == []
    assert (demo_data_dir() / "register.csv").is_file()
    assert os.path.commonpath([demo_data_dir(), cache]) == str(cache)
