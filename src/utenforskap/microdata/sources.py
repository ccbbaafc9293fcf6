"""Where microdata come from: CSV, Parquet, SPSS or Stata files, pandas frames, Arrow tables."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap.errors import DataError
from utenforskap.io.labelled import LABELLED_SUFFIXES, Labelled, read_labelled

__all__ = ["Source", "open_source"]

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass(frozen=True)
class Source:
    """Microdata to aggregate, with what error messages need.

    Attributes
    ----------
    kind
        ``csv``, ``parquet`` (paths), ``frame`` (pandas), ``arrow`` (pyarrow
        table) or ``spark`` (a Spark DataFrame).
    name
        File name (or description) for error messages.
    columns
        Column names.
    path
        The file (``csv``, ``parquet``).
    frame
        The in-memory table (``frame``, ``arrow``, ``spark``).
    first_row
        Row number of position 0 when rows are counted by position: 2 for CSV
        (the header is line 1), 1 for Parquet and Arrow. None: a pandas frame's
        own index labels name its rows.
    labels
        Value labels per column (SPSS/Stata files).
    """

    kind: str
    name: str
    columns: tuple[str, ...]
    path: Path | None = None
    frame: Any = None
    first_row: int | None = 1
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    rows: int | None = None

    def row_label(self, position: int) -> object:
        """How an error names the row at 0-based ``position``."""
        if self.first_row is None:
            value = self.frame.index[position]
            return value.item() if hasattr(value, "item") else value
        return position + self.first_row

    def missing(self, needed: tuple[str, ...]) -> None:
        """Raise a DataError naming the first needed column that is absent."""
        for column in needed:
            if column not in self.columns:
                raise DataError(
                    f"missing column; the file has {list(self.columns)}",
                    file=self.name,
                    column=column,
                )


def _csv_header(path: Path) -> tuple[str, ...]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            first = next(reader, None)
    except FileNotFoundError:
        raise DataError("file not found", file=path) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"not UTF-8 text at byte {exc.start}", file=path, hint="save the file as UTF-8"
        ) from None
    except IsADirectoryError:
        raise DataError("a folder, not a file", file=path) from None
    except (OSError, csv.Error) as exc:
        raise DataError(f"cannot read the file: {exc}", file=path) from None
    if header is None:
        raise DataError("the file is empty: expected a header line and data rows", file=path)
    if first is None:
        raise DataError(
            f"no data rows: the file has only its header line ({', '.join(header)})", file=path
        )
    return tuple(header)


def _parquet_columns(path: Path) -> tuple[str, ...]:
    import pyarrow.dataset as ds

    try:
        return tuple(ds.dataset(str(path), format="parquet").schema.names)
    except FileNotFoundError:
        raise DataError("file not found", file=path) from None
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        raise DataError(f"not a readable Parquet file: {exc}", file=path) from None


def _is_spark(data: object) -> bool:
    module = type(data).__module__
    return module.startswith("pyspark.")


def open_source(data: object, *, source: object | None = None) -> Source:
    """Recognise what ``data`` is.

    Parameters
    ----------
    data
        A path (CSV, Parquet file or folder, SPSS ``.sav``/``.zsav``, Stata
        ``.dta``), a pandas DataFrame, a pyarrow Table, a
        :class:`utenforskap.io.Labelled`, or a Spark DataFrame.
    source
        Name to use in error messages instead of the file's.

    Returns
    -------
    Source

    Raises
    ------
    DataError
        A file that does not exist or whose kind is not known.
    """
    if isinstance(data, str | Path):
        path = Path(data)
        name = str(source) if source is not None else str(path)
        suffix = path.suffix.lower()
        if suffix in LABELLED_SUFFIXES:
            return _labelled(read_labelled(path), name)
        if suffix in CSV_SUFFIXES:
            return Source("csv", name, _csv_header(path), path=path, first_row=2)
        if suffix in PARQUET_SUFFIXES or path.is_dir():
            return Source("parquet", name, _parquet_columns(path), path=path)
        if not path.exists():
            raise DataError("file not found", file=path)
        raise DataError(
            "unknown kind of file; expected .csv, .parquet, .sav, .zsav or .dta "
            "(or a folder of Parquet files)",
            file=path,
        )
    if isinstance(data, Labelled):
        name = str(source) if source is not None else str(data.file or "data")
        return _labelled(data, name)
    name = str(source) if source is not None else "data"
    if isinstance(data, pd.DataFrame):
        columns = tuple(str(c) for c in data.columns)
        return Source("frame", name, columns, frame=data, first_row=None, rows=len(data))
    table: Any = data
    if type(table).__module__.startswith("pyarrow") and hasattr(table, "schema"):
        return Source("arrow", name, tuple(table.schema.names), frame=table, rows=table.num_rows)
    if _is_spark(table):
        return Source("spark", name, tuple(table.columns), frame=table, rows=None)
    raise DataError(
        f"cannot aggregate a {type(data).__name__}; pass a path, a pandas DataFrame, "
        "a pyarrow Table or a Spark DataFrame"
    )


def _labelled(labelled: Labelled, name: str) -> Source:
    frame = labelled.data
    return Source(
        "frame",
        name,
        tuple(str(c) for c in frame.columns),
        frame=frame,
        first_row=None,
        labels=labelled.labels,
        rows=len(frame),
    )
