"""What the district bars and trend lines draw: lengths, whiskers, reference line, hidden cells."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators
from utenforskap.plot import district_bars, format_number, format_percent, trend_lines


def _frame(periods: tuple[str, ...] = ("2024",)) -> pd.DataFrame:
    districts = {"990101": (30, 200), "990102": (10, 180), "990103": (2, 40), "990104": (25, 150)}
    rows = []
    for period in periods:
        for code, (x, n) in districts.items():
            rows.append(
                (
                    "neet",
                    code,
                    f"D{code[-1]}",
                    period,
                    "16-25",
                    "total",
                    "total",
                    float(x),
                    float(n),
                    "",
                )
            )
        total_x = sum(v[0] for v in districts.values())
        total_n = sum(v[1] for v in districts.values())
        rows.append(
            (
                "neet",
                "9901",
                "Kommunen",
                period,
                "16-25",
                "total",
                "total",
                float(total_x),
                float(total_n),
                "",
            )
        )
    counts = pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))
    return suppress(compute_indicators(counts))


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def test_bar_lengths_and_whiskers_equal_the_frame() -> None:
    frame = _frame()
    ax = district_bars(frame)
    published = frame[(frame[F.REGION].str.len() == 6) & ~frame[F.SUPPRESSED]]
    bars = [p for p in ax.patches if p.get_gid() == "values"] or list(ax.containers[0])
    widths = sorted(round(b.get_width(), 9) for b in ax.containers[0])
    assert widths == sorted(round(v, 9) for v in published[F.VALUE])
    assert len(bars) == len(published)
    # Whisker ends: the error bar's line collection spans ci_lower to ci_upper.
    segments = ax.containers[1].lines[2][0].get_segments()
    ends = sorted((round(s[0][0], 9), round(s[1][0], 9)) for s in segments)
    expected = sorted(
        (round(lo, 9), round(hi, 9))
        for lo, hi in zip(published[F.CI_LOWER], published[F.CI_UPPER], strict=True)
    )
    assert ends == expected


def test_reference_line_is_at_the_kommune_value() -> None:
    frame = _frame()
    ax = district_bars(frame)
    kommune = frame.loc[frame[F.REGION] == "9901", F.VALUE].item()
    lines = [line for line in ax.lines if line.get_gid() == "reference"]
    assert len(lines) == 1
    assert np.allclose(lines[0].get_xdata(), kommune)


def test_hidden_cell_is_marked_not_drawn_as_zero() -> None:
    frame = _frame()
    assert frame.loc[frame[F.REGION] == "990103", F.SUPPRESSED].item()
    ax = district_bars(frame)
    hidden = frame[(frame[F.REGION].str.len() == 6) & frame[F.SUPPRESSED]]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == len(hidden) >= 1
    drawn = {round(b.get_width(), 9) for b in ax.containers[0]}
    assert 0.0 not in drawn
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "D3" in labels
    assert any(t.get_text() == "prikket" for t in ax.texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "prikket" in legend
    assert any(t.startswith("Kommunen: ") for t in legend)


def test_english_labels() -> None:
    ax = district_bars(_frame(), lang="en")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "suppressed" in legend
    assert any("confidence interval" in t for t in legend)


def test_trend_lines_follow_values_and_leave_gaps() -> None:
    frame = _frame(("2022", "2023", "2024"))
    ax = trend_lines(frame, regions=["9901", "990101", "990103"])
    kommune = next(line for line in ax.lines if line.get_gid() == "line-9901")
    expected = frame[frame[F.REGION] == "9901"].sort_values(F.PERIOD)[F.VALUE].to_numpy()
    assert np.allclose(kommune.get_ydata(), expected)
    hidden = next(line for line in ax.lines if line.get_gid() == "line-990103")
    assert np.isnan(np.asarray(hidden.get_ydata(), dtype=float)).all()


def test_norwegian_number_format() -> None:
    assert format_number(12345.67) == "12\u00a0345,7"
    assert format_percent(11.125) == "11,1\u00a0%"
    assert format_percent(11.125, lang="en") == "11.1%"
    assert format_number(float("nan")) == ""
