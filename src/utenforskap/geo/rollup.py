"""Roll region counts up to their parents by summing counts, and measure district coverage."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.counts import part_counts, sum_into
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.catalogue import catalogue, region_names
from utenforskap.geo.codes import (
    GeoWarning,
    code_hint,
    is_unknown_district,
    isin,
    levels_of,
    parent_code,
    unknown_district_code,
)

if TYPE_CHECKING:
    from utenforskap.geo.registry import RegionRegistry

__all__ = [
    "KOMMUNE",
    "LEVEL",
    "LEVEL_ORDER",
    "UNKNOWN_DENOMINATOR_SHARE",
    "UNKNOWN_NUMERATOR_SHARE",
    "RolledUp",
    "district_coverage",
    "rollup",
    "rollup_levels",
]


class RolledUp(NamedTuple):
    """Result of :func:`rollup_levels`: the rolled-up CountFrame and its district coverage."""

    #: The input rows plus one row per parent region and key.
    counts: pd.DataFrame
    #: :func:`district_coverage` of every sub-municipal level.
    coverage: pd.DataFrame


#: Coverage columns: the share of a kommune's numerator / denominator whose district is unknown.
UNKNOWN_NUMERATOR_SHARE = "unknown_numerator_share"
UNKNOWN_DENOMINATOR_SHARE = "unknown_denominator_share"
#: Coverage columns naming the kommune and the district level.
KOMMUNE = "kommune"
LEVEL = "level"

#: Levels from finest to coarsest, in the order they are rolled up.
LEVEL_ORDER: tuple[str, ...] = ("grunnkrets", "levekarssone", "bydel", "kommune", "fylke", "land")


#: Levels :func:`rollup_levels` can roll up to.
ROLLUP_TARGETS: tuple[str, ...] = ("kommune", "fylke", "land")


def rollup(
    data: pd.DataFrame,
    *,
    parents: Mapping[str, str] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Sum a CountFrame's cells into their parent regions.

    Parameters
    ----------
    data
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
        numerator and denominator are exact sums of the children (exact for
        whole-number counts below 2**53). A parent whose children include a
        missing value (a status symbol) gets NaN counts and status ``".."``.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": ["neet"] * 2, "region": ["030101", "030199"],
    ...     "region_name": ["", ""], "period": ["2023"] * 2, "age": ["16-25"] * 2,
    ...     "sex": ["total"] * 2, "numerator": [9.0, 1.0], "denominator": [90.0, 10.0],
    ...     "status": ["", ""]})
    >>> rollup(cf, names={"0301": "Oslo"})[["region", "numerator", "denominator"]].values.tolist()
    [['0301', 10.0, 100.0]]
    """
    if data.empty:
        return F.empty_counts()
    codes = data[F.REGION].to_numpy(dtype=object)
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
                row=data.index[position],
                value=codes[position],
            )
    return sum_into(data, F.REGION, parent, names=names)


def _parents_for(
    codes: np.ndarray, registry: RegionRegistry | None, counts: pd.DataFrame, source: object | None
) -> np.ndarray:
    implied = parent_code(codes)
    if registry is None:
        return implied
    from_registry = registry.parent_of(codes)
    known = from_registry != ""
    parent = np.where(known, from_registry, implied).astype(object)
    # A grunnkrets's levekårssone is not in its digits; guessing the kommune
    # would skip the levekårssone level, so a registry that knows grunnkretser
    # must know every one of them.
    grunnkrets = levels_of(codes) == "grunnkrets"
    if grunnkrets.any() and registry.has_level("grunnkrets"):
        # The unknown grunnkrets (xxxx9999) goes to the unknown levekårssone.
        unknown = grunnkrets & ~known & is_unknown_district(codes)
        parent = np.where(unknown, unknown_district_code(codes, "levekarssone"), parent).astype(
            object
        )
        lost = grunnkrets & ~known & ~unknown
        if lost.any():
            position = int(np.flatnonzero(lost)[0])
            raise DataError(
                "grunnkrets is not in the levekårssone mapping",
                file=source,
                column=F.REGION,
                row=counts.index[position],
                value=codes[position],
                hint="add it to the grunnkrets → levekårssone mapping",
            )
    return parent


@functools.lru_cache(maxsize=4)
def _catalogue_children(level: str) -> dict[str, tuple[frozenset[str], ...]]:
    """Parent → the sets of its ``level`` children in force together, one per epoch of borders."""
    table = catalogue().table
    # The unknown fylke (99) and kommune (9999) hold what could not be placed;
    # like the unknown district, a whole is whole without them.
    known = ~table["code"].isin(["99", "9999"]).to_numpy()
    rows = table[(table["level"] == level).to_numpy() & known]
    start = rows["valid_from"].astype("Int64")
    end = rows["valid_to"].astype("Int64")
    edges = {int(y) for y in start.dropna()} | {int(y) + 1 for y in end.dropna()}
    found: dict[str, set[frozenset[str]]] = {}
    codes = rows["code"].to_numpy(dtype=object)
    parents = rows["parent"].to_numpy(dtype=object)
    first = start.fillna(-(10**6)).to_numpy(dtype=np.int64)
    last = end.fillna(10**6).to_numpy(dtype=np.int64)
    for year in sorted(edges | {0}):
        valid = (first <= year) & (year <= last)
        frame = pd.DataFrame({"code": codes[valid], "parent": parents[valid]})
        for parent, group in frame.groupby("parent", sort=True):
            found.setdefault(str(parent), set()).add(frozenset(group["code"]))
    return {k: tuple(v) for k, v in found.items()}


def _complete_parents(
    children: pd.DataFrame,
    parents: np.ndarray,
    rolled: pd.DataFrame,
    level: str,
    registry: RegionRegistry | None,
) -> np.ndarray:
    """Which rolled-up rows above kommune level were made from all their parts.

    A fylke is complete when its kommuner of some year's borders (the
    built-in catalogue, or the registry's own regions) are all among the
    kommuner summed, cell by cell; the land likewise with the fylker. A
    country summed from one kommune is not the country.
    """
    candidates: dict[str, set[frozenset[str]]] = {
        k: set(v) for k, v in _catalogue_children(level).items()
    }
    if registry is not None:
        table = registry.table[(registry.table["level"] == level).to_numpy()]
        for parent, group in table.groupby("parent", sort=True):
            candidates.setdefault(str(parent), set()).add(frozenset(group["code"]))
    cell = [c for c in F.KEY_COLUMNS if c != F.REGION]
    work = children[[*cell, F.REGION]].assign(_parent=parents)
    complete: set[tuple[object, ...]] = set()
    for parent, part in work.groupby("_parent", sort=True):
        for required in candidates.get(str(parent), ()):
            inside = part[part[F.REGION].isin(required).to_numpy()]
            counted = inside.groupby(cell, sort=False)[F.REGION].nunique()
            for key in counted.index[counted.to_numpy() == len(required)]:
                complete.add((parent, *(key if isinstance(key, tuple) else (key,))))
    keys = rolled[[F.REGION, *cell]].itertuples(index=False, name=None)
    return np.fromiter((k in complete for k in keys), dtype=bool, count=len(rolled))


def rollup_levels(
    data: pd.DataFrame,
    *,
    to: str = "land",
    registry: RegionRegistry | None = None,
    source: object | None = None,
) -> RolledUp:
    """Roll every region up level by level, keeping the input rows.

    grunnkrets → levekårssone (through ``registry``) → kommune; bydel →
    kommune; kommune → fylke → land, up to level ``to``. Rows already given
    at a parent level are kept; when a parent is given and also rolled up
    from its children, both must agree exactly.

    Parameters
    ----------
    data
        A CountFrame with regions at any levels. Include the unknown-district
        rows (``xxxx99``) so that kommune totals are complete.
    to
        Highest level to produce: ``kommune``, ``fylke`` or ``land``.
    registry
        Names for ``region_name`` and parents for codes whose parent is not
        implied by their digits (grunnkrets → levekårssone).
    source
        File or description to name in messages.

    Returns
    -------
    counts : pandas.DataFrame
        A CountFrame: the input rows plus one row per parent region and key,
        sorted by key. Counts of a parent are exact sums of its children.
    coverage : pandas.DataFrame
        :func:`district_coverage` of every sub-municipal level, rolled-up included:
        ``kommune``, ``level``, ``indicator``, ``period``, ``age``, ``sex``,
        ``group``, ``unknown_numerator_share``, ``unknown_denominator_share``.

    Raises
    ------
    DataError
        ``to`` is not a level; a code is not a region code; a parent given
        directly disagrees with the sum of its children.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": ["neet"] * 2, "region": ["030101", "030199"],
    ...     "region_name": ["", ""], "period": ["2023"] * 2, "age": ["16-25"] * 2,
    ...     "sex": ["total"] * 2, "numerator": [9.0, 1.0], "denominator": [90.0, 10.0],
    ...     "status": ["", ""]})
    >>> out, coverage = rollup_levels(cf, to="kommune")
    >>> out["region"].tolist(), coverage["unknown_denominator_share"].tolist()
    (['0301', '030101', '030199'], [0.1])
    """
    check_choice("to", to, ROLLUP_TARGETS)
    data = F.with_group(data)
    if data.empty:
        return RolledUp(F.empty_counts(), district_coverage(data))
    stop = LEVEL_ORDER.index(to)
    frame = data[list(F.COUNT_COLUMNS)].copy()
    frame["_level"] = levels_of(frame[F.REGION].to_numpy(dtype=object))
    bad = frame["_level"].to_numpy(dtype=object) == ""
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "not a region code: expected 1, 2, 4, 6, 8 or 10 digits as text",
            file=source,
            column=F.REGION,
            row=data.index[position],
            value=frame[F.REGION].iloc[position],
            hint=code_hint(frame[F.REGION].iloc[position]),
        )
    names = registry.names() if registry is not None else {}
    pieces = [frame.drop(columns="_level")]
    pending = frame
    for level in LEVEL_ORDER[:stop]:
        children = pending[pending["_level"] == level]
        if children.empty:
            continue
        codes = children[F.REGION].to_numpy(dtype=object)
        parents = _parents_for(codes, registry, children, source)
        rolled = sum_into(children, F.REGION, parents, names=names)
        if level in ("kommune", "fylke"):
            whole = _complete_parents(children, parents, rolled, level, registry)
            given = set(pending[F.REGION].astype(str))
            lost = sorted({c for c in rolled.loc[~whole, F.REGION] if c not in given})
            if lost:
                shown = [
                    f"{n} ({c})" if n else c for c, n in zip(lost, region_names(lost), strict=True)
                ]
                warnings.warn(
                    GeoWarning(
                        f"{', '.join(shown[:10])} not rolled up from {level} rows: not all "
                        f"of its {'kommuner' if level == 'kommune' else 'fylker'} are in the "
                        "data (a total made of some parts would not be the region's); give "
                        "its rows directly",
                        "rollup.incomplete",
                    ),
                    stacklevel=2,
                )
            rolled = rolled.loc[whole].reset_index(drop=True)
            if rolled.empty:
                continue
        rolled["_level"] = levels_of(rolled[F.REGION].to_numpy(dtype=object))
        pieces.append(rolled.drop(columns="_level"))
        pending = _merge_duplicates(
            pd.concat([pending[pending["_level"] != level], rolled], ignore_index=True), source
        )
    out = pd.concat(pieces, ignore_index=True)
    out = _merge_duplicates(out, source)
    if registry is not None:
        out = registry.fill_names(out)
    else:
        # Regions rolled up to (the kommune, its fylke, the land) are named
        # from the built-in catalogue; codes it does not hold stay unnamed.
        blank = (out[F.REGION_NAME].fillna("") == "").to_numpy()
        builtin = region_names(out[F.REGION].to_numpy(dtype=object))
        out[F.REGION_NAME] = np.where(
            blank, builtin, out[F.REGION_NAME].fillna("").to_numpy(dtype=object)
        ).astype(object)
    out = F.sort_frame(out)
    return RolledUp(out, district_coverage(out))


def _merge_duplicates(frame: pd.DataFrame, source: object | None) -> pd.DataFrame:
    """Keep the first of rows sharing a key (the given one), after checking they agree."""
    keys = list(F.KEY_COLUMNS)
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return frame
    both = frame.loc[dup, [*keys, F.NUMERATOR, F.DENOMINATOR]]
    grouped = both.groupby(keys, sort=True)
    # Only values present on both sides are compared: a total given directly
    # may be known while a part is suppressed, and then the given total stands.
    spread = (
        grouped[[F.NUMERATOR, F.DENOMINATOR]].max() - grouped[[F.NUMERATOR, F.DENOMINATOR]].min()
    )
    disagree = (spread.fillna(0).to_numpy() != 0).any(axis=1)
    if disagree.any():
        key = spread.index[int(np.flatnonzero(disagree)[0])]
        raise DataError(
            "a region is given directly and also rolled up from its parts, and the two "
            f"disagree for {dict(zip(keys, key, strict=True))}",
            file=source,
            column=F.REGION,
            value=key[1],
            hint="drop the given total or check the district rows (unknown district xxxx99?)",
        )
    return frame.drop_duplicates(keys, keep="first")


def district_coverage(data: pd.DataFrame) -> pd.DataFrame:
    """Share of each kommune's district counts that sit in the unknown district.

    Parameters
    ----------
    data
        A CountFrame; its sub-municipal rows (bydel, grunnkrets,
        levekårssone) are used, the unknown district being the kommune code
        followed by nines (``030199``, ``03019999``, ``0301999999``).

    Returns
    -------
    pandas.DataFrame
        One row per kommune × level × indicator × period × age × sex × group
        with district rows: ``kommune`` (code), ``level``, ``indicator``,
        ``period``, ``age``, ``sex``, ``group``, ``unknown_numerator_share`` and
        ``unknown_denominator_share`` (0 when there is no unknown-district
        row; NaN when a part is missing or the total is 0). Sorted by the
        first seven columns.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": ["neet"] * 2, "region": ["030101", "030199"],
    ...     "region_name": ["", ""], "period": ["2023"] * 2, "age": ["16-25"] * 2,
    ...     "sex": ["total"] * 2, "numerator": [9.0, 1.0], "denominator": [90.0, 10.0],
    ...     "status": ["", ""]})
    >>> district_coverage(cf)["unknown_numerator_share"].tolist()
    [0.1]
    """
    data = F.with_group(data)
    keys = [KOMMUNE, LEVEL, F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]
    columns = [*keys, UNKNOWN_NUMERATOR_SHARE, UNKNOWN_DENOMINATOR_SHARE]
    codes = data[F.REGION].to_numpy(dtype=object) if len(data) else np.array([], object)
    level = levels_of(codes)
    districts = isin(level, {"bydel", "grunnkrets", "levekarssone"})
    if not districts.any():
        empty = {c: pd.Series([], dtype=object) for c in keys}
        empty[UNKNOWN_NUMERATOR_SHARE] = pd.Series([], dtype=float)
        empty[UNKNOWN_DENOMINATOR_SHARE] = pd.Series([], dtype=float)
        return pd.DataFrame(empty)[columns]
    part = data.loc[districts]
    part_codes = codes[districts]
    unknown = is_unknown_district(part_codes)
    cells = part_counts(
        part[F.STATUS].to_numpy(dtype=object),
        part[F.NUMERATOR].to_numpy(dtype=float),
        part[F.DENOMINATOR].to_numpy(dtype=float),
    )
    work = pd.DataFrame(
        {
            KOMMUNE: parent_code(part_codes),
            LEVEL: level[districts],
            F.INDICATOR: part[F.INDICATOR].to_numpy(dtype=object),
            F.PERIOD: part[F.PERIOD].to_numpy(dtype=object),
            F.AGE: part[F.AGE].to_numpy(dtype=object),
            F.SEX: part[F.SEX].to_numpy(dtype=object),
            F.GROUP: part[F.GROUP].to_numpy(dtype=object),
            "num": cells.numerator,
            "den": cells.denominator,
            "num_unknown": np.where(unknown, cells.numerator, 0.0),
            "den_unknown": np.where(unknown, cells.denominator, 0.0),
            "missing": cells.unknown,
        }
    )
    sums = work.groupby(keys, sort=True).agg(
        num=("num", "sum"),
        den=("den", "sum"),
        num_unknown=("num_unknown", "sum"),
        den_unknown=("den_unknown", "sum"),
        missing=("missing", "any"),
    )
    sums = sums.reset_index()
    blank = sums["missing"].to_numpy(dtype=bool)
    num, den = sums["num"].to_numpy(), sums["den"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        num_share = np.where(blank | (num == 0), np.nan, sums["num_unknown"].to_numpy() / num)
        den_share = np.where(blank | (den == 0), np.nan, sums["den_unknown"].to_numpy() / den)
    out = sums[keys].astype(object)
    out[UNKNOWN_NUMERATOR_SHARE] = num_share
    out[UNKNOWN_DENOMINATOR_SHARE] = den_share
    return out[columns]
