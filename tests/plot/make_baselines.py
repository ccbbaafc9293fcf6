"""Regenerate the baseline PNGs of test_images.py (run after an intended change of the house style).

/work/venv/bin/python tests/plot/make_baselines.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from plot_frames import indicator_frame

from utenforskap.plot import barometer_figure, chart_figure, house_style

BASELINE = Path(__file__).resolve().parent / "baseline"
#: Small but legible: the comparisons run fast and the files stay small.
DPI = 60


def figures() -> dict[str, object]:
    """The figures planners see most, drawn from the same small frame as the tests."""
    frame = indicator_frame(indicators=("neet", "upper_secondary_completed"))
    return {
        "bars_nb": chart_figure(frame, "bars", indicator="neet", age="16-25", synthetic=True),
        "bars_en": chart_figure(
            frame, "bars", indicator="neet", age="16-25", lang="en", synthetic=True
        ),
        "barometer_nb": barometer_figure(frame, synthetic=True),
        "tiles_nb": chart_figure(frame, "map", indicator="neet", age="16-25", synthetic=True),
    }


def save(fig: object, path: Path) -> None:
    """Save as the tests compare: house style, fixed dpi."""
    with house_style():
        fig.savefig(path, dpi=DPI, metadata={"Software": None})  # type: ignore[attr-defined]


if __name__ == "__main__":
    BASELINE.mkdir(exist_ok=True)
    for name, fig in figures().items():
        save(fig, BASELINE / f"{name}.png")
        print("wrote", BASELINE / f"{name}.png")
