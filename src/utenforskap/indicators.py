"""CountFrame → IndicatorFrame: values, intervals and comparison with a reference."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap import frames as F
from utenforskap.adjust import HOLM_MARK, is_part_of
from utenforskap.errors import DataError, UtenforskapWarning, check_choice
from utenforskap.geo.catalogue import region_names
from utenforskap.geo.codes import parent_code
from utenforskap.stats._checks import check_level, check_positive
from utenforskap.stats.compare import compare_with_reference
from utenforskap.stats.intervals import PROPORTION_METHODS, proportion_ci

__all__ = [
    "GROUP_COMPARISON_COLUMNS",
    "REFERENCE_RULES",
    "add_published_rates",
    "compare_groups",
    "compare_rates",
    "compute_indicators",
    "default_reference",
]

#: Named reference rules for :func:`compute_indicators`: ``"default"`` compares
#: districts with their kommune and kommuner and fylker with the whole country;
#: ``"parent"`` compares every region with its parent (kommune → fylke).
REFERENCE_RULES: tuple[str, ...] = ("default", "parent")


def default_reference(regions: npt.ArrayLike) -> np.ndarray:
    """The default reference region of each region code.

    Bydel, grunnkrets and levekårssone → their kommune; kommune and fylke →
    land (``"0"``); land → none (``""``).

    Parameters
    ----------
    regions
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Object array of reference codes.

    Examples
    --------
    >>> default_reference(["030101", "1103010001", "0301", "03", "0"]).tolist()
    ['0301', '1103', '0', '0', '']
    """
    parents = parent_code(regions)
    codes = pd.Series(np.asarray(regions, dtype=object), dtype=object).astype(str)
    lengths = codes.str.len().to_numpy()
    return np.where((lengths == 4) | (lengths == 2), "0", parents).astype(object)


def _references(regions: np.ndarray, reference: str | Mapping[str, str] | None) -> np.ndarray:
    if reference is None or reference == "default":
        return default_reference(regions)
    if reference == "parent":
        return parent_code(regions)
    if isinstance(reference, str):
        if not reference.isdigit():
            choices = ", ".join(repr(r) for r in REFERENCE_RULES)
            raise DataError(
                f"reference must be one of {choices}, a region code or a mapping; not {reference!r}"
            )
        return np.full(len(regions), reference, dtype=object)
    if isinstance(reference, Mapping):
        mapped = pd.Series(regions, dtype=object).map(dict(reference))
        return mapped.fillna("").astype(object).to_numpy(dtype=object)
    raise DataError(f"reference must be a rule name, a region code or a mapping; not {reference!r}")


def _warn_missing_references(
    cells: pd.DataFrame, regions: np.ndarray, ref: np.ndarray, absent: np.ndarray, *, chosen: bool
) -> None:
    """Name the reference rows a comparison needs and the counts do not hold.

    Districts without their kommune's row are always named (the usual slip:
    only district rows passed). Other regions are named when the reference
    was chosen (a code or a table), or when the reference region has rows
    but not the cells needed (a country without figures by sex); a frame
    without any row of the country simply compares nothing with it.
    Each kind of gap is one warning.
    """
    ref_text = ref.astype(str)
    codes = regions.astype(str)
    absent = absent & (ref_text != "") & (ref_text != codes)
    if not absent.any():
        return
    lengths = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
    districts = absent & (lengths > 4) & is_part_of(regions, ref)
    if not chosen:
        absent = districts | (absent & np.isin(ref_text, np.unique(codes)))
    for mask, kind, what, fix in (
        (
            districts,
            "districts.without_kommune",
            "districts have no row of their kommune",
            "roll the districts up first (rollup_levels), with the unknown district xxxx99",
        ),
        (
            absent & ~districts,
            "reference.missing",
            "regions have no row of their reference",
            "add the reference's counts, or choose another reference",
        ),
    ):
        if not mask.any():
            continue
        missing = sorted(set(ref_text[mask]))
        names = [
            f"{n} ({c})" if n else c for c, n in zip(missing, region_names(missing), strict=True)
        ]
        first = int(np.flatnonzero(mask)[0])
        example = ", ".join(f"{c} {v}" for c, v in cells.iloc[first].items())
        warnings.warn(
            UtenforskapWarning(
                f"{int(mask.sum())} cells of {len(set(codes[mask]))} {what} "
                f"({', '.join(names[:10])}) in the counts, e.g. {codes[first]} for {example}; "
                f"they are not compared ('not_tested'); {fix}",
                kind,
            ),
            stacklevel=3,
        )


def compute_indicators(
    data: pd.DataFrame,
    *,
    method: str = "wilson",
    level: float = 0.95,
    multiplier: float = 100.0,
    reference: str | Mapping[str, str] | None = None,
    holm: bool = False,
) -> pd.DataFrame:
    """Turn a CountFrame into an IndicatorFrame.

    Pool years first with :func:`utenforskap.periods.pool_periods` when an
    indicator is to be shown as multi-year figures; this function works on
    whatever periods the CountFrame holds.

    Parameters
    ----------
    data
        A valid CountFrame (see :mod:`utenforskap.frames`).
    method
        Interval method for proportions: ``"wilson"``, ``"clopper-pearson"`` or
        ``"jeffreys"`` (see :func:`utenforskap.stats.proportion_ci`).
    level
        Confidence level for intervals and comparisons, strictly between 0 and 1.
    multiplier
        Scale of ``value`` and the interval (100 gives percent).
    reference
        Which region each row is compared with. ``None`` or ``"default"``:
        bydel, grunnkrets and levekårssone → their kommune, kommune and fylke →
        land (``"0"``). ``"parent"``: each region's parent (kommune → fylke). A
        region code (e.g. ``"0"``): every row against that region. A mapping
        region → reference region: regions not in it are not compared.
        A region that is part of its reference is compared with the *rest* of
        the reference (reference minus region), so the two groups are
        independent; otherwise as two independent samples. A row of a
        population group (``group`` other than ``"total"``) is compared with
        the same group in its reference region (the immigrants of a kommune
        with the country's immigrants); :func:`compare_groups` compares it
        with the rest of its own region's population.
    holm
        Apply Holm's correction for the many comparisons within each
        indicator × period × age × sex (the regions of one chart). Off by
        default; when on, ``p_value`` holds the adjusted p-values. A family's
        adjustment depends on every p-value in it, so after disclosure control
        it is redone over the published cells only (:func:`~utenforskap.adjust.holm_published`;
        :func:`~utenforskap.disclosure.suppress` does it for a frame that
        carries this function's record in ``attrs``).

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame with exactly :data:`utenforskap.frames.INDICATOR_COLUMNS`,
        sorted by key: the CountFrame columns; ``value`` = numerator /
        denominator × multiplier; ``ci_lower`` and ``ci_upper`` on the same
        scale; ``ci_level`` (``level``) and ``ci_method`` (``method``);
        ``reference`` (the reference code, ``""`` when none) and
        ``reference_value``; ``comparison`` (``higher`` / ``lower`` /
        ``similar`` / ``not_tested``) from the two-sided pooled z-test and its
        ``p_value``; ``suppressed`` False and ``suppression_reason`` ""
        (disclosure control is a separate step). Rows with missing counts (a
        status symbol) or a denominator of 0 get NaN value and interval and
        ``not_tested``; so do rows whose reference is not in ``counts``.

    Raises
    ------
    DataError
        An invalid CountFrame, method, level, multiplier or reference.

    References
    ----------
    See :func:`utenforskap.stats.proportion_ci` and
    :func:`utenforskap.stats.compare_with_reference`.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": "neet", "region": ["0301", "030101"],
    ...     "region_name": "", "period": "2023", "age": "16-25", "sex": "total",
    ...     "numerator": [900.0, 150.0], "denominator": [10000.0, 1000.0], "status": ""})
    >>> compute_indicators(cf)[["region", "value", "comparison"]].to_numpy().tolist()
    [['0301', 9.0, 'not_tested'], ['030101', 15.0, 'higher']]
    """
    counts = data
    check_choice("method", method, PROPORTION_METHODS)
    lvl = check_level(level)
    scale = check_positive(multiplier, "multiplier")
    if not isinstance(holm, bool):
        raise DataError(f"holm must be True or False; not {holm!r}")
    counts = F.validate_counts(counts)
    out = counts.reset_index(drop=True)[list(F.COUNT_COLUMNS)].copy()
    x = out[F.NUMERATOR].to_numpy(dtype=float)
    n = out[F.DENOMINATOR].to_numpy(dtype=float)
    # A cell with no population has no proportion; it is shown as missing.
    n = np.where(n == 0, np.nan, n)
    lower, upper = proportion_ci(x, n, method=method, level=lvl)
    out[F.VALUE] = x / n * scale
    out[F.CI_LOWER] = np.asarray(lower) * scale
    out[F.CI_UPPER] = np.asarray(upper) * scale
    out[F.CI_LEVEL] = lvl
    out[F.CI_METHOD] = method

    regions = out[F.REGION].to_numpy(dtype=object)
    ref = _references(regions, reference)
    out[F.REFERENCE] = ref
    cell = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]
    ref_counts = out[[*cell, F.REGION, F.NUMERATOR, F.DENOMINATOR]].rename(
        columns={F.REGION: F.REFERENCE, F.NUMERATOR: "_rx", F.DENOMINATOR: "_rn"}
    )
    merged = out[[*cell, F.REFERENCE]].merge(
        ref_counts, on=[*cell, F.REFERENCE], how="left", indicator="_found"
    )
    _warn_missing_references(
        out[cell],
        regions,
        ref,
        merged["_found"].to_numpy(dtype=object) == "left_only",
        chosen=reference not in (None, "default", "parent"),
    )
    rx = merged["_rx"].to_numpy(dtype=float)
    rn = merged["_rn"].to_numpy(dtype=float)
    rn = np.where(rn == 0, np.nan, rn)
    own = regions.astype(str) == ref.astype(str)
    groups = out.groupby(cell, sort=False).ngroup().to_numpy()
    result = compare_with_reference(
        np.where(own, np.nan, x),
        n,
        rx,
        rn,
        nested=is_part_of(regions, ref),
        level=lvl,
        correction="holm" if holm else None,
        groups=groups,
    )
    out[F.REFERENCE_VALUE] = result[F.REFERENCE_VALUE].to_numpy(dtype=float) * scale
    out[F.COMPARISON] = result[F.COMPARISON].to_numpy(dtype=object)
    out[F.P_VALUE] = result[F.P_VALUE].to_numpy(dtype=float)
    out[F.SUPPRESSED] = False
    out[F.SUPPRESSION_REASON] = ""
    result = F.sort_frame(out[list(F.INDICATOR_COLUMNS)])
    if holm:
        result.attrs[HOLM_MARK] = lvl
    return result


#: Columns of :func:`compare_groups`: the cell, its value, the rest of the
#: population's value, and the comparison of the two.
GROUP_COMPARISON_COLUMNS: tuple[str, ...] = (
    *F.KEY_COLUMNS[:2],
    F.REGION_NAME,
    *F.KEY_COLUMNS[2:],
    F.VALUE,
    "rest_value",
    F.P_VALUE,
    F.COMPARISON,
)
_CELL = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]


def _indicator_frame(
    rates: pd.DataFrame, reference: str | Mapping[str, str] | None
) -> pd.DataFrame:
    """Published-rate rows in the IndicatorFrame layout: no counts, the publisher's numbers."""
    from utenforskap.io.rates import RATE_COLUMNS

    missing = [c for c in RATE_COLUMNS if c not in rates.columns and c != "measure"]
    if missing:
        raise DataError(
            f"missing column {missing[0]!r}; a published-rate frame has the columns "
            f"{list(RATE_COLUMNS)} (see utenforskap.io.observations_to_rates)",
            column=missing[0],
        )
    n = len(rates)
    out = pd.DataFrame(
        {c: rates[c].astype(object).to_numpy(dtype=object) for c in F.TEXT_COLUMNS if c != F.STATUS}
    )
    out[F.NUMERATOR] = np.full(n, np.nan)
    out[F.DENOMINATOR] = np.full(n, np.nan)
    out[F.STATUS] = rates[F.STATUS].astype(object).to_numpy(dtype=object)
    for column in (F.VALUE, F.CI_LOWER, F.CI_UPPER, F.CI_LEVEL):
        out[column] = pd.to_numeric(rates[column], errors="coerce").to_numpy(dtype=float)
    out[F.CI_METHOD] = np.full(n, F.PUBLISHED, dtype=object)
    # Where the publisher hid the value, nothing of the cell is shown.
    hidden = F.publisher_hidden(out)
    for column in (F.VALUE, F.CI_LOWER, F.CI_UPPER, F.CI_LEVEL):
        out.loc[hidden, column] = np.nan
    regions = out[F.REGION].to_numpy(dtype=object)
    out[F.REFERENCE] = _references(regions, reference) if n else np.array([], dtype=object)
    out[F.REFERENCE_VALUE] = np.full(n, np.nan)
    out[F.COMPARISON] = np.full(n, "not_tested", dtype=object)
    out[F.P_VALUE] = np.full(n, np.nan)
    out[F.SUPPRESSED] = np.zeros(n, dtype=bool)
    out[F.SUPPRESSION_REASON] = np.full(n, "", dtype=object)
    return out[list(F.INDICATOR_COLUMNS)]


def add_published_rates(
    data: pd.DataFrame,
    rates: pd.DataFrame,
    *,
    reference: str | Mapping[str, str] | None = None,
    level: float = 0.95,
    holm: bool = False,
) -> pd.DataFrame:
    """Join published rates (FHI, Ungdata: no counts) to an IndicatorFrame, and compare them.

    A published rate keeps the publisher's value, interval (NaN when the
    publisher gives none; never invented) and status symbol, with
    ``ci_method = "published"`` (:data:`utenforskap.frames.PUBLISHED`) and no
    counts. Its reference follows the same rule as counted rows; the
    comparison is made by :func:`compare_rates`.

    Parameters
    ----------
    data
        An IndicatorFrame (:func:`compute_indicators`), possibly empty.
    rates
        Published rates as :func:`utenforskap.io.observations_to_rates` returns
        them (its ``measure`` column is not part of an IndicatorFrame: the
        run keeps it in its source table).
    reference, level, holm
        As :func:`compute_indicators`.

    Returns
    -------
    pandas.DataFrame
        The IndicatorFrame with the rate rows added, sorted by key.

    Raises
    ------
    DataError
        A cell given both as counts and as a published rate, or a rate frame
        without the published-rate columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.io import RateMapping, observations_to_rates
    >>> obs = pd.DataFrame({"GEO": ["0", "4003"], "AAR": ["2021_2023"] * 2,
    ...     "value": [9.0, 11.0], "status": ["", ""]})
    >>> rates = observations_to_rates(obs, RateMapping("persistent_low_income_children",
    ...     "GEO", "AAR", default_age="0-17"))
    >>> frame = add_published_rates(compute_indicators(rates.iloc[:0].assign(
    ...     numerator=0.0, denominator=0.0)[list(F.COUNT_COLUMNS)]), rates)
    >>> frame[["region", "value", "ci_method", "reference", "comparison"]].values.tolist()
    [['0', 9.0, 'published', '', 'not_tested'], ['4003', 11.0, 'published', '0', 'not_tested']]
    """
    lvl = check_level(level)
    published = _indicator_frame(rates, reference)
    if published.empty:
        return data
    both = pd.concat([data, published], ignore_index=True) if len(data) else published
    twice = both.duplicated(list(F.KEY_COLUMNS), keep=False).to_numpy()
    if twice.any():
        row = both.loc[twice].iloc[0]
        raise DataError(
            "the same cell is given as counts and as a published rate; give each "
            "indicator × region × period × age × sex × group once",
            column=", ".join(F.KEY_COLUMNS),
            value={c: row[c] for c in F.KEY_COLUMNS},
        )
    return F.sort_frame(compare_rates(both, level=lvl, holm=holm))


def compare_rates(data: pd.DataFrame, *, level: float = 0.95, holm: bool = False) -> pd.DataFrame:
    """Compare published rates with their reference from the published intervals.

    Rows whose value or whose reference's value is a published rate
    (``ci_method = "published"``) cannot be tested from counts. They are
    tested only when both the row and its reference show an interval: each
    interval gives a standard error, ``se = (upper − lower) / (2 z)`` with
    ``z`` the normal quantile of the interval's own ``ci_level``, and the
    difference is tested with ``z = (value − reference_value) / √(se² + se_ref²)``
    (two-sided). Whether two intervals overlap is not used: it is not a
    test at any stated level. The test treats the two estimates as
    independent; for a region inside its reference (a kommune and the
    country) the covariance is positive, so the true variance of the
    difference is smaller and the test is conservative (it finds fewer
    differences, never more, than an exact test would at the same level).
    A row without an interval on either side (most published rates) is
    ``not_tested``. Other rows are left as they are.

    Parameters
    ----------
    data
        An IndicatorFrame whose ``reference`` column is set.
    level
        Level of the comparison: a difference counts when p < 1 − level.
    holm
        Holm's correction over these interval-based tests within each
        indicator × period × age × sex × group (apart from the count-based
        tests of :func:`compute_indicators`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``reference_value``, ``p_value`` and
        ``comparison`` set for the rows involving a published rate.

    References
    ----------
    Altman, D. G. and Bland, J. M. (2003). Interaction revisited: the
    difference between two estimates. BMJ 326, 219 (the difference of two
    estimates from their confidence intervals). With Wald intervals this is
    the unpooled two-proportion Wald test
    (``statsmodels.stats.proportion.test_proportions_2indep(method="wald")``).

    Examples
    --------
    >>> import pandas as pd
    >>> row = dict(indicator="school_wellbeing", period="2023", age="10 trinn", sex="total",
    ...     group="total", region_name="", numerator=float("nan"),
    ...     denominator=float("nan"), status="", ci_level=0.95, ci_method="published",
    ...     reference_value=float("nan"), comparison="not_tested", p_value=float("nan"),
    ...     suppressed=False, suppression_reason="")
    >>> frame = pd.DataFrame([
    ...     {**row, "region": "0", "value": 80.0, "ci_lower": 79.8, "ci_upper": 80.2,
    ...      "reference": ""},
    ...     {**row, "region": "4003", "value": 74.0, "ci_lower": 71.0, "ci_upper": 77.0,
    ...      "reference": "0"}])
    >>> compare_rates(frame)["comparison"].tolist()
    ['not_tested', 'lower']
    """
    from scipy import stats as st

    lvl = check_level(level)
    out = data.copy()
    if out.empty:
        return out
    keys = out[_CELL].reset_index(drop=True).assign(**{F.REFERENCE: out[F.REFERENCE].fillna("")})
    columns = [F.VALUE, F.CI_LOWER, F.CI_UPPER, F.CI_LEVEL, F.CI_METHOD]
    refs = (
        out[[*_CELL, F.REGION, *columns]]
        .reset_index(drop=True)
        .rename(columns={F.REGION: F.REFERENCE, **{c: f"_r{c}" for c in columns}})
    )
    merged = keys.merge(refs, on=[*_CELL, F.REFERENCE], how="left")
    found = (
        merged[f"_r{F.VALUE}"].notna().to_numpy() | merged[f"_r{F.CI_METHOD}"].notna().to_numpy()
    )
    own = out[F.REGION].to_numpy(dtype=object) == out[F.REFERENCE].fillna("").to_numpy(dtype=object)
    involved = (
        found
        & ~own
        & (F.is_published(out) | (merged[f"_r{F.CI_METHOD}"].to_numpy(dtype=object) == F.PUBLISHED))
    )
    if not involved.any():
        return out

    def se(lower: np.ndarray, upper: np.ndarray, levels: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (upper - lower) / (2.0 * st.norm.ppf((1.0 + levels) / 2.0))

    def numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
        return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)

    value, ref_value = numbers(out, F.VALUE), numbers(merged, f"_r{F.VALUE}")
    se_own = se(numbers(out, F.CI_LOWER), numbers(out, F.CI_UPPER), numbers(out, F.CI_LEVEL))
    se_ref = se(
        numbers(merged, f"_r{F.CI_LOWER}"),
        numbers(merged, f"_r{F.CI_UPPER}"),
        numbers(merged, f"_r{F.CI_LEVEL}"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.sqrt(se_own**2 + se_ref**2)
        z = (value - ref_value) / spread
        p = 2.0 * st.norm.sf(np.abs(z))
    p = np.where(involved & np.isfinite(z) & (spread > 0), p, np.nan)
    if holm:
        from utenforskap.stats.compare import holm as holm_adjust

        families = out.groupby(_CELL, sort=False).ngroup().to_numpy()
        p = np.where(involved, holm_adjust(p, families), np.nan)
    from utenforskap.stats.compare import classify

    comparison = classify(value, ref_value, p, level=lvl)
    for column, values in (
        (F.REFERENCE_VALUE, ref_value),
        (F.P_VALUE, p),
        (F.COMPARISON, comparison),
    ):
        current = out[column].to_numpy(dtype=object if column == F.COMPARISON else float, copy=True)
        current[involved] = values[involved]
        out[column] = current
    return out


def compare_groups(
    data: pd.DataFrame,
    *,
    level: float = 0.95,
    holm: bool = False,
    multiplier: float = 100.0,
) -> pd.DataFrame:
    """Compare each population group with the rest of the population in the same region.

    A group (``group`` other than ``"total"``, e.g. immigrants) is part of
    its region's whole population (the ``"total"`` row), so it is compared
    with the *rest*: total minus the group, an independent sample (the same
    nested test as a district against the rest of its kommune). The other
    comparison of a group, with the same group in the reference region
    (kommune → the country, district → the rest of its kommune), is the
    IndicatorFrame's own ``comparison`` (see :func:`compute_indicators`).

    Only cells that show counts are compared: a hidden group or a hidden
    total gives ``not_tested`` and no rest value (the rest of a hidden total
    would reveal it), and so do published rates (no counts, no rest).

    Parameters
    ----------
    data
        An IndicatorFrame (after disclosure control, for anything shown).
    level
        Confidence level of the test.
    holm
        Holm's correction over the groups of each indicator × region ×
        period × age × sex.
    multiplier
        Scale of ``rest_value`` (100: percent, as ``value``).

    Returns
    -------
    pandas.DataFrame
        One row per group row of ``data`` (:data:`GROUP_COMPARISON_COLUMNS`):
        the key columns and ``region_name``, ``value`` (the group's),
        ``rest_value`` (the rest of the population's, NaN when not tested),
        ``p_value`` (two-sided pooled z-test) and ``comparison`` (``higher``
        / ``lower`` / ``similar`` than the rest, or ``not_tested``); sorted by key.

    References
    ----------
    The pooled two-proportion z-test of :func:`utenforskap.stats.compare_with_reference`
    (as ``statsmodels.stats.proportion.proportions_ztest`` of the group against the rest).

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": "neet", "region": "9901", "region_name": "",
    ...     "period": "2024", "age": "16-25", "sex": "total",
    ...     "group": ["total", "immigrants"], "numerator": [300.0, 90.0],
    ...     "denominator": [3000.0, 500.0], "status": ""})
    >>> out = compare_groups(compute_indicators(cf))
    >>> out[["group", "value", "rest_value", "comparison"]].values.tolist()
    [['immigrants', 18.0, 8.4, 'higher']]
    """
    lvl = check_level(level)
    scale = check_positive(multiplier, "multiplier")
    frame = F.with_group(data)
    place = [F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX]
    is_total = frame[F.GROUP].to_numpy(dtype=object) == F.GROUP_TOTAL
    parts = frame.loc[~is_total].reset_index(drop=True)
    totals = frame.loc[is_total, [*place, F.NUMERATOR, F.DENOMINATOR]].rename(
        columns={F.NUMERATOR: "_tx", F.DENOMINATOR: "_tn"}
    )
    merged = parts[place].merge(totals, on=place, how="left")
    x = pd.to_numeric(parts[F.NUMERATOR], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(parts[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float)
    tx = merged["_tx"].to_numpy(dtype=float)
    tn = merged["_tn"].to_numpy(dtype=float)
    n = np.where(n == 0, np.nan, n)
    families = parts.groupby(place, sort=False).ngroup().to_numpy() if len(parts) else None
    result = compare_with_reference(
        x,
        n,
        tx,
        tn,
        nested=True,
        level=lvl,
        correction="holm" if holm else None,
        groups=families,
    )
    p = result[F.P_VALUE].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest = np.where(np.isnan(p), np.nan, (tx - x) / (tn - n) * scale)
    out = parts[[F.INDICATOR, F.REGION, F.REGION_NAME, F.PERIOD, F.AGE, F.SEX, F.GROUP]].copy()
    out[F.VALUE] = pd.to_numeric(parts[F.VALUE], errors="coerce").to_numpy(dtype=float)
    out["rest_value"] = rest
    out[F.P_VALUE] = p
    out[F.COMPARISON] = result[F.COMPARISON].to_numpy(dtype=object)
    return F.sort_frame(out[list(GROUP_COMPARISON_COLUMNS)])
