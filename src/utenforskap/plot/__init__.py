"""Charts for plans and seminars: data first, keyword-only options, ``ax=None``, Axes returned."""

from utenforskap.plot.bars import district_bars
from utenforskap.plot.decorate import decorate, subtitle
from utenforskap.plot.labels import format_number, format_percent, text
from utenforskap.plot.style import COLOURS, SIZES, comparison_colour, house_style
from utenforskap.plot.trend import trend_lines

__all__ = [
    "COLOURS",
    "SIZES",
    "comparison_colour",
    "decorate",
    "district_bars",
    "format_number",
    "format_percent",
    "house_style",
    "subtitle",
    "text",
    "trend_lines",
]
