"""Rules that hide a cell because of other cells: secondary (by subtraction) and series."""

from __future__ import annotations

import numpy as np

from utenforskap import frames as F
from utenforskap.disclosure.hierarchy import Group, KeyIndex

__all__ = ["secondary", "series_mask"]


def _needy(group: Group, unknown: np.ndarray) -> np.ndarray:
    """Groups with exactly one unknown member: that member is parent minus siblings."""
    count = np.bincount(group.group[unknown[group.row]], minlength=group.n_groups)
    return count == 1


def secondary(
    groups: list[Group], unknown: np.ndarray, denominator: np.ndarray, rank: np.ndarray
) -> np.ndarray:
    """Hide extra cells until no hidden cell is a published parent minus published siblings.

    In every group (a parent and its children along one hierarchy) with exactly
    one unknown member, the published member with the smallest denominator
    (then the first in key order) is hidden too. Hierarchies are fixed in turn
    and the whole pass repeats until nothing changes; every pass hides at least
    one cell, so this ends.

    Parameters
    ----------
    groups
        Additive groups from :func:`~utenforskap.disclosure.hierarchy.build_groups`.
    unknown
        Cells not shown: already hidden, or missing counts.
    denominator
        Original denominators (the information a cell carries).
    rank
        Tie-break: position in key order.

    Returns
    -------
    numpy.ndarray
        True for cells this rule hides (not already unknown).

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*, Wiley,
    section 4.4 (secondary cell suppression in linked tables).
    """
    unknown = unknown.copy()
    start = unknown.copy()
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group.n_groups == 0:
                continue
            needy = _needy(group, unknown)
            if not needy.any():
                continue
            take = needy[group.group] & ~unknown[group.row]
            rows = group.row[take]
            owner = group.group[take]
            order = np.lexsort((rank[rows], denominator[rows], owner))
            owner_sorted = owner[order]
            first = np.ones(len(order), dtype=bool)
            first[1:] = owner_sorted[1:] != owner_sorted[:-1]
            unknown[rows[order][first]] = True
            changed = True
    return unknown & ~start


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
