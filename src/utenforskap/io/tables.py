"""Read SSB and FHI CSV/semicolon exports into tidy observation frames."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.io.cube import LABEL_SUFFIX, STATUS, VALUE, check_status, translate_symbols
from utenforskap.io.source import decode_bytes, read_bytes

__all__ = ["DIALECTS", "TableDialect", "cells_to_observations", "read_table"]

#: Name of the column holding the source column of each value when several are melted.
VARIABLE = "variable"

# "0301 Oslo", "K-3203 Asker", "F-03 Oslo", "B-030101 Gamle Oslo", "0 Hele landet".
_REGION = re.compile(r"^\s*(?:[KFB]-)?(\d{1,10})\s+(\S.*?)\s*$")
_SYMBOL = re.compile(r"^[^\w\s]{1,3}$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?$")
_REGION_NAME = re.compile(r"(?i)^(region|kommune|fylke|bydel|sted|geo|geografi|område|omrade)")
_PERIOD_NAME = re.compile(r"(?i)^(år|aar|tid|year|periode|period)")
# Sort keys FHI adds after the values ("SortKommune"); never data.
_SORT_NAME = re.compile(r"(?i)^sort")
# Columns that hold a dimension even when their cells look like numbers.
_DIMENSION_NAME = re.compile(
    r"(?i)^(region|kommune|fylke|bydel|sted|geo|geografi|år|aar|tid|year|periode|period|"
    r"alder|age|kjønn|kjonn|kjon|kjnn|sex|kode|code|trinn|grade)"
)


@dataclass(frozen=True)
class TableDialect:
    """How a delimited export is written; ``None`` means detect it.

    Attributes
    ----------
    sep
        Field separator: ``";"``, ``","`` or ``"\\t"``.
    decimal
        Decimal mark in value columns: ``","`` or ``"."``.
    encoding
        Text encoding; detected (UTF-8, UTF-8 with BOM, Windows-1252/Latin-1) when None.
    names_year
        The year whose region names the files use (see ``names_year`` of
        :func:`read_table`); None: the latest period's last year.
    """

    sep: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    names_year: int | None = None


#: Named dialects: ``auto`` detects everything; the others fix what the agency writes.
DIALECTS: dict[str, TableDialect] = {
    "auto": TableDialect(),
    "ssb": TableDialect(sep=None, decimal=None),
    "ssb-semicolon": TableDialect(sep=";", decimal=","),
    "ssb-comma": TableDialect(sep=",", decimal="."),
    # FHI statistikkbank downloads come comma- or semicolon-separated, with
    # every period on the current borders (the catalogue's latest year, 2024).
    "fhi": TableDialect(sep=None, decimal=None, names_year=2024),
}


def read_table(
    path: str | os.PathLike[str],
    *,
    dialect: str | TableDialect = "auto",
    value_columns: Sequence[str] | None = None,
    region_column: str | None = None,
    ignore_columns: Sequence[str] | None = None,
    names_year: int | None = None,
    within: str | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Read a CSV or semicolon export from SSB or FHI into a tidy frame.

    Parameters
    ----------
    path
        The file.
    dialect
        A name in :data:`DIALECTS` or a :class:`TableDialect`. ``"fhi"``
        detects comma or semicolon: FHI statistikkbank downloads come with
        either.
    value_columns
        Columns holding values. By default: the trailing columns whose cells
        are all numbers, SSB symbols or empty, stopping at a column named like
        a dimension (``år``, ``alder``, ``region`` …); a column of symbols only counts.
    region_column
        Column with regions. By default the first text column whose cells
        all look like ``"0301 Oslo"`` or ``"K-3203 Asker"``, else the first
        column named like a region (``Geografi``, ``Kommune``, ``Sted``,
        ``Region`` …) whose cells are names (``"Hele landet"``, ``"Skien"``),
        which are then resolved to codes through the built-in catalogue
        (:func:`~utenforskap.geo.catalogue.region_codes`).
    ignore_columns
        Columns to leave out (sort keys, notes). Columns named ``Sort…``
        (FHI's ``SortKommune``) are left out without asking.
    names_year
        The year whose region names the file uses, for names → codes. By
        default the dialect's (``"fhi"``: 2024), else the last year of the
        latest period in a column named like a period (``År``, ``Periode``,
        ``Tid``). FHI's statistikkbank gives all periods on the current
        borders (2024 codes in its API [seen in Telemark fylkeskommune's API
        queries; that its CSV downloads do the same is inferred]): "Skien" in
        an FHI file of 2021–2023 means 4003, not 3807.
    within
        The fylke (code or name) the named regions lie in, for names two
        kommuner share (Våler, Herøy).
    symbols
        The publisher's symbols → the package's (as in :func:`~utenforskap.io.read_px`).
    status_symbols
        Allowed symbols in value columns after ``symbols``; another one is a DataError.

    Returns
    -------
    pandas.DataFrame
        The text columns (object dtype; the region column split into the code,
        leading zeros kept, and ``<column>_label`` with the name as written),
        then ``value`` (float) and ``status`` (``""`` or the symbol; an empty
        cell reads as ``".."``, not available). With several value columns
        they are melted into ``variable`` (the column header), ``value``,
        ``status``. ``attrs``: ``file``, ``encoding``, ``sep``, ``decimal``,
        ``role`` (``geo`` when a region column was found), ``geo``,
        ``ignored`` (columns left out), ``names_year`` (when names were
        resolved).

    Raises
    ------
    DataError
        An undecodable byte (with an explicit encoding), an empty file, a row
        with more or fewer cells than the header, a value that is neither a
        number nor a symbol, an unknown symbol, a region name that is unknown
        or ambiguous (naming file, column, line and candidates).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = p.write_text("region;år;andel\\n0301 Oslo;2023;12,5\\nK-3203 Asker;2023;..\\n")
    >>> t = read_table(p)
    >>> t[["region", "region_label", "value"]].to_dict("list")
    {'region': ['0301', '3203'], 'region_label': ['Oslo', 'Asker'], 'value': [12.5, nan]}
    >>> t["status"].tolist()
    ['', '..']
    >>> q = pathlib.Path(tempfile.mkdtemp()) / "fhi.csv"
    >>> _ = q.write_text("Geografi,År,Måltall,Verdi,SortKommune\\n"
    ...     "Hele landet,2021-2023,andel (prosent),9,0\\n"
    ...     "Skien,2021-2023,andel (prosent),11,4003\\n")
    >>> read_table(q, dialect="fhi")[["Geografi", "Geografi_label", "value"]].values.tolist()
    [['0', 'Hele landet', 9.0], ['4003', 'Skien', 11.0]]
    """
    spec = _dialect(dialect)
    name = str(path)
    text = decode_bytes(read_bytes(Path(path)), encoding=spec.encoding, file=name)
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise DataError("empty file; expected a header row and data rows", file=name)
    sep = spec.sep or _sniff_sep(lines[0])
    header, cells = _split(lines, sep, name)
    frame = pd.DataFrame(cells, columns=pd.Index(header, dtype=object), dtype=object)
    tidy = cells_to_observations(
        frame,
        file=name,
        decimal=spec.decimal,
        sep=sep,
        value_columns=value_columns,
        region_column=region_column,
        ignore_columns=ignore_columns,
        names_year=names_year if names_year is not None else spec.names_year,
        within=within,
        symbols=symbols,
        status_symbols=status_symbols,
        first_row=1,
    )
    tidy.attrs["encoding"] = spec.encoding or "detected"
    return tidy


def cells_to_observations(
    frame: pd.DataFrame,
    *,
    file: str,
    decimal: str | None = None,
    sep: str | None = None,
    value_columns: Sequence[str] | None = None,
    region_column: str | None = None,
    ignore_columns: Sequence[str] | None = None,
    names_year: int | None = None,
    within: str | None = None,
    symbols: Mapping[str, str] | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
    first_row: int = 1,
) -> pd.DataFrame:
    """Turn a table of text cells (header given) into a tidy observation frame.

    The shared second half of :func:`read_table` and
    :func:`~utenforskap.io.xlsx.read_xlsx`; see :func:`read_table` for the
    parameters and the result.

    Parameters
    ----------
    frame
        Text cells (``""`` where empty), one column per header.
    file
        The file, for messages and ``attrs``.
    decimal, sep
        Decimal mark (detected when None) and the separator (for ``attrs``).
    value_columns, region_column, ignore_columns, names_year, within, symbols, status_symbols
        As :func:`read_table`.
    first_row
        The row number errors give the first data row: 1 for CSV files (rows
        counted after the header), the spreadsheet's own row number for XLSX.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_table`.
    """
    frame = frame.copy()
    frame.index = pd.RangeIndex(first_row, first_row + len(frame))
    ignored = [
        c
        for c in frame.columns
        if c in (ignore_columns or ()) or _SORT_NAME.match(str(c)) is not None
    ]
    missing = [c for c in (ignore_columns or ()) if c not in frame.columns]
    if missing:
        raise DataError(
            f"no column {missing[0]!r} to ignore; columns are {list(frame.columns)}",
            file=file,
            column=missing[0],
        )
    frame = frame.drop(columns=ignored)
    values = _value_columns(frame, value_columns, file)
    decimal = decimal or _sniff_decimal(frame, values, sep or ";")
    ids = [c for c in frame.columns if c not in values]
    region = region_column if region_column is not None else _find_region(frame, ids)
    named = region is not None and not _looks_coded(frame[region])
    if region is None:
        region = _find_named_region(frame, ids)
        named = region is not None
    year = None
    out = {}
    for column in ids:
        if column == region and named:
            year = names_year if names_year is not None else _latest_year(frame, ids, file)
            out.update(_resolve_names(frame[column], column, file, year, within))
        elif column == region:
            out.update(_split_region(frame[column], column, file))
        else:
            out[column] = frame[column].str.strip().astype(object)
    ids_frame = pd.DataFrame(out, copy=False)
    # The index stays the source row number of each observation (repeated when
    # several value columns are melted), so later errors name the file's row.
    tidy = _melt(ids_frame, frame, values, decimal, file)
    tidy[STATUS] = translate_symbols(tidy[STATUS].to_numpy(dtype=object), symbols)
    check_status(tidy[STATUS].to_numpy(dtype=object), symbols=status_symbols, file=file)
    tidy.attrs.update(
        {
            "file": file,
            "sep": sep,
            "decimal": decimal,
            "role": {"geo": [region]} if region else {},
            "geo": region,
            "time": None,
            "metric": None,
            "ignored": ignored,
        }
    )
    if year is not None:
        tidy.attrs["names_year"] = year
    return tidy


def _looks_coded(column: pd.Series) -> bool:
    text = column.str.strip()
    return bool(len(text)) and bool(text.str.match(_REGION.pattern).all())


def _find_named_region(frame: pd.DataFrame, ids: list[str]) -> str | None:
    for column in ids:
        if _REGION_NAME.match(str(column)):
            text = frame[column].str.strip()
            if len(text) and (text != "").all() and not text.str.fullmatch(r"[\d\s.,-]+").any():
                return column
    return None


def _period_end(text: str) -> int | None:
    """The last calendar year of a period label: 2023, 2021-2023, 2021_2023, 2016/17-2018/19."""
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", text)]
    if not years:
        return None
    last = max(years)
    school = re.search(rf"{last}/(\d{{2}})(?!\d)", text)
    return last + 1 if school else last


def _latest_year(frame: pd.DataFrame, ids: list[str], file: str) -> int:
    for column in ids:
        if _PERIOD_NAME.match(str(column)):
            ends = [_period_end(str(t)) for t in pd.unique(frame[column])]
            found = [e for e in ends if e is not None]
            if found:
                return max(found)
    raise DataError(
        "region names need a year to be resolved to codes, and no period column was found",
        file=file,
        hint="pass names_year=, e.g. names_year=2024",
    )


def _resolve_names(
    column: pd.Series, name: str, file: str, year: int, within: str | None
) -> dict[str, pd.Series]:
    from utenforskap.geo.catalogue import region_codes

    text = column.str.strip()
    codes = region_codes(text, year=year, within=within, source=file, column=name)
    return {
        name: pd.Series(codes, index=column.index, dtype=object),
        name + LABEL_SUFFIX: text.astype(object),
    }


def _dialect(dialect: str | TableDialect) -> TableDialect:
    if isinstance(dialect, TableDialect):
        return dialect
    return DIALECTS[check_choice("dialect", dialect, DIALECTS)]


def _sniff_sep(header: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {sep: unquoted.count(sep) for sep in (";", "\t", ",")}
    return max(counts, key=counts.__getitem__) if any(counts.values()) else ";"


def _split(lines: list[str], sep: str, name: str) -> tuple[list[str], np.ndarray]:
    try:
        rows = list(csv.reader(lines, delimiter=sep, quotechar='"', strict=True))
    except csv.Error as exc:
        raise DataError(f"malformed CSV: {exc}", file=name) from None
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise DataError("header has an empty or repeated column name", file=name, value=header)
    body = [r for r in rows[1:] if r]
    lengths = np.fromiter(map(len, body), dtype=np.int64, count=len(body))
    ragged = lengths != len(header)
    if ragged.any():
        position = int(np.flatnonzero(ragged)[0])
        raise DataError(
            f"row has {lengths[position]} cells but the header has {len(header)}",
            file=name,
            row=position + 1,
            value=sep.join(body[position]),
            hint=f"separator {sep!r}; check quoting or pass dialect=",
        )
    cells = np.empty((len(body), len(header)), dtype=object)
    if body:
        cells[:, :] = body
    return header, cells


def _is_value_like(column: pd.Series) -> bool:
    text = column.str.strip()
    filled = text[text != ""]
    if filled.empty:
        return False
    numbers = filled.str.replace(r"[\s\u00a0]", "", regex=True).str.match(_NUMBER.pattern)
    symbols = filled.str.match(_SYMBOL.pattern)
    return bool((numbers | symbols).all())


def _value_columns(frame: pd.DataFrame, given: Sequence[str] | None, name: str) -> list[str]:
    if given is not None:
        missing = [c for c in given if c not in frame.columns]
        if missing:
            raise DataError(
                f"no column {missing[0]!r}; columns are {list(frame.columns)}",
                file=name,
                column=missing[0],
            )
        return list(given)
    found: list[str] = []
    for column in reversed(frame.columns):
        if _DIMENSION_NAME.match(str(column)) or not _is_value_like(frame[column]):
            break
        found.insert(0, column)
    if not found:
        raise DataError(
            "no value column found: the last column is not numeric",
            file=name,
            hint="pass value_columns=[...]",
        )
    return found


def _sniff_decimal(frame: pd.DataFrame, values: list[str], sep: str) -> str:
    if sep == ",":
        return "."
    for column in values:
        if frame[column].str.contains(r"\d,\d", regex=True).any():
            return ","
    return "."


def _find_region(frame: pd.DataFrame, ids: list[str]) -> str | None:
    # A column named like a region comes first; an age ("16 år") or period
    # column is never taken for one even when its cells look like "<code> <name>".
    named = [c for c in ids if _REGION_NAME.match(str(c))]
    others = [c for c in ids if c not in named and not _DIMENSION_NAME.match(str(c))]
    for column in [*named, *others]:
        text = frame[column]
        if len(text) and text.str.match(_REGION.pattern).all():
            return column
    return None


def _split_region(column: pd.Series, name: str, file: str) -> dict[str, pd.Series]:
    parts = column.str.extract(_REGION.pattern)
    bad = parts[0].isna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "region cell is not '<code> <name>' (e.g. '0301 Oslo' or 'K-3203 Asker')",
            file=file,
            column=name,
            row=column.index[position],
            value=column.iloc[position],
        )
    return {
        name: parts[0].astype(object),
        name + LABEL_SUFFIX: parts[1].astype(object),
    }


def _parse_values(
    column: pd.Series, decimal: str, name: str, file: str
) -> tuple[np.ndarray, np.ndarray]:
    text = column.str.strip().str.replace(r"[\s\u00a0]", "", regex=True)
    empty = (text == "").to_numpy()
    mark = re.escape(decimal)
    pattern = rf"^[-+]?(?:\d+(?:{mark}\d*)?|{mark}\d+)(?:[eE][-+]?\d+)?$"
    numeric = text.str.match(pattern).to_numpy()
    cleaned = text.str.replace(",", ".", regex=False) if decimal == "," else text
    values = pd.to_numeric(cleaned.where(numeric, None), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    status = text.to_numpy(dtype=object).copy()
    status[numeric] = ""
    status[empty] = ".."
    symbolic = text.str.match(_SYMBOL.pattern).to_numpy()
    bad = ~numeric & ~empty & ~symbolic
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"neither a number (decimal mark {decimal!r}) nor a status symbol",
            file=file,
            column=name,
            row=column.index[position],
            value=column.iloc[position],
        )
    return values, status


def _melt(
    ids: pd.DataFrame, frame: pd.DataFrame, values: list[str], decimal: str, file: str
) -> pd.DataFrame:
    parsed = [_parse_values(frame[c], decimal, c, file) for c in values]
    if len(values) == 1:
        out = ids.copy()
        out[VALUE] = parsed[0][0]
        out[STATUS] = pd.Series(parsed[0][1], dtype=object, index=out.index)
        return out
    n = len(frame)
    out = ids.iloc[np.tile(np.arange(n), len(values))]
    out[VARIABLE] = np.repeat(np.asarray(values, dtype=object), n)
    out[VALUE] = np.concatenate([p[0] for p in parsed])
    out[STATUS] = np.concatenate([p[1] for p in parsed]).astype(object)
    return out
