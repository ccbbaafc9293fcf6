"""suppress(): apply every disclosure rule to an IndicatorFrame, recording why cells are hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.adjust import HOLM_MARK
from utenforskap.disclosure.cells import (
    REASON_CODE,
    coverage_mask,
    given_coverage_mask,
    primary_reasons,
)
from utenforskap.disclosure.gate import BLANKED, mark
from utenforskap.disclosure.hierarchy import KeyIndex, code_index
from utenforskap.disclosure.linked import series_mask
from utenforskap.disclosure.protection import Protector
from utenforskap.disclosure.relations import KINDS, build
from utenforskap.disclosure.rules import RuleBook, Rules, as_rulebook
from utenforskap.errors import DataError

__all__ = ["suppress"]

_NAMES = np.asarray(F.SUPPRESSION_REASONS, dtype=object)


def _previous_reasons(frame: pd.DataFrame) -> np.ndarray:
    """Reason codes of cells hidden by an earlier run (kept: suppressing twice changes nothing)."""
    hidden = frame[F.SUPPRESSED].to_numpy(dtype=bool)
    reason = frame[F.SUPPRESSION_REASON].to_numpy(dtype=object)
    codes = pd.Series(reason, dtype=object).map(REASON_CODE).fillna(-1).to_numpy(dtype=np.int64)
    bad = hidden & (codes <= 0)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "a suppressed cell has no suppression reason",
            column=F.SUPPRESSION_REASON,
            row=frame.index[position],
            value=reason[position],
            hint=f"use one of {list(F.SUPPRESSION_REASONS[1:])}",
        )
    return np.where(hidden, codes, 0).astype(np.int8)


def _hidden_references(index: KeyIndex, frame: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Published cells compared with a reference cell that is hidden in this table."""
    ref = frame[F.REFERENCE].fillna("").to_numpy(dtype=object)
    ref_code = code_index(index.uniques[F.REGION], ref.astype(str).astype(object))
    ref_row = index.lookup(region=ref_code)
    return (ref_row >= 0) & hidden[np.maximum(ref_row, 0)] & ~hidden


def suppress(
    data: pd.DataFrame,
    rules: Rules | RuleBook | None = None,
    *,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Hide cells that could identify a person, and record which rule hid each.

    The rules act in this order; a cell's reason is the first that hid it.

    1. ``primary``: numerator below ``min_count`` (0 only with
       ``protect_zeros``); ``complement``: denominator − numerator below
       ``min_count``; ``denominator``: denominator below ``min_denominator``.
    2. ``coverage``: sub-municipal cells whose kommune has too large a share of
       the numerator with unknown district (read from the table's own
       unknown-district row ``xxxx99`` and kommune row, or from ``coverage``).
    3. ``secondary``: along every additive relation of the table
       (:func:`~utenforskap.disclosure.relations.relations`: districts,
       bydel and grunnkretser, sex, population groups, age bands, single
       years and pooled spans, kommuner and fylke, fylker and the country;
       virtual residual cells such as an unknown sex included), every hidden
       cell keeps a range that a subtracting attacker, and one who knows the
       reasons, cannot narrow below ``protection_level`` persons (cells hidden
       by a primary rule) or to a single value (the rest): while some
       relation falls short, the published member that gives enough range with
       the smallest denominator is hidden too (then the first in key order).
       Cells with missing counts count as hidden here. See
       :mod:`utenforskap.disclosure.protection`.
    4. ``series``: every cell of an indicator × region × age × sex series in
       which more than ``series_share`` of the periods are hidden; steps 3
       and 4 repeat until nothing changes.

    Hidden cells keep their row; their counts, value, interval, reference
    value and p-value are blanked (NaN) and ``comparison`` becomes
    ``not_tested``. A published cell whose reference cell is hidden loses its
    reference value, p-value and comparison the same way. A frame from
    ``compute_indicators(holm=True)`` gets its Holm adjustment redone over the
    published cells (:func:`utenforskap.adjust.holm_published`). Cells
    already hidden in the input stay hidden with their reason, so suppressing
    twice changes nothing.

    Parameters
    ----------
    data
        An IndicatorFrame (:data:`utenforskap.frames.INDICATOR_COLUMNS`).
    rules
        A :class:`Rules` for all indicators, a :class:`RuleBook` with
        per-indicator rules, or None for the defaults.
    coverage
        The district coverage of the counts the table was computed from, as
        :func:`utenforskap.geo.rollup_levels` (or
        :func:`~utenforskap.geo.district_coverage`) returns it; the coverage
        rule then reads the unknown-district shares from it instead of from
        the table's own rows. It must have a row for every sub-municipal cell.

    Returns
    -------
    pandas.DataFrame
        The same rows, index and column order, with ``suppressed`` (bool) and
        ``suppression_reason`` (``primary`` / ``complement`` / ``denominator``
        / ``secondary`` / ``series`` / ``coverage`` / ``""``) filled, hidden
        cells blanked as above, and the rules recorded in ``attrs`` for
        :func:`require_disclosed`.

    Raises
    ------
    DataError
        The frame breaks the IndicatorFrame contract, or a suppressed cell has
        no reason.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley
    (primary and secondary cell suppression in hierarchical tables).
    Folkehelseinstituttet, Kommunehelsa statistikkbank: prikking and the
    unknown-district coverage rule for bydel figures.

    Examples
    --------
    >>> import pandas as pd
    >>> row = dict(indicator="neet", region="3203", region_name="", period="2023",
    ...     age="16-25", sex="total", numerator=3.0, denominator=80.0, status="",
    ...     value=3.75, ci_lower=1.3, ci_upper=10.5, ci_level=0.95, ci_method="wilson",
    ...     reference="", reference_value=float("nan"), comparison="not_tested",
    ...     p_value=float("nan"), suppressed=False, suppression_reason="")
    >>> out = suppress(pd.DataFrame([row]))
    >>> print(out.loc[0, "suppressed"], out.loc[0, "suppression_reason"], out.loc[0, "value"])
    True primary nan
    """
    indicators = data
    book = as_rulebook(rules)
    out = F.validate_indicators(indicators).copy()
    if len(out) == 0:
        mark(out, book)
        return out
    index = KeyIndex(out)
    per_row = book.per_row(out[F.INDICATOR].to_numpy(dtype=object))
    x = out[F.NUMERATOR].to_numpy(dtype=float, na_value=np.nan)
    n = out[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)

    reason = _previous_reasons(out)
    fresh = reason == 0
    reason[fresh] = primary_reasons(x, n, per_row)[fresh]
    by_coverage = (
        coverage_mask(index, x, n, per_row)
        if coverage is None
        else given_coverage_mask(out, coverage, per_row)
    )
    reason[(reason == 0) & by_coverage] = REASON_CODE["coverage"]

    built = build(index, x, n)
    per_cell = {k: np.concatenate([v, v[built.virtual_parent]]) for k, v in per_row.items()}
    rank = index.rank()
    span = len(KINDS) * 16
    virtual_rank = len(out) + rank[built.virtual_parent] * span + built.virtual_order
    protector = Protector(
        built.matrix,
        built.numerator,
        built.denominator,
        len(out),
        per_cell,
        np.concatenate([rank, virtual_rank]),
        trusted=~fresh,
        outside=F.is_published(out),
    )
    protector.run(reason, REASON_CODE["secondary"])
    while True:
        more = series_mask(index, reason != 0, per_row["series_share"]) & (reason == 0)
        if not more.any():
            break
        reason[more] = REASON_CODE["series"]
        protector.run(reason, REASON_CODE["secondary"], check=np.flatnonzero(more))

    hidden = reason != 0
    orphaned = _hidden_references(index, out, hidden)
    positions = np.flatnonzero(hidden)
    for column in BLANKED:
        values = out[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
        values[positions] = np.nan
        if column in (F.REFERENCE_VALUE, F.P_VALUE):
            values[orphaned] = np.nan
        out[column] = values
    comparison = out[F.COMPARISON].to_numpy(dtype=object, copy=True)
    comparison[hidden | orphaned] = "not_tested"
    out[F.COMPARISON] = pd.Series(comparison, index=out.index).astype(out[F.COMPARISON].dtype)
    out[F.SUPPRESSED] = hidden
    out[F.SUPPRESSION_REASON] = pd.Series(_NAMES[reason], index=out.index).astype(
        out[F.SUPPRESSION_REASON].dtype
    )
    mark(out, book)
    holm_level = indicators.attrs.get(HOLM_MARK)
    if isinstance(holm_level, float):
        # Holm's adjustment spans a family: redo it over the published cells only.
        from utenforskap.adjust import holm_published

        out = holm_published(out, level=holm_level)
    return out
