"""Input validation shared by the statistics functions, with precise messages."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as _st

from utenforskap.errors import DataError

#: What the vectorised functions return: an array shaped like the input, a
#: Series/DataFrame with the input's labels, or a NumPy scalar for scalar input.
ArrayResult = np.ndarray | pd.Series | pd.DataFrame | np.floating

__all__ = [
    "ArrayResult",
    "as_numbers",
    "check_counts",
    "check_level",
    "check_positive",
    "first_position",
    "wrap_like",
    "z_value",
]


def check_level(level: object, name: str = "level") -> float:
    """Return a confidence level as float, refusing anything outside (0, 1) such as 95."""
    if isinstance(level, bool) or not isinstance(level, int | float | np.floating | np.integer):
        raise DataError(f"{name} must be a number strictly between 0 and 1; not {level!r}")
    value = float(level)
    if not 0.0 < value < 1.0:
        hint = f" (give {value / 100:g} for {value:g} %)" if 1.0 < value < 100.0 else ""
        raise DataError(f"{name} must lie strictly between 0 and 1; not {level!r}{hint}")
    return value


def check_positive(value: object, name: str) -> float:
    """Return a positive finite scalar parameter (a multiplier, a cut-off)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise DataError(f"{name} must be a positive number; not {value!r}")
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        raise DataError(f"{name} must be a positive number; not {value!r}")
    return number


def z_value(level: float) -> float:
    """Two-sided standard normal critical value for a confidence level."""
    return float(_st.norm.ppf(0.5 + level / 2.0))


def first_position(mask: np.ndarray) -> int | tuple[int, ...]:
    """Position of the first True in ``mask``: an int for 1-D input, a tuple otherwise."""
    flat = int(np.flatnonzero(mask.ravel())[0])
    if mask.ndim <= 1:
        return flat
    return tuple(int(i) for i in np.unravel_index(flat, mask.shape))


def _item(values: np.ndarray, position: int | tuple[int, ...]) -> float:
    if values.ndim == 0:
        return float(values)
    return float(values[position])


def as_numbers(values: object, name: str) -> np.ndarray:
    """Convert array-like input to a float array, naming the first non-numeric entry."""
    if isinstance(values, pd.DataFrame | pd.Series):
        values = values.to_numpy()
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raw = np.asarray(values, dtype=object)
        numeric = pd.to_numeric(pd.Series(raw.ravel()), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(numeric) & ~pd.isna(pd.Series(raw.ravel())).to_numpy()
        position = first_position(bad.reshape(raw.shape)) if bad.any() else 0
        shown = raw.ravel()[int(np.flatnonzero(bad)[0])] if bad.any() else values
        raise DataError(f"{name} must be numeric", column=name, row=position, value=shown) from None


def _raise_at(mask: np.ndarray, values: np.ndarray, name: str, problem: str) -> None:
    if mask.any():
        position = first_position(mask)
        raise DataError(problem, column=name, row=position, value=_item(values, position))


def check_counts(
    x: npt.ArrayLike,
    n: npt.ArrayLike | None = None,
    *,
    x_name: str = "x",
    n_name: str = "n",
    proportion: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Validate counts (and denominators) and return them broadcast to one shape.

    NaN passes through (NaN in gives NaN out); infinite values, negative counts,
    denominators ≤ 0 and, for proportions, counts above their denominator raise
    :class:`~utenforskap.errors.DataError` naming the position and value.
    """
    xa = as_numbers(x, x_name)
    na = as_numbers(1.0 if n is None else n, n_name)
    try:
        xa, na = np.broadcast_arrays(xa, na)
    except ValueError:
        raise DataError(
            f"{x_name} and {n_name} must have the same shape; got {np.shape(xa)} and {np.shape(na)}"
        ) from None
    with np.errstate(invalid="ignore"):
        _raise_at(np.isinf(xa), xa, x_name, f"{x_name} must be finite")
        _raise_at(xa < 0, xa, x_name, f"{x_name} must not be negative")
        if n is not None:
            _raise_at(np.isinf(na), na, n_name, f"{n_name} must be finite")
            _raise_at(na <= 0, na, n_name, f"{n_name} must be greater than 0")
            if proportion:
                over = xa > na
                if over.any():
                    position = first_position(over)
                    raise DataError(
                        f"{x_name} must be less than or equal to {n_name} "
                        f"({n_name} is {_item(na, position)!r})",
                        column=x_name,
                        row=position,
                        value=_item(xa, position),
                    )
    return xa, na


def wrap_like(result: np.ndarray, like: Any) -> ArrayResult:
    """Return ``result`` like ``like``: pandas objects keep their labels, scalars stay scalars."""
    if isinstance(like, pd.Series) and result.shape == like.shape:
        return pd.Series(result, index=like.index, name=like.name)
    if isinstance(like, pd.DataFrame) and result.shape == like.shape:
        return pd.DataFrame(result, index=like.index, columns=like.columns)
    if result.ndim == 0:
        return result[()]
    return result
