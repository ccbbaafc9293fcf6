"""The output layout: every file a run writes, named in one place."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath

from utenforskap.datasets import demo_config_path
from utenforskap.job.config import load_config
from utenforskap.job.layout import OutputLayout, output_layout


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_demo_layout_names_every_output() -> None:
    cfg = load_config(demo_config_path(), base=Path("/srv/k"))
    layout = output_layout(cfg, Path("/srv/out"))
    assert [name for name, _ in layout.entries()] == [
        "indicators.csv",
        "indicators.parquet",
        "indicators.xlsx",
        "figures/*.png",
        "figures/*.svg",
        "figures/index.html",
        "report.pdf",
        "slides.pptx",
        "manifest.json",
    ]
    no_report = dataclasses.replace(cfg, figures=dataclasses.replace(cfg.figures, report=False))
    assert output_layout(no_report, Path("/srv/out")).report is None
    # The deck comes with the report (it shows the PNGs).
    assert output_layout(no_report, Path("/srv/out")).slides is None


def test_missing_and_unexpected_files(tmp_path: Path) -> None:
    layout = OutputLayout(tmp_path, figure_formats=("png",), report=None)
    _touch(tmp_path, "indicators.csv", "indicators.parquet", "figures/a.png", "figures/index.html")
    assert layout.missing(tmp_path) == ["indicators.xlsx", "manifest.json"]
    assert layout.unexpected(tmp_path) == []
    # Only whole paths match: a table inside figures/, an SVG, a nested PNG are not named.
    _touch(tmp_path, "figures/indicators.csv", "figures/a.svg", "figures/sub/b.png", "slides.pptx")
    assert layout.unexpected(tmp_path) == [
        "figures/a.svg",
        "figures/indicators.csv",
        "figures/sub/b.png",
        "slides.pptx",
    ]


def test_path_places_an_output_under_a_version(tmp_path: Path) -> None:
    layout = OutputLayout(Path("out"))
    assert layout.path(layout.index, tmp_path) == tmp_path / "figures" / "index.html"
    assert layout.path(PurePosixPath("a/b.txt"), tmp_path) == tmp_path / "a" / "b.txt"
