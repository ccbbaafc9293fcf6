"""Publish again what the audit shows need not be hidden: less information lost."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from utenforskap import frames as F
from utenforskap.disclosure.relations import VIRTUAL, relations
from utenforskap.disclosure.rules import RuleBook, Rules

__all__ = ["release_secondary"]

#: Only cells hidden to protect others can be published again; the primary
#: rules, the series and coverage rules are never undone.
RELEASABLE = ("secondary",)


def _blocks(matrix: sp.csr_matrix, unknown: np.ndarray) -> np.ndarray:
    """Block of each cell: unknown cells linked through shared relations (−1 when known)."""
    cols = sp.csr_matrix(abs(matrix))[:, np.flatnonzero(unknown)]
    _, label = connected_components(cols.T @ cols, directed=False)
    out = np.full(len(unknown), -1, dtype=np.int64)
    out[unknown] = label
    return out


def _restore(published: pd.DataFrame, truth: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``published`` with ``rows`` (positions) shown again as in ``truth``."""
    from utenforskap.disclosure.control import _hidden_references
    from utenforskap.disclosure.gate import BLANKED
    from utenforskap.disclosure.hierarchy import KeyIndex

    out = published.copy()
    for column in (*BLANKED, F.COMPARISON):
        values = out[column].to_numpy(dtype=object if column == F.COMPARISON else float, copy=True)
        values[rows] = truth[column].to_numpy()[rows]
        out[column] = pd.Series(values, index=out.index).astype(published[column].dtype)
    hidden = out[F.SUPPRESSED].to_numpy(dtype=bool, copy=True)
    hidden[rows] = False
    reason = out[F.SUPPRESSION_REASON].to_numpy(dtype=object, copy=True)
    reason[rows] = ""
    out[F.SUPPRESSED] = hidden
    out[F.SUPPRESSION_REASON] = pd.Series(reason, index=out.index).astype(
        published[F.SUPPRESSION_REASON].dtype
    )
    # A shown cell compared with a hidden reference keeps no comparison.
    orphaned = _hidden_references(KeyIndex(F.with_group(out)), out, hidden)
    again = np.zeros(len(out), dtype=bool)
    again[rows] = True
    again &= orphaned
    if again.any():
        for column in (F.REFERENCE_VALUE, F.P_VALUE):
            values = out[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
            values[again] = np.nan
            out[column] = values
        comparison = out[F.COMPARISON].to_numpy(dtype=object, copy=True)
        comparison[again] = "not_tested"
        out[F.COMPARISON] = pd.Series(comparison, index=out.index).astype(
            published[F.COMPARISON].dtype
        )
    out.attrs = dict(published.attrs)
    return out


def release_secondary(
    data: pd.DataFrame,
    truth: pd.DataFrame,
    rules: Rules | RuleBook | None = None,
    *,
    rounds: int = 8,
    coverage: pd.DataFrame | None = None,
    jobs: int = 1,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Show again the secondary cells whose hiding the audit shows is not needed.

    Secondary suppression hides cells one relation at a time and so hides
    more than the whole system of relations needs. Here each block of
    hidden cells (hidden counts linked through shared relations: they are
    protected or disclosed together, independently of every other block)
    tries to show again its secondary cell with the largest denominator
    not yet tried; the blocks' trials are audited together against the true
    counts (:func:`~utenforskap.disclosure.audit.audit_disclosure`, only the
    cells of the blocks touched), and a trial is kept where its block has no
    cell short of protection, else the cell is hidden again. ``rounds``
    trials per block at most (the largest denominators first: they carry
    most of the information).

    Showing a cell can only narrow intervals in its own block, so the
    guarantee of the audit holds for the result. Secondary suppression then
    runs once more with the new pattern as given
    (:func:`~utenforskap.disclosure.suppress`, as after
    :func:`~utenforskap.disclosure.audit.protect_more`), so that every relation again
    protects its hidden cells against the subtracting attacker and the one
    who knows the reasons (which the audit does not model); that can only
    hide more. The caller audits the whole table once more before
    publishing it (:func:`~utenforskap.disclosure.audit.suppress_audited`
    does).

    Parameters
    ----------
    data
        A suppressed IndicatorFrame that passes the audit.
    truth
        The IndicatorFrame before suppression (same rows, same order).
    rules
        The rules it was suppressed with.
    rounds
        Trials per block at most.
    coverage
        As for :func:`~utenforskap.disclosure.suppress`.
    jobs
        As in :func:`~utenforskap.disclosure.audit.audit_disclosure`.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The table with fewer cells hidden, and ``released`` (cells shown
        again and not hidden again by the last suppression), ``tried``,
        ``rounds`` (audits made).

    Raises
    ------
    ValueError
        ``truth`` does not have ``data``'s rows in the same order.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    section 4.4 (cell suppression: the information loss of a pattern, and
    removing unneeded secondary suppressions from a feasible pattern).
    """
    from utenforskap.disclosure.audit import audit_disclosure

    keys = list(F.KEY_COLUMNS)
    left, right = F.with_group(data)[keys], F.with_group(truth)[keys]
    if len(left) != len(right) or not (left.to_numpy() == right.to_numpy()).all():
        raise ValueError("the true table must have the published table's rows in the same order")
    published = data
    n_rows = len(published)
    denominator = truth[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)
    tried = np.zeros(n_rows, dtype=bool)
    released = 0
    audits = 0
    for _ in range(rounds):
        hidden = published[F.SUPPRESSED].to_numpy(dtype=bool)
        reason = published[F.SUPPRESSION_REASON].to_numpy(dtype=object)
        candidate = hidden & np.isin(reason, RELEASABLE) & ~tried & np.isfinite(denominator)
        if not candidate.any():
            break
        rel = relations(F.with_group(published))
        unknown = np.isnan(rel.cells[F.NUMERATOR].to_numpy(dtype=float))
        block = _blocks(sp.csr_matrix(rel.matrix), unknown)
        rows = np.flatnonzero(candidate)
        # In each block, the untried candidate with the largest denominator (then the first).
        order = rows[np.lexsort((rows, -denominator[rows]))]
        _, first = np.unique(block[order], return_index=True)
        trial = order[first]
        tried[trial] = True
        touched = np.isin(block, block[trial])
        attempt = _restore(published, truth, trial)
        cells = rel.cells.loc[touched, [*keys, VIRTUAL]]
        result = audit_disclosure(attempt, truth=truth, rules=rules, focus=cells, jobs=jobs)
        audits += 1
        short = result.cells.loc[result.cells["short"], [*keys, VIRTUAL]].drop_duplicates()
        failed = np.unique(block[_cell_positions(rel.cells, short)])
        keep = trial[~np.isin(block[trial], failed)]
        if len(keep):
            published = _restore(published, truth, keep)
            released += len(keep)
    if released:
        from utenforskap.disclosure.control import suppress

        published = suppress(published, rules, coverage=coverage)
        was = data[F.SUPPRESSED].to_numpy(dtype=bool)
        released = int((was & ~published[F.SUPPRESSED].to_numpy(dtype=bool)).sum())
    return published, {"released": released, "tried": int(tried.sum()), "rounds": audits}


def _cell_positions(cells: pd.DataFrame, wanted: pd.DataFrame) -> np.ndarray:
    """Positions in ``cells`` of the rows of ``wanted`` (key columns and ``virtual``)."""
    keys = [*F.KEY_COLUMNS, VIRTUAL]
    table = cells[keys].copy()
    table["_position"] = np.arange(len(table))
    found = wanted[keys].merge(table, on=keys, how="inner")
    return found["_position"].to_numpy(dtype=np.int64)
