"""A warmed batch: the same files, warmed once, and not at all when nothing changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import utenforskap as ut
import utenforskap.job.batch as batch_module
from utenforskap.datasets.batch import write_batch_data
from utenforskap.job.batch_warm import warm_figures
from utenforskap.job.config_sections import FiguresConfig
from utenforskap.plot._glyphcache import glyph_cache_size
from utenforskap.plot._textcache import layout_cache_size

KOMMUNER = ("4001", "4003")
FOLDERS = ("4001-porsgrunn", "4003-skien")


def _files(link: Path) -> dict[str, bytes]:
    folder = link.resolve()  # a kommune's folder is a link to its current version
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_warming_fills_the_text_caches_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seconds = warm_figures(FiguresConfig(formats=("png", "svg"), report=True))
    assert seconds > 0
    assert layout_cache_size() > 0 and glyph_cache_size() > 0
    assert list(tmp_path.iterdir()) == []


def test_a_warmed_batch_writes_the_bytes_of_a_cold_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = tmp_path / "cold"
    write_batch_data(cold, kommuner=list(KOMMUNER), scale=0.15, pack="small")
    warm = tmp_path / "warm"
    shutil.copytree(cold, warm)
    calls: list[FiguresConfig] = []

    def counted(figures: FiguresConfig) -> float:
        calls.append(figures)
        return warm_figures(figures)

    monkeypatch.setattr(batch_module, "WARM_FROM", 1)
    monkeypatch.setattr(batch_module, "warm_figures", counted)
    # Reference: the same batch with warming off.
    with monkeypatch.context() as off:
        off.setattr(batch_module, "WARM_FROM", 100)
        ut.run(cold / "batch.toml", jobs=2)
    assert calls == []
    ut.run(warm / "batch.toml", jobs=2)
    assert len(calls) == 1 and calls[0].formats == ("png",)
    for folder in FOLDERS:
        cold_files = _files(cold / "out" / folder)
        assert cold_files and _files(warm / "out" / folder) == cold_files, folder
    # Nothing changed: nothing to draw, no warming.
    result = ut.run(warm / "batch.toml", jobs=2)
    assert [k.status for k in result.kommuner] == ["skipped"] * 2
    assert len(calls) == 1
