"""The run's groups (issue 14), sources (issue 18) and microdata counted straight from the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from utenforskap import frames as F
from utenforskap.datasets import ensure_demo_data
from utenforskap.errors import DataError
from utenforskap.job.config import load_config
from utenforskap.job.inputs import read_inputs
from utenforskap.job.pipeline import compute
from utenforskap.job.results import Computed

#: The module computes the whole demo (with its disclosure audit): full suite only.
pytestmark = pytest.mark.slow

GROUPS = {"immigrants", "norwegian_born_to_immigrant_parents", "rest_of_population"}


@pytest.fixture(scope="module")
def demo() -> Computed:
    return compute()


def test_demo_counts_neet_and_low_income_by_group_adding_up(demo: Computed) -> None:
    counts = demo.counts
    by_group = counts[counts[F.GROUP] != F.GROUP_TOTAL]
    assert set(by_group[F.INDICATOR]) == {"neet", "low_income_children"}
    assert set(by_group[F.GROUP]) == GROUPS
    # Every code is mapped, so the parts add up to the whole population exactly
    # (districts, kommune after roll-up, and pooled or not).
    local = counts[counts[F.REGION].str.startswith("9901")]
    local = local[local[F.INDICATOR].isin(["neet", "low_income_children"])]
    keys = [F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX]
    parts = local[local[F.GROUP] != "total"].groupby(keys)[[F.NUMERATOR, F.DENOMINATOR]].sum()
    whole = local[local[F.GROUP] == "total"].set_index(keys)[[F.NUMERATOR, F.DENOMINATOR]]
    pd.testing.assert_frame_equal(
        parts.sort_index(), whole.sort_index(), check_dtype=False, check_index_type=False
    )


def test_demo_groups_have_plausible_shares(demo: Computed) -> None:
    counts = demo.counts.set_index([F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.GROUP])
    whole = counts.loc[("neet", "9901", "2024", "16-25", "total", "total"), F.DENOMINATOR]
    share = {
        g: counts.loc[("neet", "9901", "2024", "16-25", "total", g), F.DENOMINATOR] / whole
        for g in GROUPS
    }
    assert 0.13 <= share["immigrants"] <= 0.20
    assert 0.04 <= share["norwegian_born_to_immigrant_parents"] <= 0.09
    published = demo.indicators
    rows = published[(published[F.INDICATOR] == "neet") & (published[F.REGION] == "9901")]
    rows = rows[(rows[F.PERIOD] == "2024") & (rows[F.AGE] == "16-25") & (rows[F.SEX] == "total")]
    values = rows.set_index(F.GROUP)[F.VALUE]
    assert values["immigrants"] > values["total"] > values["rest_of_population"]


def test_small_groups_are_suppressed(demo: Computed) -> None:
    frame = demo.indicators
    groups = frame[frame[F.GROUP] != "total"]
    small = groups[groups[F.REGION].isin(["990108", "990109"])]
    assert small[F.SUPPRESSED].mean() > 0.8  # Fjellstad and Skogly: ~5 persons per cohort
    shown = groups[~groups[F.SUPPRESSED]]
    x, n = shown[F.NUMERATOR], shown[F.DENOMINATOR]
    assert ((x >= 5) | (x == 0)).all()
    assert ((n - x) >= 5).all()
    assert (n >= 20).all()


def test_a_group_is_compared_with_the_same_group_in_the_country(demo: Computed) -> None:
    frame = demo.indicators.set_index(list(F.KEY_COLUMNS))
    counts = demo.counts.set_index(list(F.KEY_COLUMNS))
    key = ("neet", "9901", "2024", "16-25", "total", "immigrants")
    land = ("neet", "0", "2024", "16-25", "total", "immigrants")
    row = frame.loc[key]
    assert row[F.REFERENCE] == "0"
    assert row[F.REFERENCE_VALUE] == pytest.approx(
        100 * counts.loc[land, F.NUMERATOR] / counts.loc[land, F.DENOMINATOR]
    )
    # The kommune lies inside the country: tested against the rest of the country's immigrants.
    x, n = counts.loc[key, F.NUMERATOR], counts.loc[key, F.DENOMINATOR]
    rx, rn = counts.loc[land, F.NUMERATOR], counts.loc[land, F.DENOMINATOR]
    _, p = proportions_ztest([x, rx - x], [n, rn - n])
    assert row[F.P_VALUE] == pytest.approx(p, rel=1e-9)


def test_groups_against_the_rest_of_the_population_match_statsmodels(demo: Computed) -> None:
    groups = demo.groups
    assert groups is not None
    counts = demo.counts.set_index(list(F.KEY_COLUMNS))
    tested = groups[groups[F.P_VALUE].notna()]
    assert len(tested) > 500
    sample = tested.sample(40, random_state=1)
    for row in sample.itertuples(index=False):
        key = (row.indicator, row.region, row.period, row.age, row.sex)
        x, n = counts.loc[(*key, row.group), [F.NUMERATOR, F.DENOMINATOR]]
        tx, tn = counts.loc[(*key, "total"), [F.NUMERATOR, F.DENOMINATOR]]
        _, p = proportions_ztest([x, tx - x], [n, tn - n])
        assert row.p_value == pytest.approx(p, rel=1e-9, abs=1e-300)
        assert row.rest_value == pytest.approx(100 * (tx - x) / (tn - n))
    # A hidden group is not tested and its rest is not shown.
    hidden = demo.indicators[demo.indicators[F.SUPPRESSED] & (demo.indicators[F.GROUP] != "total")]
    merged = hidden[list(F.KEY_COLUMNS)].merge(groups, on=list(F.KEY_COLUMNS))
    assert (merged[F.COMPARISON] == "not_tested").all() and merged["rest_value"].isna().all()


def test_demo_sources_credit_each_input_exactly(demo: Computed) -> None:
    sources = demo.sources
    assert sources is not None
    credit = sources.groupby([F.INDICATOR, F.REGION])["source"].apply(tuple).to_dict()
    register = ("Eksempelkommune, syntetiske registerdata",)
    assert credit[("neet", "990103")] == register
    assert credit[("neet", "9901")] == register  # rolled up from the register's districts
    assert credit[("upper_secondary_completed", "9901")] == register
    # Fjordvik: harmonised from Gamlevik and Østervik of the FHI-format file.
    assert credit[("low_income_children", "9903")] == (
        "Syntetiske tall i FHI Kommunehelsas format",
    )
    assert set(credit[("neet", "0")]) == {
        "Syntetiske landstall i SSBs format",
        "Syntetiske landstall",  # the country's NEET by group
    }
    assert credit[("ungdata_loneliness", "990101")] == (
        "Ungdata-undersøkelsen i Eksempelkommune, syntetiske data",
    )
    # Every published indicator × region is credited, and nothing else is.
    shown = demo.indicators[[F.INDICATOR, F.REGION]].drop_duplicates()
    assert set(map(tuple, shown.to_numpy())) == set(credit)
    assert (sources["measure"] == "").all()


def small_config(work: Path, extra: str = "", data: str = "register.csv") -> Path:
    path = work / "kommune.toml"
    path.write_text(
        f"""title = "Liten kommune"
[geography]
kommune = "9901"
regions = "regions.csv"
[[inputs]]
id = "register"
format = "microdata"
path = "{data}"
source = "Eksempelkommune, syntetiske registerdata"
indicators = ["neet"]
{extra}
[indicators.neet]
ages = ["16-25"]
""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    demo_dir = ensure_demo_data()
    for name in ("register.csv", "regions.csv"):
        shutil.copyfile(demo_dir / name, tmp_path / name)
    return tmp_path


def test_microdata_engines_give_the_same_counts_through_the_config(work: Path) -> None:
    engines = {}
    for engine in ("pandas", "duckdb"):
        extra = f'engine = "{engine}"\nperson_id = "person_id"\ngroup = "innvkat"\n'
        extra += 'group_codes = "ssb_immigrant_background"'
        engines[engine] = read_inputs(load_config(small_config(work, extra))).counts
    pd.testing.assert_frame_equal(engines["pandas"], engines["duckdb"])
    assert set(engines["duckdb"][F.GROUP]) == {
        "total",
        "immigrants_and_descendants",
        "rest_of_population",
    }


def test_microdata_errors_name_the_file_column_and_value(work: Path) -> None:
    register = pd.read_csv(work / "register.csv", dtype=str, keep_default_na=False)
    twice = pd.concat([register, register.iloc[[0]]], ignore_index=True)
    twice.to_csv(work / "twice.csv", index=False)
    config = small_config(work, 'person_id = "person_id"', data="twice.csv")
    with pytest.raises(DataError) as caught:
        read_inputs(load_config(config))
    assert caught.value.file is not None and "twice.csv" in str(caught.value.file)
    assert caught.value.column == "person_id"
    stray = register.copy()
    counted = int(np.flatnonzero((register["age"] == "20") & (register["neet"] != ""))[0])
    stray.loc[counted, "district"] = "990177"
    stray.to_csv(work / "stray.csv", index=False)
    config = small_config(work, data="stray.csv")
    with pytest.raises(DataError, match="unknown region code") as caught:
        compute(load_config(config))
    assert "stray.csv" in str(caught.value.file)
    assert (caught.value.column, caught.value.value) == ("district", "990177")


def test_every_region_is_named_from_the_built_in_catalogue(work: Path) -> None:
    # No regions file: the kommune's own districts are unknown and refused ...
    (work / "regions.csv").unlink()
    (work / "neet.csv").write_text(
        "indicator,region,period,age,sex,numerator,denominator,status\n"
        "neet,4003,2024,16-25,total,500,5000,\n"
        "neet,40,2024,16-25,total,2000,19000,\n"
        "neet,0,2024,16-25,total,60000,620000,\n",
        encoding="utf-8",
    )
    (work / "k.toml").write_text(
        """[geography]
kommune = "4003"
[[inputs]]
id = "neet"
format = "counts"
path = "neet.csv"
source = "SSB, tabell 13563"
[indicators.neet]
ages = ["16-25"]
""",
        encoding="utf-8",
    )
    frame = compute(load_config(work / "k.toml")).indicators
    names = dict(zip(frame[F.REGION], frame[F.REGION_NAME], strict=True))
    assert names == {"0": "Hele landet", "40": "Telemark", "4003": "Skien"}


def statbank_document() -> dict:
    """An SSB JSON-stat 2.0 answer with an immigrant-category dimension (table 13563's shape)."""
    ids = ["Region", "InnvandrKat", "ContentsCode", "Tid"]
    categories = {
        "Region": {"0": "Hele landet"},
        "InnvandrKat": {
            "A-G": "Alle innvandringskategorier",
            "B": "Innvandrere",
            "C": "Norskfødte med innvandrerforeldre",
            "Z": "Uoppgitt",
        },
        "ContentsCode": {"NEET2": "NEET", "TOT3": "I alt"},
        "Tid": {"2024": "2024"},
    }
    values = [1000, 10000, 300, 1500, 60, 500, 5, 20]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "13563",
        "id": ids,
        "size": [len(categories[i]) for i in ids],
        "dimension": {
            i: {
                "label": i,
                "category": {"index": list(categories[i]), "label": categories[i]},
            }
            for i in ids
        },
        "value": values,
    }


def test_ssb_immigrant_categories_map_to_groups_through_the_config(tmp_path: Path) -> None:
    (tmp_path / "13563.json").write_text(json.dumps(statbank_document()), encoding="utf-8")
    (tmp_path / "k.toml").write_text(
        """[geography]
kommune = "4003"
[[inputs]]
id = "neet"
format = "jsonstat"
path = "13563.json"
source = "SSB, tabell 13563"
[inputs.mapping]
indicator = "neet"
region = "Region"
period = "Tid"
content = "ContentsCode"
numerator = "NEET2"
denominator = "TOT3"
default_age = "15-29"
group = "InnvandrKat"
group_map = "ssb_statbank_immigrant_category"
[indicators.neet]
ages = ["15-29"]
""",
        encoding="utf-8",
    )
    counts = read_inputs(load_config(tmp_path / "k.toml")).counts.set_index(F.GROUP)
    assert counts.loc["total", [F.NUMERATOR, F.DENOMINATOR]].tolist() == [1000, 10000]
    assert counts.loc["immigrants", [F.NUMERATOR, F.DENOMINATOR]].tolist() == [300, 1500]
    assert counts.loc["norwegian_born_to_immigrant_parents", F.NUMERATOR] == 60
    assert "Z" not in counts.index  # a code not in the map is left out, never guessed
    assert np.array_equal(
        sorted(counts.index), sorted(["total", *sorted(GROUPS - {"rest_of_population"})])
    )
