"""Names two kommuner share, and FHI's period codes, from the file to the run's tables.

The name facts are from ``../shared/data/geo/README.md`` ("Never match on a
bare name"): in 2024 Våler (3114 Østfold, 3419 Innlandet) and Herøy (1515
Møre og Romsdal, 1818 Nordland); before 2020 also Os (0441, 1243), Bø (0821,
1867), Sande (0713, 1514) and Nes (0236, 0616). FHI's API writes periods as
``2021_2023`` and one year as ``2023_2023``
(``../shared/data/sources/ssb_fhi_tables.md``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from utenforskap.errors import DataError
from utenforskap.io import (
    ObservationMapping,
    RateMapping,
    observations_to_counts,
    observations_to_rates,
    read_table,
)

SHARED_NAMES = [
    ("Våler", 2024, ["3114", "3419"], "Innlandet", "3419"),
    ("Herøy", 2024, ["1515", "1818"], "18", "1818"),
    ("Våler", 2019, ["0137", "0426"], "Østfold", "0137"),
    ("Os", 2019, ["0441", "1243"], "Hordaland", "1243"),
    ("Bø", 2019, ["0821", "1867"], "Telemark", "0821"),
    ("Sande", 2019, ["0713", "1514"], "Møre og Romsdal", "1514"),
    ("Nes", 2019, ["0236", "0616"], "Akershus", "0236"),
]


@pytest.mark.parametrize(("name", "year", "candidates", "fylke", "code"), SHARED_NAMES)
def test_a_shared_name_in_a_statbank_file_names_the_candidates_unless_the_fylke_is_given(
    tmp_path: Path, name: str, year: int, candidates: list[str], fylke: str, code: str
) -> None:
    path = tmp_path / "tabell.csv"
    path.write_text(
        f"Region;Tid;Personer\nHele landet;{year};100\n{name};{year};7\n", encoding="utf-8"
    )
    with pytest.raises(DataError, match="ambiguous") as info:
        read_table(path)
    message = str(info.value)
    assert all(c in message for c in candidates), message
    assert info.value.row == 2 and info.value.column == "Region"
    # With the fylke the name is one kommune; the country's row is still the country.
    got = read_table(path, within=fylke)
    assert got["Region"].tolist() == ["0", code]


def fhi_download(folder: Path, *, within: str | None) -> Path:
    """An FHI statistikkbank download for Herøy (Møre og Romsdal): country, fylke, kommune."""
    (folder / "fhi.csv").write_text(
        "Geografi,År,Måltall,Verdi,SortKommune\n"
        'Hele landet,2021-2023,"andel (prosent)",9.2,0\n'
        'Møre og Romsdal,2021-2023,"andel (prosent)",9.0,15\n'
        'Herøy,2021-2023,"andel (prosent)",8.1,1515\n',
        encoding="utf-8",
    )
    scope = f'within = "{within}"\n' if within else ""
    config = folder / "run.toml"
    config.write_text(
        'title = "Herøy"\noutput = "out"\n[geography]\nkommune = "1515"\n'
        '[[inputs]]\nid = "fhi_download"\nformat = "table"\ndialect = "fhi"\npath = "fhi.csv"\n'
        'source = "FHI, Kommunehelsa statistikkbank, tabell 403"\n'
        f'{scope}ignore_columns = ["SortKommune"]\n'
        '[inputs.rate]\nindicator = "persistent_low_income_children"\nregion = "Geografi"\n'
        'period = "År"\ndefault_age = "0-17"\nmeasure = "Måltall"\n'
        '[indicators.persistent_low_income_children]\nages = ["0-17"]\n',
        encoding="utf-8",
    )
    return config


def test_the_run_refuses_a_shared_name_in_one_line_and_takes_the_fylke(tmp_path: Path) -> None:
    fhi_download(tmp_path, within=None)
    done = run_cli("run", "--config", "run.toml", cwd=tmp_path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    for part in ("fhi.csv", "'Geografi'", "row 3", "'Herøy'", "1515", "1818", "within"):
        assert part in line, line
    assert not (tmp_path / "out").exists()
    fhi_download(tmp_path, within="Møre og Romsdal")
    done = run_cli("run", "--config", "run.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype=str)
    # The fylke narrows the kommune names only: the country and the fylke stay found.
    assert table[["region", "region_name"]].values.tolist() == [
        ["0", "Hele landet"],
        ["15", "Møre og Romsdal"],
        ["1515", "Herøy (Møre og Romsdal)"],
    ]


def test_fhi_period_codes_become_the_packages_periods_for_counts_and_rates() -> None:
    answer = pd.DataFrame(
        {
            "GEO": ["4003", "4003", "40", "40", "0", "0"],
            "AAR": ["2023_2023", "2023_2023", "2021_2023", "2021_2023", "2021_2023", "2021_2023"],
            "MEASURE_TYPE": ["TELLER", "NEVNER"] * 3,
            "value": [5.0, 50.0, 60.0, 600.0, 700.0, 7000.0],
            "status": [""] * 6,
        }
    )
    counts = observations_to_counts(
        answer,
        ObservationMapping(
            "neet",
            "GEO",
            "AAR",
            content="MEASURE_TYPE",
            numerator="TELLER",
            denominator="NEVNER",
            default_age="15-29",
        ),
    )
    assert sorted(zip(counts["region"], counts["period"], strict=True)) == [
        ("0", "2021-2023"),
        ("40", "2021-2023"),
        ("4003", "2023"),
    ]
    rates = observations_to_rates(
        answer[answer["MEASURE_TYPE"] == "TELLER"].assign(MEASURE_TYPE="RATE"),
        RateMapping(
            "child_welfare", "GEO", "AAR", content="MEASURE_TYPE", value="RATE", default_age="0-17"
        ),
    )
    assert sorted(zip(rates["region"], rates["period"], strict=True)) == [
        ("0", "2021-2023"),
        ("40", "2021-2023"),
        ("4003", "2023"),
    ]


def test_a_fylke_run_needs_kommuner_of_its_fylke(tmp_path: Path) -> None:
    config = fhi_download(tmp_path, within="Møre og Romsdal")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('kommune = "1515"', 'fylke = "40"'), encoding="utf-8")
    done = run_cli("run", "--config", "run.toml", cwd=tmp_path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert "geography.fylke" in line and "'40'" in line and "1515" in line, line
    config.write_text(text.replace('kommune = "1515"', 'fylke = "15"'), encoding="utf-8")
    done = run_cli("run", "--config", "run.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
