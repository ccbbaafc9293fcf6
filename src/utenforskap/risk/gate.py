"""The disclosure gate for the risk tables: derived from published cells only, and saying so."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.gate import DisclosureError
from utenforskap.risk.criteria import AreaClassification
from utenforskap.risk.index import RiskIndex

__all__ = ["require_risk_disclosed", "risk_tables"]

_CELL_NUMBERS = (F.VALUE, F.CI_LOWER, F.CI_UPPER, "score")


def require_risk_disclosed(
    result: RiskIndex | AreaClassification,
) -> RiskIndex | AreaClassification:
    """Refuse a risk result that was not derived from a suppressed frame, or shows a hidden cell.

    A risk index or classification is a derived table: every number in it is
    a function of published cells only. This checks what can be checked on
    the result itself, as :func:`~utenforskap.disclosure.require_disclosed`
    does for an IndicatorFrame: the input carried a disclosure record; no
    hidden cell shows a value, interval or score; every region's composite
    counts its hidden components and uses no more components than were
    published; a criterion is decided only where its pooled value is published.

    Parameters
    ----------
    result
        From :func:`~utenforskap.risk.risk_index` or
        :func:`~utenforskap.risk.classify_areas`.

    Returns
    -------
    RiskIndex or AreaClassification
        ``result`` itself.

    Raises
    ------
    DisclosureError
        The result breaks one of the rules above.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.risk.criteria import AreaClassification
    >>> empty = AreaClassification(pd.DataFrame(), pd.DataFrame(), 1, None, None, rules={})
    >>> require_risk_disclosed(empty)
    Traceback (most recent call last):
    ...
    utenforskap.disclosure.gate.DisclosureError: refusing a risk table derived from a frame \
without a disclosure record; compute it from a suppressed frame
    """
    if not result.rules:
        raise DisclosureError(
            "refusing a risk table derived from a frame without a disclosure record; "
            "compute it from a suppressed frame"
        )
    if isinstance(result, RiskIndex):
        scores = result.scores
        hidden = scores[F.SUPPRESSED].to_numpy(dtype=bool)
        for column in _CELL_NUMBERS:
            shown = hidden & scores[column].notna().to_numpy()
            if shown.any():
                row = scores.iloc[int(np.flatnonzero(shown)[0])]
                raise DisclosureError(
                    f"refusing a risk table: the hidden cell {row[F.REGION]} × "
                    f"{row['component']} shows {column!r}"
                )
        comp = result.composite
        k = len(result.components)
        used = comp["n_components"].to_numpy(dtype=int)
        published = (
            (~scores[F.SUPPRESSED] & scores[F.VALUE].notna())
            .groupby(scores[F.REGION], sort=True)
            .sum()
            .reindex(comp[F.REGION])
            .to_numpy(dtype=int)
        )
        hidden_n = scores[F.SUPPRESSED].groupby(scores[F.REGION], sort=True).sum()
        bad = (
            (used > published)
            | (comp["n_hidden"].to_numpy(dtype=int) != hidden_n.reindex(comp[F.REGION]).to_numpy())
            | (
                used + comp["n_hidden"].to_numpy(dtype=int) + comp["n_missing"].to_numpy(dtype=int)
                != k
            )
            | (comp["score"].notna().to_numpy() & (used < result.min_components))
        )
        if bad.any():
            code = comp[F.REGION].iloc[int(np.flatnonzero(bad)[0])]
            raise DisclosureError(
                f"refusing a risk table: the composite of {code} does not account for its "
                "hidden components"
            )
        return result
    crit = result.criteria
    decided = crit["status"].isin(["met", "not_met", "uncertain"]).to_numpy()
    blind = decided & crit[F.VALUE].isna().to_numpy()
    if blind.any():
        row = crit.iloc[int(np.flatnonzero(blind)[0])]
        raise DisclosureError(
            f"refusing a classification: {row[F.REGION]} × {row['criterion']} is decided "
            "without a published value"
        )
    return result


def risk_tables(
    index: RiskIndex, classification: AreaClassification | None = None
) -> dict[str, pd.DataFrame]:
    """The risk results as named tables for the writers, after the gate.

    Parameters
    ----------
    index
        From :func:`~utenforskap.risk.risk_index`.
    classification
        From :func:`~utenforskap.risk.classify_areas`, or None.

    Returns
    -------
    dict of pandas.DataFrame
        ``risk_composite`` (:attr:`RiskIndex.composite` with the method),
        ``risk_scores`` (:attr:`RiskIndex.scores`), ``risk_components``, and
        with a classification ``risk_criteria`` and ``risk_areas``; rows in a
        fixed order, so the same inputs give the same bytes.

    Raises
    ------
    DisclosureError
        A result that fails :func:`require_risk_disclosed`.

    Examples
    --------
    >>> import utenforskap as ut
    >>> tables = risk_tables(ut.risk_index(ut.datasets.demo_indicators()))
    >>> sorted(tables)
    ['risk_components', 'risk_composite', 'risk_scores']
    """
    require_risk_disclosed(index)
    out = {
        "risk_composite": index.composite.assign(method=index.method),
        "risk_scores": index.scores,
        "risk_components": index.components,
    }
    if classification is not None:
        require_risk_disclosed(classification)
        out["risk_criteria"] = classification.criteria
        out["risk_areas"] = classification.areas
    return {name: table.reset_index(drop=True) for name, table in out.items()}
