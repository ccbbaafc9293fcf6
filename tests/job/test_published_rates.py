"""Published rates (FHI, Ungdata: no counts) through a configuration run to indicators.csv.

The files are built here in the shapes agencies publish: an FHI statistikkbank
download (comma-separated, kommune names, a ``Måltall`` column, three-year
spans, a trailing ``SortKommune``), an XLSX sheet with a title row and the
publisher's interval, and an FHI API answer (JSON-stat 2.0, ``AAR``
``2019_2021``) served from the response cache.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from statsmodels.stats import proportion as sm_proportion

from utenforskap import frames as F
from utenforskap.errors import DataError, FetchError
from utenforskap.io import fetch_fhi_table
from utenforskap.job.config import load_config
from utenforskap.job.pipeline import compute, run
from utenforskap.job.plan import plan_run
from utenforskap.registry import INDICATORS

MEASURE = "andel (prosent, standardisert)"
FHI_CSV = f"""Geografi,År,Måltall,Verdi,SortKommune
Hele landet,2019-2021,"{MEASURE}",9.2,0
Telemark,2019-2021,"{MEASURE}",10.1,40
Skien,2019-2021,"{MEASURE}",11.3,4003
Porsgrunn,2019-2021,"{MEASURE}",10.4,4001
Siljan,2019-2021,"{MEASURE}",:,4010
Hele landet,2020-2022,"{MEASURE}",9.0,0
Telemark,2020-2022,"{MEASURE}",9.9,40
Skien,2020-2022,"{MEASURE}",11.0,4003
Porsgrunn,2020-2022,"{MEASURE}",10.2,4001
Siljan,2020-2022,"{MEASURE}",7.0,4010
"""
RATE_CONFIG = """title = "Skien"
output = "out"
[geography]
kommune = "4003"
[[inputs]]
id = "fhi_download"
format = "{fmt}"
path = "{path}"
source = "{source}"
{extra}
[inputs.rate]
indicator = "{indicator}"
region = "{region}"
region_name = "{region}_label"
period = "{period}"
default_age = "{age}"
{rate}
[indicators.{indicator}]
ages = ["{age}"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def fhi_download_config(folder: Path) -> Path:
    write(folder, "fhi.csv", FHI_CSV)
    return write(
        folder,
        "run.toml",
        RATE_CONFIG.format(
            fmt="table",
            path="fhi.csv",
            source="FHI, Kommunehelsa statistikkbank, tabell 403",
            extra='dialect = "fhi"',
            indicator="persistent_low_income_children",
            region="Geografi",
            period="År",
            age="0-17",
            rate='measure = "Måltall"',
        ),
    )


@pytest.fixture(scope="module")
def fhi_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("fhi-download")
    result = run(fhi_download_config(folder))
    return folder, result


def test_fhi_download_reaches_indicators_csv_as_published(fhi_run: tuple[Path, Any]) -> None:
    folder, result = fhi_run
    table = pd.read_csv(folder / "out" / "indicators.csv", dtype={"region": str, "status": str})
    table["status"] = table["status"].fillna("")
    assert len(table) == 10
    # Names resolved to codes on 2024 borders, periods as the publisher's spans.
    assert sorted(table["region"].unique()) == ["0", "40", "4001", "4003", "4010"]
    assert set(table["period"]) == {"2019-2021", "2020-2022"}
    row = table.set_index(["region", "period"]).loc[("4003", "2020-2022")]
    assert row["value"] == 11.0  # the file's value, untouched
    assert row["region_name"] == "Skien"
    assert row["ci_method"] == F.PUBLISHED
    assert math.isnan(row["numerator"]) and math.isnan(row["denominator"])
    # No interval is invented, so no comparison can be made.
    assert math.isnan(row["ci_lower"]) and math.isnan(row["ci_upper"])
    assert row["reference"] == 0 or str(row["reference"]) == "0"
    assert row["reference_value"] == 9.0
    assert row["comparison"] == "not_tested"
    hidden = table.set_index(["region", "period"]).loc[("4010", "2019-2021")]
    assert hidden["status"] == ":" and math.isnan(hidden["value"])
    F.validate_indicators(result.indicators)


def test_fhi_download_sources_and_measure(fhi_run: tuple[Path, Any]) -> None:
    folder, _ = fhi_run
    computed = compute(load_config(folder / "run.toml"))
    sources = computed.sources
    assert set(sources["source"]) == {"FHI, Kommunehelsa statistikkbank, tabell 403"}
    assert set(sources["measure"]) == {MEASURE}
    assert set(sources["region"]) == {"0", "40", "4001", "4003", "4010"}
    assert not any("syntet" in s.lower() for s in sources["source"])
    assert [w.kind for w in computed.warnings] == []


def test_the_registry_never_calls_a_real_kommunes_data_synthetic() -> None:
    for ind in INDICATORS.values():
        assert "syntet" not in ind.source("nb").lower(), ind.id
        assert "synthetic" not in ind.source("en").lower(), ind.id


def wald(x: float, n: float) -> tuple[float, float, float]:
    """A value and its 95 % Wald interval in percent, as a publisher might give them."""
    p = x / n
    half = 1.959963984540054 * math.sqrt(p * (1 - p) / n)
    return 100 * p, 100 * (p - half), 100 * (p + half)


# Counts behind the published shares (the publisher gives only shares and intervals).
COUNTS = {"Hele landet": (9_000, 100_000), "Skien": (130, 1_000), "Porsgrunn": (95, 1_000)}


def xlsx_config(folder: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Trivsel"
    sheet.append(["Trives på skolen, 10. trinn (prosent, standardisert)"])
    sheet.append([])
    sheet.append(["Kommune", "År", "Andel", "Nedre", "Øvre"])
    for name, (x, n) in COUNTS.items():
        value, lower, upper = wald(x, n)
        sheet.append([name, "2021-2023", value, lower, upper])
    sheet.append(["Siljan", "2021-2023", ":", ":", ":"])
    sheet.append([])
    sheet.append(["Kilde: FHI, Kommunehelsa"])
    book.save(folder / "trivsel.xlsx")
    return write(
        folder,
        "xlsx.toml",
        RATE_CONFIG.format(
            fmt="xlsx",
            path="trivsel.xlsx",
            source="Udir, Elevundersøkelsen; FHI, Kommunehelsa statistikkbank",
            extra='sheet = "Trivsel"\nnames_year = 2024',
            indicator="school_wellbeing",
            region="Kommune",
            period="År",
            age="10. trinn",
            rate='value = "Andel"\nci_lower = "Nedre"\nci_upper = "Øvre"',
        ),
    )


def test_xlsx_rates_with_intervals_are_compared_as_two_estimates(tmp_path: Path) -> None:
    result = run(xlsx_config(tmp_path))
    written = pd.read_csv(tmp_path / "out" / "indicators.csv", dtype={"region": str})
    assert sorted(written["region"]) == ["0", "4001", "4003", "4010"]
    assert set(written["ci_method"]) == {F.PUBLISHED}
    # The numbers at full precision (the CSV rounds them for people).
    table = result.indicators.set_index("region")
    assert table.loc["4003", "age"] == "10 trinn"  # "10. trinn" in the package's form
    for name, code in (("Skien", "4003"), ("Porsgrunn", "4001")):
        value, lower, upper = wald(*COUNTS[name])
        assert table.loc[code, "value"] == pytest.approx(value, rel=1e-12)
        assert (table.loc[code, "ci_lower"], table.loc[code, "ci_upper"]) == pytest.approx(
            (lower, upper), rel=1e-12
        )
        # Reference: statsmodels' unpooled Wald test of two independent proportions,
        # which is the two-estimate test when the intervals are Wald intervals.
        expected = sm_proportion.test_proportions_2indep(
            *COUNTS[name], *COUNTS["Hele landet"], method="wald"
        )
        assert table.loc[code, "p_value"] == pytest.approx(expected.pvalue, rel=1e-9)
        assert table.loc[code, "reference_value"] == pytest.approx(9.0)
    assert table.loc["4003", "comparison"] == "higher"  # p ≈ 3e-4
    assert table.loc["4001", "comparison"] == "similar"  # p ≈ 0.6
    assert table.loc["0", "comparison"] == "not_tested"
    assert math.isnan(table.loc["4010", "value"]) and table.loc["4010", "status"] == ":"
    assert math.isnan(table.loc["4010", "ci_lower"])
    assert table.loc["4010", "comparison"] == "not_tested"
    F.validate_indicators(result.indicators)


# ---------------------------------------------------------------- FHI's API through the cache


class RecordedFhi:
    """Answers FHI's POSTs with a JSON-stat 2.0 dataset in the API's shape."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def post(self, url: str, body: bytes) -> bytes:
        self.bodies.append(body)
        geo = ["4003", "40", "0"]
        document = {
            "version": "2.0",
            "class": "dataset",
            "label": "Vedvarende lavinntekt",
            "id": ["GEO", "AAR", "MEASURE_TYPE"],
            "size": [3, 2, 1],
            "dimension": {
                "GEO": {
                    "label": "Geografi",
                    "category": {
                        "index": geo,
                        "label": {"4003": "Skien", "40": "Telemark", "0": "Hele landet"},
                    },
                },
                "AAR": {
                    "label": "År",
                    "category": {
                        "index": ["2020_2022", "2021_2023"],
                        "label": {"2020_2022": "2020-2022", "2021_2023": "2021-2023"},
                    },
                },
                "MEASURE_TYPE": {
                    "label": "Måltall",
                    "category": {"index": ["RATE"], "label": {"RATE": "andel (prosent)"}},
                },
            },
            "value": [11.0, 11.2, 10.0, 10.1, 9.0, None],
            "status": {"5": ":"},
        }
        return json.dumps(document).encode("utf-8")


FHI_INPUT = """title = "Skien"
output = "out"
[geography]
kommune = "4003"
[[inputs]]
id = "fhi_403"
format = "fhi"
table = "403"
[inputs.dimensions]
GEO = ["4003", "40", "0"]
AAR = "bottom(2)"
MEASURE_TYPE = ["RATE"]
[inputs.rate]
indicator = "persistent_low_income_children"
region = "GEO"
region_name = "GEO_label"
period = "AAR"
measure = "MEASURE_TYPE_label"
default_age = "0-17"
[indicators.persistent_low_income_children]
ages = ["0-17"]
"""


def test_fhi_api_input_is_planned_and_read_from_the_cache(tmp_path: Path) -> None:
    config = write(tmp_path, "fhi.toml", FHI_INPUT)
    plan = plan_run(config)
    (planned,) = plan.inputs
    assert (planned.key, planned.state, planned.source) == (
        "inputs[0]",
        "to fetch",
        "FHI table 403",
    )
    cfg = load_config(config)
    client = RecordedFhi()
    fetch_fhi_table(
        "403",
        cfg.inputs[0].dimensions,
        naming="both",
        cache_dir=cfg.inputs[0].path,
        client=client,  # type: ignore[arg-type]
    )
    assert len(client.bodies) == 1
    plan = plan_run(config)
    (planned,) = plan.inputs
    assert (planned.key, planned.state) == ("inputs[0].response[0]", "cached")
    assert planned.path.parent == tmp_path / "data" / "raw" / "fhi"
    result = run(config)
    assert [r["key"] for r in result.manifest["inputs"]] == ["inputs[0].response[0]"]
    frame = result.indicators.set_index(["region", "period"])
    assert frame.loc[("4003", "2021-2023"), "value"] == 11.2
    assert frame.loc[("4003", "2021-2023"), "region_name"] == "Skien"
    assert frame.loc[("0", "2021-2023"), "status"] == ":"
    assert np.isnan(frame.loc[("0", "2021-2023"), "value"])
    computed = compute(cfg)
    assert set(computed.sources["source"]) == {"FHI, Kommunehelsa statistikkbank, tabell 403"}
    assert set(computed.sources["measure"]) == {"andel (prosent)"}
    assert len(client.bodies) == 1  # the run asked nobody


def test_an_offline_fhi_input_not_cached_stops_the_run(tmp_path: Path) -> None:
    config = write(
        tmp_path, "fhi.toml", FHI_INPUT.replace('table = "403"', 'table = "403"\noffline = true')
    )
    with pytest.raises(FetchError, match="not in the cache"):
        run(config)


# ---------------------------------------------------------------- what a rate cannot do


def test_a_cell_given_as_counts_and_as_a_rate_is_refused(tmp_path: Path) -> None:
    write(
        tmp_path,
        "counts.csv",
        "indicator,region,period,age,sex,numerator,denominator,status\n"
        "persistent_low_income_children,4003,2020-2022,0-17,total,110,1000,\n",
    )
    text = fhi_download_config(tmp_path).read_text(encoding="utf-8")
    head, tail = text.split("[indicators.")
    text = (
        head
        + '[[inputs]]\nid = "own"\nformat = "counts"\npath = "counts.csv"\n\n[indicators.'
        + tail
    )
    config = write(tmp_path, "both.toml", text)
    with pytest.raises(DataError, match="given as counts and as a published rate"):
        compute(load_config(config))


def test_a_rate_on_an_old_kommune_code_is_refused(tmp_path: Path) -> None:
    text = fhi_download_config(tmp_path).read_text(encoding="utf-8")
    # Skien under its 2020-2023 code, as an older export writes it.
    write(
        tmp_path,
        "fhi.csv",
        f'Geografi,År,Måltall,Verdi\n0 Hele landet,2019-2021,"{MEASURE}",9.2\n'
        f'K-3807 Skien,2019-2021,"{MEASURE}",11.3\n',
    )
    write(
        tmp_path,
        "crosswalk.csv",
        "from_code,to_code_2024\n3807,4003\n4003,4003\n4001,4001\n4010,4010\n",
    )
    text = text.replace('kommune = "4003"', 'kommune = "4003"\ncrosswalk = "crosswalk.csv"')
    config = write(tmp_path, "old.toml", text)
    with pytest.raises(DataError, match="cannot be summed into the new kommune") as caught:
        compute(load_config(config))
    assert caught.value.value == "3807"


def test_fetch_command_checks_and_fills_the_cache(tmp_path: Path, capsys: Any) -> None:
    from utenforskap.job.cli import main

    config = write(tmp_path, "fhi.toml", FHI_INPUT)
    assert main(["fetch", "--config", str(config), "--offline"]) == 2
    assert "not in the cache" in capsys.readouterr().err
    cfg = load_config(config)
    fetch_fhi_table(
        "403",
        cfg.inputs[0].dimensions,
        naming="both",
        cache_dir=cfg.inputs[0].path,
        client=RecordedFhi(),  # type: ignore[arg-type]
    )
    assert main(["fetch", "--config", str(config), "--offline"]) == 0
    out = capsys.readouterr()
    assert "fhi_403: FHI table 403, 6 rows" in out.out
    assert "1 tables checked in the cache" in out.err
    bad = write(tmp_path, "bad.toml", FHI_INPUT.replace('table = "403"', 'table = "Tabell 403"'))
    assert main(["fetch", "--config", str(bad)]) == 2  # refused before anything is asked
    assert "inputs[0].table" in capsys.readouterr().err
