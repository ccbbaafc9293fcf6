"""Read an official-statistics file (JSON-stat, PX or CSV export) straight into CountFrame rows."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from utenforskap.errors import check_choice
from utenforskap.io.jsonstat import read_jsonstat
from utenforskap.io.mapping import ObservationMapping, observations_to_counts
from utenforskap.io.px import read_px
from utenforskap.io.tables import read_table

__all__ = ["OFFICIAL_FORMATS", "read_official_counts"]

#: Input formats of the run configuration that this module reads.
OFFICIAL_FORMATS: tuple[str, ...] = ("jsonstat", "px", "table")


def read_official_counts(
    path: str | os.PathLike[str],
    *,
    format: str,
    mapping: ObservationMapping | Mapping[str, Any],
    key: str = "mapping",
) -> pd.DataFrame:
    """Read a JSON-stat, PC-Axis or CSV file and map its observations to counts.

    JSON-stat and PX files are read with ``naming="both"``, so the mapping
    names dimensions by code (``Region``) and may take region names from
    ``<dim>_label`` (``Region_label``); CSV exports give ``<column>`` and
    ``<column>_label`` for their region column and ``variable`` for melted
    value columns.

    Parameters
    ----------
    path
        The file.
    format
        ``"jsonstat"``, ``"px"`` or ``"table"``.
    mapping
        An :class:`ObservationMapping`, or the plain dict from the run
        configuration's ``[inputs.mapping]`` table.
    key
        The mapping's key path in the configuration, for error messages
        (e.g. ``"inputs[2].mapping"``).

    Returns
    -------
    pandas.DataFrame
        A validated CountFrame, as :func:`observations_to_counts`.

    Examples
    --------
    >>> from importlib import resources
    >>> path = resources.files("utenforskap") / "datasets" / "ssb_neet_land.json"
    >>> counts = read_official_counts(path, format="jsonstat", mapping={
    ...     "indicator": "neet", "region": "Region", "region_name": "Region_label",
    ...     "period": "Tid", "age": "Alder", "sex": "Kjonn", "numerator": "NEETPers",
    ...     "denominator": "Personer", "age_map": {"016-025": "16-25"},
    ...     "sex_map": {"0": "total"}})
    >>> counts[["region_name", "period", "age", "sex"]].iloc[0].tolist()
    ['Hele landet', '2015', '16-25', 'total']
    """
    check_choice("format", format, OFFICIAL_FORMATS)
    spec = (
        mapping
        if isinstance(mapping, ObservationMapping)
        else ObservationMapping.from_dict(mapping, key=key)
    )
    if format == "jsonstat":
        frame = read_jsonstat(path, naming="both")
    elif format == "px":
        frame = read_px(path, naming="both")
    else:
        frame = read_table(path)
    return observations_to_counts(frame, spec, source=path)
