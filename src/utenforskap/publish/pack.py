"""The figure pack: plan a published frame's figures, draw them, write report.pdf and slides."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from utenforskap.disclosure import require_disclosed
from utenforskap.errors import ParameterError, check_choice
from utenforskap.memo import remembered
from utenforskap.plot._textcache import cached_text_layout
from utenforskap.publish.index import write_index
from utenforskap.publish.pdf import write_report_pdf
from utenforskap.publish.plan import FigureTask, plan_figures
from utenforskap.publish.render import FigureFile, render_figures
from utenforskap.publish.save import FIGURE_FORMATS, PNG_DPI

if TYPE_CHECKING:
    from utenforskap.geo.boundaries import Boundaries
    from utenforskap.publish.render import RiskResults
    from utenforskap.risk.config import RiskSettings

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
    slides: str | Path | None = None,
    title: str = "",
    boundaries: Boundaries | str | Path | None = None,
    district_profiles: bool = True,
    district_trends: bool = False,
    size: str | tuple[float, float] = "a4",
    workers: int | None = None,
    tasks: Sequence[FigureTask] | None = None,
    sources: pd.DataFrame | None = None,
    area: str | None = None,
    risk: RiskSettings | RiskResults | None = None,
    groups: pd.DataFrame | None = None,
    made: datetime.date | None = None,
) -> list[FigureFile]:
    """Draw the standard charts of every indicator in ``frame``, save them, and write the documents.

    For each indicator and age band: a district bar chart, a trend chart, a
    funnel plot and a map (a tile map without ``boundaries``); per
    indicator an age × sex profile, the kommune beside its neighbour
    kommuner and one chart per population group breakdown, where the data
    have them. Across indicators: a barometer, the risk charts of ``risk``
    and one profile page per district (see
    :func:`utenforskap.publish.plan.plan_figures`). Many figures are drawn in
    parallel processes; each file depends only on its own figure, so the
    bytes are the same whatever the number of workers. Then report.pdf
    (:func:`~utenforskap.publish.pdf.write_report_pdf`) and slides.pptx
    (:func:`~utenforskap.publish.slides.write_slides`) when asked for.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control; rows of
        population groups are drawn in the group charts only.
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
        Also write report.pdf here (vector A4 pages); None: no report.
    slides
        Also write a 16:9 slide deck here (needs ``png`` in ``formats``);
        None: no deck.
    title
        Area name on the report's cover, the title slide and the document titles.
    boundaries
        Polygons or a GeoJSON path for the maps.
    district_profiles
        Draw one profile page per district.
    district_trends
        Also draw, per indicator, one trend chart per district with at least
        one published period (the district against its reference); these
        detail figures are in the folder and on the index page, not in the
        report or the deck.
    size
        ``"a4"`` (report width), ``"slide"`` (16:9) or ``(width, height)`` inches.
    workers
        Processes; default the CPUs available (at most 8).
    tasks
        The figures to draw, as planned beforehand by
        :func:`~utenforskap.publish.plan.plan_figures` (e.g. by a run plan);
        None plans them here.
    sources
        The source table (:func:`utenforskap.sources.source_table`): every
        figure credits exactly the sources of the rows it shows, and the
        report's cover lists them.
    risk
        The ``[risk]`` settings (or results already computed with
        :func:`~utenforskap.publish.render.risk_results`): draw the risk charts.
    groups
        The population groups compared with the rest of the population
        (:func:`utenforskap.indicators.compare_groups`): the group charts'
        captions name the groups that clearly differ.
    made
        The date the documents were made (report cover, metadata, title
        slide); None prints no date. A run takes it from
        ``SOURCE_DATE_EPOCH`` or its inputs, never the clock, so reruns give
        the same bytes.
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
        An unknown format, or ``slides`` without ``png`` in ``formats``.

    Examples
    --------
    >>> import tempfile
    >>> from utenforskap.datasets import demo_indicators
    >>> folder = tempfile.mkdtemp()
    >>> figures = write_figure_pack(
    ...     demo_indicators(), folder, formats=["png"], report=f"{folder}/report.pdf", workers=1
    ... )
    >>> len(figures), figures[0].stem, figures[-1].stem
    (38, 'overview_barometer', 'district_990110')
    """
    import tempfile

    from utenforskap.geo.boundaries import Boundaries, read_boundaries
    from utenforskap.publish.render import RiskResults, risk_results

    require_disclosed(frame)
    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    if slides is not None and "png" not in formats:
        raise ParameterError(
            "slides.pptx shows the PNGs: add 'png' to formats or pass slides=None",
            parameter="slides",
            value=str(slides),
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    if boundaries is not None and not isinstance(boundaries, Boundaries):
        boundaries = read_boundaries(boundaries)
    results = risk if isinstance(risk, RiskResults) or risk is None else None
    settings = risk.settings if isinstance(risk, RiskResults) else risk
    if tasks is None:
        tasks = plan_figures(
            frame,
            trend_regions=trend_regions,
            district_profiles=district_profiles,
            district_trends=district_trends,
            risk=settings,
        )
    if results is None and any(t.kind == "risk" for t in tasks):
        results = risk_results(frame, settings)
    with (
        tempfile.TemporaryDirectory(prefix="utenforskap-pages-") as scratch,
        cached_text_layout(),
        remembered(),
    ):
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
            risk=results,
            groups=groups,
            pages=scratch if report is not None else None,
            area=area,
        )
        if report is not None:
            write_report_pdf(
                written,
                report,
                data=frame,
                title=title,
                lang=lang,
                synthetic=synthetic,
                made=made,
                sources=sources,
                risk=results,
            )
    if slides is not None:
        from utenforskap.publish.slides import write_slides

        write_slides(
            written,
            slides,
            data=frame,
            title=title,
            lang=lang,
            synthetic=synthetic,
            made=made,
            sources=sources,
        )
    return written
