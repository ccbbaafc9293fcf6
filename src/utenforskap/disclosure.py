"""Disclosure control: suppress small cells, record why, and gate every writer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import UtenforskapError

__all__ = ["DisclosureError", "Rules", "require_disclosed", "suppress"]

_MARK = "utenforskap.disclosure"

_BLANKED = (F.NUMERATOR, F.DENOMINATOR, F.VALUE, F.CI_LOWER, F.CI_UPPER, F.REFERENCE_VALUE, F.P_VALUE)


class DisclosureError(UtenforskapError):
    """A frame was about to be written without disclosure control."""

    exit_code = 1


@dataclass(frozen=True)
class Rules:
    """Suppression thresholds.

    Attributes
    ----------
    min_count
        A cell is hidden when its numerator, or denominator − numerator, is below this.
    """

    min_count: int = 5


def suppress(indicators: pd.DataFrame, rules: Rules | None = None) -> pd.DataFrame:
    """Hide cells whose counts could identify a person, recording why.

    Parameters
    ----------
    indicators
        An IndicatorFrame.
    rules
        Thresholds; default :class:`Rules`.

    Returns
    -------
    pandas.DataFrame
        The same rows; hidden cells have ``suppressed`` True, a
        ``suppression_reason`` (``primary``: numerator below the threshold;
        ``complement``: denominator − numerator below it), and blank counts,
        value, interval and comparison.
    """
    rules = rules or Rules()
    out = indicators.copy()
    x = out[F.NUMERATOR].to_numpy(dtype=float)
    n = out[F.DENOMINATOR].to_numpy(dtype=float)
    primary = x < rules.min_count
    complement = ~primary & ((n - x) < rules.min_count)
    hidden = primary | complement
    out[F.SUPPRESSED] = hidden
    out[F.SUPPRESSION_REASON] = np.select([primary, complement], ["primary", "complement"], "")
    out.loc[hidden, list(_BLANKED)] = np.nan
    out.loc[hidden, F.COMPARISON] = "not_tested"
    out.attrs[_MARK] = {"min_count": rules.min_count}
    return out


def require_disclosed(frame: pd.DataFrame) -> pd.DataFrame:
    """The gate every writer calls: refuse a frame that has not been through :func:`suppress`.

    Parameters
    ----------
    frame
        The IndicatorFrame about to be written.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DisclosureError
        When the frame carries no disclosure mark, or a published row breaks the
        rule it was suppressed with.
    """
    mark = frame.attrs.get(_MARK)
    if mark is None or F.SUPPRESSED not in frame.columns:
        raise DisclosureError(
            "refusing to write a frame that has not been through disclosure control; "
            "call utenforskap.disclosure.suppress() first"
        )
    published = ~frame[F.SUPPRESSED].to_numpy(dtype=bool)
    x = frame[F.NUMERATOR].to_numpy(dtype=float)
    n = frame[F.DENOMINATOR].to_numpy(dtype=float)
    small = published & ((x < mark["min_count"]) | (n - x < mark["min_count"]))
    if small.any():
        raise DisclosureError(
            f"refusing to write: row {int(np.flatnonzero(small)[0])} publishes a cell below "
            f"the threshold {mark['min_count']}"
        )
    return frame
