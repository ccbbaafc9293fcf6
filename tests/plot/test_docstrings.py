"""Shared parameter docs: every chart describes data, lang and ax in the same words."""

from __future__ import annotations

import inspect

import pytest

from utenforskap import plot
from utenforskap.plot._docstrings import PARAMS, DocstringComponents, fill_docstring

CHARTS = [
    plot.age_sex_profile,
    plot.barometer,
    plot.barometer_figure,
    plot.chart_figure,
    plot.choropleth,
    plot.district_bars,
    plot.district_profile,
    plot.funnel_plot,
    plot.group_figure,
    plot.group_profile,
    plot.neighbour_bars,
    plot.neighbour_figure,
    plot.tile_map,
    plot.trend_lines,
]
SHARED = ("data", "lang", "ax", "indicator", "period", "age", "sex", "group")


def _indented(entry: str) -> str:
    return "\n".join("    " + line if line else line for line in entry.splitlines())


@pytest.mark.parametrize("func", CHARTS, ids=lambda f: f.__name__)
def test_chart_docstrings_use_the_shared_descriptions(func) -> None:
    doc = func.__doc__
    assert "{core." not in doc and "{figure." not in doc
    # Figure-level and all-indicator charts choose indicator, period and age their own way.
    figure_level = func in (
        plot.chart_figure,
        plot.barometer_figure,
        plot.district_profile,
        plot.barometer,
        plot.neighbour_figure,
        plot.group_figure,
    )
    for name in SHARED:
        if name not in inspect.signature(func).parameters:
            continue
        if figure_level and name in ("indicator", "period", "age"):
            continue
        assert _indented(PARAMS.lookup(f"core.{name}")) in doc, (func.__name__, name)
    for name in ("sources", "measure", "synthetic"):
        if name in inspect.signature(func).parameters:
            assert _indented(PARAMS.lookup(f"figure.{name}")) in doc, (func.__name__, name)


def test_fill_docstring_indents_each_line_and_fails_on_unknown_keys() -> None:
    parts = DocstringComponents({"g": DocstringComponents({"x": "x\n    The x.\n    More."})})

    @fill_docstring(parts)
    def f() -> None:
        """Do.

        Parameters
        ----------
        {g.x}
        """

    assert "        x\n            The x.\n            More.\n" in f.__doc__
    with pytest.raises(KeyError, match=r"g\.y"):

        @fill_docstring(parts)
        def g() -> None:
            """{g.y}"""

    with pytest.raises(KeyError, match="a group"):
        parts.lookup("g")
