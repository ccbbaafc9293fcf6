"""The series rule: hide a time series when too many of its periods are hidden anyway."""

from __future__ import annotations

import numpy as np

from utenforskap import frames as F
from utenforskap.disclosure.hierarchy import KeyIndex

__all__ = ["series_mask"]


def series_mask(index: KeyIndex, hidden: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Cells of time series in which more than ``share`` of the periods are hidden.

    A series is one indicator × region × age × sex over all its periods
    (single years and pooled spans alike).

    Parameters
    ----------
    index
        Key codes of the table.
    hidden
        Cells suppressed so far.
    share
        Per-row threshold (``series_share``).

    Returns
    -------
    numpy.ndarray
        True for every cell of a series over the threshold (already hidden
        cells included).
    """
    codes = dict(index.codes)
    codes[F.PERIOD] = np.zeros_like(codes[F.PERIOD])
    series = index.combine(codes)
    _, inverse = np.unique(series, return_inverse=True)
    periods = np.bincount(inverse)
    dark = np.bincount(inverse, weights=hidden.astype(float))
    return dark[inverse] > share * periods[inverse] + 1e-9
