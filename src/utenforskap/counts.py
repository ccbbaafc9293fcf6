"""Counts and their status symbols: what each symbol means, and the one rule for summing cells.

Every place that adds cells — pooling years, rolling districts up, re-banding
ages, harmonising kommune codes, summing observations mapped to one cell, and
measuring the unknown-district share — calls :func:`part_counts` and
:func:`sum_into` here, so a symbol means the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "HIDDEN",
    "MISSING",
    "NOT_APPLICABLE",
    "NOT_YET",
    "PRESENT",
    "STATUS_MEANINGS",
    "STATUS_SYMBOLS",
    "UNKNOWN_ORDER",
    "UNKNOWN_SYMBOLS",
    "ZERO",
    "Parts",
    "part_counts",
    "sum_into",
    "sum_status",
]

#: A value is present.
PRESENT = ""
#: ``.`` — not applicable: the cell cannot exist (a kommune code in a year it did not
#: exist, a school level a kommune does not have). Adds nothing to a sum.
NOT_APPLICABLE = "."
#: ``..`` — missing: the value exists but is not known. Makes a sum unknown.
MISSING = ".."
#: ``...`` — not yet available. Makes a sum unknown.
NOT_YET = "..."
#: ``:`` — hidden by the publisher (confidential). Makes a sum unknown.
HIDDEN = ":"
#: ``-`` — a true zero ("nothing to report"): the count is 0, whatever is written.
ZERO = "-"

#: Every status symbol of the CountFrame contract (SSB's), ``""`` first.
STATUS_SYMBOLS: tuple[str, ...] = (PRESENT, NOT_APPLICABLE, MISSING, NOT_YET, HIDDEN, ZERO)
#: Symbols whose cell has a value nobody here knows: a sum with such a part is unknown.
UNKNOWN_SYMBOLS: frozenset[str] = frozenset({MISSING, NOT_YET, HIDDEN})
#: Symbols of an unknown sum, weakest first: a sum keeps the strongest of its parts'
#: symbols, so a sum with a part the publisher hid is itself marked hidden.
UNKNOWN_ORDER: tuple[str, ...] = (PRESENT, MISSING, NOT_YET, HIDDEN)
#: What each symbol means, for documentation and messages.
STATUS_MEANINGS: dict[str, str] = {
    PRESENT: "value present",
    NOT_APPLICABLE: "not applicable: adds nothing to a sum",
    MISSING: "missing: a sum with this part is unknown",
    NOT_YET: "not yet available: a sum with this part is unknown",
    HIDDEN: "hidden by the publisher: a sum with this part is unknown",
    ZERO: "a true zero: counts as 0",
}


class Parts(NamedTuple):
    """Cells as parts of a sum (see :func:`part_counts`)."""

    #: What each cell adds to the numerator (0 where not applicable or a true zero).
    numerator: np.ndarray
    #: What each cell adds to the denominator (0 where not applicable).
    denominator: np.ndarray
    #: The cell takes part in the sum (status is not ``.``).
    applicable: np.ndarray
    #: The cell's value is unknown (``..``, ``...``, ``:``, or a blank count without ``-``).
    unknown: np.ndarray
    #: How a sum with this part is marked: 0 known, else a rank into :data:`UNKNOWN_ORDER`.
    unknown_rank: np.ndarray


def _isin(values: np.ndarray, symbols: frozenset[str] | set[str]) -> np.ndarray:
    return np.isin(values, list(symbols)) if len(values) else np.zeros(0, dtype=bool)


def part_counts(
    status: npt.ArrayLike, numerator: npt.ArrayLike, denominator: npt.ArrayLike | None = None
) -> Parts:
    """Read cells as parts of a sum: the one meaning of each status symbol.

    ``.`` adds nothing; ``-`` is a true zero (its numerator counts as 0 and a
    blank denominator as 0); ``..``, ``...`` and ``:`` make the sum unknown, as
    does a blank (NaN) count of a cell without a symbol.

    Parameters
    ----------
    status
        Status symbols, ``""`` where a value is present.
    numerator
        Counts (or single values) of the cells.
    denominator
        Denominators of the cells; None for single values (the result then
        repeats the numerator rule for a zero-size array of denominators).

    Returns
    -------
    Parts
        ``numerator``, ``denominator``, ``applicable``, ``unknown`` arrays.

    Examples
    --------
    >>> p = part_counts(["", "-", ".", ".."], [10, None, 3, None], [100, 100, 50, None])
    >>> p.numerator.tolist(), p.applicable.tolist(), p.unknown.tolist()
    ([10.0, 0.0, 0.0, 0.0], [True, True, False, True], [False, False, False, True])
    """
    symbols = np.asarray(status, dtype=object)
    x = np.asarray(numerator, dtype=float)
    n = np.asarray(x if denominator is None else denominator, dtype=float)
    applicable = symbols != NOT_APPLICABLE
    zero = symbols == ZERO
    x = np.where(zero, 0.0, x)
    n = np.where(zero & np.isnan(n), 0.0, n)
    unknown = applicable & (_isin(symbols, UNKNOWN_SYMBOLS) | np.isnan(x) | np.isnan(n))
    keep = applicable & ~unknown
    rank = np.select(
        [~unknown, symbols == HIDDEN, symbols == NOT_YET],
        [0, UNKNOWN_ORDER.index(HIDDEN), UNKNOWN_ORDER.index(NOT_YET)],
        default=UNKNOWN_ORDER.index(MISSING),
    )
    return Parts(
        numerator=np.where(keep, x, 0.0),
        denominator=np.where(keep, n, 0.0),
        applicable=applicable,
        unknown=unknown,
        unknown_rank=rank.astype(np.int8),
    )


def sum_status(applicable_any: npt.ArrayLike, unknown_rank_max: npt.ArrayLike) -> np.ndarray:
    """The status of sums, from their parts (see :func:`part_counts`).

    ``.`` when no part applies; otherwise the strongest symbol of an unknown
    part (``:`` over ``...`` over ``..``), or ``""`` when every part is known.

    Parameters
    ----------
    applicable_any
        Per sum, whether any part applies.
    unknown_rank_max
        Per sum, the largest :attr:`Parts.unknown_rank` of its parts.

    Returns
    -------
    numpy.ndarray
        Status symbols (object array).

    Examples
    --------
    >>> sum_status([True, True, True, False], [0, 1, 3, 0]).tolist()
    ['', '..', ':', '.']
    """
    applies = np.asarray(applicable_any, dtype=bool)
    rank = np.asarray(unknown_rank_max, dtype=np.int64)
    marked = np.asarray(UNKNOWN_ORDER, dtype=object)[rank]
    return np.where(applies, marked, NOT_APPLICABLE).astype(object)


def sum_into(
    data: pd.DataFrame,
    column: str,
    values: npt.ArrayLike,
    *,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Replace one key column's values and sum the cells that then share a key.

    The one summing rule of the package (see :func:`part_counts`): numerators
    and denominators are added; a ``.`` part adds nothing, ``-`` adds a zero,
    and a part whose value is unknown makes the cell unknown (NaN counts,
    status ``..``, or ``:`` when a part was hidden by its publisher, see
    :func:`sum_status`). A cell all of whose parts are ``.`` stays ``.``. Used for
    regions (roll-up, harmonisation), ages (re-banding) and periods (pooling).

    Parameters
    ----------
    data
        A CountFrame.
    column
        The key column to replace, e.g. ``region``, ``age`` or ``period``.
    values
        New values of ``column``, one per row of ``data``.
    names
        Region code → name for ``region_name`` (when ``column`` is ``region``);
        codes not in it keep the first ``region_name`` of their group.

    Returns
    -------
    pandas.DataFrame
        A CountFrame (columns :data:`utenforskap.frames.COUNT_COLUMNS`) sorted
        by key, one row per distinct key.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": "neet", "region": "0301", "region_name": "Oslo",
    ...     "period": ["2021", "2022", "2023"], "age": "16-25", "sex": "total",
    ...     "numerator": [10.0, None, 8.0], "denominator": [100.0, 100.0, 100.0],
    ...     "status": ["", "-", ""]})
    >>> pooled = sum_into(cf, "period", ["2021-2023"] * 3)
    >>> pooled[["period", "numerator", "denominator", "status"]].values.tolist()
    [['2021-2023', 18.0, 300.0, '']]
    """
    from utenforskap import frames as F

    data = F.with_group(data)
    if data.empty:
        return F.empty_counts()
    work = data[list(F.COUNT_COLUMNS)].copy()
    new_values = np.asarray(values, dtype=object)
    if column == F.REGION:
        # A region's name stays only where its code did; a parent never
        # inherits a child's name.
        same = work[F.REGION].to_numpy(dtype=object) == new_values
        work[F.REGION_NAME] = np.where(
            same, work[F.REGION_NAME].fillna("").to_numpy(dtype=object), ""
        )
    work[column] = new_values
    parts = part_counts(
        work[F.STATUS].to_numpy(dtype=object),
        pd.to_numeric(work[F.NUMERATOR], errors="coerce").to_numpy(dtype=float),
        pd.to_numeric(work[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float),
    )
    work[F.NUMERATOR] = parts.numerator
    work[F.DENOMINATOR] = parts.denominator
    work["_unknown"] = parts.unknown_rank
    work["_applicable"] = parts.applicable
    out = work.groupby(list(F.KEY_COLUMNS), sort=True, observed=True).agg(
        numerator=(F.NUMERATOR, "sum"),
        denominator=(F.DENOMINATOR, "sum"),
        _unknown=("_unknown", "max"),
        _applicable=("_applicable", "any"),
        _name=(F.REGION_NAME, "max"),
    )
    out = out.reset_index()
    status = sum_status(out["_applicable"].to_numpy(), out["_unknown"].to_numpy())
    out.loc[status != PRESENT, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    out[F.STATUS] = status
    name = out["_name"].fillna("").astype(object)
    if column == F.REGION and names:
        mapped = out[F.REGION].map(dict(names))
        name = mapped.where(mapped.notna(), name)
    out[F.REGION_NAME] = name.fillna("").astype(object)
    for text in F.TEXT_COLUMNS:
        out[text] = out[text].astype(object)
    return out[list(F.COUNT_COLUMNS)]
