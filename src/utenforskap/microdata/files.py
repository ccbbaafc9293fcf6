"""Read person-level CSV files as text, and counts files already in the CountFrame layout."""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import age_label
from utenforskap.errors import DataError

__all__ = ["read_counts", "read_microdata"]

_DECIMAL_COMMA = re.compile(r"-?[0-9]+,[0-9]+")

#: Line number of the first data row: the header is line 1.
FIRST_DATA_LINE = 2


def read_microdata(
    path: str | Path, *, required: Sequence[str] = (), columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read a person- or respondent-level CSV with every column as text.

    Codes keep their leading zeros and blanks stay blank (``""``), so nothing
    is silently turned into a number or NaN.

    Parameters
    ----------
    path
        CSV file, comma-separated, UTF-8 (with or without BOM), header on line 1.
    required
        Columns that must be present.
    columns
        Read only these columns (all when None); each must be present.

    Returns
    -------
    pandas.DataFrame
        All columns as Python ``str`` objects; the index is the file's own
        1-based line number (the header is line 1, so the first data row is 2).

    Raises
    ------
    DataError
        Unreadable or undecodable file, a ragged row, or a missing column.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = path.write_text("district,year,neet\\n030101,2024,1\\n030102,2024,\\n")
    >>> frame = read_microdata(path, required=["district"])
    >>> frame.to_dict("list"), frame.index.tolist()
    ({'district': ['030101', '030102'], 'year': ['2024', '2024'], 'neet': ['1', '']}, [2, 3])
    """
    file = Path(path)
    wanted = None if columns is None else list(dict.fromkeys([*columns, *required]))
    if wanted is not None:
        from utenforskap.microdata.sources import open_source

        open_source(file).missing(tuple(wanted))
    try:
        with warnings.catch_warnings():
            # index_col=False: a first data line with one field too many is refused, not
            # silently read as an index column; the warning pandas gives then is an error.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                file,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                encoding="utf-8-sig",
                engine="c",
                index_col=False,
            )
    except pd.errors.ParserWarning:
        raise DataError(
            "not a well-formed CSV file: the first data line has more fields than the header",
            file=file,
        ) from None
    except FileNotFoundError:
        raise DataError("file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text at byte {exc.start}", file=file, hint="save the file as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"not a well-formed CSV file: {exc}", file=file) from None
    except pd.errors.EmptyDataError:
        raise DataError(
            "the file is empty: expected a header line and data rows", file=file
        ) from None
    except IsADirectoryError:
        raise DataError("a folder, not a file", file=file) from None
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    if frame.empty:
        raise DataError(
            f"no data rows: the file has only its header line ({', '.join(frame.columns)})",
            file=file,
        )
    if wanted is not None:
        # Every column is read, so a line with too many fields is refused (usecols hides it).
        frame = frame[wanted]
    frame = frame.astype(object)
    frame.index = pd.RangeIndex(FIRST_DATA_LINE, len(frame) + FIRST_DATA_LINE)
    for column in required:
        if column not in frame.columns:
            raise DataError(
                f"missing column; the file has {list(frame.columns)}", file=file, column=column
            )
    return frame


def read_counts(path: str | Path) -> pd.DataFrame:
    """Read a CSV already in the CountFrame layout and validate it.

    Parameters
    ----------
    path
        CSV with the columns of :data:`utenforskap.frames.COUNT_COLUMNS`
        (``region_name``, ``group`` and ``status`` may be omitted: no group
        reads as ``"total"``); counts may be blank only
        where ``status`` holds an SSB symbol.

    Returns
    -------
    pandas.DataFrame
        A valid CountFrame; the index is the file's own line number (header = 1).

    Raises
    ------
    DataError
        Naming the file, column, line and value of the first problem: a count
        that is not a number, not a whole number, negative, or a numerator
        above its denominator, among others (:func:`utenforskap.frames.validate_counts`).
    """
    frame = read_microdata(path)
    for column in (F.REGION_NAME, F.STATUS):
        if column not in frame.columns:
            frame[column] = ""
    if F.GROUP not in frame.columns:
        frame[F.GROUP] = F.GROUP_TOTAL
    missing = [c for c in F.COUNT_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column; expected {list(F.COUNT_COLUMNS)}", file=path, column=missing[0]
        )
    # Age labels are read in any form the one parser knows ("16 til 25",
    # "16-25 år") and written in its canonical form.
    labels = pd.unique(frame[F.AGE].astype(str))
    try:
        canonical = {label: age_label(label) for label in labels}
    except DataError as exc:
        rows = (frame[F.AGE].astype(str) == str(exc.value)).to_numpy()
        raise DataError(
            exc.problem,
            file=path,
            column=F.AGE,
            row=frame.index[int(np.flatnonzero(rows)[0])],
            value=exc.value,
        ) from None
    frame[F.AGE] = frame[F.AGE].astype(str).map(canonical).astype(object)
    written = frame[[F.NUMERATOR, F.DENOMINATOR]].copy()
    for column in (F.NUMERATOR, F.DENOMINATOR):
        text = frame[column]
        blank = (text == "").to_numpy()
        numbers = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(numbers) & ~blank
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            value = text.iloc[i]
            hint = "write decimals with a point" if _DECIMAL_COMMA.fullmatch(value) else None
            raise DataError(
                "not a number",
                file=path,
                column=column,
                row=frame.index[i],
                value=value,
                hint=hint,
            )
        with np.errstate(invalid="ignore"):
            fractional = ~np.isnan(numbers) & (numbers != np.floor(numbers))
        if fractional.any():
            i = int(np.flatnonzero(fractional)[0])
            raise DataError(
                "a count must be a whole number",
                file=path,
                column=column,
                row=frame.index[i],
                value=text.iloc[i],
            )
        frame[column] = numbers
    try:
        return F.validate_counts(frame[list(F.COUNT_COLUMNS)], source=path)
    except DataError as exc:
        if exc.column not in written.columns or exc.row not in written.index:
            raise
        # The count as the file writes it ('-81'), not as the float it became.
        raise DataError(
            exc.problem,
            file=exc.file,
            column=exc.column,
            row=exc.row,
            value=written.at[exc.row, str(exc.column)],
            hint=exc.hint,
        ) from None
