"""Age bands: parse labels such as "16-25" into inclusive bounds."""

from __future__ import annotations

import re

from utenforskap.errors import DataError

__all__ = ["AgeBand", "parse_band"]

AgeBand = tuple[int, int]

_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:[-–]\s*(\d{1,3}))?\s*(?:år)?\s*$")
_OPEN = re.compile(r"^\s*(\d{1,3})\s*\+\s*(?:år)?\s*$")
_OLDEST = 120


def parse_band(label: str) -> AgeBand:
    """Parse an age band label into inclusive ``(lowest, highest)`` ages.

    Parameters
    ----------
    label
        ``"16-25"``, ``"16–25"``, ``"16 - 25 år"``, ``"25+"`` or a single age ``"21"``.

    Returns
    -------
    tuple of int
        Inclusive bounds; an open band ``"25+"`` ends at 120.

    Examples
    --------
    >>> parse_band("16–25")
    (16, 25)
    """
    text = str(label)
    match = _BAND.match(text)
    if match:
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        if high < low:
            raise DataError("age band ends before it starts", column="age", value=label)
        return low, high
    match = _OPEN.match(text)
    if match:
        return int(match.group(1)), _OLDEST
    raise DataError(
        "not an age band; expected e.g. '16-25', '25+' or '21'", column="age", value=label
    )
