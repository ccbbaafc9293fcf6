"""Roll region counts up to their parents by summing counts."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.geo.codes import parent_code

__all__ = ["rollup"]


def rollup(
    counts: pd.DataFrame,
    *,
    parents: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Sum a CountFrame's cells into their parent regions.

    Parameters
    ----------
    counts
        A CountFrame of child regions (e.g. bydeler, including an
        unknown-district code ``xxxx99`` so that parent totals stay right).
    parents
        Child code → parent code. Default: the parent implied by the code's
        length (:func:`utenforskap.geo.codes.parent_code`).
    names
        Parent code → name, for ``region_name``.

    Returns
    -------
    pandas.DataFrame
        A CountFrame with one row per parent × indicator × period × age × sex;
        numerator and denominator are exact sums of the children. A parent whose
        children include a missing value (a status symbol) gets NaN counts and
        status ``".."``.
    """
    if counts.empty:
        return F.empty_counts()
    codes = counts[F.REGION].to_numpy(dtype=object)
    if parents is None:
        parent = parent_code(codes)
    else:
        parent = pd.Series(codes).map(parents).to_numpy(dtype=object)
        unknown = pd.isna(parent)
        if unknown.any():
            position = int(np.flatnonzero(unknown)[0])
            raise DataError(
                "region has no parent in the given mapping",
                column=F.REGION,
                row=counts.index[position],
                value=codes[position],
            )
    work = counts.assign(**{F.REGION: parent})
    work = work.assign(_missing=(work[F.STATUS] != "").to_numpy())
    keys = [F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX]
    out = work.groupby(keys, sort=True, observed=True).agg(
        numerator=(F.NUMERATOR, "sum"),
        denominator=(F.DENOMINATOR, "sum"),
        _missing=("_missing", "any"),
    )
    out = out.reset_index()
    missing = out["_missing"].to_numpy(dtype=bool)
    out.loc[missing, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    out[F.STATUS] = np.where(missing, "..", "")
    out[F.REGION_NAME] = out[F.REGION].map(dict(names or {})).fillna("").astype(object)
    return out[list(F.COUNT_COLUMNS)]
