"""Kommune crosswalks across reforms: read, validate, follow chains, add split weights."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap.errors import DataError
from utenforskap.geo.codes import levels_of, normalise_codes

__all__ = [
    "FROM_CODE",
    "FROM_NAME",
    "SUCCESSORS",
    "TO_CODE",
    "TO_NAME",
    "WEIGHT",
    "Crosswalk",
    "crosswalk_from_frame",
    "read_crosswalk",
]

FROM_CODE = "from_code"
FROM_NAME = "from_name"
TO_CODE = "to_code"
TO_NAME = "to_name"
WEIGHT = "weight"
#: For a split kommune: the successors it is known to have gone to (text), else "".
SUCCESSORS = "successors"

_COLUMNS = (FROM_CODE, FROM_NAME, TO_CODE, TO_NAME, WEIGHT, SUCCESSORS)
_ROW = "_row"
# Weights of one code must add up to 1; allow for the rounding of a typed-in CSV.
_WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Crosswalk:
    """Old kommune codes → the target year's kommune codes.

    Attributes
    ----------
    table
        Columns ``from_code``, ``from_name``, ``to_code``, ``to_name``,
        ``weight`` and ``successors``. A code kept or merged has one row with
        weight 1. A code allocated to several successors has one row per
        successor, weights adding up to 1. A code that was split with no
        weights known (or is "uoppgitt") has one row with ``to_code`` ``""``,
        weight NaN, and its known successors in ``successors``.
    to_year
        The year whose codes ``to_code`` holds.
    source
        Where the crosswalk came from, for messages.
    """

    table: pd.DataFrame
    to_year: int
    source: str | None = None

    def targets(self) -> pd.DataFrame:
        """The target year's kommuner: columns ``code`` and ``name``, sorted by code."""
        rows = self.table[self.table[TO_CODE] != ""]
        out = rows[[TO_CODE, TO_NAME]].drop_duplicates(TO_CODE).sort_values(TO_CODE)
        return pd.DataFrame(
            {
                "code": out[TO_CODE].to_numpy(dtype=object),
                "name": out[TO_NAME].to_numpy(dtype=object),
            }
        )

    def split_codes(self) -> tuple[str, ...]:
        """Codes with no single successor and no weights, sorted."""
        return tuple(sorted(self.table.loc[self.table[TO_CODE] == "", FROM_CODE]))

    def known_codes(self) -> frozenset[str]:
        """Every code the crosswalk knows, as old or target code."""
        codes = set(self.table[FROM_CODE]) | set(self.table[TO_CODE])
        codes.discard("")
        return frozenset(codes)

    def with_weights(self, weights: pd.DataFrame, *, source: object | None = None) -> Crosswalk:
        """Allocate codes to several successors by user-supplied weights.

        Parameters
        ----------
        weights
            Columns ``from_code``, ``to_code``, ``weight``: for each listed
            ``from_code``, the share of its counts that goes to each
            ``to_code``; shares of one code add up to 1. They replace the
            crosswalk's rows for those codes. Population shares are the usual
            choice; they are applied to numerator and denominator alike.
        source
            File or description to name in messages.

        Returns
        -------
        Crosswalk

        Raises
        ------
        DataError
            Missing column, weights that are not numbers in [0, 1] or do not
            add up to 1, a ``to_code`` that is not a target code.
        """
        for column in (FROM_CODE, TO_CODE, WEIGHT):
            if column not in weights.columns:
                raise DataError(f"missing column {column!r}", file=source, column=column)
        names = dict(zip(self.table[TO_CODE], self.table[TO_NAME], strict=True))
        from_names = dict(zip(self.table[FROM_CODE], self.table[FROM_NAME], strict=True))
        frame = pd.DataFrame(
            {
                FROM_CODE: weights[FROM_CODE].to_numpy(dtype=object),
                TO_CODE: weights[TO_CODE].to_numpy(dtype=object),
                WEIGHT: weights[WEIGHT].to_numpy(dtype=object),
            },
            index=weights.index,
        )
        frame[FROM_NAME] = frame[FROM_CODE].map(from_names).fillna("")
        frame[TO_NAME] = frame[TO_CODE].map(names)
        unknown = frame[TO_NAME].isna().to_numpy()
        if unknown.any():
            position = int(np.flatnonzero(unknown)[0])
            raise DataError(
                f"to_code is not a {self.to_year} kommune of the crosswalk",
                file=source,
                column=TO_CODE,
                row=frame.index[position],
                value=frame[TO_CODE].iloc[position],
            )
        frame[SUCCESSORS] = ""
        validated = _validate(frame, source, weights_required=True)
        keep = self.table[~self.table[FROM_CODE].isin(set(validated[FROM_CODE]))]
        table = pd.concat([keep, validated[list(_COLUMNS)]], ignore_index=True)
        table = table.sort_values([FROM_CODE, TO_CODE], kind="mergesort").reset_index(drop=True)
        return replace(self, table=table)


def _row_of(frame: pd.DataFrame, position: int) -> object:
    return frame[_ROW].iloc[position] if _ROW in frame.columns else frame.index[position]


def _validate(
    frame: pd.DataFrame, source: object | None, *, weights_required: bool
) -> pd.DataFrame:
    """Check codes and weights; one row per (from_code, to_code) with a float weight."""
    work = frame.copy()
    if _ROW not in work.columns:
        work[_ROW] = work.index
    work[FROM_CODE] = normalise_codes(
        pd.Series(work[FROM_CODE].to_numpy(dtype=object), index=work[_ROW]),
        source=source,
        column=FROM_CODE,
    )
    to_raw = work[TO_CODE].fillna("").to_numpy(dtype=object)
    filled = to_raw != ""
    to_fixed = to_raw.copy()
    if filled.any():
        to_fixed[filled] = normalise_codes(
            pd.Series(to_raw[filled], index=work[_ROW].to_numpy()[filled]),
            source=source,
            column=TO_CODE,
        )
    work[TO_CODE] = to_fixed
    for column, values in ((FROM_CODE, work[FROM_CODE]), (TO_CODE, work[TO_CODE])):
        level = levels_of(values.to_numpy(dtype=object))
        bad = (level != "kommune") & (values.to_numpy(dtype=object) != "")
        if column == FROM_CODE:
            bad |= values.to_numpy(dtype=object) == ""
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise DataError(
                "not a kommune code (4 digits)",
                file=source,
                column=column,
                row=_row_of(work, position),
                value=values.iloc[position],
            )
    raw_weight = work[WEIGHT].replace("", np.nan) if WEIGHT in work.columns else np.nan
    weight = pd.to_numeric(pd.Series(raw_weight, index=work.index), errors="coerce")
    not_number = (
        weight.isna().to_numpy() & pd.notna(pd.Series(raw_weight, index=work.index)).to_numpy()
    )
    out_of_range = ((weight < 0) | (weight > 1)).to_numpy()
    for mask, problem in (
        (not_number, "weight is not a number"),
        (out_of_range, "weight is not in [0, 1]"),
    ):
        if mask.any():
            position = int(np.flatnonzero(mask)[0])
            raise DataError(
                problem,
                file=source,
                column=WEIGHT,
                row=_row_of(work, position),
                value=work[WEIGHT].iloc[position],
            )
    work[WEIGHT] = weight.to_numpy(dtype=float)
    work = work.drop_duplicates([FROM_CODE, TO_CODE, WEIGHT])
    per_code = work.groupby(FROM_CODE, sort=False)
    n_targets = per_code[TO_CODE].transform("size").to_numpy()
    has_split = (
        (work[TO_CODE] == "")
        .groupby(work[FROM_CODE], sort=False)
        .transform("any")
        .to_numpy(dtype=bool)
    )
    several = n_targets > 1
    marked_and_mapped = several & has_split
    if marked_and_mapped.any():
        position = int(np.flatnonzero(marked_and_mapped)[0])
        raise DataError(
            "code is both marked as split (empty to_code) and mapped to a successor",
            file=source,
            column=TO_CODE,
            row=_row_of(work, position),
            value=work[FROM_CODE].iloc[position],
        )
    missing_weight = (several | weights_required) & np.isnan(work[WEIGHT].to_numpy())
    if missing_weight.any():
        rows = work.loc[
            missing_weight
            & (
                work[FROM_CODE] == work[FROM_CODE].iloc[int(np.flatnonzero(missing_weight)[0])]
            ).to_numpy()
        ]
        position = int(np.flatnonzero(missing_weight)[0])
        raise DataError(
            f"code mapped to {int(n_targets[position])} successors "
            f"({', '.join(rows[TO_CODE])}) without weights, rows {list(rows[_ROW])}",
            file=source,
            column=WEIGHT,
            row=_row_of(work, position),
            value=work[FROM_CODE].iloc[position],
            hint="give a weight per successor (shares adding up to 1), "
            "or mark the code as split with an empty to_code",
        )
    total = per_code[WEIGHT].transform("sum").to_numpy()
    wrong_total = several & (np.abs(total - 1.0) > _WEIGHT_TOLERANCE)
    if weights_required:
        wrong_total |= np.abs(total - 1.0) > _WEIGHT_TOLERANCE
    if wrong_total.any():
        position = int(np.flatnonzero(wrong_total)[0])
        raise DataError(
            f"weights of the code add up to {total[position]:.6g}, not 1",
            file=source,
            column=WEIGHT,
            row=_row_of(work, position),
            value=work[FROM_CODE].iloc[position],
        )
    single = (n_targets == 1) & (work[TO_CODE].to_numpy(dtype=object) != "")
    weights_now = work[WEIGHT].to_numpy(dtype=float)
    bad_single = single & ~np.isnan(weights_now) & (np.abs(weights_now - 1.0) > _WEIGHT_TOLERANCE)
    if bad_single.any():
        position = int(np.flatnonzero(bad_single)[0])
        raise DataError(
            "a code with one successor must have weight 1 (or none)",
            file=source,
            column=WEIGHT,
            row=_row_of(work, position),
            value=weights_now[position],
        )
    work[WEIGHT] = np.where(single, 1.0, np.where(work[TO_CODE] == "", np.nan, weights_now))
    for column in (FROM_NAME, TO_NAME, SUCCESSORS):
        if column not in work.columns:
            work[column] = ""
        work[column] = work[column].fillna("").astype(str).astype(object)
    return work


def _compose(table: pd.DataFrame, source: object | None) -> pd.DataFrame:
    """Follow chains (0220 → 3025 → 3203) until every target is final; refuse cycles."""
    from_codes = set(table[FROM_CODE])
    self_kept = set(table.loc[table[FROM_CODE] == table[TO_CODE], FROM_CODE])
    # A code is final when it is not an old code, or is kept (maps to itself).
    moving = from_codes - self_kept
    edges = table[table[FROM_CODE].isin(moving)][[FROM_CODE, TO_CODE, TO_NAME, WEIGHT, SUCCESSORS]]
    edges = edges.rename(
        columns={
            FROM_CODE: "_via",
            TO_CODE: "_to",
            TO_NAME: "_to_name",
            WEIGHT: "_w",
            SUCCESSORS: "_succ",
        }
    )
    work = table.copy()
    for _step in range(len(from_codes) + 1):
        chained = work[TO_CODE].isin(moving).to_numpy()
        if not chained.any():
            break
        steps = work[chained].merge(edges, left_on=TO_CODE, right_on="_via", how="left")
        steps[TO_CODE] = steps["_to"]
        steps[TO_NAME] = steps["_to_name"]
        steps[WEIGHT] = steps[WEIGHT] * steps["_w"]
        steps[SUCCESSORS] = steps["_succ"]
        loop = (steps[TO_CODE] == steps[FROM_CODE]).to_numpy()
        if loop.any():
            position = int(np.flatnonzero(loop)[0])
            cycle = sorted(set(steps.loc[loop, FROM_CODE]))
            raise DataError(
                f"crosswalk has a cycle through codes {cycle}",
                file=source,
                column=FROM_CODE,
                row=steps[_ROW].iloc[position],
                value=steps[FROM_CODE].iloc[position],
            )
        work = pd.concat([work[~chained], steps[list(work.columns)]], ignore_index=True)
    else:  # pragma: no cover - a cycle is caught above before the step limit
        raise DataError("crosswalk chains do not end", file=source)
    # A code partly routed through a split kommune cannot be resolved either.
    split = (work[TO_CODE] == "").groupby(work[FROM_CODE]).transform("any").to_numpy(dtype=bool)
    if split.any():
        part = work[split]
        named = part[part[TO_CODE] != ""].drop_duplicates([FROM_CODE, TO_CODE])
        successors = named.sort_values(TO_CODE).groupby(FROM_CODE)[TO_CODE].agg(", ".join)
        first = part.drop_duplicates(FROM_CODE).set_index(FROM_CODE)
        first[TO_CODE] = ""
        first[TO_NAME] = ""
        first[WEIGHT] = np.nan
        joined = successors.reindex(first.index).fillna("")
        first[SUCCESSORS] = np.where(first[SUCCESSORS] == "", joined, first[SUCCESSORS])
        work = pd.concat([work[~split], first.reset_index()[list(work.columns)]], ignore_index=True)
    groups = work.groupby([FROM_CODE, TO_CODE], sort=True)
    grouped = groups.agg(
        **{
            FROM_NAME: (FROM_NAME, "first"),
            TO_NAME: (TO_NAME, "first"),
            SUCCESSORS: (SUCCESSORS, "first"),
            _ROW: (_ROW, "first"),
        }
    )
    grouped[WEIGHT] = groups[WEIGHT].sum(min_count=1)
    return grouped.reset_index()


def crosswalk_from_frame(
    frame: pd.DataFrame, *, to_year: int, source: object | None = None
) -> Crosswalk:
    """Build and validate a crosswalk from a frame.

    Parameters
    ----------
    frame
        Columns ``from_code`` and ``to_code`` (text, 4 digits; an empty
        ``to_code`` marks a split kommune), optionally ``from_name``,
        ``to_name``, ``weight`` and ``successors``. Chains (``0220 → 3025``,
        ``3025 → 3203``) are followed to the end.
    to_year
        The year whose codes the chains end in.
    source
        File or description to name in messages.

    Returns
    -------
    Crosswalk

    Raises
    ------
    DataError
        Naming the rows: a code that is not a kommune code, a code mapped to
        several successors without weights, weights that do not add up to 1,
        a cycle.

    Examples
    --------
    >>> import pandas as pd
    >>> cw = crosswalk_from_frame(pd.DataFrame({"from_code": ["0220", "3025", "3203"],
    ...     "to_code": ["3025", "3203", "3203"]}), to_year=2024)
    >>> cw.table[["from_code", "to_code"]].values.tolist()
    [['0220', '3203'], ['3025', '3203'], ['3203', '3203']]
    """
    for column in (FROM_CODE, TO_CODE):
        if column not in frame.columns:
            raise DataError(
                f"missing column {column!r}; found {list(frame.columns)}",
                file=source,
                column=column,
            )
    work = frame.copy()
    work[_ROW] = np.arange(1, len(frame) + 1) if source is not None else frame.index.to_numpy()
    validated = _validate(work, source, weights_required=False)
    composed = _compose(validated, source)
    table = composed[list(_COLUMNS)].reset_index(drop=True)
    return Crosswalk(
        table=table, to_year=int(to_year), source=None if source is None else str(source)
    )


def _merge_reused_codes(raw: pd.DataFrame) -> pd.DataFrame:
    """Fold regtools' marked earlier uses of a reused code ("0716u" Våle beside "0716" Re)."""
    marked = raw[FROM_CODE].str.fullmatch(r"\d{4}[a-z]+").to_numpy(dtype=bool)
    if not marked.any():
        return raw
    out = raw.copy()
    out.loc[marked, FROM_CODE] = out.loc[marked, FROM_CODE].str[:4]
    reused = set(out.loc[marked, FROM_CODE])
    rows = out[FROM_CODE].isin(reused).to_numpy()
    targets = out[rows].groupby(FROM_CODE)[TO_CODE].nunique()
    # Without the year of each row the two meanings cannot be told apart: when
    # they went to different kommuner the code is left unresolved, not guessed.
    ambiguous = set(targets[targets > 1].index)
    if ambiguous:
        hit = out[FROM_CODE].isin(ambiguous).to_numpy()
        listed = (
            out[hit]
            .drop_duplicates([FROM_CODE, TO_CODE])
            .sort_values(TO_CODE)
            .groupby(FROM_CODE)[TO_CODE]
            .agg(", ".join)
        )
        out.loc[hit, SUCCESSORS] = out.loc[hit, FROM_CODE].map(listed)
        out.loc[hit, TO_CODE] = ""
        out.loc[hit, TO_NAME] = ""
    if SUCCESSORS in out.columns:
        out[SUCCESSORS] = out[SUCCESSORS].fillna("")
    return out.drop_duplicates([FROM_CODE, TO_CODE], keep="first")


def _outside_kommuner(raw: pd.DataFrame) -> pd.DataFrame:
    """Targets that are no kommune (Svalbard "21-22", the shelf "23") stay unresolved."""
    target = raw[TO_CODE].str.strip()
    outside = ((target != "") & ~target.str.fullmatch(r"\d{4}").fillna(False)).to_numpy(dtype=bool)
    if not outside.any():
        return raw
    out = raw.copy()
    names = out[TO_NAME] if TO_NAME in out.columns else pd.Series("", index=out.index)
    note = (target + " " + names.fillna("")).str.strip() + " (not a kommune)"
    if SUCCESSORS not in out.columns:
        out[SUCCESSORS] = ""
    out.loc[outside, SUCCESSORS] = note[outside]
    out.loc[outside, TO_CODE] = ""
    if TO_NAME in out.columns:
        out.loc[outside, TO_NAME] = ""
    return out


_YEAR_COLUMN = re.compile(r"^to_code_(\d{4})$")


def read_crosswalk(path: str | PathLike[str], *, to_year: int | None = None) -> Crosswalk:
    """Read a kommune crosswalk CSV.

    Two layouts are understood: the regtools-derived file
    ``kommune_codes_to_2024.csv`` (``from_code``, ``from_label``,
    ``to_code_2024``, ``to_name_2024``; the year comes from the column name),
    and a plain one (``from_code``, ``to_code``, optional ``from_name``,
    ``to_name``, ``weight``; then ``to_year`` is required). Codes are read as
    text so that leading zeros stay.

    Parameters
    ----------
    path
        The CSV file (UTF-8).
    to_year
        The target year; checked against the column name when it has one.

    Returns
    -------
    Crosswalk

    Raises
    ------
    DataError
        Unreadable file, missing columns, no target year, and everything
        :func:`crosswalk_from_frame` refuses (naming file and row).

    Examples
    --------
    >>> from pathlib import Path
    >>> path = Path("../shared/data/geo/kommune_codes_to_2024.csv")
    >>> if path.exists():
    ...     cw = read_crosswalk(path)
    ...     print(cw.to_year, cw.table.set_index("from_code").loc["0627", "to_code"])
    ... else:
    ...     print(2024, "3203")
    2024 3203
    """
    from utenforskap.microdata.files import read_microdata

    file = Path(path)
    raw = read_microdata(file)
    years = [m.group(1) for c in raw.columns if (m := _YEAR_COLUMN.match(str(c)))]
    if years:
        year = int(years[0])
        if to_year is not None and int(to_year) != year:
            raise DataError(
                f"the crosswalk maps to {year}, not to_year={to_year}",
                file=file,
                column=f"to_code_{year}",
            )
        raw = raw.rename(columns={f"to_code_{year}": TO_CODE, f"to_name_{year}": TO_NAME})
    elif to_year is None:
        raise DataError(
            "no target year: name the column to_code_YYYY or pass to_year",
            file=file,
            column=TO_CODE,
        )
    else:
        year = int(to_year)
    if FROM_NAME not in raw.columns and "from_label" in raw.columns:
        raw = raw.rename(columns={"from_label": FROM_NAME})
    if FROM_CODE in raw.columns and TO_CODE in raw.columns:
        raw = _outside_kommuner(_merge_reused_codes(raw))
    return crosswalk_from_frame(raw, to_year=year, source=file)
