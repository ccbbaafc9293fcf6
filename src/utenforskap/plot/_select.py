"""Pick the rows of an IndicatorFrame that one chart draws, with a clear error when none match."""

from __future__ import annotations

import pandas as pd

from utenforskap.errors import DataError

__all__ = ["select", "single"]


def select(data: pd.DataFrame, **criteria: object) -> pd.DataFrame:
    """Rows of ``data`` matching every ``column=value`` given (None means any).

    Parameters
    ----------
    data
        An IndicatorFrame.
    **criteria
        Column name → wanted value; ``None`` skips the column.

    Returns
    -------
    pandas.DataFrame
        Matching rows, in the frame's order.

    Raises
    ------
    DataError
        When a column is missing or nothing matches; the message lists the values
        available.
    """
    mask = pd.Series(True, index=data.index)
    for column, wanted in criteria.items():
        if wanted is None:
            continue
        if column not in data.columns:
            raise DataError(f"missing column; have {list(data.columns)}", column=column)
        mask &= data[column] == wanted
        if not mask.any():
            available = sorted(map(str, data[column].unique()))[:20]
            raise DataError(
                f"no rows with {column} = {wanted!r}; available: {available}",
                column=column,
                value=wanted,
            )
    return data.loc[mask]


def single(data: pd.DataFrame, column: str) -> str:
    """The one value of ``column`` in ``data``; DataError when there are several."""
    values = data[column].unique()
    if len(values) != 1:
        raise DataError(
            f"the chart needs one {column}; the data have {sorted(map(str, values))[:10]} "
            f"(pass {column}=...)",
            column=column,
        )
    return str(values[0])
