"""The DuckDB engine: the compiled SQL run in an embedded DuckDB, straight over files or frames."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from utenforskap.errors import DataError
from utenforskap.microdata.common import duplicate_error, finish, row_error
from utenforskap.microdata.sources import Source
from utenforskap.microdata.spec import Spec
from utenforskap.microdata.sql import DUCKDB, Compiled, compile_spec

__all__ = ["DEFAULT_MEMORY_LIMIT", "aggregate_duckdb"]

#: DuckDB's memory limit unless the caller sets one: beyond it DuckDB spills to a
#: temporary folder, so a 100-million-row file with person ids stays under 4 GB.
DEFAULT_MEMORY_LIMIT = "2GB"

_VIEW = "__micro"


def _no_progress_bar(con: Any) -> None:
    """Turn DuckDB's progress bar off; in Jupyter without ipywidgets DuckDB refuses even that."""
    import duckdb

    with contextlib.suppress(duckdb.Error):  # there it cannot draw one either
        con.execute("SET enable_progress_bar = false")


@contextmanager
def _connection(memory_limit: str | None) -> Iterator[Any]:
    import duckdb

    # Spill files go to a private temporary folder, never next to the user's data.
    spill = tempfile.mkdtemp(prefix="utenforskap-duckdb-")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET temp_directory = {DUCKDB.lit(spill)}")
        _no_progress_bar(con)
        limit = DEFAULT_MEMORY_LIMIT if memory_limit is None else memory_limit
        con.execute(f"SET memory_limit = {DUCKDB.lit(limit)}")
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _relation(con: Any, source: Source) -> tuple[str, str, list[str]]:
    """The source as SQL: for scans, for ordered scans with positions, and the position columns."""
    lit = DUCKDB.lit
    if source.kind == "csv":
        # Every column as text, as written: no type guessing from a sample of rows.
        columns = ", ".join(f"{lit(c)}: 'VARCHAR'" for c in source.columns)
        scan = (
            f"read_csv({lit(str(source.path))}, header = true, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
            f"columns = {{{columns}}})"
        )
        ordered = f"(SELECT row_number() OVER () - 1 AS __pos, * FROM {scan})"
        return scan, ordered, ["__pos"]
    if source.kind == "parquet":
        path = str(source.path)
        if source.path is not None and source.path.is_dir():
            path = os.path.join(path, "**", "*.parquet")
        scan = f"read_parquet({lit(path)})"
        ordered = f"read_parquet({lit(path)}, file_row_number = true, filename = true)"
        return scan, ordered, ["filename", "file_row_number"]
    frame = source.frame
    if source.kind == "frame":
        frame = frame.reset_index(drop=True)
    con.register(_VIEW, frame)
    ordered = f"(SELECT row_number() OVER () - 1 AS __pos, * FROM {_VIEW})"
    return _VIEW, ordered, ["__pos"]


def _types(con: Any, scan: str, columns: tuple[str, ...]) -> dict[str, str]:
    described = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    types = {str(row[0]): str(row[1]) for row in described}
    return {c: types[c] for c in columns}


def _wrap(exc: Exception, source: Source) -> DataError:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "unicode" in message.lower() or "utf" in message.lower():
        return DataError("not UTF-8 text", file=source.name, hint="save the file as UTF-8")
    if source.kind == "csv":
        # DuckDB names the file's own line (header = 1) and the field counts.
        text = str(exc)
        line = re.search(r"CSV Error on Line: (\d+)", text)
        fields = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
        if line and fields:
            original = re.search(r"Original Line: (.*)", text)
            return DataError(
                "not a well-formed CSV file: "
                f"a line with {fields.group(2)} fields; the header has {fields.group(1)}",
                file=source.name,
                row=int(line.group(1)),
                value=original.group(1) if original else None,
                hint="check for an unquoted comma or a missing field",
            )
        return DataError(f"not a well-formed CSV file: {message}", file=source.name)
    return DataError(f"cannot read the data: {message}", file=source.name)


def _first_error(
    con: Any, compiled: Compiled, source: Source, ordered: str, position: list[str], index: int
) -> DataError:
    check = compiled.spec.checks[index]
    con.execute("SET preserve_insertion_order = true")
    order = [DUCKDB.ident(c) for c in position]
    row = con.execute(compiled.first_bad(ordered, check, order)).fetchall()[0]
    k = len(position)
    raw, texts = (
        row[k],
        dict(zip(("r", "p", "a", "s", "g", "idt"), row[k + 1 : k + 7], strict=True)),
    )
    items = row[k + 7 :]
    key = {"region": "r", "period": "p", "age": "a", "sex": "s", "group": "g", "id": "idt"}
    text = texts[key[check.name]] if check.name in key else items[check.item]
    return row_error(_located(source, row[:k]), compiled.spec, check, int(row[k - 1]), text, raw)


def _located(source: Source, position: tuple[Any, ...]) -> Source:
    """For a folder of Parquet files, name the file the row is in."""
    if len(position) == 2 and position[0] is not None:
        from dataclasses import replace

        return replace(source, name=str(position[0]))
    return source


def aggregate_duckdb(
    source: Source, spec: Spec, *, memory_limit: str | None = None
) -> pd.DataFrame:
    """Validate and count with DuckDB; see :func:`utenforskap.aggregate`."""
    import duckdb

    with _connection(memory_limit) as con:
        try:
            scan, ordered, position = _relation(con, source)
            compiled = compile_spec(spec, DUCKDB, _types(con, scan, spec.columns))
            con.execute("SET preserve_insertion_order = false")
            con.execute(f"CREATE TEMP TABLE fine AS {compiled.fine(scan)}")
            query = compiled.checks("fine")
            failures = con.execute(query).fetchall()[0]
            for index, count in enumerate(failures):
                if count:
                    raise _first_error(con, compiled, source, ordered, position, index)
            if spec.id is not None and con.execute(compiled.duplicates(scan)).fetchall()[0][0]:
                con.execute("SET preserve_insertion_order = true")
                order = [DUCKDB.ident(c) for c in position]
                rows = con.execute(compiled.first_duplicate(ordered, order)).fetchall()
                if rows:  # else: two hashes collided, no person is repeated
                    row, k = rows[0], len(position)
                    at, period, raw, first = row[k - 1], row[k], row[k + 1], row[-1]
                    raise duplicate_error(
                        _located(source, row[:k]), spec, int(at), int(first), period, raw
                    )
            cells = con.sql(compiled.cells("fine")).to_arrow_table()
        except duckdb.Error as exc:
            raise _wrap(exc, source) from None
    return finish(cells.to_pandas(), spec, is_sorted=True)
