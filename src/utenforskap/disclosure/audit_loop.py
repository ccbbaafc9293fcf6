"""The run's audit loop: audit against the true counts, hide more until nothing is short."""

from __future__ import annotations

import hashlib
import pickle
import time
from collections import OrderedDict

import numpy as np
import pandas as pd
import scipy.sparse as sp

from utenforskap import frames as F
from utenforskap.disclosure.audit import AuditResult, audit_disclosure
from utenforskap.disclosure.relations import VIRTUAL, cell_positions, relations
from utenforskap.disclosure.rules import RuleBook, Rules, as_rulebook

__all__ = ["protect_more", "suppress_audited"]


def protect_more(
    published: pd.DataFrame,
    cells: pd.DataFrame,
    rules: Rules | RuleBook | None = None,
    *,
    coverage: pd.DataFrame | None = None,
    everyone: pd.DataFrame | None = None,
    keep: np.ndarray | None = None,
) -> pd.DataFrame:
    """Hide more cells so that the short cells of an audit get room, then suppress again.

    For each short cell, the published cell with the smallest denominator
    (then the first in key order) that shares a relation with it is hidden
    (reason ``secondary``); when every cell sharing its relations is hidden
    already, the search moves one relation further out. Secondary
    suppression and the series rule then run again
    (:func:`~utenforskap.disclosure.suppress`).

    Parameters
    ----------
    published
        A suppressed IndicatorFrame.
    cells
        Rows of :attr:`AuditResult.cells` (the short ones): key columns and
        ``virtual``.
    rules
        The rules the frame was suppressed with.
    coverage
        As for :func:`~utenforskap.disclosure.suppress`.
    everyone
        Cells (of ``cells``) for which every published cell sharing a
        relation is hidden, not only the smallest: for a cell that one more
        hidden partner did not protect.
    keep
        Positions of published rows never chosen (a cell just shown again).

    Returns
    -------
    pandas.DataFrame
        The frame suppressed again with the extra cells hidden.
    """
    from utenforskap.disclosure.control import suppress
    from utenforskap.disclosure.gate import hide_rows
    from utenforskap.disclosure.hierarchy import KeyIndex

    frame = F.with_group(published)
    rel = relations(frame)
    n_rows = len(frame)
    matrix = sp.csr_matrix(rel.matrix)
    by_cell = sp.csc_matrix(rel.matrix)
    shown = np.zeros(len(rel.cells), dtype=bool)
    shown[:n_rows] = ~frame[F.SUPPRESSED].to_numpy(dtype=bool) & ~np.isnan(
        frame[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)
    )
    if keep is not None:
        shown[keep] = False
    denominator = rel.cells[F.DENOMINATOR].to_numpy(dtype=float)
    rank = np.full(len(rel.cells), np.iinfo(np.int64).max)
    rank[:n_rows] = KeyIndex(frame).rank()
    chosen: set[int] = set()
    wide = set() if everyone is None else set(cell_positions(rel.cells, everyone).tolist())
    for start in cell_positions(rel.cells, cells).tolist():
        frontier = np.array([start])
        reached = np.zeros(len(rel.cells), dtype=bool)
        reached[frontier] = True
        while len(frontier):
            rows = np.unique(by_cell[:, frontier].indices)
            members = np.unique(matrix[rows].indices)
            candidates = members[shown[members]]
            if len(candidates):
                if start in wide:
                    chosen.update(int(c) for c in candidates if c < n_rows)
                    break
                best = candidates[np.lexsort((rank[candidates], denominator[candidates]))[0]]
                chosen.add(int(best))
                break
            frontier = members[~reached[members]]
            reached[frontier] = True
    if not chosen:
        return published.copy()
    at = np.fromiter(sorted(chosen), dtype=np.int64)
    out = hide_rows(published, at, "secondary")
    return suppress(out, rules, coverage=coverage)


def suppress_audited(
    published: pd.DataFrame,
    truth: pd.DataFrame,
    rules: Rules | RuleBook | None = None,
    *,
    coverage: pd.DataFrame | None = None,
    max_rounds: int = 25,
    release: int = 8,
    jobs: int = 1,
) -> tuple[pd.DataFrame, AuditResult]:
    """Audit a suppressed table against its true counts; hide more until nothing is short.

    Parameters
    ----------
    published
        The suppressed IndicatorFrame (:func:`~utenforskap.disclosure.suppress`).
    truth
        The IndicatorFrame before suppression.
    rules
        The rules it was suppressed with.
    coverage
        As for :func:`~utenforskap.disclosure.suppress`.
    max_rounds
        Audits at most; each round that finds short cells hides more
        (:func:`protect_more`).
    release
        Then, rounds of showing again secondary cells whose hiding is not
        needed (:func:`~utenforskap.disclosure.release.release_secondary`);
        0 for none.
    jobs
        As in :func:`audit_disclosure`.

    Returns
    -------
    tuple of (pandas.DataFrame, AuditResult)
        The table to publish and its last audit, whose summary also has
        ``rounds`` (audits made), ``added`` (cells hidden because of the
        audit, net of those shown again), ``released`` (secondary cells
        shown again) and ``seconds`` (all rounds).

    Raises
    ------
    DisclosureError
        Cells are still short after ``max_rounds`` audits.

    Notes
    -----
    The loop is a pure function of its inputs (the integer programs stop
    at a node limit, not a time limit; ``jobs`` does not change the
    answer). A process remembers its last few answers by a SHA-256 of the
    inputs' contents (every column, the frames' ``attrs``, the rules and
    settings) and hands out copies: a notebook or a test session that
    computes the same table again does not audit it again. The summary
    then says ``cached: true``; its ``seconds`` are those of the audit made.
    """
    key = _fingerprint(published, truth, coverage, as_rulebook(rules), max_rounds, release)
    found = None if key is None else _ANSWERS.get(key)
    if found is None:
        found = _suppress_audited(
            published,
            truth,
            rules,
            coverage=coverage,
            max_rounds=max_rounds,
            release=release,
            jobs=jobs,
        )
        if key is not None:
            _ANSWERS[key] = found
            if len(_ANSWERS) > _ANSWERS_KEPT:
                _ANSWERS.popitem(last=False)
        return _copy(found, cached=False)
    assert key is not None
    _ANSWERS.move_to_end(key)
    return _copy(found, cached=True)


#: Answers of :func:`suppress_audited` this process remembers, newest last.
_ANSWERS: OrderedDict[str, tuple[pd.DataFrame, AuditResult]] = OrderedDict()
_ANSWERS_KEPT = 4


def _fingerprint(*parts: object) -> str | None:
    """SHA-256 of frames' contents (values, columns, dtypes, ``attrs``) and other values.

    None when a part cannot be hashed (an unhashable cell, ``attrs`` that
    cannot be pickled): then nothing is remembered.
    """
    try:
        return _digest(parts)
    except (TypeError, ValueError, pickle.PicklingError, AttributeError):
        return None


def _digest(parts: tuple[object, ...]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
            digest.update(repr([(str(c), str(t)) for c, t in part.dtypes.items()]).encode())
            digest.update(pickle.dumps(dict(part.attrs), protocol=5))
        elif isinstance(part, RuleBook):
            digest.update(repr(part.as_dict()).encode())
        else:
            digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _copy(
    found: tuple[pd.DataFrame, AuditResult], *, cached: bool
) -> tuple[pd.DataFrame, AuditResult]:
    """A copy of a remembered answer, its summary saying whether it was remembered."""
    frame, result = found
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    return out, AuditResult(result.cells.copy(), {**result.summary, "cached": cached})


def _suppress_audited(
    published: pd.DataFrame,
    truth: pd.DataFrame,
    rules: Rules | RuleBook | None,
    *,
    coverage: pd.DataFrame | None,
    max_rounds: int,
    release: int,
    jobs: int,
) -> tuple[pd.DataFrame, AuditResult]:
    """:func:`suppress_audited` itself, without remembering."""
    from utenforskap.disclosure.gate import DisclosureError

    start = time.perf_counter()
    before = int(published[F.SUPPRESSED].sum())
    keys = [*F.KEY_COLUMNS, VIRTUAL]
    focus: pd.DataFrame | None = None
    stuck = pd.DataFrame(columns=keys)
    rounds = 0
    while True:
        rounds += 1
        result = audit_disclosure(published, truth=truth, rules=rules, focus=focus, jobs=jobs)
        if not result.disclosed or rounds >= max_rounds:
            break
        short = result.cells.loc[result.cells["short"], keys].drop_duplicates()
        # A cell still short after a round gets all its partners hidden.
        again = short.merge(stuck, on=keys, how="inner")
        more = protect_more(published, short, rules, coverage=coverage, everyone=again)
        if int(more[F.SUPPRESSED].sum()) == int(published[F.SUPPRESSED].sum()):
            break
        newly = (
            F.with_group(more)
            .loc[
                more[F.SUPPRESSED].to_numpy(dtype=bool)
                & ~published[F.SUPPRESSED].to_numpy(dtype=bool),
                list(F.KEY_COLUMNS),
            ]
            .assign(**{VIRTUAL: False})
        )
        virtual_cells = relations(F.with_group(more)).cells
        virtual_cells = virtual_cells.loc[virtual_cells[VIRTUAL], keys]
        focus = pd.concat([short, newly, virtual_cells], ignore_index=True)
        stuck = short
        published = more
    if focus is not None and not result.disclosed:
        # The last checks looked at the changed cells only; the record is of the whole table.
        result = audit_disclosure(published, truth=truth, rules=rules, jobs=jobs)
        rounds += 1
    shown_again = 0
    if release and not result.disclosed:
        from utenforskap.disclosure.release import release_secondary

        shown, released = release_secondary(
            published, truth, rules, rounds=release, coverage=coverage, jobs=jobs
        )
        rounds += released["rounds"]
        if released["released"]:
            checked = audit_disclosure(shown, truth=truth, rules=rules, jobs=jobs)
            rounds += 1
            # Safe by construction; should the whole audit disagree, the
            # table before showing cells again is published.
            if not checked.disclosed:
                published, result, shown_again = shown, checked, released["released"]
    summary = {
        **result.summary,
        "rounds": rounds,
        "added": int(published[F.SUPPRESSED].sum()) - before,
        "released": shown_again,
        "seconds": round(time.perf_counter() - start, 3),
    }
    result = AuditResult(result.cells, summary)
    if result.disclosed:
        raise DisclosureError(
            f"the audit still finds {summary['short']} cells short of protection after "
            f"{rounds} rounds of hiding more; raise min_count or publish fewer breakdowns"
        )
    return published, result
