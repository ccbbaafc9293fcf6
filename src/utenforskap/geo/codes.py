"""Region codes: their level from their length, and their parent."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap.errors import DataError

__all__ = ["LEVELS", "level_of", "parent_code"]

#: Code length → level, as SSB and FHI use them.
LEVELS: dict[int, str] = {
    1: "land",
    2: "fylke",
    4: "kommune",
    6: "bydel",
    8: "grunnkrets",
    10: "levekarssone",
}


def level_of(code: str) -> str:
    """Return the level of a region code from its length.

    Parameters
    ----------
    code
        A region code as a string, leading zeros kept (``"0301"``).

    Returns
    -------
    str
        One of ``land``, ``fylke``, ``kommune``, ``bydel``, ``grunnkrets``,
        ``levekarssone``.

    Examples
    --------
    >>> level_of("030101")
    'bydel'
    """
    if not isinstance(code, str) or not code.isdigit() or len(code) not in LEVELS:
        raise DataError(
            "not a region code: expected 1, 2, 4, 6, 8 or 10 digits as text",
            column="region",
            value=code,
        )
    return LEVELS[len(code)]


def parent_code(codes: npt.ArrayLike) -> np.ndarray:
    """Return the parent code of each code: bydel, grunnkrets and levekårssone → kommune, kommune → fylke, fylke → land.

    Parameters
    ----------
    codes
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Object array of parent codes; ``""`` for land.
    """
    series = pd.Series(np.asarray(codes, dtype=object), dtype=object).astype(str)
    lengths = series.str.len().to_numpy()
    out = np.select(
        [lengths >= 6, lengths == 4, lengths == 2],
        [series.str[:4].to_numpy(dtype=object), series.str[:2].to_numpy(dtype=object), "0"],
        default="",
    )
    return out.astype(object)
