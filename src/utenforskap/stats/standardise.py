"""Direct age standardisation with Dobson's interval, and standard populations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError, check_choice
from utenforskap.stats._checks import check_level, check_positive
from utenforskap.stats.intervals import count_ci

__all__ = [
    "DSR_MIN_COUNT",
    "DSR_REASON_COLUMN",
    "compute_dsr",
    "european_standard_population",
    "standard_from_counts",
]

#: A DSR is not computed when the group's total count is below this (PHE rule).
DSR_MIN_COUNT = 10
#: Column of :func:`compute_dsr`'s result saying why a value was not computed.
DSR_REASON_COLUMN = "reason"


def european_standard_population() -> pd.Series:
    """The European Standard Population 2013 in 19 five-year age bands.

    Returns
    -------
    pandas.Series
        Index ``age`` (``"0-4"`` … ``"85-89"``, ``"90+"``), values the standard
        population (summing to 100 000), name ``population``.

    References
    ----------
    Eurostat (2013). Revision of the European Standard Population. Report of
    Eurostat's task force. Methodologies and working papers, Table 3.

    Examples
    --------
    >>> esp = european_standard_population()
    >>> len(esp), int(esp.sum()), int(esp["90+"])
    (19, 100000, 1000)
    """
    source = resources.files("utenforskap") / "datasets" / "esp2013.csv"
    with source.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype={"age": object, "population": float})
    return pd.Series(
        table["population"].to_numpy(dtype=float),
        index=pd.Index(table["age"].to_numpy(dtype=object), name=F.AGE),
        name="population",
    )


def standard_from_counts(
    counts: pd.DataFrame,
    *,
    region: str = "0",
    period: str,
    sex: str = "total",
    indicator: str | None = None,
) -> pd.Series:
    """A standard population taken from a CountFrame's denominators.

    Use it for any other standard, e.g. Norway's population (region ``"0"``) in
    a chosen year, read from SSB's population table into a CountFrame.

    Parameters
    ----------
    counts
        A CountFrame whose ``denominator`` is the population by age band.
    region, period, sex
        Which cells to take.
    indicator
        Which indicator's denominators to take when several are present.

    Returns
    -------
    pandas.Series
        Index ``age``, values the population, name ``population``.

    Raises
    ------
    DataError
        No matching rows, several rows for one age band, or a missing
        denominator.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": ["pop"] * 2, "region": ["0"] * 2,
    ...     "region_name": [""] * 2, "period": ["2024"] * 2, "age": ["16-19", "20-25"],
    ...     "sex": ["total"] * 2, "numerator": [0.0, 0.0],
    ...     "denominator": [260000.0, 420000.0], "status": [""] * 2})
    >>> standard_from_counts(cf, period="2024").to_dict()
    {'16-19': 260000.0, '20-25': 420000.0}
    """
    F.validate_counts(counts)
    mask = (counts[F.REGION] == region) & (counts[F.PERIOD] == period) & (counts[F.SEX] == sex)
    if indicator is not None:
        mask &= counts[F.INDICATOR] == indicator
    rows = counts.loc[mask.to_numpy(dtype=bool)]
    if rows.empty:
        raise DataError(
            f"no rows for region {region!r}, period {period!r}, sex {sex!r}"
            + ("" if indicator is None else f", indicator {indicator!r}")
        )
    duplicated = rows.duplicated(F.AGE).to_numpy()
    if duplicated.any():
        raise DataError(
            "several rows for one age band; choose one with indicator=",
            column=F.AGE,
            row=rows.index[int(np.flatnonzero(duplicated)[0])],
            value=rows[F.AGE].to_numpy(dtype=object)[int(np.flatnonzero(duplicated)[0])],
        )
    population = rows[F.DENOMINATOR].to_numpy(dtype=float)
    if np.isnan(population).any():
        position = int(np.flatnonzero(np.isnan(population))[0])
        raise DataError(
            "the standard population has a missing denominator",
            column=F.DENOMINATOR,
            row=rows.index[position],
        )
    return pd.Series(
        population,
        index=pd.Index(rows[F.AGE].to_numpy(dtype=object), name=F.AGE),
        name="population",
    )


def _standard_series(standard: str | Mapping[str, float] | pd.Series) -> pd.Series:
    if isinstance(standard, str):
        check_choice("standard", standard, ("esp2013",))
        return european_standard_population()
    if isinstance(standard, pd.Series):
        series = standard
    elif isinstance(standard, Mapping):
        series = pd.Series(dict(standard), dtype=float)
    else:
        raise DataError(
            f"standard must be one of 'esp2013', a Series or a mapping; not {standard!r}"
        )
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any() or values.sum() <= 0:
        position = int(np.flatnonzero(bad)[0]) if bad.any() else 0
        raise DataError(
            "standard population must be finite, ≥ 0 and not all 0",
            column="standard",
            row=series.index[position],
            value=series.iloc[position],
        )
    return pd.Series(values, index=series.index.astype(object), name="population")


def compute_dsr(
    data: pd.DataFrame,
    *,
    by: str | Sequence[str],
    age: str = F.AGE,
    standard: str | Mapping[str, float] | pd.Series = "esp2013",
    multiplier: float = 100_000,
    level: float = 0.95,
    numerator: str = F.NUMERATOR,
    denominator: str = F.DENOMINATOR,
) -> pd.DataFrame:
    """Directly age-standardised rates with Dobson's confidence interval, per group.

    ``DSR = Σ wᵢ xᵢ / nᵢ / Σ wᵢ × multiplier`` over the age bands, with
    ``wᵢ`` the standard population. The interval scales Byar's limits of the
    total count ``O = Σ xᵢ`` by the variance of the weighted rate:
    ``DSR ± sqrt(var / O) (O_limit − O)`` with
    ``var = Σ wᵢ² xᵢ / nᵢ² / (Σ wᵢ)²`` (Dobson et al. 1991).

    Age bands are matched by their bounds (``"0–4"`` matches ``"0-4"``); the
    standard is restricted to the bands present in ``counts``, and every group
    must have a row for each of them.

    Parameters
    ----------
    data
        One row per group × age band with event counts and populations.
    by
        Column(s) identifying a group (e.g. ``["indicator", "region", "period",
        "sex"]``).
    age
        Column of age band labels.
    standard
        ``"esp2013"`` (:func:`european_standard_population`), or any standard
        as a Series / mapping from age band to population (e.g.
        :func:`standard_from_counts` for Norway in a chosen year).
    multiplier
        Scale of the rate (100 000 gives per 100 000).
    level
        Confidence level strictly between 0 and 1.
    numerator, denominator
        Columns of event counts and populations.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by ``by``: the ``by`` columns; ``numerator``
        (total count O) and ``denominator`` (total population); ``value`` (the
        DSR); ``ci_lower`` and ``ci_upper``; ``ci_level``; ``ci_method``
        (``"dobson"``); ``reason``: ``""``, ``"total count below 10"`` (value
        and interval NaN, as PHE does) or ``"missing counts"`` (an age band's
        count or population is NaN).

    Raises
    ------
    DataError
        Missing column; an age band not in the standard; a group lacking an age
        band; negative counts; events in an age band with population 0.

    References
    ----------
    Dobson, A. J., Kuulasmaa, K., Eberle, E. & Scherer, J. (1991). Confidence
    intervals for weighted sums of Poisson parameters. Statistics in Medicine
    10, 457-462.
    Public Health England (2018). PHEindicatormethods: ``calculate_dsr``.
    Eayres, D. (2008). Commonly used public health statistics and their
    confidence intervals. APHO Technical Briefing 3.

    Examples
    --------
    >>> import pandas as pd
    >>> esp = european_standard_population()
    >>> data = pd.DataFrame({"area": "A", "age": esp.index,
    ...     "numerator": [5.0] * 19, "denominator": [1000.0] * 19})
    >>> round(float(compute_dsr(data, by="area")["value"].iloc[0]), 6)
    500.0
    """
    groups = [by] if isinstance(by, str) else list(by)
    needed = [*groups, age, numerator, denominator]
    missing_cols = [c for c in needed if c not in data.columns]
    if missing_cols:
        raise DataError(f"missing column {missing_cols[0]!r}", column=missing_cols[0])
    lvl = check_level(level)
    scale = check_positive(multiplier, "multiplier")
    std = _standard_series(standard)
    std_keys = {parse_band(str(label)): float(w) for label, w in std.items()}

    labels = data[age].to_numpy(dtype=object)
    unique_labels = pd.unique(pd.Series(labels, dtype=object))
    label_key = {label: parse_band(str(label)) for label in unique_labels}
    unknown = [label for label, key in label_key.items() if key not in std_keys]
    if unknown:
        position = int(np.flatnonzero(labels == unknown[0])[0])
        raise DataError(
            f"age band not in the standard population (its bands are {list(std.index)})",
            column=age,
            row=data.index[position],
            value=unknown[0],
        )
    band_ids = {key: i for i, key in enumerate(sorted(set(label_key.values())))}
    label_series = pd.Series(labels, dtype=object)
    weight = label_series.map({lb: std_keys[k] for lb, k in label_key.items()}).to_numpy(float)
    band = label_series.map({lb: band_ids[k] for lb, k in label_key.items()}).to_numpy(np.int64)

    x = pd.to_numeric(data[numerator], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(data[denominator], errors="coerce").to_numpy(dtype=float)
    for column, values in ((numerator, x), (denominator, n)):
        text = np.isnan(values) & data[column].notna().to_numpy()
        if text.any():
            position = int(np.flatnonzero(text)[0])
            raise DataError(
                "not a number",
                column=column,
                row=data.index[position],
                value=data[column].iloc[position],
            )
        bad = values < 0
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            raise DataError(
                "counts must not be negative",
                column=column,
                row=data.index[position],
                value=values[position],
            )
    impossible = (n == 0) & (x > 0)
    if impossible.any():
        position = int(np.flatnonzero(impossible)[0])
        raise DataError(
            "events in an age band with population 0",
            column=numerator,
            row=data.index[position],
            value=x[position],
        )

    key_frame = data[groups].reset_index(drop=True)
    work = key_frame.assign(_band=band)
    duplicated = work.duplicated().to_numpy()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        raise DataError(
            "an age band appears twice in one group",
            column=age,
            row=data.index[position],
            value=labels[position],
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n == 0, 0.0, x / n)
        var_term = np.where(n == 0, 0.0, weight * weight * x / (n * n))
    work = key_frame.assign(
        _x=x,
        _n=n,
        _wr=weight * rate,
        _w=weight,
        _v=var_term,
        _missing=np.isnan(x) | np.isnan(n),
        _bands=1,
    )
    grouped = work.groupby(groups, sort=True, dropna=False).agg(
        _x=("_x", "sum"),
        _n=("_n", "sum"),
        _wr=("_wr", "sum"),
        _w=("_w", "sum"),
        _v=("_v", "sum"),
        _missing=("_missing", "any"),
        _bands=("_bands", "sum"),
    )
    n_bands = len(band_ids)
    short = grouped["_bands"].to_numpy() < n_bands
    if short.any():
        position = int(np.flatnonzero(short)[0])
        raise DataError(
            f"group lacks some of the {n_bands} age bands present in the data; "
            "give every group a row (with its count, possibly 0) for each band",
            column=", ".join(groups),
            value=grouped.index[position],
        )
    total = grouped["_x"].to_numpy(dtype=float)
    sum_w = grouped["_w"].to_numpy(dtype=float)
    value = grouped["_wr"].to_numpy(dtype=float) / sum_w
    variance = grouped["_v"].to_numpy(dtype=float) / (sum_w * sum_w)
    missing = grouped["_missing"].to_numpy(dtype=bool)
    too_few = ~missing & (total < DSR_MIN_COUNT)
    ok = ~missing & ~too_few
    safe_total = np.where(ok, total, DSR_MIN_COUNT)
    count_lower, count_upper = count_ci(safe_total, method="byar", level=lvl)
    spread = np.sqrt(variance / safe_total)
    lower = value + spread * (np.asarray(count_lower) - safe_total)
    upper = value + spread * (np.asarray(count_upper) - safe_total)
    out = grouped.index.to_frame(index=False)
    out[F.NUMERATOR] = np.where(missing, np.nan, total)
    out[F.DENOMINATOR] = np.where(missing, np.nan, grouped["_n"].to_numpy(dtype=float))
    out[F.VALUE] = np.where(ok, value * scale, np.nan)
    out[F.CI_LOWER] = np.where(ok, lower * scale, np.nan)
    out[F.CI_UPPER] = np.where(ok, upper * scale, np.nan)
    out[F.CI_LEVEL] = lvl
    out[F.CI_METHOD] = "dobson"
    reason = np.full(len(out), "", dtype=object)
    reason[too_few] = f"total count below {DSR_MIN_COUNT}"
    reason[missing] = "missing counts"
    out[DSR_REASON_COLUMN] = reason
    return out
