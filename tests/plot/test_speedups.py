"""The shortcuts of the figure pack change no pixel: cached text layout and the one-pass fit.

The reference for both is matplotlib itself: the same figure drawn with
matplotlib's own (uncached) text layout, and ``Figure.tight_layout`` with the
same rect and padding.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from utenforskap.datasets import demo_indicators
from utenforskap.plot import barometer_figure, chart_figure, district_profile, house_style
from utenforskap.plot._place import renderer_of
from utenforskap.plot._textcache import cached_text_layout, layout_cache_size
from utenforskap.plot.decorate import _single_chart_layout, frame_texts
from utenforskap.publish.save import save_figure, save_report_page

KINDS = ("bars", "trend", "funnel", "map", "profile")


def _figures() -> dict[str, Figure]:
    frame = demo_indicators()
    drawn = {k: chart_figure(frame, k, indicator="neet", age="16-25") for k in KINDS}
    drawn["barometer"] = barometer_figure(frame, lang="en")
    drawn["district"] = district_profile(frame, region="990101")
    return drawn


def _bytes(folder: Path, figures: dict[str, Figure]) -> dict[str, bytes]:
    folder.mkdir(parents=True)
    out = {}
    for name, fig in figures.items():
        for path in save_figure(fig, folder, name, formats=("png", "svg")):
            out[path.name] = path.read_bytes()
        page = save_report_page(fig, folder / f"{name}.pdf")
        out[page.name] = page.read_bytes()
    return out


def test_cached_layout_gives_the_bytes_of_matplotlibs_own_layout(tmp_path: Path) -> None:
    plain = _bytes(tmp_path / "plain", _figures())
    with cached_text_layout():
        # Twice: the second round draws entirely from the cache.
        first = _bytes(tmp_path / "one", _figures())
        assert layout_cache_size() > 0
        again = _bytes(tmp_path / "two", _figures())
    assert sorted(plain) == sorted(first) == sorted(again)
    for name in plain:
        assert first[name] == plain[name], name
        assert again[name] == plain[name], name


def test_cache_is_removed_after_the_block_and_is_reentrant() -> None:
    original = Text.__dict__["_get_layout"]
    with cached_text_layout():
        with cached_text_layout():
            assert Text.__dict__["_get_layout"] is not original
        assert Text.__dict__["_get_layout"] is not original
    assert Text.__dict__["_get_layout"] is original


def test_same_text_other_font_size_is_measured_again() -> None:
    with house_style(), cached_text_layout():
        fig = Figure(figsize=(3, 2))
        small = fig.text(0.1, 0.5, "Sørhavna", fontsize=8)
        large = fig.text(0.1, 0.2, "Sørhavna", fontsize=16)
        renderer = renderer_of(fig)
        a = small.get_window_extent(renderer)
        b = large.get_window_extent(renderer)
    assert b.width > 1.8 * a.width


@pytest.mark.parametrize("kind", [*KINDS, "barometer", "district"])
def test_one_pass_fit_matches_tight_layout(kind: str) -> None:
    fig = _figures()[kind]
    with house_style():
        rect = frame_texts(fig, title="Tittel", subtitle="undertittel", credit="Kilde: SSB")
        ours = _single_chart_layout(fig, rect)
        fig.tight_layout(rect=rect, pad=0.3, h_pad=0.8, w_pad=0.8)
    params = fig.subplotpars
    assert ours == {
        "left": params.left,
        "right": params.right,
        "bottom": params.bottom,
        "top": params.top,
    }


def test_fit_leaves_other_layouts_to_tight_layout() -> None:
    fig = Figure(figsize=(4, 3))
    fig.subplots(1, 2)
    assert _single_chart_layout(fig, (0.0, 0.1, 1.0, 0.9)) is None
    fig = Figure(figsize=(4, 3))
    fig.subplots()
    fig.suptitle("Over alt")
    assert _single_chart_layout(fig, (0.0, 0.1, 1.0, 0.9)) is None
