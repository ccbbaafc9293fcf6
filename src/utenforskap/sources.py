"""Where numbers come from: the source of each indicator × region, and the credit line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from utenforskap import frames as F
from utenforskap.texts import text

__all__ = [
    "MEASURE",
    "SOURCE",
    "SOURCE_COLUMNS",
    "credit_line",
    "credited",
    "measures",
    "source_table",
]

#: Column of a source table holding the credit text, e.g. ``"SSB, tabell 13563"``.
SOURCE = "source"
#: Column of a source table holding the publisher's measure label of published
#: rates, e.g. ``"andel (prosent, standardisert)"``; ``""`` for counted rows.
MEASURE = "measure"
#: Columns of a source table: one row per indicator × region × source, with the measure.
SOURCE_COLUMNS: tuple[str, ...] = (F.INDICATOR, F.REGION, SOURCE, MEASURE)


def source_table(
    records: Iterable[tuple[str, str, str] | tuple[str, str, str, str]],
) -> pd.DataFrame:
    """Build a source table from ``(indicator, region, source[, measure])`` records.

    A run records, for every input, which indicator × region rows it gave
    (regions rolled up from an input's districts carry that input's source).
    Figures, tables and pages then credit exactly the sources of the rows they
    show (:func:`credited`), and say what a published rate measures
    (:func:`measures`).

    Parameters
    ----------
    records
        ``(indicator, region, source)`` triples, or with a fourth item, the
        publisher's measure label of a published rate; repeats are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SOURCE_COLUMNS` (``measure`` ``""`` when not given), one
        row per distinct record, in order of first appearance.

    Examples
    --------
    >>> ssb = ("neet", "0", "SSB, tabell 13563")
    >>> table = source_table([ssb, ssb])
    >>> table.values.tolist()
    [['neet', '0', 'SSB, tabell 13563', '']]
    """
    rows = [(*r[:3], r[3] if len(r) > 3 else "") for r in records]
    frame = pd.DataFrame(rows, columns=list(SOURCE_COLUMNS), dtype=object)
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


def measures(data: pd.DataFrame, sources: pd.DataFrame | None) -> tuple[str, ...]:
    """The publishers' measure labels of the rows in ``data`` ("andel (prosent, standardisert)").

    A figure of published rates says what they measure, and "standardisert"
    where the publisher standardised them; counted rows have no label.

    Parameters
    ----------
    data
        Rows about to be shown (with ``indicator`` and ``region``).
    sources
        A source table (:func:`source_table`), or None.

    Returns
    -------
    tuple of str
        Distinct non-empty measure labels of the rows shown, in the table's order.

    Examples
    --------
    >>> import pandas as pd
    >>> table = source_table(
    ...     [("school_wellbeing", "4003", "FHI", "andel (prosent, standardisert)")])
    >>> measures(pd.DataFrame({"indicator": ["school_wellbeing"], "region": ["4003"]}), table)
    ('andel (prosent, standardisert)',)
    """
    if sources is None or sources.empty or data.empty or MEASURE not in sources.columns:
        return ()
    shown = data[[F.INDICATOR, F.REGION]].drop_duplicates()
    hit = sources.merge(shown, on=[F.INDICATOR, F.REGION], how="inner")
    return tuple(m for m in dict.fromkeys(map(str, hit[MEASURE])) if m)


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
