"""Column names of the CountFrame and IndicatorFrame contracts, and their validators."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from utenforskap.counts import STATUS_SYMBOLS, ZERO
from utenforskap.errors import DataError

__all__ = [
    "AGE",
    "CI_LEVEL",
    "CI_LOWER",
    "CI_METHOD",
    "CI_UPPER",
    "COMPARISON",
    "COMPARISONS",
    "COUNT_COLUMNS",
    "DENOMINATOR",
    "GROUP",
    "GROUP_TOTAL",
    "INDICATOR",
    "INDICATOR_COLUMNS",
    "KEY_COLUMNS",
    "NUMERATOR",
    "PERIOD",
    "PUBLISHED",
    "P_VALUE",
    "REFERENCE",
    "REFERENCE_VALUE",
    "REGION",
    "REGION_NAME",
    "SEX",
    "SEXES",
    "STATUS",
    "STATUS_SYMBOLS",
    "SUPPRESSED",
    "SUPPRESSION_REASON",
    "SUPPRESSION_REASONS",
    "TEXT_COLUMNS",
    "VALUE",
    "empty_counts",
    "is_published",
    "publisher_hidden",
    "sort_frame",
    "validate_counts",
    "validate_indicators",
    "with_group",
]

INDICATOR = "indicator"
REGION = "region"
REGION_NAME = "region_name"
PERIOD = "period"
AGE = "age"
SEX = "sex"
GROUP = "group"
NUMERATOR = "numerator"
DENOMINATOR = "denominator"
STATUS = "status"

VALUE = "value"
CI_LOWER = "ci_lower"
CI_UPPER = "ci_upper"
CI_LEVEL = "ci_level"
CI_METHOD = "ci_method"
REFERENCE = "reference"
REFERENCE_VALUE = "reference_value"
COMPARISON = "comparison"
P_VALUE = "p_value"
SUPPRESSED = "suppressed"
SUPPRESSION_REASON = "suppression_reason"

#: Columns that identify a cell; no two rows of a frame share them.
KEY_COLUMNS: tuple[str, ...] = (INDICATOR, REGION, PERIOD, AGE, SEX, GROUP)
#: Columns of a CountFrame, in order.
COUNT_COLUMNS: tuple[str, ...] = (
    INDICATOR,
    REGION,
    REGION_NAME,
    PERIOD,
    AGE,
    SEX,
    GROUP,
    NUMERATOR,
    DENOMINATOR,
    STATUS,
)
#: Columns of an IndicatorFrame, in order (a CountFrame plus these).
INDICATOR_COLUMNS: tuple[str, ...] = (
    *COUNT_COLUMNS,
    VALUE,
    CI_LOWER,
    CI_UPPER,
    CI_LEVEL,
    CI_METHOD,
    REFERENCE,
    REFERENCE_VALUE,
    COMPARISON,
    P_VALUE,
    SUPPRESSED,
    SUPPRESSION_REASON,
)

#: Sex of a cell; "unknown" only where an input maps codes to it on purpose
#: (total = male + female + unknown).
SEXES: tuple[str, ...] = ("total", "male", "female", "unknown")
#: The ``group`` of a cell that covers the whole population (no breakdown).
GROUP_TOTAL = "total"
COMPARISONS: tuple[str, ...] = ("higher", "lower", "similar", "not_tested")
SUPPRESSION_REASONS: tuple[str, ...] = (
    "",
    "primary",
    "complement",
    "denominator",
    "secondary",
    "series",
    "coverage",
    # A published rate the publisher hid (status ":" or no value): see publisher_hidden.
    "publisher",
)

#: ``ci_method`` of a rate taken as its publisher gave it (FHI, Ungdata): the
#: row has no counts (numerator and denominator NaN), the publisher's value,
#: interval (NaN when not given; never invented) and status symbol. Such rows
#: stay out of the package's suppression arithmetic (no primary or secondary
#: rule can judge a cell without counts) but are hidden wherever the publisher
#: hid them (:func:`publisher_hidden`).
PUBLISHED = "published"
#: The publisher's symbol for a value it suppressed ("prikket").
_PUBLISHER_SUPPRESSED = ":"

#: Columns of a CountFrame that hold text.
TEXT_COLUMNS: tuple[str, ...] = (INDICATOR, REGION, REGION_NAME, PERIOD, AGE, SEX, GROUP, STATUS)


def empty_counts() -> pd.DataFrame:
    """Return an empty CountFrame with the contract's columns and dtypes.

    Returns
    -------
    pandas.DataFrame
        Zero rows, columns :data:`COUNT_COLUMNS`.
    """
    data: dict[str, pd.Series] = {c: pd.Series([], dtype=object) for c in TEXT_COLUMNS}
    data[NUMERATOR] = pd.Series([], dtype=float)
    data[DENOMINATOR] = pd.Series([], dtype=float)
    return pd.DataFrame(data)[list(COUNT_COLUMNS)]


def with_group(data: pd.DataFrame) -> pd.DataFrame:
    """Return ``data`` with a ``group`` column: frames and files without one are whole-population.

    Tables written before population groups existed, and frames built by hand,
    have no ``group`` column; they are read as ``group = "total"``.

    Parameters
    ----------
    data
        A CountFrame or IndicatorFrame, with or without ``group``.

    Returns
    -------
    pandas.DataFrame
        ``data`` itself when it has the column, else a copy with ``group``
        ``"total"`` placed after ``sex``.

    Examples
    --------
    >>> import pandas as pd
    >>> with_group(pd.DataFrame({"sex": ["total"], "numerator": [1.0]})).columns.tolist()
    ['sex', 'group', 'numerator']
    """
    if GROUP in data.columns:
        return data
    out = data.copy()
    position = list(out.columns).index(SEX) + 1 if SEX in out.columns else len(out.columns)
    out.insert(position, GROUP, pd.Series(GROUP_TOTAL, index=out.index, dtype=object))
    return out


def is_published(data: pd.DataFrame) -> np.ndarray:
    """Which rows are published rates (``ci_method == "published"``), as their publisher gave them.

    Parameters
    ----------
    data
        An IndicatorFrame (a frame without ``ci_method`` has none).

    Returns
    -------
    numpy.ndarray
        Boolean mask, one entry per row.

    Examples
    --------
    >>> import pandas as pd
    >>> is_published(pd.DataFrame({"ci_method": ["wilson", "published"]})).tolist()
    [False, True]
    """
    if CI_METHOD not in data.columns:
        return np.zeros(len(data), dtype=bool)
    return (data[CI_METHOD].to_numpy(dtype=object) == PUBLISHED).astype(bool)


def publisher_hidden(data: pd.DataFrame) -> np.ndarray:
    """Published-rate rows the publisher hid: status ``":"`` or no value.

    Disclosure control marks these ``suppressed`` with the reason
    ``"publisher"`` (they are never shown), without counting them in its own
    arithmetic.

    Parameters
    ----------
    data
        An IndicatorFrame.

    Returns
    -------
    numpy.ndarray
        Boolean mask: published rows whose status is ``":"`` or whose value is missing.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"ci_method": ["published", "published", "wilson"],
    ...     "status": [":", "", ""], "value": [float("nan"), 9.0, float("nan")]})
    >>> publisher_hidden(frame).tolist()
    [True, False, False]
    """
    published = is_published(data)
    if not published.any():
        return published
    status = data[STATUS].to_numpy(dtype=object) == _PUBLISHER_SUPPRESSED
    missing = pd.to_numeric(data[VALUE], errors="coerce").isna().to_numpy()
    return published & (status | missing)


def sort_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort a frame by its key columns and reset the index (stable, deterministic).

    Parameters
    ----------
    frame
        A CountFrame or IndicatorFrame.

    Returns
    -------
    pandas.DataFrame
        The same rows, sorted by :data:`KEY_COLUMNS`, with a fresh RangeIndex.
    """
    keys = [c for c in KEY_COLUMNS if c in frame.columns]
    return frame.sort_values(keys, kind="mergesort").reset_index(drop=True)


def _row_label(frame: pd.DataFrame, mask: np.ndarray) -> object:
    position = int(np.flatnonzero(mask)[0])
    return frame.index[position]


def _first_bad(
    frame: pd.DataFrame, column: str, mask: np.ndarray, problem: str, source: object | None
) -> None:
    if mask.any():
        position = int(np.flatnonzero(mask)[0])
        raise DataError(
            problem,
            file=source,
            column=column,
            row=frame.index[position],
            value=frame[column].iloc[position],
        )


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], source: object | None) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column {missing[0]!r}; expected columns {list(columns)}",
            file=source,
            column=missing[0],
        )


def _not_str_mask(series: pd.Series) -> np.ndarray:
    if isinstance(series.dtype, pd.StringDtype):
        # A string column holds only text, apart from missing values.
        return series.isna().to_numpy(dtype=bool)
    values = series.to_numpy(dtype=object)
    return ~np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))


def _check_vocabulary(frame: pd.DataFrame, source: object | None) -> None:
    """Periods and age labels in the package's one vocabulary, with the offending row."""
    from utenforskap.ages import check_age_labels
    from utenforskap.periods import check_period_labels

    for column, check in ((PERIOD, check_period_labels), (AGE, check_age_labels)):
        try:
            check(frame[column], source=source, column=column)
        except DataError as exc:
            position = int(np.argmax((frame[column].astype(str) == str(exc.value)).to_numpy()))
            raise DataError(
                exc.problem,
                file=source,
                column=column,
                row=frame.index[position],
                value=exc.value,
                hint=exc.hint,
            ) from None


def _check_keys(frame: pd.DataFrame, source: object | None) -> None:
    """Text columns, sex, period and age vocabulary, and status symbols of a frame's rows."""
    for column in TEXT_COLUMNS:
        series = frame[column]
        mask = _not_str_mask(series)
        _first_bad(
            frame,
            column,
            mask,
            "must be text (codes are strings, leading zeros kept)",
            source,
        )
    sex = frame[SEX].to_numpy(dtype=object)
    _first_bad(
        frame,
        SEX,
        ~np.isin(sex, SEXES),
        f"unknown sex; allowed values are {list(SEXES)}",
        source,
    )
    _check_vocabulary(frame, source)
    status = frame[STATUS].to_numpy(dtype=object)
    _first_bad(
        frame,
        STATUS,
        ~np.isin(status, STATUS_SYMBOLS),
        f"unknown status symbol; allowed are {list(STATUS_SYMBOLS)}",
        source,
    )


def _check_published(frame: pd.DataFrame, source: object | None) -> None:
    """Rows of published rates: keys as any row, no counts, a value or the publisher's symbol."""
    _check_keys(frame, source)
    for column in (NUMERATOR, DENOMINATOR):
        counted = pd.to_numeric(frame[column], errors="coerce").notna().to_numpy()
        _first_bad(
            frame,
            column,
            counted,
            f"a published rate (ci_method {PUBLISHED!r}) carries no counts; "
            "give counts as an ordinary row instead",
            source,
        )
    value = pd.to_numeric(frame[VALUE], errors="coerce").to_numpy(dtype=float)
    no_status = frame[STATUS].to_numpy(dtype=object) == ""
    _first_bad(
        frame,
        VALUE,
        np.isnan(value) & no_status,
        "a published rate without a value must carry the publisher's status symbol "
        "(a missing value is never silently 0)",
        source,
    )


def validate_counts(
    data: pd.DataFrame, *, source: object | None = None, allow_extra: bool = True
) -> pd.DataFrame:
    """Check a CountFrame against the contract and return it.

    The first offending cell is reported: its column, row (index label) and
    value.

    Parameters
    ----------
    data
        The frame to check.
    source
        File or description to name in error messages.
    allow_extra
        Whether columns beyond :data:`COUNT_COLUMNS` are allowed.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself, or a copy with ``group = "total"`` when it has no
        ``group`` column (see :func:`with_group`).

    Raises
    ------
    DataError
        Missing column; a code, period, age, sex, group or status that is not a string;
        a period or age label outside the vocabulary (:func:`utenforskap.periods.parse_period`,
        :func:`utenforskap.ages.age_label`);
        unknown ``sex``; unknown status symbol; non-numeric, negative or missing
        (without status) counts; numerator > denominator; duplicate keys.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.frames import validate_counts
    >>> cf = pd.DataFrame({"indicator": ["neet"], "region": ["0301"],
    ...     "region_name": ["Oslo"], "period": ["2023"], "age": ["16-25"],
    ...     "sex": ["total"], "numerator": [9.0], "denominator": [100.0],
    ...     "status": [""]})
    >>> validate_counts(cf).shape
    (1, 10)
    """
    data = with_group(data)
    _require_columns(data, COUNT_COLUMNS, source)
    if not allow_extra:
        extra = [c for c in data.columns if c not in COUNT_COLUMNS]
        if extra:
            raise DataError(f"unexpected column {extra[0]!r}", file=source, column=extra[0])
    _check_keys(data, source)
    status = data[STATUS].to_numpy(dtype=object)
    has_status = status != ""
    zero = status == ZERO
    counts = {}
    for column in (NUMERATOR, DENOMINATOR):
        numeric = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
        raw_missing = data[column].isna().to_numpy()
        _first_bad(data, column, np.isnan(numeric) & ~raw_missing, "not a number", source)
        _first_bad(
            data,
            column,
            np.isnan(numeric) & ~has_status,
            "missing count without a status symbol (a missing value is never silently 0)",
            source,
        )
        _first_bad(data, column, numeric < 0, "negative count", source)
        counts[column] = numeric
    _first_bad(
        data,
        NUMERATOR,
        zero & (counts[NUMERATOR] > 0),
        "status '-' says the count is a true zero, but the numerator is not 0",
        source,
    )
    _first_bad(
        data,
        NUMERATOR,
        counts[NUMERATOR] > counts[DENOMINATOR],
        "numerator is greater than denominator",
        source,
    )
    duplicated = data.duplicated(list(KEY_COLUMNS), keep="first").to_numpy()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        key = tuple(data[list(KEY_COLUMNS)].iloc[position])
        raise DataError(
            f"duplicate key {dict(zip(KEY_COLUMNS, key, strict=True))}; "
            "each indicator × region × period × age × sex × group must appear once",
            file=source,
            column=", ".join(KEY_COLUMNS),
            row=data.index[position],
        )
    return data


def validate_indicators(data: pd.DataFrame, *, source: object | None = None) -> pd.DataFrame:
    """Check an IndicatorFrame against the contract and return it unchanged.

    Parameters
    ----------
    data
        The frame to check.
    source
        File or description to name in error messages.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself (with ``group`` added when absent, as :func:`validate_counts`).

    Raises
    ------
    DataError
        As :func:`validate_counts`, plus a missing IndicatorFrame column, an
        unknown ``comparison`` or ``suppression_reason``, a suppressed row that
        still shows a value, or an interval that does not contain its value.
        Rows of published rates (``ci_method == "published"``, see
        :data:`PUBLISHED`) must carry no counts, and a value or the
        publisher's status symbol.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.indicators import compute_indicators
    >>> cf = pd.DataFrame({"indicator": ["neet"], "region": ["0301"],
    ...     "region_name": ["Oslo"], "period": ["2023"], "age": ["16-25"],
    ...     "sex": ["total"], "numerator": [9.0], "denominator": [100.0],
    ...     "status": [""]})
    >>> validate_indicators(compute_indicators(cf)).shape
    (1, 21)
    """
    data = with_group(data)
    _require_columns(data, INDICATOR_COLUMNS, source)
    suppressed = data[SUPPRESSED].to_numpy(dtype=bool)
    rates = is_published(data)
    # Suppressed rows have blanked counts; validate the shown rows' counts.
    validate_counts(data.loc[~suppressed & ~rates], source=source)
    if (rates & ~suppressed).any():
        _check_published(data.loc[rates & ~suppressed], source)
    dup = data.duplicated(list(KEY_COLUMNS)).to_numpy()
    if dup.any():
        raise DataError(
            "duplicate key", file=source, row=_row_label(data, dup), column=", ".join(KEY_COLUMNS)
        )
    _first_bad(
        data,
        COMPARISON,
        ~np.isin(data[COMPARISON].to_numpy(dtype=object), COMPARISONS),
        f"unknown comparison; allowed are {list(COMPARISONS)}",
        source,
    )
    _first_bad(
        data,
        SUPPRESSION_REASON,
        ~np.isin(data[SUPPRESSION_REASON].to_numpy(dtype=object), SUPPRESSION_REASONS),
        f"unknown suppression reason; allowed are {list(SUPPRESSION_REASONS)}",
        source,
    )
    value = data[VALUE].to_numpy(dtype=float)
    _first_bad(
        data,
        VALUE,
        suppressed & ~np.isnan(value),
        "a suppressed cell still shows a value",
        source,
    )
    lower = data[CI_LOWER].to_numpy(dtype=float)
    upper = data[CI_UPPER].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        outside = (lower > value + 1e-9) | (upper < value - 1e-9)
    _first_bad(data, CI_LOWER, outside, "interval does not contain the value", source)
    return data
