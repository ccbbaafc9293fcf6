"""``memo.remembered``: results computed once per frame, handed out as copies, warnings kept.

The reference is the same call outside the block (nothing remembered).
"""

from __future__ import annotations

import warnings

import pytest

from utenforskap import select
from utenforskap.datasets import demo_indicators
from utenforskap.memo import recall, remembered
from utenforskap.select import barometer_cells, region_label, widest_ages


def test_remembered_cells_equal_fresh_ones_and_are_copies() -> None:
    frame = demo_indicators()
    ages = widest_ages(frame)
    fresh = barometer_cells(frame, ages=ages)
    with remembered():
        first = barometer_cells(frame, ages=ages)
        first["row"] = -1  # a caller changing its copy changes nobody else's
        again = barometer_cells(frame, ages=ages)
        name = region_label("9901", data=frame)
    assert again.equals(fresh)
    assert again.attrs.keys() == fresh.attrs.keys()
    assert name == region_label("9901", data=frame) == "Eksempelkommune"


def test_other_frames_and_arguments_are_not_confused() -> None:
    frame = demo_indicators()
    ages = widest_ages(frame)
    other = frame[frame["sex"] == "total"].copy()
    with remembered():
        plain = barometer_cells(frame, ages=ages)
        female = barometer_cells(frame, ages=ages, sex="female")
        narrowed = barometer_cells(other, ages=ages)
    assert female.equals(barometer_cells(frame, ages=ages, sex="female"))
    assert not female.equals(plain)
    assert narrowed.equals(barometer_cells(other, ages=ages))


def test_warnings_are_raised_again_with_a_remembered_result() -> None:
    frame = demo_indicators()
    calls = []

    def compute() -> str:
        calls.append(1)
        warnings.warn(select.ChartWarning("no name", "names.missing"), stacklevel=1)
        return "x"

    with remembered():
        for _ in range(2):
            with pytest.warns(select.ChartWarning, match="no name"):
                assert recall(frame, ("test",), compute) == "x"
    assert len(calls) == 1
    # Outside the block nothing is kept.
    with pytest.warns(select.ChartWarning):
        recall(frame, ("test",), compute)
    assert len(calls) == 2
