"""Table writers: XLSX sheets, Norwegian heads, ':' on hidden cells, same bytes, the gate."""

from __future__ import annotations

import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plot"))

from plot_frames import indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError
from utenforskap.publish.tables import (
    HIDDEN_SYMBOL,
    XLSX_HEADERS,
    write_csv,
    write_tables,
    write_xlsx,
)
from utenforskap.registry import INDICATORS

openpyxl = pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def frame():
    return indicator_frame(
        indicators=("neet", "upper_secondary_completed"),
        periods=("2023", "2024"),
        sexes=("total", "male", "female"),
    )


def test_one_sheet_per_indicator_with_norwegian_heads(frame, tmp_path) -> None:
    book = openpyxl.load_workbook(write_xlsx(frame, tmp_path / "t.xlsx"))
    assert book.sheetnames == [
        "Innhold",
        "Om tabellene",
        "Unge utenfor arbeid, utdanning",
        "Fullført videregående opplæring",
    ]
    for name, indicator in zip(
        book.sheetnames[2:], ("neet", "upper_secondary_completed"), strict=True
    ):
        # Sheet names end between words: every word is a whole word of the title.
        assert set(name.split()) <= set(INDICATORS[indicator].title_nb.split())
        sheet = book[name]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == list(XLSX_HEADERS.values())
        assert rows[0][:3] == ("Område", "Områdekode", "Periode")
        assert sheet.freeze_panes == "A2"
        assert len(rows) - 1 == int((frame[F.INDICATOR] == indicator).sum())


def test_index_sheet_links_full_titles_to_the_sheets(frame, tmp_path) -> None:
    book = openpyxl.load_workbook(write_xlsx(frame, tmp_path / "t.xlsx"))
    index = book["Innhold"]
    links = {
        row[0].value: row[0].hyperlink.location
        for row in index.iter_rows(min_row=3)
        if row[0].hyperlink is not None
    }
    assert links == {
        "Om tabellene": "'Om tabellene'!A1",
        INDICATORS["neet"].title_nb: "'Unge utenfor arbeid, utdanning'!A1",
        INDICATORS["upper_secondary_completed"].title_nb: "'Fullført videregående opplæring'!A1",
    }
    definitions = [row[1].value for row in index.iter_rows(min_row=4)]
    assert INDICATORS["neet"].definition_nb in definitions


def test_numbers_are_numbers_with_one_decimal_shown_and_widths_fitted(frame, tmp_path) -> None:
    book = openpyxl.load_workbook(write_xlsx(frame, tmp_path / "t.xlsx"))
    sheet = book[book.sheetnames[2]]
    heads = [c.value for c in sheet[1]]
    expected = F.sort_frame(frame[frame[F.INDICATOR] == "neet"])
    shown = ~expected[F.SUPPRESSED].to_numpy(dtype=bool)
    first = int(np.flatnonzero(shown)[0]) + 2
    for head, fmt, column in (
        ("Verdi", "0.0", F.VALUE),
        ("Nedre grense", "0.0", F.CI_LOWER),
        ("Teller", "#,##0", F.NUMERATOR),
    ):
        cell = sheet.cell(first, heads.index(head) + 1)
        assert isinstance(cell.value, float | int)
        assert cell.number_format == fmt
        # The full value is kept; only the display is rounded.
        assert cell.value == pytest.approx(expected[column].iloc[first - 2], rel=1e-12)
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOP"}
    assert all(w and w >= 7 for w in widths.values())
    longest_name = max(len(str(v)) for v in expected[F.REGION_NAME])
    assert widths["A"] >= longest_name
    assert widths["F"] >= len("Befolkningsgruppe")


def test_hidden_cells_show_the_ssb_symbol_and_published_values_are_exact(frame, tmp_path) -> None:
    book = openpyxl.load_workbook(write_xlsx(frame, tmp_path / "t.xlsx"))
    sheet = book[book.sheetnames[2]]
    rows = list(sheet.iter_rows(values_only=True))
    heads = list(rows[0])
    value_at = heads.index("Verdi")
    expected = F.sort_frame(frame[frame[F.INDICATOR] == "neet"])
    hidden = expected[F.SUPPRESSED].to_numpy(dtype=bool)
    assert hidden.any() and (~hidden).any()
    cells = [row[value_at] for row in rows[1:]]
    assert [c == HIDDEN_SYMBOL for c in cells] == hidden.tolist()
    for column in ("Teller", "Nevner", "Nedre grense", "Øvre grense"):
        at = heads.index(column)
        assert all(row[at] == HIDDEN_SYMBOL for row, h in zip(rows[1:], hidden, strict=True) if h)
    published = np.array([c for c, h in zip(cells, hidden, strict=True) if not h], dtype=float)
    # openpyxl stores floats as shortest-repr-ish text; 1e-12 relative is far below display.
    assert np.allclose(published, expected.loc[~hidden, F.VALUE].to_numpy(dtype=float), rtol=1e-12)
    # a hidden cell says only ":" (prikket), never why
    assert not any("fordi" in str(h).lower() or "reason" in str(h).lower() for h in heads)
    assert not {r for r in expected[F.SUPPRESSION_REASON] if r} & {
        str(v) for row in rows[1:] for v in row
    }
    assert "Jenter/kvinner" in {row[heads.index("Kjønn")] for row in rows[1:]}
    assert {row[heads.index("Befolkningsgruppe")] for row in rows[1:]} == {"hele befolkningen"}


def test_missing_and_zero_keep_their_ssb_symbols(frame, tmp_path) -> None:
    from utenforskap.publish.workbook import _symbols

    rows = frame[frame[F.INDICATOR] == "neet"].head(4).copy()
    rows[F.SUPPRESSED] = [True, False, False, False]
    rows[F.VALUE] = [np.nan, np.nan, 0.0, 12.5]
    rows[F.STATUS] = ["", "..", "-", ""]
    assert _symbols(rows).tolist() == [":", "..", "-", ""]
    # A value missing without a status is ".." as well.
    rows[F.STATUS] = ["", "", "-", ""]
    assert _symbols(rows).tolist() == [":", "..", "-", ""]


def test_notes_sheet_explains_every_column_symbols_level_and_sources(frame, tmp_path) -> None:
    from utenforskap.sources import source_table

    sources = source_table(
        [("neet", "9901", "SSB, tabell 13563"), ("neet", "990101", "Registeret")]
    )
    book = openpyxl.load_workbook(write_xlsx(frame, tmp_path / "t.xlsx", sources=sources))
    notes = {
        row[0]: row[1] if len(row) > 1 else None
        for row in book["Om tabellene"].iter_rows(values_only=True)
    }
    for head in XLSX_HEADERS.values():
        assert notes.get(head), head
    for symbol in (":", "..", "-"):
        assert notes.get(symbol), symbol
    assert "prikket" in notes[":"]
    assert any("95 % konfidensintervall" in str(k) for k in notes)
    assert "SSB, tabell 13563" in notes and "Registeret" in notes
    sheet = book[book.sheetnames[2]]
    heads = [c.value for c in sheet[1]]
    credited = {row[heads.index("Kilde")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"SSB, tabell 13563", "Registeret"} <= credited


@pytest.mark.slow
def test_workbook_opens_in_libreoffice(frame, tmp_path) -> None:
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    book = write_xlsx(frame, tmp_path / "indicators.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,3",
            "--outdir",
            str(tmp_path),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    # Sheet 3 (the first indicator) as LibreOffice reads it: heads, names, symbols.
    text = (tmp_path / "indicators-Unge utenfor arbeid, utdanning.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("Område,Områdekode,Periode,Alder")
    assert sum(1 for line in lines[1:] if ",:," in line) == int(
        frame.loc[frame[F.INDICATOR] == "neet", F.SUPPRESSED].sum()
    )


def test_xlsx_reruns_give_identical_bytes(frame, tmp_path) -> None:
    first = write_xlsx(frame, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # a time stamp would now differ by at least a second
    second = write_xlsx(frame, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("1980-01-01T00:00:00Z") == 2


def test_writers_refuse_frames_without_disclosure_control(frame, tmp_path) -> None:
    raw = frame.copy()
    raw.attrs = {}
    with pytest.raises(DisclosureError):
        write_xlsx(raw, tmp_path / "t.xlsx")
    with pytest.raises(DisclosureError):
        write_csv(raw, tmp_path / "t.csv")
    assert not (tmp_path / "t.xlsx").exists()


def test_write_tables_writes_all_three(frame, tmp_path) -> None:
    names = sorted(p.name for p in write_tables(frame, tmp_path))
    assert names == ["indicators.csv", "indicators.parquet", "indicators.xlsx"]


def test_written_tables_say_prikket_but_not_why(frame, tmp_path) -> None:
    import pandas as pd

    assert frame[F.SUPPRESSION_REASON].ne("").any()  # the frame in memory keeps the reasons
    write_tables(frame, tmp_path)
    csv = pd.read_csv(tmp_path / "indicators.csv", dtype={F.REGION: str})
    parquet = pd.read_parquet(tmp_path / "indicators.parquet")
    for table in (csv, parquet):
        assert F.SUPPRESSION_REASON not in table.columns
        assert table[F.SUPPRESSED].sum() == frame[F.SUPPRESSED].sum()
    body = (tmp_path / "indicators.csv").read_text(encoding="utf-8").splitlines()[1:]
    fields = {f for line in body for f in line.split(",")}
    assert not fields & {"primary", "complement", "denominator", "secondary", "series", "coverage"}


def test_the_workbook_names_the_reference_and_takes_rates_without_counts(frame, tmp_path) -> None:
    # A run of published rates only (FHI: no counts) has whole empty count columns.
    shown = frame[~frame[F.SUPPRESSED].to_numpy(dtype=bool)]
    rates = shown.assign(**{F.NUMERATOR: np.nan, F.DENOMINATOR: np.nan, F.CI_METHOD: F.PUBLISHED})
    book = openpyxl.load_workbook(write_xlsx(rates, tmp_path / "r.xlsx"))
    sheet = book[book.sheetnames[2]]
    rows = list(sheet.iter_rows(values_only=True))
    heads = list(rows[0])
    codes = {r[heads.index(XLSX_HEADERS[F.REGION])] for r in rows[1:]}
    refs = {r[heads.index(XLSX_HEADERS[F.REFERENCE])] for r in rows[1:]} - {None, ""}
    # The reference column names the region a person compares with; codes stay in theirs.
    assert refs and not refs & codes
    assert {r[heads.index(XLSX_HEADERS[F.NUMERATOR])] for r in rows[1:]} == {None}
