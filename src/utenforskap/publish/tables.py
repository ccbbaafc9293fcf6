"""Table writers (CSV, Parquet, XLSX): every one goes through the disclosure gate first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import require_disclosed
from utenforskap.publish._zip import FIXED_TIME, fixed_zip
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
    require_disclosed(frame)
    return F.sort_frame(frame[list(F.INDICATOR_COLUMNS)])


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


#: IndicatorFrame columns of the XLSX sheets, in order; their heads are ``xlsx.<column>``
#: in the text catalogue.
XLSX_COLUMNS: tuple[str, ...] = (
    F.REGION,
    F.REGION_NAME,
    F.PERIOD,
    F.AGE,
    F.SEX,
    F.NUMERATOR,
    F.DENOMINATOR,
    F.VALUE,
    F.CI_LOWER,
    F.CI_UPPER,
    F.REFERENCE,
    F.REFERENCE_VALUE,
    F.COMPARISON,
    F.SUPPRESSION_REASON,
)
#: Bokmål column heads of the XLSX sheets, in order (IndicatorFrame column → head).
XLSX_HEADERS: dict[str, str] = {column: text(f"xlsx.{column}") for column in XLSX_COLUMNS}

#: SSB's symbol for a figure withheld for confidentiality.
HIDDEN_SYMBOL = ":"


def _sheet_name(title: str, used: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()[:31].strip()
    name, k = cleaned, 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = cleaned[: 31 - len(suffix)] + suffix, k + 1
    used.add(name.lower())
    return name


def write_xlsx(frame: pd.DataFrame, path: str | Path, *, lang: str = "nb") -> Path:
    """Write an IndicatorFrame as XLSX: one sheet per indicator, Norwegian heads, ``:`` for hidden.

    Hidden cells show SSB's symbol ``:`` in the numerator, denominator, value
    and interval columns, with the reason in the last column. A first sheet
    says what the symbols mean. Rows are sorted; the workbook and its zip
    entries carry a fixed date, so reruns give the same bytes.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    path
        Target file.
    lang
        ``"nb"`` or ``"en"`` for sheet names (indicator titles), column heads,
        categories and the notes sheet.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        When the frame has not been through disclosure control.

    Examples
    --------
    >>> from openpyxl import load_workbook
    >>> from utenforskap.datasets import demo_indicators
    >>> book = load_workbook(write_xlsx(demo_indicators(), "indicators.xlsx"))
    >>> book.sheetnames[0], book.sheetnames[1][:20]
    ('Om tabellene', 'Unge utenfor arbeid,')
    """
    import datetime
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from utenforskap.disclosure import reason_labels
    from utenforskap.registry import INDICATORS

    table = _publishable(frame)
    reasons = reason_labels(lang)
    hidden = table[F.SUPPRESSED].to_numpy(dtype=bool)
    sheet = table[list(XLSX_COLUMNS)].astype(object)
    for column in (F.NUMERATOR, F.DENOMINATOR, F.VALUE, F.CI_LOWER, F.CI_UPPER):
        values = table[column].to_numpy(dtype=float)
        sheet[column] = pd.Series(values, index=table.index, dtype=object).where(
            ~hidden, HIDDEN_SYMBOL
        )
        sheet[column] = sheet[column].where(sheet[column].notna(), None)
    sheet[F.REFERENCE_VALUE] = sheet[F.REFERENCE_VALUE].where(
        sheet[F.REFERENCE_VALUE].notna(), None
    )
    sexes = {s: text(f"xlsx.{s}", lang) for s in ("total", "male", "female")}
    comparisons = {c: text(f"xlsx.{c}", lang) for c in ("higher", "lower")} | {
        c: text(c, lang) for c in ("similar", "not_tested")
    }
    sheet[F.SEX] = sheet[F.SEX].map(lambda s: sexes.get(str(s), s))
    sheet[F.COMPARISON] = sheet[F.COMPARISON].map(lambda c: comparisons.get(str(c), c))
    sheet[F.SUPPRESSION_REASON] = sheet[F.SUPPRESSION_REASON].map(
        lambda r: reasons.get(str(r), str(r)) if r else ""
    )
    book = Workbook()
    notes = book.active
    notes.title = text("xlsx.notes", lang)
    notes.append([text("heading", lang)])
    notes["A1"].font = Font(bold=True)
    notes.append([text("xlsx.notes.hidden", lang, symbol=HIDDEN_SYMBOL)])
    notes.append([text("xlsx.notes.values", lang)])
    used: set[str] = {notes.title.lower()}
    order = list(INDICATORS)
    groups = sheet.assign(_indicator=table[F.INDICATOR].to_numpy(dtype=object))
    for ind_id in sorted(
        groups["_indicator"].unique(), key=lambda i: (order.index(i) if i in order else 99, i)
    ):
        title = INDICATORS[ind_id].title(lang) if ind_id in INDICATORS else str(ind_id)
        ws = book.create_sheet(_sheet_name(title, used))
        ws.append([text(f"xlsx.{column}", lang) for column in XLSX_COLUMNS])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        part = groups[groups["_indicator"] == ind_id].drop(columns="_indicator")
        for record in part.itertuples(index=False, name=None):
            ws.append(list(record))
        ws.freeze_panes = "A2"
    fixed = datetime.datetime(*FIXED_TIME)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "utenforskap"
    buffer = io.BytesIO()
    book.save(buffer)
    target = Path(path)
    fixed_zip(buffer.getvalue(), target)
    return target
