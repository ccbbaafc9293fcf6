"""indicators.xlsx ready to paste into a plan: formats, widths, an index sheet, symbols, notes."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from utenforskap import counts as C
from utenforskap import frames as F
from utenforskap.disclosure import legend_note
from utenforskap.disclosure.published import PUBLISHED_COLUMNS, published_view
from utenforskap.publish._zip import FIXED_TIME, fixed_zip
from utenforskap.texts import check_lang, text

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from utenforskap.publish.render import RiskResults

__all__ = ["HIDDEN_SYMBOL", "NUMBER_FORMAT", "XLSX_COLUMNS", "sheet_name", "write_xlsx"]

#: SSB's symbol for a figure withheld for confidentiality.
HIDDEN_SYMBOL = C.HIDDEN
#: Excel format of values, intervals and reference values: one decimal shown,
#: the full value kept in the cell.
NUMBER_FORMAT = "0.0"
#: Excel format of counts.
COUNT_FORMAT = "#,##0"
#: Columns of each indicator sheet, in order; their heads are ``xlsx.<column>``
#: in the text catalogue (``source`` is the credited source of the row).
XLSX_COLUMNS: tuple[str, ...] = (
    F.REGION_NAME,
    F.REGION,
    F.PERIOD,
    F.AGE,
    F.SEX,
    F.GROUP,
    F.NUMERATOR,
    F.DENOMINATOR,
    F.VALUE,
    F.CI_LOWER,
    F.CI_UPPER,
    F.REFERENCE,
    F.REFERENCE_VALUE,
    F.COMPARISON,
    "source",
)
_COUNTS = (F.NUMERATOR, F.DENOMINATOR)
_NUMBERS = (F.VALUE, F.CI_LOWER, F.CI_UPPER)
_MAX_WIDTH = 60


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name of at most 31 characters, cut between words, unique in ``used``.

    Parameters
    ----------
    title
        The full title (e.g. the indicator's).
    used
        Names taken so far (lower case); the new name is added.

    Returns
    -------
    str
        The name: Excel's forbidden characters replaced, whole words up to 31
        characters (a first word longer than that is cut), `` (2)`` … on repeats.

    Examples
    --------
    >>> used = set()
    >>> sheet_name("Barn i husholdninger med lavinntekt (EU-60)", used)
    'Barn i husholdninger med'
    >>> sheet_name("Barn i husholdninger med lavinntekt (EU-60)", used)
    'Barn i husholdninger med (2)'
    """

    def cut(value: str, limit: int) -> str:
        words, out = value.split(), ""
        for word in words:
            longer = f"{out} {word}".strip()
            if len(longer) > limit:
                break
            out = longer
        return (out or value[:limit]).rstrip(" ,;:-(")

    cleaned = "".join(" " if ch in "[]:*?/\\'" else ch for ch in title).strip()
    name, k = cut(cleaned, 31), 2
    while name.lower() in used:
        suffix = f" ({k})"
        name, k = cut(cleaned, 31 - len(suffix)) + suffix, k + 1
    used.add(name.lower())
    return name


def _symbols(table: pd.DataFrame) -> np.ndarray:
    """The SSB symbol shown instead of each row's numbers, or ``""`` where numbers show."""
    hidden = table[F.SUPPRESSED].to_numpy(dtype=bool)
    status = table[F.STATUS].fillna("").astype(str).to_numpy(dtype=object)
    value = table[F.VALUE].to_numpy(dtype=float)
    out = np.full(len(table), "", dtype=object)
    unknown = ~np.isfinite(value)
    out[unknown] = np.where(
        np.isin(status[unknown], list(C.STATUS_SYMBOLS[1:])), status[unknown], C.MISSING
    )
    out[(status == C.ZERO) & ~hidden] = C.ZERO
    out[hidden] = HIDDEN_SYMBOL
    return out


def _sheet_rows(table: pd.DataFrame, sources: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    """The rows of the indicator sheets: labels for people, numbers as numbers, symbols as text."""
    from utenforskap.plot.labels import age_label
    from utenforskap.select import group_label, region_label

    symbol = _symbols(table)
    out = pd.DataFrame(index=table.index)
    out[F.REGION_NAME] = table[F.REGION_NAME].fillna("").astype(str)
    out[F.REGION] = table[F.REGION].astype(str)
    out[F.PERIOD] = table[F.PERIOD].astype(str)
    ages = {a: age_label(str(a), lang=lang) for a in table[F.AGE].unique()}
    out[F.AGE] = table[F.AGE].map(ages)
    sexes = {s: text(f"xlsx.{s}", lang) for s in ("total", "male", "female")}
    out[F.SEX] = table[F.SEX].map(lambda s: sexes.get(str(s), text(str(s), lang)))
    groups = {g: group_label(str(g), lang=lang) for g in table[F.GROUP].unique()}
    out[F.GROUP] = table[F.GROUP].map(groups)
    for column in (*_COUNTS, *_NUMBERS):
        numbers = pd.Series(table[column].to_numpy(dtype=float), index=table.index, dtype=object)
        numbers = numbers.where(np.isfinite(table[column].to_numpy(dtype=float)), None)
        # A hidden cell shows ":" in every number column; a missing or zero
        # cell shows its symbol where the number is not known.
        show = (symbol == HIDDEN_SYMBOL) | ((symbol != "") & numbers.isna().to_numpy())
        if column in (F.NUMERATOR, F.VALUE):
            show |= symbol == C.ZERO
        out[column] = numbers.where(~show, pd.Series(symbol, index=table.index))
    refs = {
        c: region_label(str(c), data=table, lang=lang) for c in table[F.REFERENCE].unique() if c
    }
    out[F.REFERENCE] = table[F.REFERENCE].map(lambda c: refs.get(c, "") if c else "")
    ref_value = table[F.REFERENCE_VALUE].to_numpy(dtype=float)
    out[F.REFERENCE_VALUE] = pd.Series(ref_value, index=table.index, dtype=object).where(
        np.isfinite(ref_value), None
    )
    comparisons = {c: text(f"xlsx.{c}", lang) for c in ("higher", "lower")} | {
        c: text(c, lang) for c in ("similar", "not_tested")
    }
    out[F.COMPARISON] = table[F.COMPARISON].map(lambda c: comparisons.get(str(c), str(c)))
    out.loc[table[F.SUPPRESSED].to_numpy(dtype=bool), F.COMPARISON] = ""
    out["source"] = ""
    if sources is not None and not sources.empty:
        from utenforskap.sources import SOURCE

        joined = (
            sources.groupby([F.INDICATOR, F.REGION], sort=False)[SOURCE]
            .agg(lambda s: "; ".join(dict.fromkeys(map(str, s))))
            .rename("_source")
        )
        keyed = table[[F.INDICATOR, F.REGION]].join(joined, on=[F.INDICATOR, F.REGION])
        out["source"] = keyed["_source"].fillna("").to_numpy(dtype=object)
    return out[list(XLSX_COLUMNS)]


def _fit(ws: Worksheet, frame: pd.DataFrame, heads: Sequence[str]) -> None:
    """Column widths from the longest text (numbers by their one-decimal form)."""
    from openpyxl.utils import get_column_letter

    for k, (column, head) in enumerate(zip(frame.columns, heads, strict=True), start=1):
        values = frame[column]
        numeric = values.map(lambda v: isinstance(v, float | int) and not isinstance(v, bool))
        lengths = (
            values.where(
                ~numeric, values.map(lambda v: f"{v:,.1f}" if isinstance(v, float | int) else "")
            )
            .astype(str)
            .str.len()
            # An empty cell (None: a published rate has no counts) has no width.
            .fillna(0)
        )
        longest = max(int(lengths.max()) if len(lengths) else 0, len(str(head)))
        ws.column_dimensions[get_column_letter(k)].width = min(longest + 2, _MAX_WIDTH)


def _write_table(
    ws: Worksheet,
    frame: pd.DataFrame,
    heads: Sequence[str],
    formats: dict[str, str],
) -> None:
    from openpyxl.styles import Alignment, Font

    ws.append(list(heads))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    for record in frame.itertuples(index=False, name=None):
        ws.append(list(record))
    # One alignment object for every text in a number column (openpyxl keeps
    # one style entry for equal alignments either way).
    right = Alignment(horizontal="right")
    for k, column in enumerate(frame.columns, start=1):
        fmt = formats.get(column)
        if fmt is None:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=k, max_col=k):
            if isinstance(cell.value, float | int):
                cell.number_format = fmt
            elif isinstance(cell.value, str):
                cell.alignment = right
    ws.freeze_panes = "A2"
    _fit(ws, frame, heads)


def _notes(
    ws: Worksheet, table: pd.DataFrame, sources: pd.DataFrame | None, lang: str, rule: str
) -> None:
    from openpyxl.styles import Alignment, Font

    from utenforskap.plot.labels import format_number

    bold = Font(bold=True)
    levels = table[F.CI_LEVEL].dropna().unique()
    level = format_number(float(levels[0]) * 100, decimals=0, lang=lang) if len(levels) else "95"
    methods = ", ".join(sorted({str(m).title() for m in table[F.CI_METHOD].dropna() if m}))
    rows: list[tuple[str, str] | tuple[str]] = [
        (text("heading", lang),),
        (text("xlsx.notes.intro", lang),),
        ("",),
        (text("xlsx.notes.columns", lang),),
    ]
    rows += [(text(f"xlsx.{c}", lang), text(f"xlsx.about.{c}", lang)) for c in XLSX_COLUMNS]
    rows += [
        ("",),
        (text("xlsx.notes.level.head", lang),),
        (text("xlsx.notes.level", lang, level=level, method=methods or "Wilson"),),
        ("",),
        (text("xlsx.notes.symbols", lang),),
        (C.HIDDEN, text("xlsx.symbol.hidden", lang, rule=rule or "–")),
        (C.MISSING, text("xlsx.symbol.missing", lang)),
        (C.ZERO, text("xlsx.symbol.zero", lang)),
        (C.NOT_APPLICABLE, text("xlsx.symbol.not_applicable", lang)),
        (C.NOT_YET, text("xlsx.symbol.not_yet", lang)),
        ("",),
        (text("sources.head", lang),),
    ]
    if sources is not None and not sources.empty:
        from utenforskap.sources import SOURCE

        rows += [(str(s),) for s in dict.fromkeys(map(str, sources[SOURCE]))]
    else:
        rows.append((text("xlsx.notes.no_sources", lang),))
    heads = {
        text("heading", lang),
        text("xlsx.notes.columns", lang),
        text("xlsx.notes.symbols", lang),
        text("xlsx.notes.level.head", lang),
        text("sources.head", lang),
    }
    for row in rows:
        ws.append(list(row))
        if row[0] in heads:
            ws.cell(ws.max_row, 1).font = bold
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    for cells in ws.iter_rows(min_col=1, max_col=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _risk_sheets(book: Any, risk: RiskResults, used: set[str], lang: str) -> list[tuple[str, str]]:
    """The risk index (and classification) as sheets; returns (sheet, title) for the index."""
    from utenforskap.risk.gate import risk_tables

    tables = risk_tables(risk.index, risk.classification)
    out = []
    composite = tables["risk_composite"]
    columns = [
        F.REGION_NAME,
        F.REGION,
        "score",
        "score_lower",
        "score_upper",
        "rank",
        "rank_lower",
        "rank_upper",
        "p_worst",
        "n_components",
        "n_hidden",
    ]
    shown = composite[[c for c in columns if c in composite.columns]].astype(object)
    shown = shown.where(shown.notna(), None)
    title = text("risk.caterpillar", lang)
    ws = book.create_sheet(sheet_name(title, used))
    _write_table(
        ws,
        shown,
        [text(f"xlsx.risk.{c}", lang) for c in shown.columns],
        {c: NUMBER_FORMAT for c in ("score", "score_lower", "score_upper")} | {"p_worst": "0.00"},
    )
    out.append((ws.title, title))
    if "risk_areas" in tables:
        areas = tables["risk_areas"]
        columns = [
            F.REGION_NAME,
            F.REGION,
            "n_criteria",
            "n_met",
            "n_uncertain",
            "n_unknown",
            "classification",
            "p_classified",
        ]
        shown = areas[[c for c in columns if c in areas.columns]].astype(object)
        shown["classification"] = shown["classification"].map(
            lambda c: text(f"risk.class.{c}", lang)
        )
        shown = shown.where(shown.notna(), None)
        title = text("risk.criteria", lang)
        ws = book.create_sheet(sheet_name(title, used))
        _write_table(
            ws,
            shown,
            [text(f"xlsx.risk.{c}", lang) for c in shown.columns],
            {"p_classified": "0.00"},
        )
        out.append((ws.title, title))
    return out


def write_xlsx(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    lang: str = "nb",
    sources: pd.DataFrame | None = None,
    risk: RiskResults | None = None,
) -> Path:
    """Write an IndicatorFrame as a workbook ready to paste into a plan.

    Sheets: "Innhold" (every indicator's full title linked to its sheet,
    with its definition), "Om tabellene" (what every column means, the
    confidence level, the symbols, prikking and the sources), one sheet per
    indicator (named by its title, cut between words), and with ``risk`` the
    risk index and the criteria classification. Numbers are numbers, shown
    with one decimal (counts as whole numbers) while the cell keeps the full
    value; SSB's symbols are kept as text: ``:`` hidden ("prikket"), ``..``
    missing, ``-`` zero. Headers are frozen and widths fitted. Rows are
    sorted; the workbook carries a fixed date, so reruns give the same bytes.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    path
        Target file.
    lang
        ``"nb"`` or ``"en"`` for sheet names, heads, labels and notes.
    sources
        The source table: each row names its source, and the notes list them.
    risk
        The risk results: two more sheets.

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
    >>> import tempfile
    >>> from openpyxl import load_workbook
    >>> from utenforskap.datasets import demo_indicators
    >>> book = load_workbook(write_xlsx(demo_indicators(), f"{tempfile.mkdtemp()}/t.xlsx"))
    >>> book.sheetnames[:3]
    ['Innhold', 'Om tabellene', 'Unge utenfor arbeid, utdanning']
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    from utenforskap.registry import INDICATORS

    check_lang(lang)
    rule = legend_note(frame, lang).split(":", 1)[-1].strip()
    table = published_view(frame)[list(PUBLISHED_COLUMNS)]
    rows = _sheet_rows(table, sources, lang)
    book = Workbook()
    contents = book.active
    contents.title = text("xlsx.contents", lang)
    notes = book.create_sheet(text("xlsx.notes", lang))
    used: set[str] = {contents.title.lower(), notes.title.lower()}
    order = list(INDICATORS)
    heads = [text(f"xlsx.{c}", lang) for c in XLSX_COLUMNS]
    formats = {c: COUNT_FORMAT for c in _COUNTS} | {
        c: NUMBER_FORMAT for c in (*_NUMBERS, F.REFERENCE_VALUE)
    }
    listed: list[tuple[str, str, str]] = []
    indicator = table[F.INDICATOR].to_numpy(dtype=object)
    for ind_id in sorted(
        pd.unique(indicator), key=lambda i: (order.index(i) if i in order else 99, i)
    ):
        ind = INDICATORS.get(ind_id)
        title = ind.title(lang) if ind else str(ind_id)
        ws = book.create_sheet(sheet_name(title, used))
        _write_table(ws, rows[indicator == ind_id], heads, formats)
        listed.append((ws.title, title, ind.definition(lang) if ind else ""))
    if risk is not None:
        listed += [(name, title, "") for name, title in _risk_sheets(book, risk, used, lang)]
    contents.append([text("heading", lang)])
    contents["A1"].font = Font(bold=True, size=13)
    contents.append([text("xlsx.contents.head", lang), text("xlsx.contents.definition", lang)])
    for cell in contents[2]:
        cell.font = Font(bold=True)
    contents.append([text("xlsx.notes", lang), text("xlsx.contents.notes", lang)])
    for _, title, definition in listed:
        contents.append([title, definition])
    # Links inside the workbook: a location, not an external target.
    for row, (name, _, _) in enumerate([(notes.title, "", ""), *listed], start=3):
        cell = contents.cell(row, 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1")
        cell.style = "Hyperlink"
    contents.column_dimensions["A"].width = min(
        max(len(t) for _, t, _ in listed) + 2 if listed else 30, _MAX_WIDTH
    )
    contents.column_dimensions["B"].width = 100
    _notes(notes, table, sources, lang, rule)
    fixed = datetime.datetime(*FIXED_TIME)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "utenforskap"
    book.properties.title = text("heading", lang)
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), Path(path))
