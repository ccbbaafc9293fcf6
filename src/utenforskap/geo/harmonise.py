"""Harmonise kommune codes across reforms by summing counts into the target year's kommuner."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.counts import NOT_APPLICABLE, sum_into
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.codes import GeoWarning, isin, levels_of, normalise_codes
from utenforskap.geo.crosswalk import (
    FROM_CODE,
    FROM_NAME,
    SUCCESSORS,
    TO_CODE,
    TO_NAME,
    WEIGHT,
    Crosswalk,
)
from utenforskap.geo.registry import RegionRegistry

__all__ = [
    "HarmoniseReport",
    "Harmonised",
    "harmonise",
]

#: What :func:`harmonise` does with rows of split kommuner without weights.
ON_SPLIT: tuple[str, ...] = ("report", "raise")


@dataclass(frozen=True)
class HarmoniseReport:
    """What :func:`harmonise` did.

    Attributes
    ----------
    to_year
        The target year.
    changed
        One row per old code that was mapped to another code: ``from_code``,
        ``from_name``, ``to_code``, ``to_name``, ``weight`` and ``rows`` (how
        many input rows it moved).
    unresolved
        The input rows left out because their kommune has no single successor
        and no weights were given (split kommuner, "uoppgitt"), with their
        original index and a ``successors`` column.
    """

    to_year: int
    changed: pd.DataFrame
    unresolved: pd.DataFrame

    @property
    def ok(self) -> bool:
        """True when no row was left out."""
        return self.unresolved.empty


class Harmonised(NamedTuple):
    """Result of :func:`harmonise`: the CountFrame on ``to_year``'s codes and what was done."""

    #: The harmonised CountFrame.
    counts: pd.DataFrame
    #: Which codes changed and which rows could not be resolved.
    report: HarmoniseReport


def _warn_old_districts(regions: np.ndarray, table: pd.DataFrame, source: object | None) -> None:
    """Districts pass through unchanged; say so when their kommune was renumbered or split."""
    districts = levels_of(regions) == "bydel"
    if not districts.any():
        return
    moved = table.loc[table[FROM_CODE] != table[TO_CODE], FROM_CODE]
    prefix = pd.Series(regions[districts], dtype=object).str[:4]
    old = prefix.isin(set(moved)).to_numpy(dtype=bool)
    if old.any():
        codes = sorted(set(regions[districts][old]))
        where = f"{source}: " if source is not None else ""
        warnings.warn(
            GeoWarning(
                f"{where}{int(old.sum())} rows of districts of renumbered or split kommuner were "
                f"passed through with their old codes ({', '.join(codes[:5])}"
                f"{' …' if len(codes) > 5 else ''}); roll them up to kommune before harmonising",
                "harmonise.old_districts",
            ),
            stacklevel=3,
        )


def harmonise(
    data: pd.DataFrame,
    *,
    to_year: int = 2024,
    crosswalk: Crosswalk,
    weights: pd.DataFrame | None = None,
    registry: RegionRegistry | None = None,
    on_split: str = "report",
    source: object | None = None,
) -> Harmonised:
    """Map old kommune codes to the target year's and sum the counts.

    Kommune rows (four-digit codes) are mapped through ``crosswalk``; rows
    that then share a key are summed (2018 rows of Asker 0220, Røyken 0627 and
    Hurum 0628 become one 3203 Asker row). Rows of a kommune that was split
    with no single successor are never dropped silently nor guessed: with
    ``on_split="report"`` they are left out with a :class:`GeoWarning` and
    returned in ``report.unresolved``; with ``"raise"`` they raise. Give
    ``weights`` to allocate them instead. Rows with status ``"."`` (a code in a
    year it did not exist) add nothing. Other levels (land, fylke, districts)
    pass through unchanged: roll districts up to kommune first.

    Parameters
    ----------
    data
        A CountFrame.
    to_year
        Target year; must be the crosswalk's.
    crosswalk
        From :func:`~utenforskap.geo.crosswalk.read_crosswalk`,
        :func:`~utenforskap.geo.crosswalk.crosswalk_from_frame` or
        :func:`~utenforskap.geo.klass.crosswalk_from_klass_changes`.
    weights
        Optional columns ``from_code``, ``to_code``, ``weight``: shares by
        which a code's counts are allocated to its successors (see
        :meth:`Crosswalk.with_weights`). Allocated counts are not whole numbers.
    registry
        Kommuner outside the crosswalk that are kept as they are (e.g. a
        user's own region ``9901``), and names.
    on_split
        ``"report"`` or ``"raise"``.
    source
        File or description to name in messages.

    Returns
    -------
    counts : pandas.DataFrame
        A CountFrame on the target year's kommune codes, ``region_name`` from
        the crosswalk (or registry), sorted by key.
    report : HarmoniseReport
        Codes changed and rows left out.

    Raises
    ------
    DataError
        A kommune code neither in the crosswalk nor in the registry (naming
        the row), a code that cannot be repaired, split rows with
        ``on_split="raise"``, ``to_year`` other than the crosswalk's.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.geo.crosswalk import crosswalk_from_frame
    >>> cw = crosswalk_from_frame(pd.DataFrame({"from_code": ["0220", "0627", "3203"],
    ...     "to_code": ["3203", "3203", "3203"], "to_name": ["Asker"] * 3}), to_year=2024)
    >>> cf = pd.DataFrame({"indicator": ["neet"] * 2, "region": ["0220", "0627"],
    ...     "region_name": ["", ""], "period": ["2018"] * 2, "age": ["16-25"] * 2,
    ...     "sex": ["total"] * 2, "numerator": [50.0, 20.0], "denominator": [900.0, 400.0],
    ...     "status": ["", ""]})
    >>> out, report = harmonise(cf, to_year=2024, crosswalk=cw)
    >>> out[["region", "region_name", "numerator", "denominator"]].values.tolist()
    [['3203', 'Asker', 70.0, 1300.0]]
    """
    check_choice("on_split", on_split, ON_SPLIT)
    if int(to_year) != crosswalk.to_year:
        raise DataError(
            f"the crosswalk maps to {crosswalk.to_year}, not to_year={to_year}",
            file=crosswalk.source,
        )
    if weights is not None:
        crosswalk = crosswalk.with_weights(weights, source="weights")
    table = crosswalk.table
    empty_changed = pd.DataFrame(
        {c: pd.Series([], dtype=object) for c in (FROM_CODE, FROM_NAME, TO_CODE, TO_NAME)}
    ).assign(**{WEIGHT: pd.Series([], dtype=float), "rows": pd.Series([], dtype=int)})
    data = F.with_group(data)
    if data.empty:
        unresolved = data.assign(**{SUCCESSORS: pd.Series([], dtype=object)})
        return Harmonised(
            F.empty_counts(), HarmoniseReport(int(to_year), empty_changed, unresolved)
        )
    regions = normalise_codes(data[F.REGION], source=source, column=F.REGION)
    work = data.assign(**{F.REGION: regions})
    is_kommune = levels_of(regions) == "kommune"
    known_old = isin(regions, set(table[FROM_CODE]))
    from_registry = isin(regions, set(registry.codes)) if registry is not None else False
    unknown = is_kommune & ~known_old & ~from_registry
    if unknown.any():
        position = int(np.flatnonzero(unknown)[0])
        missing = sorted(set(regions[unknown]))
        raise DataError(
            f"kommune code not in the crosswalk ({len(missing)} unknown: {', '.join(missing[:5])})",
            file=source,
            column=F.REGION,
            row=data.index[position],
            value=regions[position],
            hint="add it to the crosswalk, or to the registry if it is a region of your own",
        )
    _warn_old_districts(regions, table, source)
    mapped_rows = is_kommune & known_old
    kept = work.loc[~mapped_rows]
    moving = work.loc[mapped_rows]
    # Rows of a code that did not exist that year carry nothing to map.
    moving = moving[moving[F.STATUS] != NOT_APPLICABLE]
    joined = moving.reset_index(names="_index").merge(
        table, left_on=F.REGION, right_on=FROM_CODE, how="left", validate="many_to_many"
    )
    split = (joined[TO_CODE] == "").to_numpy()
    unresolved = joined.loc[split].set_index("_index")
    unresolved = unresolved[[*data.columns, SUCCESSORS]]
    unresolved.index.name = data.index.name
    if split.any():
        listed = (
            unresolved.assign(_name=joined.loc[split, FROM_NAME].to_numpy())
            .drop_duplicates(F.REGION)
            .sort_values(F.REGION)
        )
        shown = "; ".join((listed[F.REGION] + " " + listed["_name"]).str.strip().head(8)) + (
            " …" if len(listed) > 8 else ""
        )
        where = f"{source}: " if source is not None else ""
        message = (
            f"{where}{len(unresolved)} rows of {len(listed)} kommuner with no single successor in "
            f"{to_year} were not harmonised ({shown})"
        )
        if on_split == "raise":
            raise DataError(
                message,
                file=source,
                column=F.REGION,
                row=unresolved.index[0],
                value=unresolved[F.REGION].iloc[0],
                hint="pass weights= to allocate them to their successors",
            )
        warnings.warn(
            GeoWarning(
                message + "; they are in report.unresolved; pass weights= to allocate them",
                "harmonise.split",
            ),
            stacklevel=2,
        )
    resolved = joined.loc[~split]
    weight = resolved[WEIGHT].to_numpy(dtype=float)
    allocated = resolved.assign(
        **{
            F.NUMERATOR: resolved[F.NUMERATOR].to_numpy(dtype=float) * weight,
            F.DENOMINATOR: resolved[F.DENOMINATOR].to_numpy(dtype=float) * weight,
        }
    )
    moved = allocated[allocated[FROM_CODE] != allocated[TO_CODE]]
    changed = (
        moved.groupby([FROM_CODE, TO_CODE], sort=True)
        .agg(
            **{
                FROM_NAME: (FROM_NAME, "first"),
                TO_NAME: (TO_NAME, "first"),
                WEIGHT: (WEIGHT, "first"),
                "rows": (F.REGION, "size"),
            }
        )
        .reset_index()[[FROM_CODE, FROM_NAME, TO_CODE, TO_NAME, WEIGHT, "rows"]]
        if not moved.empty
        else empty_changed
    )
    names = dict(zip(table[TO_CODE], table[TO_NAME], strict=True))
    names.pop("", None)
    if registry is not None:
        names = {**registry.names(), **names}
    combined = pd.concat(
        [
            kept[list(F.COUNT_COLUMNS)],
            allocated[list(F.COUNT_COLUMNS)].assign(**{F.REGION: allocated[TO_CODE].to_numpy()}),
        ],
        ignore_index=True,
    )
    out = sum_into(combined, F.REGION, combined[F.REGION].to_numpy(dtype=object), names=names)
    return Harmonised(out, HarmoniseReport(int(to_year), changed, unresolved))
