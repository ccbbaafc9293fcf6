"""Read XLSX spreadsheets (SSB statbank exports, municipal sheets) into tidy observation frames."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.io.tables import _REGION_NAME, cells_to_observations

__all__ = ["read_xlsx"]


def read_xlsx(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    value_columns: Sequence[str] | None = None,
    region_column: str | None = None,
    ignore_columns: Sequence[str] | None = None,
    names_year: int | None = None,
    within: str | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Read one table of an XLSX workbook into a tidy frame, as :func:`~utenforskap.io.read_table`.

    The table is found as a person finds it: title rows above it (one filled
    cell, often merged across the table) are skipped; the header is the first
    row with two or more filled cells; the table ends at the first empty row,
    and notes below it ("Kilde: SSB", footnotes: one filled cell) are left
    out. Cells keep their text as shown: codes stay text with leading zeros
    (``"0301"``); a number cell in a region column (``301``, a code a
    spreadsheet turned into a number) is an error with the repair hint.
    Statbank exports that repeat a stub value only on its first row (merged
    or blank cells below it) have those cells filled downwards.

    Parameters
    ----------
    path
        The ``.xlsx`` file.
    sheet
        Sheet name or 0-based position; by default the first sheet.
    header_row
        The header's row number as Excel shows it (1-based); found when None.
    value_columns, region_column, ignore_columns, names_year, within, symbols, status_symbols
        As :func:`~utenforskap.io.read_table`.

    Returns
    -------
    pandas.DataFrame
        As :func:`~utenforskap.io.read_table`; errors name the spreadsheet's
        own row numbers. ``attrs`` adds ``sheet`` and ``header_row``.

    Raises
    ------
    DataError
        The file is not an XLSX workbook, the sheet does not exist, no
        header row is found, a region code stored as a number, and what
        :func:`~utenforskap.io.read_table` refuses.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> wb = openpyxl.Workbook(); ws = wb.active
    >>> ws.append(["Andel unge utenfor arbeid og utdanning"]); ws.append([])
    >>> ws.append(["Kommune", "År", "Andel"])
    >>> ws.append(["Skien", "2024", 11.5]); ws.append(["Porsgrunn", "2024", 10.8])
    >>> ws.append([]); ws.append(["Kilde: SSB, tabell 13556"])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"; wb.save(p)
    >>> read_xlsx(p)[["Kommune", "Kommune_label", "value"]].values.tolist()
    [['4003', 'Skien', 11.5], ['4001', 'Porsgrunn', 10.8]]
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    if not Path(path).is_file():
        raise DataError("file not found", file=name)
    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DataError(f"not an XLSX workbook: {exc}", file=name) from None
    try:
        ws = _sheet(book, sheet, name)
        grid, numeric = _grid(ws)
    finally:
        book.close()
    header = _header(grid, header_row, name)
    heads = [str(h).strip() for h in grid[header]]
    end = header + 1
    while end < len(grid) and _filled(grid[end]) >= min(2, _filled(grid[header])):
        end += 1
    # A blank header over filled cells (a statbank stub column) gets a name.
    used = [
        i for i, h in enumerate(heads) if h != "" or any(r[i] != "" for r in grid[header + 1 : end])
    ]
    columns = [heads[i] or f"column{i + 1}" for i in used]
    body = np.asarray([[row[i] for i in used] for row in grid[header + 1 : end]], dtype=object)
    body_numeric = np.asarray(
        [[row[i] for i in used] for row in numeric[header + 1 : end]], dtype=bool
    ).reshape(body.shape)
    if body.size == 0:
        raise DataError("the table has a header but no data rows", file=name, row=header + 1)
    frame = pd.DataFrame(body, columns=pd.Index(columns, dtype=object), dtype=object)
    _fill_down(frame, body_numeric)
    first_row = header + 2
    _check_numeric_regions(frame, body_numeric, region_column, name, first_row)
    tidy = cells_to_observations(
        frame,
        file=name,
        decimal=".",
        value_columns=value_columns,
        region_column=region_column,
        ignore_columns=ignore_columns,
        names_year=names_year,
        within=within,
        symbols=symbols,
        status_symbols=status_symbols,
        first_row=first_row,
    )
    tidy.attrs.update({"sheet": ws.title, "header_row": header + 1, "encoding": "xlsx"})
    return tidy


def _sheet(book: Any, sheet: str | int | None, name: str) -> Any:
    names = list(book.sheetnames)
    if sheet is None:
        return book[names[0]]
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise DataError(f"no sheet number {sheet}; the sheets are {names}", file=name)
        return book[names[sheet]]
    if sheet not in names:
        raise DataError(f"no sheet {sheet!r}; the sheets are {names}", file=name, value=sheet)
    return book[sheet]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value).strip()


def _grid(ws: Any) -> tuple[list[list[str]], list[list[bool]]]:
    # Merged title cells keep their text in the top-left cell only: they count once.
    grid: list[list[str]] = []
    numeric: list[list[bool]] = []
    for row in ws.iter_rows(values_only=True):
        grid.append([_text(v) for v in row])
        numeric.append([isinstance(v, int | float) and not isinstance(v, bool) for v in row])
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    numeric = [r + [False] * (width - len(r)) for r in numeric]
    return grid, numeric


def _filled(row: list[str]) -> int:
    return sum(1 for v in row if v != "")


def _header(grid: list[list[str]], header_row: int | None, name: str) -> int:
    if header_row is not None:
        if not 1 <= header_row <= len(grid):
            raise DataError(
                f"header_row {header_row} is outside the sheet's {len(grid)} rows", file=name
            )
        return header_row - 1
    for i, row in enumerate(grid):
        if _filled(row) >= 2:
            return i
    raise DataError(
        "no header row found: no row has two or more filled cells",
        file=name,
        hint="pass header_row= (the row number Excel shows)",
    )


def _fill_down(frame: pd.DataFrame, numeric: np.ndarray) -> None:
    """Fill blank stub cells from the row above (statbank exports write a stub value once).

    Only the leading text columns are stubs; a blank among values is a missing value.
    """
    for position, column in enumerate(frame.columns):
        if numeric[:, position].any():
            break
        cells = frame[column]
        if (cells == "").any() and (cells != "").any():
            frame[column] = cells.replace("", None).ffill().fillna("").astype(object)


def _check_numeric_regions(
    frame: pd.DataFrame, numeric: np.ndarray, region_column: str | None, name: str, first: int
) -> None:
    for position, column in enumerate(frame.columns):
        named = column == region_column or (
            region_column is None and _REGION_NAME.match(str(column)) is not None
        )
        if not named or not numeric[:, position].any():
            continue
        row = int(np.flatnonzero(numeric[:, position])[0])
        raise DataError(
            "a region code stored as a number: a spreadsheet drops its leading zeros "
            "(0301 becomes 301)",
            file=name,
            column=str(column),
            row=first + row,
            value=frame[column].iloc[row],
            hint="format the column as text in the spreadsheet and type the codes with "
            "their zeros, or repair them with utenforskap.geo.normalise_codes",
        )
