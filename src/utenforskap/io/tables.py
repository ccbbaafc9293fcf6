"""Read SSB and FHI CSV/semicolon exports into tidy observation frames."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.io.cube import LABEL_SUFFIX, STATUS, VALUE, check_status
from utenforskap.io.source import decode_bytes, read_bytes

__all__ = ["DIALECTS", "TableDialect", "read_table"]

#: Name of the column holding the source column of each value when several are melted.
VARIABLE = "variable"

# "0301 Oslo", "K-3203 Asker", "F-03 Oslo", "B-030101 Gamle Oslo", "0 Hele landet".
_REGION = re.compile(r"^\s*(?:[KFB]-)?(\d{1,10})\s+(\S.*?)\s*$")
_SYMBOL = re.compile(r"^[^\w\s]{1,3}$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?$")
_REGION_NAME = re.compile(r"(?i)^(region|kommune|fylke|bydel|sted|geo|geografi|område|omrade)")
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
    """

    sep: str | None = None
    decimal: str | None = None
    encoding: str | None = None


#: Named dialects: ``auto`` detects everything; the others fix what the agency writes.
DIALECTS: dict[str, TableDialect] = {
    "auto": TableDialect(),
    "ssb": TableDialect(sep=None, decimal=None),
    "ssb-semicolon": TableDialect(sep=";", decimal=","),
    "ssb-comma": TableDialect(sep=",", decimal="."),
    "fhi": TableDialect(sep=";", decimal=","),
}


def read_table(
    path: str | os.PathLike[str],
    *,
    dialect: str | TableDialect = "auto",
    value_columns: Sequence[str] | None = None,
    region_column: str | None = None,
    status_symbols: Collection[str] | None = F.STATUS_SYMBOLS,
) -> pd.DataFrame:
    """Read a CSV or semicolon export from SSB or FHI into a tidy frame.

    Parameters
    ----------
    path
        The file.
    dialect
        A name in :data:`DIALECTS` or a :class:`TableDialect`.
    value_columns
        Columns holding values. By default: the trailing columns whose cells
        are all numbers, SSB symbols or empty, stopping at a column named like
        a dimension (``år``, ``alder``, ``region`` …); a column of symbols only counts.
    region_column
        Column with cells like ``"0301 Oslo"`` or ``"K-3203 Asker"``; by
        default the first text column whose cells all look so.
    status_symbols
        Allowed symbols in value columns; another one is a DataError.

    Returns
    -------
    pandas.DataFrame
        The text columns (object dtype; the region column split into the code,
        leading zeros kept, and ``<column>_label`` with the name), then
        ``value`` (float) and ``status`` (``""`` or the symbol; an empty cell
        reads as ``".."``, not available). With several value columns they are
        melted into ``variable`` (the column header), ``value``, ``status``.
        ``attrs``: ``file``, ``encoding``, ``sep``, ``decimal``, ``role``
        (``geo`` when a region column was found), ``geo``.

    Raises
    ------
    DataError
        An undecodable byte (with an explicit encoding), an empty file, a row
        with more or fewer cells than the header, a value that is neither a
        number nor a symbol, an unknown symbol.

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
    values = _value_columns(frame, value_columns, name)
    decimal = spec.decimal or _sniff_decimal(frame, values, sep)
    ids = [c for c in header if c not in values]
    region = region_column if region_column is not None else _find_region(frame, ids)
    out = {}
    for column in ids:
        if column == region:
            out.update(_split_region(frame[column], column, name))
        else:
            out[column] = frame[column].str.strip().astype(object)
    tidy = _melt(pd.DataFrame(out, copy=False), frame, values, decimal, name)
    check_status(tidy[STATUS].to_numpy(dtype=object), symbols=status_symbols, file=name)
    tidy.attrs.update(
        {
            "file": name,
            "encoding": spec.encoding or "detected",
            "sep": sep,
            "decimal": decimal,
            "role": {"geo": [region]} if region else {},
            "geo": region,
            "time": None,
            "metric": None,
        }
    )
    return tidy


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
            row=position + 1,
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
            row=position + 1,
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
    out = ids.iloc[np.tile(np.arange(n), len(values))].reset_index(drop=True)
    variable = np.repeat(np.asarray(values, dtype=object), n)
    out[VARIABLE] = pd.Series(variable, dtype=object)
    out[VALUE] = np.concatenate([p[0] for p in parsed])
    out[STATUS] = pd.Series(np.concatenate([p[1] for p in parsed]), dtype=object)
    return out
