"""Table writers (CSV, Parquet, XLSX): every one writes the published view (gate, no reasons)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from utenforskap.disclosure.published import PUBLISHED_COLUMNS, published_view
from utenforskap.publish.workbook import HIDDEN_SYMBOL, XLSX_COLUMNS, write_xlsx
from utenforskap.texts import text

__all__ = [
    "HIDDEN_SYMBOL",
    "XLSX_COLUMNS",
    "XLSX_HEADERS",
    "write_csv",
    "write_parquet",
    "write_tables",
    "write_xlsx",
]

#: Fixed float format so that reruns give the same bytes.
FLOAT_FORMAT = "%.10g"


def _publishable(frame: pd.DataFrame) -> pd.DataFrame:
    """The published view (no suppression reason), in the published column order."""
    return published_view(frame)[list(PUBLISHED_COLUMNS)]


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an IndicatorFrame as UTF-8 CSV, sorted, with a fixed float format.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through :func:`utenforskap.disclosure.suppress`.
    path
        Target file.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        When the frame has not been through disclosure control.
    """
    target = Path(path)
    _publishable(frame).to_csv(
        target, index=False, float_format=FLOAT_FORMAT, lineterminator="\n", encoding="utf-8"
    )
    return target


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an IndicatorFrame as Parquet (through the disclosure gate).

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    path
        Target file.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    target = Path(path)
    table = _publishable(frame)
    table.attrs = {}
    table.to_parquet(target, index=False, engine="pyarrow", compression="zstd")
    return target


def write_tables(frame: pd.DataFrame, folder: str | Path) -> list[Path]:
    """Write ``indicators.csv``, ``indicators.parquet`` and ``indicators.xlsx`` into ``folder``.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    folder
        Output folder (must exist).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    base = Path(folder)
    return [
        write_csv(frame, base / "indicators.csv"),
        write_parquet(frame, base / "indicators.parquet"),
        write_xlsx(frame, base / "indicators.xlsx"),
    ]


#: Bokmål column heads of the XLSX sheets, in order (column → head).
XLSX_HEADERS: dict[str, str] = {column: text(f"xlsx.{column}") for column in XLSX_COLUMNS}
