"""Draw and save planned figures, many at a time in worker processes, each file from its task alone.

Nothing is kept in module-level state: every batch of tasks is sent to a
worker together with what it needs (the frame and the settings), so a
worker's output depends only on its arguments, and the bytes of each file
are the same whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from utenforskap.memo import remembered
from utenforskap.plot._textcache import cached_text_layout
from utenforskap.publish.captions import describe_figure
from utenforskap.publish.plan import FigureTask
from utenforskap.publish.save import save_figure, save_report_page

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from utenforskap.geo.boundaries import Boundaries
    from utenforskap.risk.config import RiskSettings
    from utenforskap.risk.criteria import AreaClassification
    from utenforskap.risk.index import RiskIndex

__all__ = [
    "PARALLEL_FROM",
    "FigureFile",
    "RiskResults",
    "draw_figure",
    "render_figures",
    "risk_results",
]

#: Below this many figures the pack is drawn in this process (a pool costs more).
PARALLEL_FROM = 8
# The barometer needs more height than a chart at the A4 text width.
_BAROMETER_SIZE = (6.3, 5.8)
# Batches per worker: enough that a slow batch does not leave a worker idle.
_BATCHES_PER_WORKER = 4


@dataclass(frozen=True)
class FigureFile:
    """One figure written to disk.

    Attributes
    ----------
    stem
        File name without extension.
    files
        Paths written (one per format).
    indicator
        Registry id; ``""`` for figures over all indicators.
    caption
        Caption for the index page.
    alt
        Alternative text for the image.
    kind
        Figure kind (see :data:`utenforskap.publish.plan.FIGURE_KINDS`).
    warnings
        The warnings raised while drawing it (in whichever process drew it);
        :func:`render_figures` raises them again in the calling process.
    task
        The planned task (what the figure shows), when drawn by the pack.
    size
        Width and height of the figure in inches (``(0, 0)`` when not known).
    page
        A vector PDF of the figure for report.pdf (in a scratch folder), or
        None when the figure is not in the report.
    credit
        The credit line of the figure ("Kilde: …; beregninger: utenforskap").
    """

    stem: str
    files: tuple[Path, ...]
    indicator: str
    caption: str
    alt: str
    kind: str = "bars"
    warnings: tuple[Warning, ...] = field(default=(), compare=False, repr=False)
    task: FigureTask | None = None
    size: tuple[float, float] = (0.0, 0.0)
    page: Path | None = None
    credit: str = ""


@dataclass(frozen=True)
class RiskResults:
    """The risk index and classification of a pack, computed once before drawing.

    Attributes
    ----------
    settings
        The ``[risk]`` settings.
    index
        :func:`~utenforskap.risk.risk_index` with those settings.
    classification
        :func:`~utenforskap.risk.classify_areas`, or None without criteria.
    """

    settings: RiskSettings
    index: RiskIndex
    classification: AreaClassification | None


def risk_results(
    data: pd.DataFrame, settings: RiskSettings | None, *, workers: int | None = None
) -> RiskResults | None:
    """The risk index and classification of a published frame, once for the pack and tables.

    Parameters
    ----------
    data
        A published IndicatorFrame.
    settings
        The ``[risk]`` settings; None: no risk results.
    workers
        Threads for the Monte Carlo draws.

    Returns
    -------
    RiskResults or None
        None when ``settings`` is None.
    """
    if settings is None:
        return None
    return RiskResults(settings, settings.index(data, workers=workers), settings.classify(data))


def draw_figure(
    data: pd.DataFrame,
    task: FigureTask,
    *,
    lang: str = "nb",
    synthetic: bool = False,
    size: str | tuple[float, float] = "a4",
    boundaries: Boundaries | None = None,
    sources: pd.DataFrame | None = None,
    area: str | None = None,
    risk: RiskResults | None = None,
) -> Figure:
    """Draw one planned figure with the figure-level functions of :mod:`utenforskap.plot`.

    Parameters
    ----------
    data
        The published IndicatorFrame.
    task
        What to draw (from :func:`utenforskap.publish.plan.plan_figures`).
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark the figure "Syntetiske data".
    size
        ``"a4"``, ``"slide"`` or ``(width, height)`` in inches; the barometer
        is taller than ``"a4"``.
    boundaries
        Polygons for ``map`` figures; None draws a tile map.
    sources
        The source table (:func:`utenforskap.sources.source_table`): each
        figure credits the sources of the rows it shows.
    risk
        The risk results, for ``risk`` tasks.
    area
        The area a ``map`` covers (see :func:`utenforskap.plot.choropleth`).

    Returns
    -------
    matplotlib.figure.Figure
        The finished figure (not registered with pyplot).

    Raises
    ------
    ParameterError
        A ``risk`` task without ``risk``.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> fig = draw_figure(demo_indicators(), FigureTask("barometer", "overview_barometer"))
    >>> [float(v) for v in fig.get_size_inches()]
    [6.3, 5.8]
    """
    from utenforskap.errors import ParameterError
    from utenforskap.plot import barometer_figure, chart_figure, district_profile
    from utenforskap.plot.risk import risk_figure

    if task.kind == "barometer":
        return barometer_figure(
            data,
            period=task.period or None,
            sources=sources,
            size=_BAROMETER_SIZE if size == "a4" else size,
            lang=lang,
            synthetic=synthetic,
        )
    if task.kind == "district":
        return district_profile(
            data,
            region=task.region,
            period=task.period or None,
            sources=sources,
            size=size,
            lang=lang,
            synthetic=synthetic,
        )
    if task.kind == "risk":
        if risk is None:
            raise ParameterError(
                "a risk chart needs the risk results (risk=)", parameter="risk", value=task.stem
            )
        return risk_figure(
            data,
            task.chart,
            index=risk.index,
            classification=risk.classification,
            settings=risk.settings,
            boundaries=boundaries,
            sources=sources,
            size=size,
            lang=lang,
            synthetic=synthetic,
        )
    return chart_figure(
        data,
        task.kind,
        indicator=task.indicator,
        age=task.age,
        period=task.period,
        regions=task.regions,
        kommune=task.region or None,
        boundaries=boundaries,
        area=area if boundaries is not None else None,
        size=size,
        lang=lang,
        synthetic=synthetic,
        sources=sources,
    )


@dataclass(frozen=True)
class _Job:
    """Everything a worker needs besides its tasks; sent with each batch."""

    data: pd.DataFrame
    folder: Path
    formats: tuple[str, ...]
    lang: str
    synthetic: bool
    size: str | tuple[float, float]
    boundaries: Boundaries | None
    sources: pd.DataFrame | None = None
    risk: RiskResults | None = None
    groups: pd.DataFrame | None = None
    pages: Path | None = None
    area: str | None = None

    def render(self, task: FigureTask) -> FigureFile:
        # A worker's warnings would go to its own stderr and be lost: they are
        # kept with the figure and raised again in the parent.
        with warnings.catch_warnings(record=True) as caught, cached_text_layout():
            warnings.simplefilter("always")
            return self._render(task, caught)

    def _render(self, task: FigureTask, caught: list[warnings.WarningMessage]) -> FigureFile:
        fig = draw_figure(
            self.data,
            task,
            lang=self.lang,
            synthetic=self.synthetic,
            size=self.size,
            boundaries=self.boundaries,
            sources=self.sources,
            risk=self.risk,
            area=self.area,
        )
        files = save_figure(fig, self.folder, task.stem, formats=self.formats)
        page = None
        if self.pages is not None and not task.detail:
            page = save_report_page(fig, self.pages / f"{task.stem}.pdf")
        width, height = (float(v) for v in fig.get_size_inches())
        credit = fig.texts[-1].get_text().replace("\n", " ") if fig.texts else ""
        text = describe_figure(
            self.data,
            task,
            lang=self.lang,
            has_map=self.boundaries is not None,
            risk=self.risk,
            groups=self.groups,
        )
        return FigureFile(
            task.stem,
            files,
            task.indicator,
            text.caption,
            text.alt,
            task.kind,
            task=task,
            size=(width, height),
            page=page,
            credit=credit,
            warnings=tuple(w.message for w in caught if isinstance(w.message, Warning)),
        )


def _render_batch(
    job: _Job, batch: Iterable[tuple[int, FigureTask]]
) -> list[tuple[int, FigureFile]]:
    # The frame does not change while the batch is drawn: the overview cells
    # and region names that many figures and captions share are computed once.
    with remembered():
        return [(i, job.render(task)) for i, task in batch]


def _worker_start() -> None:
    import matplotlib

    # Workers draw off screen whatever backend the parent uses.
    matplotlib.use("Agg", force=False)


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(int(requested), 1)
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:
        available = os.cpu_count() or 1
    return max(min(available, 8), 1)


def render_figures(
    data: pd.DataFrame,
    tasks: Sequence[FigureTask],
    folder: str | Path,
    *,
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "nb",
    synthetic: bool = False,
    size: str | tuple[float, float] = "a4",
    boundaries: Boundaries | None = None,
    workers: int | None = None,
    sources: pd.DataFrame | None = None,
    area: str | None = None,
    risk: RiskResults | None = None,
    groups: pd.DataFrame | None = None,
    pages: str | Path | None = None,
) -> list[FigureFile]:
    """Draw, save and describe every task; in worker processes when there are many.

    Tasks are dealt round-robin into a few batches per worker, so that slow
    and quick kinds of figure spread evenly; each batch travels with the
    frame and settings, and the results come back in the order of
    ``tasks``.

    Parameters
    ----------
    data
        The published IndicatorFrame (checked by the caller).
    tasks
        Figures to draw (see :func:`utenforskap.publish.plan.plan_figures`).
    folder
        Existing output folder.
    formats
        File formats (see :data:`utenforskap.publish.save.FIGURE_FORMATS`).
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark every figure "Syntetiske data".
    size
        ``"a4"``, ``"slide"`` or ``(width, height)`` in inches.
    boundaries
        Polygons for the maps; None draws tile maps.
    workers
        Processes; default the CPUs available (at most 8). Fewer than
        :data:`PARALLEL_FROM` tasks are drawn in this process.
    sources
        The source table: each figure credits the sources of its rows.
    risk
        The risk results, for ``risk`` tasks.
    groups
        The groups compared with the rest of the population, for the group
        charts' captions.
    pages
        An existing scratch folder: every figure but detail figures is also
        saved there as a vector PDF page for report.pdf
        (:attr:`FigureFile.page`); None: no pages.
    area
        The area the maps cover (see :func:`utenforskap.plot.choropleth`).

    Returns
    -------
    list of FigureFile
        One per task, in the order of ``tasks``.

    Examples
    --------
    >>> import tempfile
    >>> from utenforskap.datasets import demo_indicators
    >>> task = FigureTask("map", "neet_16-25_2024_map", "neet", "16-25", "2024")
    >>> [written] = render_figures(demo_indicators(), [task], tempfile.mkdtemp(), formats=["png"])
    >>> [p.name for p in written.files], written.alt.split(":")[0]
    (['neet_16-25_2024_map.png'], 'Flisekart')
    """
    job = _Job(
        data=data,
        folder=Path(folder),
        formats=tuple(formats),
        lang=lang,
        synthetic=synthetic,
        size=size,
        boundaries=boundaries,
        sources=sources,
        area=area,
        risk=risk,
        groups=groups,
        pages=None if pages is None else Path(pages),
    )
    numbered = list(enumerate(tasks))
    count = min(_workers(workers), len(numbered))
    if count < 2 or len(numbered) < PARALLEL_FROM:
        drawn = [fig for _, fig in _render_batch(job, numbered)]
    else:
        drawn = _render_in_workers(job, numbered, count)
    _warn_again(drawn)
    return drawn


def _warn_again(drawn: Sequence[FigureFile]) -> None:
    """Raise each distinct warning of the figures once, in this process, in figure order."""
    seen: set[tuple[type, str]] = set()
    for fig in drawn:
        for warning in fig.warnings:
            key = (type(warning), str(warning))
            if key not in seen:
                seen.add(key)
                warnings.warn(warning, stacklevel=3)


def _render_in_workers(
    job: _Job, numbered: list[tuple[int, FigureTask]], count: int
) -> list[FigureFile]:
    n_batches = min(len(numbered), count * _BATCHES_PER_WORKER)
    batches = [numbered[k::n_batches] for k in range(n_batches)]
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers with everything already imported (about a second
    # saved per worker); every file's bytes depend only on its task.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[FigureFile | None] = [None] * len(numbered)
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_worker_start
    ) as pool:
        for done in pool.map(_render_batch, [job] * n_batches, batches):
            for i, fig in done:
                results[i] = fig
    return [fig for fig in results if fig is not None]
