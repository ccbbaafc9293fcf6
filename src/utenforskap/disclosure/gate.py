"""The one gate every writer passes: refuse frames that have not been through disclosure control."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.cells import primary_reasons
from utenforskap.disclosure.rules import RuleBook, rules_from_config
from utenforskap.errors import ConfigError, UtenforskapError

__all__ = [
    "BLANKED",
    "DisclosureError",
    "Record",
    "hide_rows",
    "mark",
    "recorded_rules",
    "require_disclosed",
]

#: Where :func:`~utenforskap.disclosure.suppress` records what it did, in ``frame.attrs``.
MARK = "utenforskap.disclosure"

#: Columns blanked (NaN) in a hidden cell: each could reveal its counts.
BLANKED: tuple[str, ...] = (
    F.NUMERATOR,
    F.DENOMINATOR,
    F.VALUE,
    F.CI_LOWER,
    F.CI_UPPER,
    F.REFERENCE_VALUE,
    F.P_VALUE,
)

_GATE_COLUMNS = (F.INDICATOR, F.NUMERATOR, F.DENOMINATOR, F.SUPPRESSED, F.SUPPRESSION_REASON)


class Record(dict[str, Any]):
    """The disclosure record in ``frame.attrs``: never changed, so copies share it.

    pandas deep-copies ``attrs`` into every frame an operation returns (every
    filter, column and sort of the figure pack: tens of thousands per
    kommune); a record that is its own deep copy costs nothing there.
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Record:
        return self

    def __reduce__(self) -> tuple[type[Record], tuple[dict[str, Any]]]:
        return (Record, (dict(self),))

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a disclosure record is not changed; mark the frame again")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]


class DisclosureError(UtenforskapError):
    """A frame was about to be written without (intact) disclosure control."""

    exit_code = 1


def mark(frame: pd.DataFrame, book: RuleBook) -> None:
    """Record in ``frame.attrs`` that the frame was suppressed, and under which rules.

    Parameters
    ----------
    frame
        The suppressed frame (changed in place).
    book
        The rules it was suppressed with.
    """
    frame.attrs[MARK] = Record(rules=book.as_dict())


def recorded_rules(frame: pd.DataFrame) -> RuleBook:
    """The rules a frame was suppressed with.

    Parameters
    ----------
    frame
        A frame returned by :func:`~utenforskap.disclosure.suppress` (or a
        subset of one: pandas keeps ``attrs`` through filtering and sorting).

    Returns
    -------
    RuleBook
        The recorded rules.

    Raises
    ------
    DisclosureError
        When the frame carries no (readable) record.
    """
    record: Any = frame.attrs.get(MARK)
    if not isinstance(record, dict) or "rules" not in record:
        raise DisclosureError(
            "refusing to write a frame that has not been through disclosure control; "
            "call utenforskap.disclosure.suppress(frame, rules) first"
        )
    try:
        return rules_from_config(record["rules"])
    except ConfigError as err:
        raise DisclosureError(f"the frame's disclosure record is damaged: {err}") from err


def hide_rows(frame: pd.DataFrame, rows: np.ndarray, reason: str) -> pd.DataFrame:
    """A copy of ``frame`` with ``rows`` (positions) hidden for ``reason``.

    The counts, value, interval and comparison of those rows are blanked
    (:data:`BLANKED`, ``comparison`` "not_tested"), as
    :func:`~utenforskap.disclosure.suppress` blanks the cells it hides.

    Parameters
    ----------
    frame
        A suppressed IndicatorFrame.
    rows
        Positions of the rows to hide.
    reason
        Their suppression reason (one of ``frames.SUPPRESSION_REASONS``).

    Returns
    -------
    pandas.DataFrame
        The new frame (``attrs`` kept).
    """
    out = frame.copy()
    hidden = out[F.SUPPRESSED].to_numpy(dtype=bool, copy=True)
    hidden[rows] = True
    why = out[F.SUPPRESSION_REASON].to_numpy(dtype=object, copy=True)
    why[rows] = reason
    out[F.SUPPRESSED] = hidden
    out[F.SUPPRESSION_REASON] = pd.Series(why, index=out.index).astype(
        frame[F.SUPPRESSION_REASON].dtype
    )
    for column in BLANKED:
        values = out[column].to_numpy(dtype=float, na_value=np.nan, copy=True)
        values[rows] = np.nan
        out[column] = values
    comparison = out[F.COMPARISON].to_numpy(dtype=object, copy=True)
    comparison[rows] = "not_tested"
    out[F.COMPARISON] = pd.Series(comparison, index=out.index).astype(frame[F.COMPARISON].dtype)
    return out


def _first(frame: pd.DataFrame, mask: np.ndarray) -> str:
    position = int(np.flatnonzero(mask)[0])
    label = frame.index[position]
    key = {c: frame[c].iloc[position] for c in F.KEY_COLUMNS if c in frame.columns}
    return f"row {label} {key}"


def require_disclosed(data: pd.DataFrame) -> pd.DataFrame:
    """Refuse a frame that has not been through :func:`~utenforskap.disclosure.suppress`.

    Every writer (CSV, Parquet, XLSX, figures) calls this first. Besides the
    record left by ``suppress``, the frame itself is checked again, so a frame
    edited after suppression is caught: every published cell must pass the
    primary, complement and denominator rules it was suppressed with, and every
    hidden cell must have a reason and blank counts, value and interval.

    Parameters
    ----------
    data
        The IndicatorFrame about to be written (or a subset of its rows).

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself.

    Raises
    ------
    DisclosureError
        No disclosure record; a missing column; a published cell that breaks a
        rule; a hidden cell that still shows a number or has no reason.

    Examples
    --------
    >>> import pandas as pd
    >>> require_disclosed(pd.DataFrame({"value": [1.0]}))
    Traceback (most recent call last):
    ...
    utenforskap.disclosure.gate.DisclosureError: refusing to write a frame that has not \
been through disclosure control; call utenforskap.disclosure.suppress(frame, rules) first
    """
    frame = data
    book = recorded_rules(frame)
    missing = [c for c in _GATE_COLUMNS if c not in frame.columns]
    if missing:
        raise DisclosureError(
            f"refusing to write: column {missing[0]!r} is missing, so disclosure control "
            "cannot be checked; write the IndicatorFrame's columns"
        )
    hidden = frame[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)
    reason = frame[F.SUPPRESSION_REASON].fillna("").to_numpy(dtype=object)
    bad_reason = np.where(hidden, ~np.isin(reason, F.SUPPRESSION_REASONS[1:]), reason != "")
    if bad_reason.any():
        raise DisclosureError(
            f"refusing to write: {_first(frame, bad_reason)} has suppressed="
            f"{bool(hidden[np.flatnonzero(bad_reason)[0]])} but suppression_reason "
            f"{reason[np.flatnonzero(bad_reason)[0]]!r}; the frame was changed after "
            "suppress()"
        )
    for column in BLANKED:
        if column not in frame.columns:
            continue
        shown = hidden & frame[column].notna().to_numpy()
        if shown.any():
            raise DisclosureError(
                f"refusing to write: {_first(frame, shown)} is suppressed but still shows "
                f"{column!r}; the frame was changed after suppress()"
            )
    x = pd.to_numeric(frame[F.NUMERATOR], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(frame[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float)
    rules = book.per_row(frame[F.INDICATOR].to_numpy(dtype=object))
    broken = ~hidden & (primary_reasons(x, n, rules) != 0)
    if broken.any():
        position = int(np.flatnonzero(broken)[0])
        raise DisclosureError(
            f"refusing to write: {_first(frame, broken)} is published with numerator "
            f"{x[position]:g} and denominator {n[position]:g}, which the disclosure rules "
            f"(min_count {rules['min_count'][position]}, min_denominator "
            f"{rules['min_denominator'][position]}) hide; run suppress() again"
        )
    return frame
