"""Files shaped as agencies publish them: FHI statistikkbank downloads and XLSX sheets.

Shapes follow ../shared/data/sources/ssb_fhi_tables.md: FHI label columns
``Geografi``, ``År``, ``Kjønn``, ``Alder``, ``Måltall``, periods "2021-2023" and
"2016/17-2018/19", trailing sort columns; expected codes come from the README's
facts (Skien 4003, Porsgrunn 4001, Telemark 40), not from the readers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pytest

from utenforskap.errors import DataError
from utenforskap.io import RateMapping, observations_to_rates, read_table, read_xlsx
from utenforskap.io.mapping import ObservationMapping, observations_to_counts

FHI_ROWS = [
    ("Hele landet", "2021-2023", "9", "0"),
    ("Telemark", "2021-2023", "9", "40"),
    ("Porsgrunn", "2021-2023", "10", "4001"),
    ("Skien", "2021-2023", "11", "4003"),
    ("Siljan", "2021-2023", ":", "4010"),
]


def fhi_csv(tmp_path: Path, sep: str) -> Path:
    head = ["Geografi", "År", "Kjønn", "Alder", "Måltall", "Verdi", "SortKommune"]
    lines = [sep.join(head)]
    for geo, year, value, sort in FHI_ROWS:
        cells = [geo, year, "kjønn samlet", "0-17 år", "andel (prosent)", value, sort]
        lines.append(sep.join(cells))
    path = tmp_path / f"fhi{'semi' if sep == ';' else 'comma'}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("sep", [",", ";"])
def test_fhi_download_names_to_codes_and_sort_columns_left_out(tmp_path: Path, sep: str) -> None:
    frame = read_table(fhi_csv(tmp_path, sep), dialect="fhi")
    assert frame["Geografi"].tolist() == ["0", "40", "4001", "4003", "4010"]
    assert frame["Geografi_label"].tolist()[3] == "Skien"
    assert "SortKommune" not in frame.columns and "variable" not in frame.columns
    assert frame.attrs["ignored"] == ["SortKommune"]
    assert frame["value"].tolist()[:4] == [9.0, 9.0, 10.0, 11.0]
    assert frame["status"].tolist() == ["", "", "", "", ":"]
    assert frame["Måltall"].unique().tolist() == ["andel (prosent)"]


def test_fhi_download_into_published_rates(tmp_path: Path) -> None:
    frame = read_table(fhi_csv(tmp_path, ","), dialect="fhi")
    rates = observations_to_rates(
        frame,
        RateMapping(
            "persistent_low_income",
            "Geografi",
            "År",
            region_name="Geografi_label",
            measure="Måltall",
            age="Alder",
            age_map={"0-17 år": "0-17"},
            sex="Kjønn",
            sex_map={"kjønn samlet": "total"},
        ),
    )
    assert rates["region"].tolist() == ["0", "40", "4001", "4003", "4010"]
    assert (rates["ci_method"] == "published").all()
    # No interval is invented for a rate published without one.
    assert rates[["ci_lower", "ci_upper", "ci_level"]].isna().all(axis=None)
    assert rates.loc[rates["region"] == "4010", "status"].item() == ":"
    assert np.isnan(rates.loc[rates["region"] == "4010", "value"].item())
    assert rates["measure"].unique().tolist() == ["andel (prosent)"]
    assert rates["region_name"].tolist()[0] == "Hele landet"


def test_published_interval_is_kept_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "ci.csv"
    path.write_text(
        "Geografi;År;Måltall;Verdi;Nedre;Øvre\n"
        "Skien;2016/17-2018/19;andel (prosent, standardisert);84,1;82,0;86,2\n"
        "Hele landet;2016/17-2018/19;andel (prosent, standardisert);85,0;84,9;85,1\n",
        encoding="utf-8",
    )
    frame = read_table(path, dialect="fhi")
    rates = observations_to_rates(
        frame,
        RateMapping(
            "school_wellbeing",
            "Geografi",
            "År",
            value="Verdi",
            ci_lower="Nedre",
            ci_upper="Øvre",
            measure="Måltall",
            default_age="10 trinn",
        ),
    )
    skien = rates.loc[rates["region"] == "4003"].iloc[0]
    assert (skien["value"], skien["ci_lower"], skien["ci_upper"]) == (84.1, 82.0, 86.2)
    assert skien["ci_level"] == 0.95 and skien["period"] == "2016/17-2018/19"
    assert "standardisert" in skien["measure"]
    bad = frame.copy()
    bad.loc[bad["variable"] == "Nedre", "value"] = 90.0
    with pytest.raises(DataError, match="does not contain its value"):
        observations_to_rates(
            bad,
            RateMapping(
                "x",
                "Geografi",
                "År",
                value="Verdi",
                ci_lower="Nedre",
                ci_upper="Øvre",
                default_age="10 trinn",
            ),
        )


def test_ambiguous_name_in_a_download_names_line_and_candidates(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("Geografi,År,Verdi\nSkien,2023,1\nVåler,2023,2\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"3114.*3419") as info:
        read_table(path, dialect="fhi")
    assert info.value.row == 2 and info.value.column == "Geografi"
    path.write_text("Geografi,År,Verdi\nVåler,2023,2\n", encoding="utf-8")
    got = read_table(path, dialect="fhi", within="Innlandet")
    assert got["Geografi"].tolist() == ["3419"]


def test_names_year_from_the_period_column(tmp_path: Path) -> None:
    # Without the FHI dialect the names are read for the latest period's year:
    # "Asker" in 2022 is 3025 (2020–2023), in 2024 3203.
    path = tmp_path / "a.csv"
    path.write_text("Kommune;År;n\nAsker;2022;5\n", encoding="utf-8")
    assert read_table(path)["Kommune"].tolist() == ["3025"]
    assert read_table(path, names_year=2024)["Kommune"].tolist() == ["3203"]


def statbank_workbook(path: Path) -> Path:
    """An SSB statbank-like export: merged title, stub written once, notes below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "13556"
    ws.append(["13556: Andel unge utenfor arbeid, utdanning og opplæring (prosent)"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["region", "alder", "2022", "2023", "2024"])
    ws.append(["4001 Porsgrunn", "15-29 år", 10.1, 10.4, 10.8])
    ws.append([None, "15-19 år", 4.2, 4.0, ".."])
    ws.append(["4003 Skien", "15-29 år", 11.0, 11.2, 11.5])
    ws.append([None, "15-19 år", 5.1, 5.3, 5.0])
    ws.append([])
    ws.append(["Kilde: Statistisk sentralbyrå"])
    ws.append(["Merknad: tallene for 2024 er foreløpige"])
    extra = wb.create_sheet("notater")
    extra.append(["ingenting her"])
    target = path / "statbank.xlsx"
    wb.save(target)
    return target


def test_statbank_xlsx_export(tmp_path: Path) -> None:
    frame = read_xlsx(statbank_workbook(tmp_path))
    assert frame.attrs["header_row"] == 3 and frame.attrs["sheet"] == "13556"
    assert frame["region"].tolist()[:4] == ["4001", "4001", "4003", "4003"]
    assert frame["alder"].tolist()[:4] == ["15-29 år", "15-19 år", "15-29 år", "15-19 år"]
    assert frame["variable"].unique().tolist() == ["2022", "2023", "2024"]
    skien_2024 = frame[(frame["region"] == "4003") & (frame["variable"] == "2024")]
    assert skien_2024["value"].tolist() == [11.5, 5.0]
    assert frame.loc[frame["status"] != "", "status"].tolist() == [".."]
    # Notes below the table are not rows.
    assert len(frame) == 12


def test_municipal_sheet_by_name_into_counts(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "forside"
    wb.active.append(["Se neste ark"])
    ws = wb.create_sheet("NEET")
    ws.append(["Unge utenfor arbeid og utdanning, Telemark"])
    ws.merge_cells("A1:F1")
    ws.append(["Rapport fra kommunen"])
    ws.merge_cells("A2:F2")
    ws.append(["Kommune", "Kommunenummer", "År", "Alder", "Teller", "Nevner"])
    ws.append(["Skien", "4003", "2024", "16-25", 410, 5200])
    ws.append(["Porsgrunn", "4001", "2024", "16-25", 300, 4100])
    ws.append(["Våler (Innlandet)", "3419", "2024", "16-25", 20, 400])
    ws.append([])
    ws.append(["Kilde: kommunens eget register"])
    path = tmp_path / "kommune.xlsx"
    wb.save(path)
    frame = read_xlsx(path, sheet="NEET", region_column="Kommune")
    assert frame["Kommunenummer"].tolist()[:3] == ["4003", "4001", "3419"]
    assert frame["Kommune"].tolist()[:3] == ["4003", "4001", "3419"]
    counts = observations_to_counts(
        frame,
        ObservationMapping(
            "neet",
            "Kommune",
            "År",
            numerator="Teller",
            denominator="Nevner",
            content="variable",
            age="Alder",
            region_name="Kommune_label",
        ),
    )
    assert counts["region"].tolist() == ["3419", "4001", "4003"]
    assert counts["numerator"].tolist() == [20.0, 300.0, 410.0]
    assert counts["region_name"].tolist()[2] == "Skien"
    with pytest.raises(DataError, match="no sheet 'NET'"):
        read_xlsx(path, sheet="NET")


def test_region_code_stored_as_number_gets_the_spreadsheet_hint(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["region", "år", "n"])
    ws.append(["3203", "2024", 5])
    ws.append([301, "2024", 7])
    path = tmp_path / "n.xlsx"
    wb.save(path)
    with pytest.raises(DataError, match="leading zeros") as info:
        read_xlsx(path)
    assert info.value.row == 3 and info.value.value == "301"
    assert "normalise_codes" in str(info.value)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("region;n\n", encoding="utf-8")
    with pytest.raises(DataError, match="not an XLSX workbook"):
        read_xlsx(path)
