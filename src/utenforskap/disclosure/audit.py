"""The attacker's audit: what the published table gives away about each hidden cell."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from utenforskap import frames as F
from utenforskap.disclosure.intervals import feasible_intervals
from utenforskap.disclosure.relations import VIRTUAL, Relations, cell_positions, relations
from utenforskap.disclosure.rules import RuleBook, Rules, as_rulebook
from utenforskap.errors import DataError

__all__ = [
    "AUDIT_COLUMNS",
    "QUANTITIES",
    "AuditResult",
    "audit_disclosure",
    "audit_folder",
    "read_published",
]

#: The counts audited, in the order of the result's ``quantity`` column.
QUANTITIES: tuple[str, ...] = (F.NUMERATOR, F.DENOMINATOR)

#: Columns of :attr:`AuditResult.cells` (``true``, ``sensitive`` and ``short``
#: are NaN / False without the true counts).
AUDIT_COLUMNS: tuple[str, ...] = (
    *F.KEY_COLUMNS,
    VIRTUAL,
    F.SUPPRESSED,
    "quantity",
    "lo",
    "hi",
    "proven",
    "exact",
    "true",
    "sensitive",
    "short",
)

_EXIT_DISCLOSED = 4


@dataclass(frozen=True)
class AuditResult:
    """What an attacker can work out about each cell the published table does not show.

    Attributes
    ----------
    cells
        One row per unknown count (:data:`AUDIT_COLUMNS`): the cell's keys,
        ``virtual`` (a residual such as unknown sex, not a row of the table),
        ``suppressed`` (hidden by disclosure control; False for a virtual cell
        or a cell the input had no counts for), ``quantity`` (``numerator`` or
        ``denominator``), ``lo`` and ``hi`` (the feasible interval),
        ``proven`` (``lo`` and ``hi`` are the interval's ends; when False the
        interval is at least as wide — the audit stopped once it was wide
        enough), ``exact`` (the count is determined: ``lo == hi``, proven),
        ``true`` (the true count, when given), ``sensitive`` (the count must be
        protected: see :func:`audit_disclosure`) and ``short`` (it is not).
    summary
        ``cells`` (cells audited), ``hidden``, ``virtual``, ``exact``
        (cells whose numerator is determined), ``exact_nonzero`` (… and not
        0), ``exact_hidden_nonzero`` (… of them hidden cells), ``short``
        (cells with a count short of protection), ``possibly_short`` (without
        the true counts: cells a small value of which would be short, the
        short ones included; with them, as ``short``), ``min_width`` (narrowest
        proven numerator interval of a hidden cell; None when none),
        ``inconsistent`` (counts in blocks whose published counts break a
        relation, e.g. an agency's rounded totals: not judged short, since
        no subtraction is exact there; a run warns ``disclosure.inconsistent``),
        ``blocks``, ``lp``, ``milp``, ``seconds``, ``with_truth``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"indicator": "neet", "region": "3203", "period": "2024",
    ...     "age": "16-25", "sex": ["total", "male", "female", "unknown"],
    ...     "numerator": [68.0, 26.0, float("nan"), float("nan")],
    ...     "denominator": [485.0, 252.0, float("nan"), float("nan")],
    ...     "suppressed": [False, False, True, True]})
    >>> result = audit_disclosure(table)
    >>> result.summary["exact"], result.disclosed
    (0, False)
    """

    cells: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def disclosed(self) -> bool:
        """Whether any count is short of protection (an exact non-zero hidden count included)."""
        return bool(self.summary.get("short", 0))

    @property
    def exit_code(self) -> int:
        """0 when nothing is disclosed, 4 when something is (``utenforskap audit``)."""
        return _EXIT_DISCLOSED if self.disclosed else 0

    def describe(self) -> str:
        """The summary in one line, for a person."""
        s = self.summary
        width = "none" if s.get("min_width") is None else f"{s['min_width']:g}"
        return (
            f"{s['cells']} cells audited ({s['hidden']} hidden, {s['virtual']} virtual): "
            f"{s['exact']} exactly determined ({s['exact_hidden_nonzero']} hidden and not 0), "
            f"{s['short']} short of protection"
            + ("" if s.get("with_truth") else f" ({s.get('possibly_short', 0)} if small)")
            + f"; narrowest hidden interval {width}; "
            f"{s['seconds']:.1f} s"
        )


def _per_cell_rules(indicators: np.ndarray, book: RuleBook) -> dict[str, np.ndarray]:
    return book.per_row(indicators)


def _caps(matrix: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    """Largest value a part can take in any table: the smallest total it is a part of."""
    coo = sp.coo_matrix(matrix)
    total = np.full(matrix.shape[0], np.inf)
    top = coo.data > 0
    total[coo.row[top]] = values[coo.col[top]]
    cap = np.full(matrix.shape[1], np.inf)
    part = coo.data < 0
    np.minimum.at(cap, coo.col[part], np.where(np.isnan(total), np.inf, total)[coo.row[part]])
    return cap


def _truth_values(rel: Relations, truth: pd.DataFrame, published: pd.DataFrame) -> np.ndarray:
    """True counts of every cell (rows and virtual residuals), aligned with ``rel.cells``."""
    keys = list(F.KEY_COLUMNS)
    given = F.with_group(truth)
    missing = [c for c in (*keys, F.NUMERATOR, F.DENOMINATOR) if c not in given.columns]
    if missing:
        raise DataError("the true table lacks a column", column=missing[0])
    true_rows = F.with_group(published)[keys].merge(
        given[[*keys, F.NUMERATOR, F.DENOMINATOR]], on=keys, how="left", indicator=True
    )
    if (true_rows["_merge"] != "both").any():
        position = int(np.flatnonzero((true_rows["_merge"] != "both").to_numpy())[0])
        raise DataError(
            "the true table has no row for this published cell",
            column=F.REGION,
            row=published.index[position],
            value=published[F.REGION].iloc[position],
        )
    frame = published[keys].copy()
    frame[F.NUMERATOR] = true_rows[F.NUMERATOR].to_numpy(dtype=float, na_value=np.nan)
    frame[F.DENOMINATOR] = true_rows[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)
    true_rel = relations(frame)
    if len(true_rel.cells) != len(rel.cells):
        raise DataError(
            "the true table's residual cells differ from the published table's",
            column=F.NUMERATOR,
        )
    return true_rel.cells[[F.NUMERATOR, F.DENOMINATOR]].to_numpy(dtype=float)


def audit_disclosure(
    data: pd.DataFrame,
    *,
    truth: pd.DataFrame | None = None,
    rules: Rules | RuleBook | None = None,
    exact: bool = False,
    focus: pd.DataFrame | None = None,
    jobs: int = 1,
) -> AuditResult:
    """Work out what an attacker can about each hidden cell from the published table alone.

    Every additive relation of the table (:func:`~utenforskap.disclosure.relations.relations`:
    districts and kommune, sexes, groups, age bands, pooled and single years,
    kommuner, fylker and the country, with virtual residual cells such as
    unknown sex) holds for numerators and denominators; counts are whole
    numbers with ``0 ≤ numerator ≤ denominator``. For each count the
    published table does not show (hidden cells, cells without counts,
    virtual residuals), the smallest and largest value consistent with all
    of that is found by linear and integer programming
    (:func:`~utenforskap.disclosure.intervals.feasible_intervals`).

    A count is **sensitive** when it must be protected:

    * a hidden cell's numerator, unless it is 0 and zeros are published
      (``protect_zeros`` false); a virtual cell's numerator when it is below
      ``min_count`` (0 only with ``protect_zeros``);
    * a denominator below ``min_denominator``.

    A small numerator (1 … ``min_count`` − 1, or 0 with ``protect_zeros``)
    is **short** when its interval does not reach the protection level
    (``protection_level``, default ``min_count``) below the true value (or 0)
    and above it (or the smallest total it is part of, or its denominator:
    the most the table allows). Any other hidden numerator is short when it
    is exact (0 only with ``protect_zeros``), a denominator when it is exact
    and below ``min_denominator``. Without ``truth`` the true value is not
    known, and a count is short when it is so whatever its value: an exact
    hidden numerator (0 only with ``protect_zeros``) or small virtual one, an
    interval inside 1 … ``min_count`` − 1, a protected 0 whose interval
    stays below the protection level, an exact denominator below
    ``min_denominator``.

    Parameters
    ----------
    data
        The published table: the key columns, ``numerator`` and
        ``denominator`` (NaN where hidden), optionally ``suppressed``.
    truth
        The table before suppression (same keys, true counts), e.g. the
        IndicatorFrame a run computed; the audit then judges each count
        against its true value.
    rules
        The disclosure rules (their ``min_count``, ``min_denominator`` and
        ``protect_zeros``); default :class:`Rules`.
    exact
        Find every interval's exact ends; by default the search for a count
        stops once its interval is wide enough to protect it (``proven``
        False).
    focus
        Judge only these cells (the key columns and ``virtual``), e.g. the
        short cells of an earlier audit and the cells hidden since; the
        other counts are not solved (their ``lo`` and ``hi`` are NaN). Hiding
        more cells can only widen intervals, so an audit after
        :func:`~utenforskap.disclosure.audit_loop.protect_more` needs to look at these alone.
    jobs
        Processes to solve on (independent blocks of a large table, see
        :func:`~utenforskap.disclosure.intervals.feasible_intervals`); the
        result does not depend on it.

    Returns
    -------
    AuditResult
        Per-count intervals and a summary.

    Raises
    ------
    DataError
        A key or count column is missing, two rows share a key, or ``truth``
        lacks a published cell.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    sections 4.2 (sensitivity rules, protection levels) and 4.3 (the
    attacker's LP bounds; auditing a suppression pattern).

    Examples
    --------
    Kommune 317 of 3935; its districts publish 200 and 114; the two hidden
    districts hold the other 3, and 0 ≤ each ≤ 3:

    >>> import pandas as pd
    >>> nan = float("nan")
    >>> table = pd.DataFrame({"indicator": "neet", "period": "2024", "age": "16-25",
    ...     "sex": "total", "region": ["9901", "990101", "990102", "990103", "990199"],
    ...     "numerator": [317.0, 200.0, 114.0, nan, nan],
    ...     "denominator": [3935.0, 2000.0, 1900.0, nan, nan]})
    >>> result = audit_disclosure(table)
    >>> result.cells.query("quantity == 'numerator'")[["region", "lo", "hi"]]
       region   lo   hi
    0  990103  0.0  3.0
    2  990199  0.0  3.0

    Without the true counts that is short only if a district has 1, 2 or 3
    (not if it has 0): possibly short, not certainly.

    >>> result.summary["short"], result.summary["possibly_short"]
    (0, 2)
    """
    published = data
    start = time.perf_counter()
    book = as_rulebook(rules)
    frame = F.with_group(published)
    rel = relations(frame)
    cells = rel.cells
    n_rows = len(frame)
    values = cells[[F.NUMERATOR, F.DENOMINATOR]].to_numpy(dtype=float)
    unknown = np.isnan(values)
    per = _per_cell_rules(cells[F.INDICATOR].to_numpy(dtype=object), book)
    m = per["min_count"].astype(float)
    # The protection level (Rules.protection_level where the rules have it; else min_count).
    level = per.get("protection_level")
    p = (
        m.copy()
        if level is None
        else np.array([m_ if v is None else v for m_, v in zip(m, level, strict=True)], dtype=float)
    )
    min_den = per["min_denominator"].astype(float)
    zeros = per["protect_zeros"].astype(bool)
    virtual = cells[VIRTUAL].to_numpy(dtype=bool)
    hidden = np.zeros(len(cells), dtype=bool)
    if F.SUPPRESSED in frame.columns:
        hidden[:n_rows] = frame[F.SUPPRESSED].fillna(False).to_numpy(dtype=bool)
    else:
        hidden[:n_rows] = unknown[:n_rows, 0]

    shape = values.shape
    true = np.full(shape, np.nan)
    below = np.full(shape, -np.inf)
    above = np.full(shape, np.inf)
    width = np.full(shape, np.inf)
    smallest = np.where(zeros, 0.0, 1.0)  # the smallest numerator that must be protected
    if truth is not None:
        true = _truth_values(rel, truth, frame)
        t_x, t_n = true[:, 0], true[:, 1]
        small = unknown[:, 0] & (t_x >= smallest) & (t_x < m)
        cap = np.fmin(_caps(rel.matrix, t_x), t_n)
        # Small numerators need their protection interval; other hidden
        # counts need only not to be exact (a denominator only when small).
        # (A count asked nothing has below = inf, above = −inf, width 0; one
        # asked only not to be exact has below = −inf, above = inf, width 1.)
        keep_x = hidden & unknown[:, 0] & (t_x >= smallest) & ~small
        keep_n = unknown[:, 1] & (t_n > 0) & (t_n < min_den)
        below[:, 0] = np.where(small, np.maximum(t_x - p, 0.0), np.where(keep_x, -np.inf, np.inf))
        above[:, 0] = np.where(small, np.minimum(t_x + p, cap), np.where(keep_x, np.inf, -np.inf))
        width[:, 0] = np.where(keep_x, 1.0, np.where(small, np.inf, 0.0))
        below[:, 1] = np.where(keep_n, -np.inf, np.inf)
        above[:, 1] = np.where(keep_n, np.inf, -np.inf)
        width[:, 1] = np.where(keep_n, 1.0, 0.0)
        sensitive = np.column_stack([small | keep_x, keep_n])
    else:
        cap = _caps(rel.matrix, values[:, 0])
        # Settled once the interval reaches 0 and the protection level above
        # the largest small value (or the most the table allows): then no
        # value in it is short.
        below[:, 0] = 0.0
        above[:, 0] = np.minimum(m - 1 + p, cap)
        width[:, 1] = 1.0
    outside = np.zeros(len(cells), dtype=bool)
    if focus is not None:
        outside[:] = True
        outside[cell_positions(rel.cells, focus)] = False
        below[outside], above[outside], width[outside] = np.inf, -np.inf, 0.0
    if exact:
        found = feasible_intervals(rel.matrix, values[:, 0], values[:, 1], jobs=jobs)
    else:
        found = feasible_intervals(
            rel.matrix,
            values[:, 0],
            values[:, 1],
            below=below,
            above=above,
            width=width,
            solution=None if truth is None else true,
            jobs=jobs,
        )
    lo, hi, proven = found.lo, found.hi, found.proven
    # Where the published counts themselves break a relation (an agency's own
    # rounding or perturbation: SSB's total ≠ male + female), no exact
    # subtraction is possible and the residual cells are artefacts, not
    # persons: such counts are not judged short (the summary counts them).
    contradicted = found.inconsistent.any(axis=1)
    is_exact = proven & (lo == hi)
    ok_zero = ~zeros & (lo[:, 0] == 0)
    short = np.zeros(shape, dtype=bool)
    possibly = np.zeros(len(cells), dtype=bool)
    if truth is not None:
        # A proven interval that misses the true count: the published figures
        # contradict the truth there (the same artefact), an attacker is misled.
        t_x = true[:, 0]
        contradicted |= unknown[:, 0] & proven[:, 0] & ((t_x < lo[:, 0]) | (t_x > hi[:, 0]))
        covered = (lo[:, 0] <= below[:, 0]) & (hi[:, 0] >= above[:, 0])
        # Not exact means two values seen (lo and hi are values the count
        # can take): a count whose search stopped (a solver's node limit)
        # without a second value is short, not taken as safe.
        seen_two = hi - lo >= 1
        short[:, 0] = (small & ~covered) | (keep_x & ~seen_two[:, 0])
        short[:, 1] = keep_n & ~seen_two[:, 1]
    else:
        # Certainly short, whatever the true value: exact (a 0 only when zeros
        # are protected; a virtual cell only when small), inside
        # 1 … min_count − 1, or a protected 0 that cannot reach the level.
        exposed = is_exact[:, 0] & ~ok_zero & (hidden | (lo[:, 0] < m))
        inside = (lo[:, 0] >= 1) & (hi[:, 0] <= m - 1)
        zero_case = zeros & (lo[:, 0] == 0) & (hi[:, 0] < np.minimum(p, cap)) & (hi[:, 0] < m)
        short[:, 0] = unknown[:, 0] & (exposed | inside | zero_case)
        # Possibly short: some small value in the interval would not be protected.
        largest = np.minimum(hi[:, 0], m - 1)
        could_be_small = np.maximum(lo[:, 0], smallest) <= largest
        open_ = (lo[:, 0] > 0) | (hi[:, 0] < np.minimum(largest + p, cap))
        possibly = unknown[:, 0] & (hidden | virtual) & could_be_small & open_
        short[:, 1] = unknown[:, 1] & is_exact[:, 1] & (lo[:, 1] > 0) & (lo[:, 1] < min_den)
        sensitive = np.column_stack(
            [unknown[:, 0] & (hidden | (lo[:, 0] < m)), unknown[:, 1] & ~(lo[:, 1] >= min_den)]
        )

    short[outside | contradicted] = False
    sensitive[outside] = False
    possibly[outside | contradicted] = False
    table = _cells_table(cells, hidden, unknown, lo, hi, proven, is_exact, true, sensitive, short)
    cell_short = short.any(axis=1)
    audited = unknown.any(axis=1)
    ex = is_exact[:, 0] & unknown[:, 0]
    widths = (hi[:, 0] - lo[:, 0])[unknown[:, 0] & hidden & proven[:, 0]]
    summary: dict[str, Any] = {
        "cells": int(audited.sum()),
        "hidden": int((audited & hidden).sum()),
        "virtual": int((audited & virtual).sum()),
        "exact": int(ex.sum()),
        "exact_nonzero": int((ex & (lo[:, 0] > 0)).sum()),
        "exact_hidden_nonzero": int((ex & (lo[:, 0] > 0) & hidden).sum()),
        "short": int(cell_short.sum()),
        "possibly_short": int((possibly | cell_short).sum()),
        "min_width": float(widths.min()) if len(widths) else None,
        "inconsistent": int((contradicted & ~outside).sum()),
        "blocks": int(found.stats["blocks"]),
        "lp": int(found.stats["lp"]),
        "milp": int(found.stats["milp"]),
        "with_truth": truth is not None,
        "seconds": round(time.perf_counter() - start, 3),
    }
    return AuditResult(table, summary)


def _cells_table(
    cells: pd.DataFrame,
    hidden: np.ndarray,
    unknown: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    proven: np.ndarray,
    is_exact: np.ndarray,
    true: np.ndarray,
    sensitive: np.ndarray,
    short: np.ndarray,
) -> pd.DataFrame:
    """The long per-count table, cells in key order, numerator before denominator."""
    parts = []
    for q, name in enumerate(QUANTITIES):
        at = np.flatnonzero(unknown[:, q])
        part = cells.iloc[at][[*F.KEY_COLUMNS, VIRTUAL]].copy()
        part[F.SUPPRESSED] = hidden[at]
        part["quantity"] = name
        part["lo"] = lo[at, q]
        part["hi"] = hi[at, q]
        part["proven"] = proven[at, q]
        part["exact"] = is_exact[at, q]
        part["true"] = true[at, q]
        part["sensitive"] = sensitive[at, q]
        part["short"] = short[at, q]
        part["_order"] = at * 2 + q
        parts.append(part)
    out = pd.concat(parts)
    out = out.sort_values([*F.KEY_COLUMNS, VIRTUAL, "_order"], kind="mergesort")
    return out.drop(columns="_order")[list(AUDIT_COLUMNS)].reset_index(drop=True)


_TABLES = ("indicators.csv",)


def read_published(path: str | Path) -> pd.DataFrame:
    """Read a published ``indicators.csv`` as an attacker would: keys as text, counts as numbers.

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        Key columns (text), ``numerator``, ``denominator`` (NaN where blank),
        ``suppressed`` (bool; False when the file has no such column).

    Raises
    ------
    DataError
        The file cannot be read, or lacks a key or count column.
    """
    path = Path(path)
    text = [*F.KEY_COLUMNS]
    try:
        head = pd.read_csv(path, nrows=0)
        frame = pd.read_csv(
            path,
            dtype={c: str for c in head.columns if c not in (F.NUMERATOR, F.DENOMINATOR)},
            keep_default_na=False,
            na_values={F.NUMERATOR: [""], F.DENOMINATOR: [""]},
        )
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read the published table: {exc}", file=path) from None
    frame = F.with_group(frame)
    missing = [c for c in (*text, F.NUMERATOR, F.DENOMINATOR) if c not in frame.columns]
    if missing:
        raise DataError(
            "the published table lacks a column the audit needs", file=path, column=missing[0]
        )
    for column in (F.NUMERATOR, F.DENOMINATOR):
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() & frame[column].notna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                "not a count",
                file=path,
                column=column,
                row=position + 2,
                value=frame[column].iloc[position],
            )
        frame[column] = numbers.astype(float)
    if F.SUPPRESSED in frame.columns:
        frame[F.SUPPRESSED] = frame[F.SUPPRESSED].astype(str).str.lower().isin(["true", "1"])
    else:
        frame[F.SUPPRESSED] = frame[F.NUMERATOR].isna()
    return frame


def audit_folder(
    path: str | Path,
    *,
    rules: Rules | RuleBook | None = None,
    exact: bool = False,
    jobs: int = 1,
) -> AuditResult:
    """Audit a published pack: the ``indicators.csv`` a run wrote into a folder.

    Parameters
    ----------
    path
        The output folder of a run (or the CSV file itself).
    rules
        The disclosure rules the pack was made with; default :class:`Rules`.
    exact, jobs
        As in :func:`audit_disclosure`.

    Returns
    -------
    AuditResult
        As :func:`audit_disclosure` without the true counts.

    Raises
    ------
    DataError
        The folder has no ``indicators.csv`` or it cannot be read.
    """
    path = Path(path)
    csv = path if path.is_file() else path / _TABLES[0]
    if not csv.is_file():
        raise DataError("no published indicators.csv here", file=csv)
    return audit_disclosure(read_published(csv), rules=rules, exact=exact, jobs=jobs)
