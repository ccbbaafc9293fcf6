"""Warm the batch process before it forks its kommuner: imports and the figures' text layouts.

Each kommune's process is forked from the batch process and starts with
what the batch process holds. Drawing the bundled demo's figures once in
the batch process, with the batch's figure settings, loads what every
kommune would otherwise load for itself (matplotlib's backends, the font
list, the PDF, workbook and slide libraries) and fills the text layout
cache of :mod:`utenforskap.plot._textcache` with the texts every pack
draws (tick labels, indicator titles, legends, notes). Font objects are
not shared: matplotlib's font cache and the glyph caches of
:mod:`utenforskap.plot._glyphcache` start empty in each forked process,
because a font object reads its file through an open file whose offset
forked processes would share. The cache holds what matplotlib computes,
so a kommune's files have the same bytes whether or not the batch was
warmed; only the time changes. Nothing is written outside a temporary
folder."""

from __future__ import annotations

import contextlib
import importlib
import logging
import tempfile
import time
import warnings
from pathlib import Path

from utenforskap.job.config_sections import FiguresConfig

__all__ = ["WARM_FROM", "warm_figures"]

#: Batches of at least this many kommuner to run are warmed (a few seconds, once).
WARM_FROM = 6

log = logging.getLogger(__name__)


def warm_figures(figures: FiguresConfig) -> float:
    """Draw the bundled demo's figure pack once in this process and throw the files away.

    Parameters
    ----------
    figures
        The batch's ``[figures]`` settings (language, size, formats, report).

    Returns
    -------
    float
        Seconds spent.

    Examples
    --------
    >>> from utenforskap.job.config_sections import FiguresConfig
    >>> warm_figures(FiguresConfig(formats=("png",), report=False)) > 0
    True
    """
    from utenforskap.datasets import demo_indicators
    from utenforskap.publish.pack import write_figure_pack

    started = time.perf_counter()
    for name in ("openpyxl", "pyarrow.parquet", "duckdb", "pikepdf", "pptx"):
        # Optional libraries of the run's writers: loaded once here if installed.
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    formats = tuple(figures.formats)
    with tempfile.TemporaryDirectory(prefix="utenforskap-warm-") as scratch:
        folder = Path(scratch)
        # The demo's warnings (its own small cells) are not the batch's.
        with warnings.catch_warnings(record=True):
            write_figure_pack(
                demo_indicators(),
                folder / "figures",
                formats=formats,
                lang=figures.lang,
                synthetic=figures.synthetic,
                size=figures.size,
                report=folder / "report.pdf" if figures.report else None,
                slides=folder / "slides.pptx" if figures.report and "png" in formats else None,
                workers=1,
            )
    seconds = time.perf_counter() - started
    log.debug("batch process warmed in %.1f s", seconds)
    return seconds
