"""Rendering: one file per task and format, results in task order, no module-level mutable state."""

from __future__ import annotations

import types

import pytest

from utenforskap.datasets import demo_indicators
from utenforskap.publish import render
from utenforskap.publish.plan import plan_figures
from utenforskap.publish.render import draw_figure, render_figures


@pytest.fixture(scope="module")
def demo():
    return demo_indicators()


def test_render_module_keeps_no_mutable_state() -> None:
    mutable = {
        name: type(value).__name__
        for name, value in vars(render).items()
        if not name.startswith("__")
        and isinstance(value, dict | list | set | bytearray)
        and not isinstance(value, types.ModuleType)
    }
    assert mutable == {}


def test_one_file_per_task_and_format_in_task_order(demo, tmp_path) -> None:
    tasks = [t for t in plan_figures(demo) if t.indicator == "low_income_children"]
    figures = render_figures(demo, tasks, tmp_path, formats=("png", "svg"), workers=1)
    assert [f.stem for f in figures] == [t.stem for t in tasks]
    for fig, task in zip(figures, tasks, strict=True):
        assert fig.files == task.files(tmp_path, ("png", "svg"))
        assert all(p.stat().st_size > 1000 for p in fig.files)
        assert (fig.kind, fig.indicator) == (task.kind, task.indicator)
        assert fig.caption and fig.alt


@pytest.mark.slow
def test_worker_processes_give_the_same_files_and_texts(demo, tmp_path) -> None:
    tasks = [t for t in plan_figures(demo) if t.kind in ("bars", "map", "district")][:10]
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    serial = render_figures(demo, tasks, tmp_path / "one", formats=("png",), workers=1)
    parallel = render_figures(demo, tasks, tmp_path / "two", formats=("png",), workers=2)
    assert [(f.stem, f.caption, f.alt) for f in serial] == [
        (f.stem, f.caption, f.alt) for f in parallel
    ]
    for a, b in zip(serial, parallel, strict=True):
        assert a.files[0].read_bytes() == b.files[0].read_bytes(), a.stem


def test_barometer_is_taller_only_at_the_report_width(demo) -> None:
    task = next(t for t in plan_figures(demo) if t.kind == "barometer")
    assert [float(v) for v in draw_figure(demo, task).get_size_inches()] == [6.3, 5.8]
    slide = draw_figure(demo, task, size="slide")
    assert [float(v) for v in slide.get_size_inches()] == [10.0, 5.625]
