"""Where numbers come from: the source of each indicator × region, and the credit line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from utenforskap import frames as F
from utenforskap.texts import text

__all__ = ["SOURCE", "SOURCE_COLUMNS", "credit_line", "credited", "source_table"]

#: Column of a source table holding the credit text, e.g. ``"SSB, tabell 13563"``.
SOURCE = "source"
#: Columns of a source table: one row per indicator × region × source.
SOURCE_COLUMNS: tuple[str, ...] = (F.INDICATOR, F.REGION, SOURCE)


def source_table(records: Iterable[tuple[str, str, str]]) -> pd.DataFrame:
    """Build a source table from ``(indicator, region, source)`` records.

    A run records, for every input, which indicator × region rows it gave
    (regions rolled up from an input's districts carry that input's source).
    Figures, tables and pages then credit exactly the sources of the rows they
    show (:func:`credited`).

    Parameters
    ----------
    records
        ``(indicator, region, source)`` triples; repeats are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOURCE_COLUMNS`, one row per distinct triple, in order of
        first appearance.

    Examples
    --------
    >>> source_table([("neet", "0", "SSB, tabell 13563"), ("neet", "0", "SSB, tabell 13563")])
      indicator region             source
    0      neet      0  SSB, tabell 13563
    """
    frame = pd.DataFrame(list(records), columns=list(SOURCE_COLUMNS), dtype=object)
    return frame.drop_duplicates().reset_index(drop=True)


def credited(data: pd.DataFrame, sources: pd.DataFrame | None) -> tuple[str, ...]:
    """The sources of the rows in ``data``, in the order the source table lists them.

    Parameters
    ----------
    data
        Rows about to be shown (with ``indicator`` and ``region``).
    sources
        A source table (:func:`source_table`); None when the sources are not
        known (a frame built by hand): then nothing is credited.

    Returns
    -------
    tuple of str
        Distinct source texts of the rows shown.

    Examples
    --------
    >>> import pandas as pd
    >>> table = source_table([("neet", "0", "SSB, tabell 13563"),
    ...                       ("neet", "990101", "Eksempelkommune, registerdata")])
    >>> rows = pd.DataFrame({"indicator": ["neet"], "region": ["990101"]})
    >>> credited(rows, table)
    ('Eksempelkommune, registerdata',)
    """
    if sources is None or sources.empty or data.empty:
        return ()
    shown = data[[F.INDICATOR, F.REGION]].drop_duplicates()
    hit = sources.merge(shown, on=[F.INDICATOR, F.REGION], how="inner")
    return tuple(dict.fromkeys(map(str, hit[SOURCE])))


def credit_line(sources: Sequence[str], *, lang: str = "nb") -> str:
    """The line under a figure or table: ``"Kilde: SSB, tabell 13563; beregninger: utenforskap"``.

    Parameters
    ----------
    sources
        The credited sources (:func:`credited`); empty: only the computation is credited.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The credit line.

    Examples
    --------
    >>> credit_line(["SSB, tabell 13563"]), credit_line([], lang="en")
    ('Kilde: SSB, tabell 13563; beregninger: utenforskap', 'Computed with utenforskap')
    """
    computed = text("computed", lang)
    if not sources:
        return computed[:1].upper() + computed[1:]
    return f"{text('source', lang)}: {'; '.join(sources)}; {computed}"
