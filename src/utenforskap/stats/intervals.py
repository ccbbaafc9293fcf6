"""Confidence intervals for proportions."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats as _st

from utenforskap.errors import DataError

__all__ = ["PROPORTION_METHODS", "proportion_ci"]

PROPORTION_METHODS: tuple[str, ...] = ("wilson",)


def _z(level: float) -> float:
    if not 0.0 < level < 1.0:
        raise DataError(
            "level must lie strictly between 0 and 1 (give 0.95, not 95)", column="level", value=level
        )
    return float(_st.norm.ppf(0.5 + level / 2.0))


def proportion_ci(
    x: npt.ArrayLike, n: npt.ArrayLike, *, method: str = "wilson", level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for a binomial proportion, vectorised.

    Parameters
    ----------
    x
        Counts with the trait.
    n
        Denominators.
    method
        ``"wilson"`` (score interval).
    level
        Confidence level in (0, 1).

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits as proportions; NaN where ``x`` or ``n`` is NaN.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22, 209-212.
    """
    if method not in PROPORTION_METHODS:
        raise DataError(
            f"method must be one of {', '.join(repr(m) for m in PROPORTION_METHODS)}; not {method!r}"
        )
    z = _z(level)
    x_arr = np.asarray(x, dtype=float)
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x_arr / n_arr
        z2 = z * z
        centre = (p + z2 / (2 * n_arr)) / (1 + z2 / n_arr)
        half = z * np.sqrt(p * (1 - p) / n_arr + z2 / (4 * n_arr * n_arr)) / (1 + z2 / n_arr)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
