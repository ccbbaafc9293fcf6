"""What leaves the library: published tables say only "prikket"; reasons go to a restricted file.

An attacker who knows *why* a cell is hidden knows more about it (a
``primary`` cell has 1 … min_count − 1 people with the trait). So the written
tables carry ``suppressed`` but not ``suppression_reason``; the reasons are
kept in memory (analysts need them) and written only to
``<output>.restricted/disclosure_audit.csv``, a folder of mode 0700 beside the
output folder, never inside the published pack.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.gate import require_disclosed

__all__ = [
    "AUDIT_COLUMNS",
    "AUDIT_NAME",
    "PUBLISHED_COLUMNS",
    "RESTRICTED_SUFFIX",
    "published_view",
    "read_disclosure_audit",
    "restricted_folder",
    "with_reasons",
    "write_disclosure_audit",
]

#: Columns of a published table: the IndicatorFrame without the reason.
PUBLISHED_COLUMNS: tuple[str, ...] = tuple(
    c for c in F.INDICATOR_COLUMNS if c != F.SUPPRESSION_REASON
)
#: Suffix of the restricted folder beside an output folder.
RESTRICTED_SUFFIX = ".restricted"
#: The restricted file with the reason of every hidden cell.
AUDIT_NAME = "disclosure_audit.csv"
#: Its columns.
AUDIT_COLUMNS: tuple[str, ...] = (*F.KEY_COLUMNS, F.SUPPRESSED, F.SUPPRESSION_REASON)


def published_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a writer may write it: through the gate, without the suppression reason.

    Every writer (CSV, Parquet, XLSX, figures' tables) starts here.

    Parameters
    ----------
    frame
        A suppressed IndicatorFrame (or a subset of its rows).

    Returns
    -------
    pandas.DataFrame
        A copy with the columns of :data:`PUBLISHED_COLUMNS` that ``frame``
        has (other columns kept), sorted by the key columns.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        The frame has not been through disclosure control, or was changed after it.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.disclosure import suppress
    >>> row = dict(indicator="neet", region="3203", region_name="", period="2023",
    ...     age="16-25", sex="total", numerator=3.0, denominator=80.0, status="",
    ...     value=3.75, ci_lower=1.3, ci_upper=10.5, ci_level=0.95, ci_method="wilson",
    ...     reference="", reference_value=float("nan"), comparison="not_tested",
    ...     p_value=float("nan"), suppressed=False, suppression_reason="")
    >>> view = published_view(suppress(pd.DataFrame([row])))
    >>> "suppression_reason" in view.columns, bool(view.loc[0, "suppressed"])
    (False, True)
    """
    require_disclosed(frame)
    out = F.sort_frame(frame.drop(columns=[F.SUPPRESSION_REASON]))
    out.attrs = {}
    return out


def restricted_folder(output: str | Path) -> Path:
    """The restricted folder beside an output folder (``data/processed.restricted``).

    Parameters
    ----------
    output
        The output folder.

    Returns
    -------
    pathlib.Path
        The folder (not created).

    Examples
    --------
    >>> restricted_folder("data/processed").as_posix()
    'data/processed.restricted'
    """
    path = Path(output)
    return path.with_name(path.name + RESTRICTED_SUFFIX)


def write_disclosure_audit(frame: pd.DataFrame, output: str | Path) -> Path:
    """Write the reason of every hidden cell to ``<output>.restricted/disclosure_audit.csv``.

    The folder is created with mode 0700 (and set to it if it exists); the
    file with mode 0600, written whole or not at all (a temporary file renamed).

    Parameters
    ----------
    frame
        A suppressed IndicatorFrame.
    output
        The run's output folder (the restricted folder goes beside it).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        The frame has not been through disclosure control.
    """
    require_disclosed(frame)
    folder = restricted_folder(output)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    hidden = frame[frame[F.SUPPRESSED].to_numpy(dtype=bool)]
    table = F.sort_frame(F.with_group(hidden)[list(AUDIT_COLUMNS)])
    target = folder / AUDIT_NAME
    handle, name = tempfile.mkstemp(dir=folder, prefix=".audit-", suffix=".csv")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            table.to_csv(stream, index=False, lineterminator="\n")
        os.chmod(name, 0o600)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return target


def read_disclosure_audit(output: str | Path) -> pd.DataFrame | None:
    """Read the restricted reasons written by :func:`write_disclosure_audit`, if there are any.

    Parameters
    ----------
    output
        The run's output folder.

    Returns
    -------
    pandas.DataFrame or None
        The :data:`AUDIT_COLUMNS` of the hidden cells; None when the file is
        missing or cannot be read.
    """
    target = restricted_folder(output) / AUDIT_NAME
    try:
        return pd.read_csv(target, dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return None


def with_reasons(table: pd.DataFrame, output: str | Path) -> pd.DataFrame:
    """A published table read back, with the reasons from the restricted file put in again.

    Parameters
    ----------
    table
        A table a run wrote (:data:`PUBLISHED_COLUMNS`).
    output
        The run's output folder.

    Returns
    -------
    pandas.DataFrame
        ``table`` with ``suppression_reason`` after ``suppressed``: the
        recorded reason of each hidden cell (``""`` for published cells), or
        ``table`` unchanged when the restricted file is missing or does not
        cover every hidden cell.
    """
    if F.SUPPRESSION_REASON in table.columns or F.SUPPRESSED not in table.columns:
        return table
    audit = read_disclosure_audit(output)
    if audit is None or not set(F.KEY_COLUMNS) <= set(audit.columns):
        return table
    keys = list(F.KEY_COLUMNS)
    found = (
        F.with_group(table)[keys]
        .astype(str)
        .merge(audit[[*keys, F.SUPPRESSION_REASON]], on=keys, how="left", validate="many_to_one")
    )
    reason = found[F.SUPPRESSION_REASON].fillna("").to_numpy(dtype=object)
    hidden = table[F.SUPPRESSED].to_numpy(dtype=bool)
    if (hidden & (reason == "")).any():
        return table
    out = table.copy()
    out.insert(
        list(out.columns).index(F.SUPPRESSED) + 1,
        F.SUPPRESSION_REASON,
        pd.Series(reason, index=out.index, dtype=object).where(hidden, ""),
    )
    return out
