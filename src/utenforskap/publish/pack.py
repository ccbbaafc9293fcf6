"""The figure pack: plan the figures of a published frame, draw them, and write report.pdf."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from utenforskap.disclosure import require_disclosed
from utenforskap.errors import ParameterError, check_choice
from utenforskap.publish.index import write_index
from utenforskap.publish.pdf import write_report_pdf
from utenforskap.publish.plan import FigureTask, plan_figures
from utenforskap.publish.render import FigureFile, render_figures
from utenforskap.publish.save import FIGURE_FORMATS, PNG_DPI

if TYPE_CHECKING:
    from utenforskap.geo.boundaries import Boundaries

# write_index, write_report_pdf, FIGURE_FORMATS and PNG_DPI stay importable from
# here for existing callers; their homes are publish.index, .pdf and .save.
__all__ = [
    "FIGURE_FORMATS",
    "PNG_DPI",
    "FigureFile",
    "write_figure_pack",
    "write_index",
    "write_report_pdf",
]


def write_figure_pack(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    trend_regions: Sequence[str] = (),
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "nb",
    synthetic: bool = False,
    report: str | Path | None = None,
    title: str = "",
    boundaries: Boundaries | str | Path | None = None,
    district_profiles: bool = True,
    district_trends: bool = False,
    size: str | tuple[float, float] = "a4",
    workers: int | None = None,
    tasks: Sequence[FigureTask] | None = None,
    sources: pd.DataFrame | None = None,
    area: str | None = None,
) -> list[FigureFile]:
    """Draw the standard charts of every indicator in ``frame`` and save them.

    For each indicator: a district bar chart per age band for the latest
    period; for the widest age band a trend chart (the reference and
    ``trend_regions``), a funnel plot and a map (a tile map without
    ``boundaries``); an age × sex profile of the reference region. Across
    indicators: a barometer and one profile page per district (see
    :func:`utenforskap.publish.plan.plan_figures`). Many figures are drawn in
    parallel processes; each file depends only on its own figure, so the
    bytes are the same whatever the number of workers.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    folder
        Output folder (created).
    trend_regions
        Districts drawn beside the reference in trend charts.
    formats
        File formats (``png`` at :data:`PNG_DPI` dpi, ``svg``, ``pdf``).
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark every figure "Syntetiske data".
    report
        Also write a multi-page PDF of all figures here (needs ``png`` in
        ``formats``); None: no PDF.
    title
        Area name on the PDF's cover page.
    boundaries
        Polygons or a GeoJSON path for the maps.
    district_profiles
        Draw one profile page per district.
    district_trends
        Also draw, per indicator, one trend chart per district with at least
        one published period (the district against its reference).
    size
        ``"a4"`` (report width), ``"slide"`` (16:9) or ``(width, height)`` inches.
    workers
        Processes; default the CPUs available (at most 8).
    tasks
        The figures to draw, as planned beforehand by
        :func:`~utenforskap.publish.plan.plan_figures` (e.g. by a run plan);
        None plans them here from ``trend_regions``, ``district_profiles``
        and ``district_trends``.
    sources
        The run's source table (:func:`utenforskap.sources.source_table`):
        each figure credits exactly the sources of the rows it shows. None:
        only the computation is credited.
    area
        The area the maps cover (``"0"``, a fylke or a kommune code): every
        boundary inside it is drawn, regions without data light grey and
        counted. None: the regions of the data.

    Returns
    -------
    list of FigureFile
        The figures written, in a stable order (overview first, then
        indicators in registry order).

    Raises
    ------
    DisclosureError
        The frame has not been through disclosure control.
    ParameterError
        An unknown format, or ``report`` without ``png`` in ``formats``.

    Examples
    --------
    >>> import tempfile
    >>> from utenforskap.datasets import demo_indicators
    >>> folder = tempfile.mkdtemp()
    >>> figures = write_figure_pack(
    ...     demo_indicators(), folder, formats=["png"], report=f"{folder}/report.pdf", workers=1
    ... )
    >>> len(figures), figures[0].stem, figures[-1].stem
    (29, 'overview_barometer', 'district_990110')
    """
    from utenforskap.geo.boundaries import Boundaries, read_boundaries

    require_disclosed(frame)
    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    if report is not None and "png" not in formats:
        raise ParameterError(
            "report.pdf is made from the PNGs: add 'png' to formats or pass report=None",
            parameter="report",
            value=str(report),
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    if boundaries is not None and not isinstance(boundaries, Boundaries):
        boundaries = read_boundaries(boundaries)
    if tasks is None:
        tasks = plan_figures(
            frame,
            trend_regions=trend_regions,
            district_profiles=district_profiles,
            district_trends=district_trends,
        )
    written = render_figures(
        frame,
        tasks,
        target,
        formats=formats,
        lang=lang,
        synthetic=synthetic,
        size=size,
        boundaries=boundaries,
        workers=workers,
        sources=sources,
        area=area,
    )
    if report is not None:
        write_report_pdf(written, report, title=title, lang=lang, synthetic=synthetic)
    return written
