"""Charts for plans and seminars: data first, keyword-only options, ``ax=None``, Axes returned.

Two layers, as in seaborn:

- **figure-level** functions give a finished figure for a report or a slide
  (title, subtitle, "prikket" note, the sources credited):
  :func:`chart_figure` (every chart kind of one indicator),
  :func:`barometer_figure`, :func:`district_profile`,
  :func:`neighbour_figure`, :func:`group_figure`;
- **Axes-level** functions draw one chart on an Axes, for composing your own
  figures: :func:`district_bars`, :func:`neighbour_bars`,
  :func:`group_profile`, :func:`trend_lines`, :func:`funnel_plot`,
  :func:`barometer`, :func:`age_sex_profile`, :func:`choropleth`,
  :func:`tile_map`.

Every chart refuses a frame that has not been through disclosure control
(:func:`utenforskap.suppress`). Which rows a chart draws is decided in
:mod:`utenforskap.select`; every text a chart prints comes from
:mod:`utenforskap.texts`.
"""

from utenforskap.geo.codes import GeoWarning
from utenforskap.plot._place import place_labels
from utenforskap.plot.barometer import barometer
from utenforskap.plot.bars import district_bars, neighbour_bars, neighbour_codes
from utenforskap.plot.decorate import decorate, subtitle
from utenforskap.plot.figures import (
    CHART_KINDS,
    barometer_figure,
    chart_figure,
    district_profile,
    group_figure,
    neighbour_figure,
)
from utenforskap.plot.funnel import funnel_plot
from utenforskap.plot.groups import GROUP_COLOURS, group_colour, group_profile, group_regions
from utenforskap.plot.labels import (
    age_label,
    format_number,
    format_percent,
    format_value,
    text,
    wrap,
)
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
from utenforskap.select import ChartWarning

__all__ = [
    "CHART_KINDS",
    "COLOURS",
    "GROUP_COLOURS",
    "SEQUENTIAL",
    "SIZES",
    "ChartWarning",
    "GeoWarning",
    "age_label",
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
    "group_colour",
    "group_figure",
    "group_profile",
    "group_regions",
    "house_style",
    "neighbour_bars",
    "neighbour_codes",
    "neighbour_figure",
    "new_figure",
    "place_labels",
    "subtitle",
    "text",
    "tile_map",
    "trend_lines",
    "wrap",
]
