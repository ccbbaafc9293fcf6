"""Write what a run's output layout names: tables, then figures, report and index page."""

from __future__ import annotations

import datetime
import inspect
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import UtenforskapError
from utenforskap.job.plan import RunPlan
from utenforskap.job.results import Computed
from utenforskap.job.steps import Steps
from utenforskap.publish.tables import write_csv, write_parquet, write_xlsx

__all__ = ["OutputError", "check_layout", "write_outputs"]


class OutputError(UtenforskapError):
    """The outputs could not be written (disk full, permissions); the previous ones are kept."""

    exit_code = 1


def made_date(plan: RunPlan) -> datetime.date | None:
    """The date the run's documents say they were made, without reading the clock.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
    convention) when set; otherwise the day the newest input file was last
    changed. Reruns on the same inputs therefore give the same bytes; a new
    input gives a new date.

    Parameters
    ----------
    plan
        The run's plan (its inputs).

    Returns
    -------
    datetime.date or None
        The date (UTC), or None when there is no input file to date it by.

    Raises
    ------
    ConfigError
        ``SOURCE_DATE_EPOCH`` is not a whole number of seconds.
    """
    from utenforskap.errors import ConfigError

    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is not None:
        try:
            seconds = int(raw)
        except ValueError:
            raise ConfigError(
                "must be a whole number of seconds since 1970-01-01",
                key="SOURCE_DATE_EPOCH",
                value=raw,
            ) from None
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).date()
    stamps = [p.path.stat().st_mtime for p in plan.inputs if p.path.is_file()]
    if not stamps:
        return None
    return datetime.datetime.fromtimestamp(max(stamps), tz=datetime.UTC).date()


def write_outputs(
    plan: RunPlan, computed: Computed, work: Path, *, steps: Steps, workers: int | None = None
) -> None:
    """Write the tables, figures, report, deck and index page of ``plan.layout`` into ``work``.

    The manifest comes last (written by the caller).

    Parameters
    ----------
    plan
        The run's plan (layout and figure settings).
    computed
        What the run computed; its published IndicatorFrame is written.
    work
        The new version being written (see :func:`~utenforskap.job.atomic.atomic_folder`).
    steps
        Announces ``writing tables`` and ``drawing figures``.
    workers
        The figure pack's worker processes (None: its default).

    Raises
    ------
    OSError
        Writing failed (the caller keeps the previous outputs).
    """
    from utenforskap.publish.pack import write_figure_pack, write_index
    from utenforskap.publish.render import risk_results

    layout, settings = plan.layout, plan.figures
    fig = settings.figures
    frame = computed.indicators
    credit = {"sources": computed.sources}
    made = made_date(plan)
    whole = _figure_rows(frame, write_figure_pack)
    risk = risk_results(whole, settings.risk) if settings.risk is not None else None
    steps.start("writing tables")
    write_csv(frame, layout.path(layout.csv, work), **_accepted(write_csv, credit))
    write_parquet(frame, layout.path(layout.parquet, work), **_accepted(write_parquet, credit))
    write_xlsx(
        frame,
        layout.path(layout.xlsx, work),
        **_accepted(write_xlsx, {**credit, "lang": fig.lang, "risk": risk}),
    )
    steps.start("drawing figures")
    boundaries = None
    if settings.boundaries is not None:
        from utenforskap.geo import read_boundaries

        boundaries = read_boundaries(
            settings.boundaries, code_property=settings.boundary_code_property
        )
    folder = layout.path(layout.figures, work)
    extra = _accepted(
        write_figure_pack,
        {
            **credit,
            "risk": risk if risk is not None else settings.risk,
            "groups": computed.groups,
            "area": settings.area,
        },
    )
    figures = write_figure_pack(
        whole,
        folder,
        trend_regions=fig.trend_regions,
        formats=layout.figure_formats,
        lang=fig.lang,
        synthetic=fig.synthetic,
        report=None if layout.report is None else layout.path(layout.report, work),
        slides=None if layout.slides is None else layout.path(layout.slides, work),
        title=settings.title,
        boundaries=boundaries,
        size=fig.size,
        district_trends=fig.district_trends,
        workers=workers,
        made=made,
        **extra,
    )
    index = write_index(
        figures,
        folder,
        title=settings.title,
        lang=fig.lang,
        synthetic=fig.synthetic,
        data=whole,
        made=made,
        **_accepted(write_index, credit),
    )
    if index != layout.path(layout.index, work):
        raise RuntimeError(f"the index page was written to {index}, not where the layout says")


def _accepted(writer: Callable[..., Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword options a publishing function accepts (``sources=``, ``risk=``).

    The run passes the source table to every writer as ``sources=`` (a
    :func:`utenforskap.sources.source_table`, or None), and to the figure
    pack the ``[risk]`` results as ``risk=`` and the group comparisons as
    ``groups=``; a writer that does not take a keyword yet is called without it.
    """
    names = inspect.signature(writer).parameters
    return {name: value for name, value in options.items() if name in names}


def _figure_rows(frame: pd.DataFrame, pack: Callable[..., Any]) -> pd.DataFrame:
    """The rows the figure pack draws: population groups only for a pack that draws them.

    A pack that takes ``groups=`` (the groups compared with the rest of the
    population, :func:`utenforskap.indicators.compare_groups`) draws group
    rows itself; one that does not would draw a group's bar on top of the
    whole population's, so it gets the ``total`` group only.
    """
    if "groups" in inspect.signature(pack).parameters:
        return frame
    return frame[frame[F.GROUP].to_numpy(dtype=object) == F.GROUP_TOTAL]


def check_layout(plan: RunPlan, work: Path) -> None:
    """Check that ``work`` holds exactly the files the plan's layout names (manifest aside).

    Parameters
    ----------
    plan
        The run's plan.
    work
        The version written so far.

    Raises
    ------
    RuntimeError
        A file is missing or not named by the layout: the layout and the
        writers disagree (a bug, reported as an unexpected failure).
    """
    layout = plan.layout
    missing = [name for name in layout.missing(work) if name != layout.manifest.as_posix()]
    unexpected = layout.unexpected(work)
    if missing or unexpected:
        raise RuntimeError(
            f"the outputs differ from the run's layout: missing {missing}, not named {unexpected}"
        )
