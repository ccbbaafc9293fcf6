"""Charts for plans and seminars: data first, keyword-only options, ``ax=None``, Axes returned.

Which rows a chart draws is decided in :mod:`utenforskap.select`; every text a
chart prints comes from :mod:`utenforskap.texts`.
"""

from utenforskap.plot.barometer import barometer
from utenforskap.plot.bars import district_bars
from utenforskap.plot.decorate import decorate, subtitle
from utenforskap.plot.figures import CHART_KINDS, barometer_figure, chart_figure, district_profile
from utenforskap.plot.funnel import funnel_plot
from utenforskap.plot.labels import format_number, format_percent, format_value, text, wrap
from utenforskap.plot.maps import choropleth, class_breaks, tile_map
from utenforskap.plot.profile import age_order, age_sex_profile
from utenforskap.plot.style import (
    COLOURS,
    SEQUENTIAL,
    SIZES,
    comparison_colour,
    comparison_key,
    house_style,
    new_figure,
)
from utenforskap.plot.trend import trend_lines

__all__ = [
    "CHART_KINDS",
    "COLOURS",
    "SEQUENTIAL",
    "SIZES",
    "age_order",
    "age_sex_profile",
    "barometer",
    "barometer_figure",
    "chart_figure",
    "choropleth",
    "class_breaks",
    "comparison_colour",
    "comparison_key",
    "decorate",
    "district_bars",
    "district_profile",
    "format_number",
    "format_percent",
    "format_value",
    "funnel_plot",
    "house_style",
    "new_figure",
    "subtitle",
    "text",
    "tile_map",
    "trend_lines",
    "wrap",
]
