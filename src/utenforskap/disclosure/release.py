"""Publish again what the audit shows need not be hidden: less information lost."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from utenforskap import frames as F
from utenforskap.disclosure.relations import VIRTUAL, cell_positions, relations
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


#: Row state copied when a row is taken from another version of the table.
_STATE = (F.SUPPRESSED, F.SUPPRESSION_REASON, F.COMPARISON)


def _take(base: pd.DataFrame, source: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``base`` with the counts, comparison and hiding of ``rows`` (positions) from ``source``."""
    from utenforskap.disclosure.gate import BLANKED

    out = base.copy()
    for column in BLANKED:
        numbers = out[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
        numbers[rows] = source[column].to_numpy(dtype=float, na_value=np.nan)[rows]
        out[column] = numbers
    for column in _STATE:
        values = out[column].to_numpy(dtype=object, copy=True)
        values[rows] = source[column].to_numpy(dtype=object)[rows]
        out[column] = pd.Series(values, index=out.index).astype(base[column].dtype)
    out.attrs = dict(base.attrs)
    return out


def _restore(published: pd.DataFrame, truth: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """``published`` with ``rows`` (positions) shown again as in ``truth``."""
    from utenforskap.disclosure.control import _hidden_references
    from utenforskap.disclosure.hierarchy import KeyIndex

    shown = truth.copy()
    shown[F.SUPPRESSED] = False
    shown[F.SUPPRESSION_REASON] = ""
    out = _take(published, shown, rows)
    # A shown cell compared with a hidden reference keeps no comparison.
    hidden = out[F.SUPPRESSED].to_numpy(dtype=bool)
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
    return out


def release_secondary(
    data: pd.DataFrame,
    truth: pd.DataFrame,
    rules: Rules | RuleBook | None = None,
    *,
    rounds: int = 8,
    coverage: pd.DataFrame | None = None,
    swap: int = 2,
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

    A trial also shows each releasable cell it leaves as the only unknown
    of a relation whose published figures give that cell's true counts
    (anyone who subtracts knows it already); they stand or fall with the
    trial's block.

    In the first ``swap`` rounds (the largest cells), a trial its block
    refused is tried once more in the same round as a swap: shown all the
    same, with the published partner of smallest denominator of each count
    it left short hidden instead
    (:func:`~utenforskap.disclosure.audit_loop.protect_more`). A swap is kept
    where the audit finds nothing short in its block and the block then
    hides fewer persons (denominator mass) in no more cells. This finds
    patterns where one large secondary cell (a kommune's total for one
    sex, say) is replaced by a smaller one, which showing cells alone
    cannot reach.

    Showing a cell can only narrow intervals in its own block, and every
    change is audited with its whole block, so the guarantee of the audit
    holds for the result. Secondary suppression then
    runs once more with the new pattern as given
    (:func:`~utenforskap.disclosure.suppress`, as after
    :func:`~utenforskap.disclosure.audit_loop.protect_more`), so that every relation again
    protects its hidden cells against the subtracting attacker and the one
    who knows the reasons (which the audit does not model); that can only
    hide more. The caller audits the whole table once more before
    publishing it (:func:`~utenforskap.disclosure.audit_loop.suppress_audited`
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
    swap
        Rounds in which refused cells are tried once more as swaps (0: none).
    jobs
        As in :func:`~utenforskap.disclosure.audit.audit_disclosure`.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The table with fewer persons hidden, and ``released`` (cells shown
        again and not hidden again by the last suppression), ``swapped``
        (of those, shown by a swap), ``tried``, ``rounds`` (audits made).
        Should the last suppression hide more persons than were shown,
        ``data`` itself is returned (``released`` 0).

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

    keys = list(F.KEY_COLUMNS)
    left, right = F.with_group(data)[keys], F.with_group(truth)[keys]
    if len(left) != len(right) or not (left.to_numpy() == right.to_numpy()).all():
        raise ValueError("the true table must have the published table's rows in the same order")
    published = data
    denominator = truth[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)
    tried = np.zeros(len(published), dtype=bool)
    audits = swaps = 0
    for round_ in range(rounds):
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
        attempt = _restore(published, truth, trial)
        implied = _implied(attempt, truth, candidate & ~tried)
        while len(implied):
            # Left the only unknown of a relation: already given away, so shown with it.
            tried[implied] = True
            attempt = _restore(attempt, truth, implied)
            implied = _implied(attempt, truth, candidate & ~tried)
        published, refused = _judge(published, attempt, truth, trial, rules, jobs=jobs)
        audits += 1
        refused = {r: cells for r, cells in refused.items() if len(cells)}
        if round_ < swap and refused:
            # Show them all the same, hiding cheaper partners of the cells they left short.
            from utenforskap.disclosure.audit_loop import protect_more

            again = np.fromiter(refused, dtype=np.int64)
            short = pd.concat(list(refused.values()), ignore_index=True)
            attempt = protect_more(
                _restore(published, truth, again), short, rules, coverage=coverage, keep=again
            )
            published, undone = _judge(published, attempt, truth, again, rules, jobs=jobs)
            audits += 1
            swaps += len(again) - len(undone)
    if audits:
        from utenforskap.disclosure.control import suppress

        published = suppress(published, rules, coverage=coverage)
        mass = np.nan_to_num(denominator)
        now = published[F.SUPPRESSED].to_numpy(dtype=bool)
        was = data[F.SUPPRESSED].to_numpy(dtype=bool)
        if mass[now].sum() > mass[was].sum():
            # Secondary suppression of the new pattern took back more than was shown.
            published, now, swaps = data, was, 0
    released = int((was & ~now).sum()) if audits else 0
    return published, {
        "released": released,
        "swapped": swaps,
        "tried": int(tried.sum()),
        "rounds": audits,
    }


def _implied(frame: pd.DataFrame, truth: pd.DataFrame, releasable: np.ndarray) -> np.ndarray:
    """Rows of ``releasable`` that one relation of ``frame`` gives away: their true counts.

    A hidden cell that is the only unknown of a relation, where that
    relation's published figures give its true numerator and denominator
    (they add up: no publisher's rounding), is known to anyone who
    subtracts; showing it tells nothing more.
    """
    rel = relations(F.with_group(frame))
    matrix = sp.csr_matrix(rel.matrix)
    unknown = np.isnan(rel.cells[F.NUMERATOR].to_numpy(dtype=float))
    member = abs(matrix).astype(bool).astype(np.int64)
    alone = np.flatnonzero(np.asarray(member @ unknown.astype(np.int64)).ravel() == 1)
    pairs = member[alone].multiply(unknown[None, :].astype(np.int64)).tocoo()
    relation, cell = alone[pairs.row], pairs.col
    rows = cell < len(frame)
    relation, cell = relation[rows], cell[rows]
    given = np.ones(len(cell), dtype=bool)
    for column in (F.NUMERATOR, F.DENOMINATOR):
        known = np.nan_to_num(rel.cells[column].to_numpy(dtype=float))
        # a_h * v_h = -(sum of the other terms), from the published figures.
        derived = -(matrix @ known)[relation] / np.asarray(matrix[relation, cell]).ravel()
        true = truth[column].to_numpy(dtype=float, na_value=np.nan)[cell]
        given &= np.abs(derived - true) < 1e-6
    found = np.unique(cell[given])
    return found[releasable[found]]


def _short(cells: pd.DataFrame) -> pd.DataFrame:
    """The short cells of an audit's cell table (key columns and ``virtual``), once each."""
    return cells.loc[cells["short"], [*F.KEY_COLUMNS, VIRTUAL]].drop_duplicates()


def _judge(
    published: pd.DataFrame,
    attempt: pd.DataFrame,
    truth: pd.DataFrame,
    trial: np.ndarray,
    rules: Rules | RuleBook | None,
    *,
    jobs: int,
) -> tuple[pd.DataFrame, dict[int, pd.DataFrame]]:
    """Keep the changes of ``attempt`` block by block where the audit finds nothing short.

    The blocks here are of the cells hidden in ``attempt`` or changed from
    ``published``. A relation never holds changed cells of two blocks (they
    would be one block), so the blocks kept and those undone do not
    constrain each other: the result is, block by block, either the
    published pattern or the audited attempt. A block is kept when none of
    its counts is short and it hides fewer persons (denominator mass) in no
    more cells than before.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The table with the changes kept, and for each trial row (position)
        whose block was undone, the short cells of that block.
    """
    from utenforskap.disclosure.audit import audit_disclosure

    n_rows = len(published)
    before = published[F.SUPPRESSED].to_numpy(dtype=bool)
    after = attempt[F.SUPPRESSED].to_numpy(dtype=bool)
    changed = before != after
    rel = relations(F.with_group(attempt))
    unknown = np.isnan(rel.cells[F.NUMERATOR].to_numpy(dtype=float))
    unknown[:n_rows] |= changed
    block = _blocks(sp.csr_matrix(rel.matrix), unknown)
    moved = np.unique(block[:n_rows][changed])
    focus = rel.cells.loc[np.isin(block, moved), [*F.KEY_COLUMNS, VIRTUAL]]
    result = audit_disclosure(attempt, truth=truth, rules=rules, focus=focus, jobs=jobs)
    short = _short(result.cells)
    short_block = block[cell_positions(rel.cells, short)]
    mass = np.nan_to_num(truth[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan))
    sign = np.where(after, 1.0, -1.0)[changed]
    at = block[:n_rows][changed]
    size = int(block.max()) + 1
    gain = np.bincount(at, weights=sign * mass[changed], minlength=size)
    cells = np.bincount(at, weights=sign, minlength=size)
    good = moved[np.isin(moved, short_block, invert=True) & (gain[moved] < 0) & (cells[moved] <= 0)]
    rows = np.flatnonzero(changed & np.isin(block[:n_rows], good))
    refused = {
        int(r): short.iloc[np.flatnonzero(short_block == block[r])]
        for r in trial
        if not np.isin(block[r], good)
    }
    return (_take(published, attempt, rows) if len(rows) else published), refused
