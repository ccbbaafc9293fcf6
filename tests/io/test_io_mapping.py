"""Tests of the observation → CountFrame mapping, on the bundled SSB-shaped demo file."""

from __future__ import annotations

import json
import runpy
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from utenforskap import frames as F
from utenforskap.errors import ConfigError, DataError
from utenforskap.io import (
    ObservationMapping,
    observations_to_counts,
    read_jsonstat,
    read_official_counts,
    read_table,
)

DATASETS = Path(__file__).resolve().parents[2] / "src" / "utenforskap" / "datasets"
DEMO = DATASETS / "ssb_neet_land.json"

# The snippet the lead puts into the demo config (kept here so that it is tested).
TOML = """
[inputs.mapping]
indicator = "neet"
region = "Region"
region_name = "Region_label"
period = "Tid"
age = "Alder"
sex = "Kjonn"
content = "ContentsCode"
numerator = "NEETPers"
denominator = "Personer"

[inputs.mapping.age_map]
"016-019" = "16-19"
"020-025" = "20-25"
"016-025" = "16-25"

[inputs.mapping.sex_map]
"0" = "total"
"1" = "male"
"2" = "female"
"""


def demo_mapping() -> ObservationMapping:
    return ObservationMapping.from_dict(
        tomllib.loads(TOML)["inputs"]["mapping"], key="inputs[0].mapping"
    )


def test_demo_file_to_counts() -> None:
    frame = read_jsonstat(DEMO, naming="both")
    counts = observations_to_counts(frame, demo_mapping())
    assert list(counts.columns) == list(F.COUNT_COLUMNS)
    F.validate_counts(counts, allow_extra=False)
    assert len(counts) == 3 * 3 * 10
    assert set(counts[F.AGE]) == {"16-19", "20-25", "16-25"}
    assert set(counts[F.SEX]) == {"total", "male", "female"}  # SSB publishes no unknown sex
    assert set(counts[F.REGION]) == {"0"}
    assert set(counts[F.REGION_NAME]) == {"Hele landet"}
    # Independent check against the raw document: cell (age, sex, content, year) by position.
    document = json.loads(DEMO.read_text(encoding="utf-8"))
    cube = np.array([np.nan if v is None else v for v in document["value"]]).reshape(
        document["size"]
    )
    row = counts.set_index([F.AGE, F.SEX, F.PERIOD]).loc[("20-25", "female", "2019")]
    assert row[F.NUMERATOR] == cube[0, 1, 2, 0, 4]
    assert row[F.DENOMINATOR] == cube[0, 1, 2, 1, 4]
    missing = counts.set_index([F.AGE, F.SEX, F.PERIOD]).loc[("16-19", "male", "2015")]
    assert np.isnan(missing[F.NUMERATOR])
    assert missing[F.STATUS] == ".."
    # Synthetic but plausible: about 10 % NEET among 16-25, ~130,000 per year of age.
    total = counts[(counts[F.AGE] == "16-25") & (counts[F.SEX] == "total")]
    rate = total[F.NUMERATOR] / total[F.DENOMINATOR]
    assert rate.between(0.08, 0.12).all()
    assert (total[F.DENOMINATOR] / 10).between(120_000, 140_000).all()


def test_demo_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    module = runpy.run_path(str(DATASETS / "make_ssb_neet_land.py"))
    target = tmp_path / "out.json"
    assert module["main"]([str(target)]) == 0
    assert target.read_bytes() == DEMO.read_bytes()


def observations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Region": ["0301", "0301", "0301", "0301", "3203", "3203"],
            "Alder": ["016", "017", "016", "017", "016", "016"],
            "ContentsCode": ["Andel", "Andel", "Personer", "Personer", "Andel", "Personer"],
            "Tid": ["2024"] * 6,
            "value": [10.3, 12.5, 52_000, 3, 7.0, np.nan],
            "status": ["", "", "", "", "", ":"],
        }
    )


def test_share_is_converted_back_to_counts_with_documented_rounding() -> None:
    mapping = ObservationMapping(
        "neet",
        region="Region",
        period="Tid",
        age="Alder",
        share="Andel",
        denominator="Personer",
        age_map={"016": "16", "017": "17"},
    )
    counts = observations_to_counts(observations(), mapping).set_index([F.REGION, F.AGE])
    # 10.3 % of 52,000 = 5,356 exactly; 12.5 % of 3 = 0.375 → 0 (nearest integer).
    assert counts.loc[("0301", "16"), F.NUMERATOR] == 5356
    assert counts.loc[("0301", "17"), F.NUMERATOR] == 0
    # A suppressed denominator leaves the count unknown, with its symbol.
    assert np.isnan(counts.loc[("3203", "16"), F.NUMERATOR])
    assert counts.loc[("3203", "16"), F.STATUS] == ":"
    assert counts[F.SEX].unique().tolist() == ["total"]


def test_single_years_are_summed_into_a_band() -> None:
    frame = observations()
    frame["ContentsCode"] = ["NEET", "NEET", "Personer", "Personer", "NEET", "Personer"]
    frame["value"] = [5, 7, 50, 60, 1, np.nan]
    mapping = ObservationMapping(
        "neet",
        region="Region",
        period="Tid",
        age="Alder",
        numerator="NEET",
        denominator="Personer",
        age_map={"016": "16-17", "017": "16-17"},
    )
    counts = observations_to_counts(frame, mapping).set_index(F.REGION)
    assert counts.loc["0301", F.NUMERATOR] == 12
    assert counts.loc["0301", F.DENOMINATOR] == 110
    assert np.isnan(counts.loc["3203", F.DENOMINATOR])
    assert counts.loc["3203", F.STATUS] == ":"


def test_shares_cannot_be_summed() -> None:
    mapping = ObservationMapping(
        "neet",
        "Region",
        "Tid",
        "Personer",
        share="Andel",
        age="Alder",
        age_map={"016": "16-17", "017": "16-17"},
    )
    with pytest.raises(DataError, match="shares cannot be summed"):
        observations_to_counts(observations(), mapping)


def test_missing_denominator_and_column() -> None:
    frame = observations().iloc[:5]
    frame.loc[4, "ContentsCode"] = "Andel"
    mapping = ObservationMapping(
        "neet",
        "Region",
        "Tid",
        "Personer",
        share="Andel",
        age="Alder",
        age_map={"016": "16", "017": "17"},
    )
    with pytest.raises(DataError, match="no denominator for"):
        observations_to_counts(frame, mapping)
    with pytest.raises(DataError, match="no column 'Kjonn'"):
        observations_to_counts(
            frame,
            ObservationMapping(
                "neet", "Region", "Tid", "Personer", share="Andel", age="Alder", sex="Kjonn"
            ),
        )


def test_missing_value_without_status_is_refused() -> None:
    frame = observations()
    frame.loc[5, "status"] = ""
    mapping = ObservationMapping(
        "neet",
        "Region",
        "Tid",
        "Personer",
        share="Andel",
        age="Alder",
        age_map={"016": "16", "017": "17"},
    )
    with pytest.raises(DataError, match="missing value without a status symbol"):
        observations_to_counts(frame, mapping)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"colour": "red"}, "inputs[0].mapping.colour"),
        ({"region": 3}, "inputs[0].mapping.region"),
        ({"share": "Andel"}, "inputs[0].mapping"),
        ({"sex_map": {"1": "menn"}}, "inputs[0].mapping.sex_map"),
        ({"age_map": {"016": "sixteen"}}, "inputs[0].mapping.age_map"),
        ({"share_scale": "100"}, "inputs[0].mapping.share_scale"),
    ],
)
def test_config_errors_name_the_key(change: dict, key: str) -> None:
    spec = tomllib.loads(TOML)["inputs"]["mapping"] | change
    with pytest.raises(ConfigError) as info:
        ObservationMapping.from_dict(spec, key="inputs[0].mapping")
    assert info.value.key == key


def test_csv_export_through_the_same_mapping(tmp_path: Path) -> None:
    path = tmp_path / "neet.csv"
    path.write_text(
        "region;alder;år;NEET;Personer\n"
        "0301 Oslo;16-25 år;2023;4 100;80 000\n"
        "K-3203 Asker;16-25 år;2023;:;12 000\n",
        encoding="utf-8",
    )
    frame = read_table(path)
    mapping = ObservationMapping(
        "neet",
        region="region",
        region_name="region_label",
        period="år",
        age="alder",
        age_map={"16-25 år": "16-25"},
        content="variable",
        numerator="NEET",
        denominator="Personer",
    )
    counts = observations_to_counts(frame, mapping)
    assert counts[F.REGION].tolist() == ["0301", "3203"]
    assert counts[F.REGION_NAME].tolist() == ["Oslo", "Asker"]
    assert counts[F.NUMERATOR].tolist()[0] == 4100
    assert counts[F.STATUS].tolist() == ["", ":"]


def test_read_official_counts_from_the_config_dict() -> None:
    spec = tomllib.loads(TOML)["inputs"]["mapping"]
    counts = read_official_counts(DEMO, format="jsonstat", mapping=spec, key="inputs[2].mapping")
    direct = observations_to_counts(read_jsonstat(DEMO, naming="both"), demo_mapping())
    pd.testing.assert_frame_equal(counts, direct)
    with pytest.raises(ConfigError) as info:
        read_official_counts(DEMO, format="jsonstat", mapping={}, key="inputs[2].mapping")
    assert info.value.key == "inputs[2].mapping.indicator"


def test_read_official_counts_px_and_fhi_periods(tmp_path: Path) -> None:
    px = tmp_path / "n.px"
    px.write_text(
        'CODEPAGE="utf-8";\nSTUB="region","statistikkvariabel";\nHEADING="år";\n'
        'VALUES("region")="0301 Oslo";\nCODES("region")="0301";\n'
        'VALUES("statistikkvariabel")="NEET","Personer";\nVALUES("år")="2021_2023";\n'
        "DATA=\n40\n400\n;\n",
        encoding="utf-8",
    )
    mapping = {
        "indicator": "neet",
        "region": "region",
        "region_name": "region_label",
        "period": "år",
        "content": "statistikkvariabel",
        "numerator": "NEET",
        "denominator": "Personer",
        "default_age": "16-25",
    }
    counts = read_official_counts(px, format="px", mapping=mapping)
    assert counts[
        [F.REGION, F.REGION_NAME, F.PERIOD, F.NUMERATOR, F.DENOMINATOR]
    ].values.tolist() == [["0301", "0301 Oslo", "2021-2023", 40.0, 400.0]]


@pytest.mark.parametrize("sep", [";", ","])
def test_an_error_after_melting_names_the_files_row(tmp_path: Path, sep: str) -> None:
    # Two value columns are melted into two observations per row; the error
    # must still name the row of the file (data rows counted after the header),
    # not the position in the melted frame (which would be 2 here, not 3).
    path = tmp_path / "neet.csv"
    rows = [
        ["region", "år", "kjønn", "teller", "nevner"],
        ["0301", "2023", "male", "5", "100"],
        ["0301", "2023", "female", "6", "100"],
        ["0301", "2023", "mann", "7", "100"],
    ]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    tidy = read_table(path)
    mapping = ObservationMapping(
        "neet",
        "region",
        "år",
        numerator="teller",
        denominator="nevner",
        content="variable",
        sex="kjønn",
        default_age="16-25",
    )
    with pytest.raises(DataError) as caught:
        observations_to_counts(tidy, mapping)
    assert caught.value.row == 3
    assert caught.value.value == "mann"
    assert "neet.csv" in str(caught.value)


def test_rates_from_melted_columns_keep_each_row_and_name_the_files_row(tmp_path: Path) -> None:
    # A table with the rate and its interval ends in three columns, melted into
    # three observations per source row (the index repeats the row number).
    from utenforskap.io import RateMapping, observations_to_rates

    path = tmp_path / "rates.csv"
    path.write_text(
        "region;år;andel;nedre;øvre\n0301;2022;10,0;8,0;12,5\n0301;2023;11,0;12,0;13,0\n",
        encoding="utf-8",
    )
    tidy = read_table(path)
    mapping = RateMapping(
        "neet",
        "region",
        "år",
        value="andel",
        ci_lower="nedre",
        ci_upper="øvre",
        default_age="16-25",
    )
    good = path.with_name("good.csv")
    good.write_text(path.read_text(encoding="utf-8").replace("12,0;13,0", "9,0;13,0"), "utf-8")
    rates = observations_to_rates(read_table(good), mapping)
    assert rates[[F.PERIOD, F.VALUE, F.CI_LOWER, F.CI_UPPER]].values.tolist() == [
        ["2022", 10.0, 8.0, 12.5],
        ["2023", 11.0, 9.0, 13.0],
    ]
    with pytest.raises(DataError, match="does not contain its value"):
        observations_to_rates(tidy, mapping)
