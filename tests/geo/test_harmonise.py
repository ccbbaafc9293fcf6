"""Harmonisation across reforms on the shared 1994–2024 crosswalk."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.frames import validate_counts
from utenforskap.geo import GeoWarning, RegionRegistry, harmonise, read_crosswalk


@pytest.fixture(scope="module")
def crosswalk(geo_dir):
    return read_crosswalk(geo_dir / "kommune_codes_to_2024.csv")


def test_asker_roeyken_hurum_2018_sum_to_3203(crosswalk, make_counts):
    counts = make_counts(["0220", "0627", "0628", "0301"], [50, 20, 10, 100], [900, 400, 300, 1000])
    out, report = harmonise(counts, to_year=2024, crosswalk=crosswalk)
    validate_counts(out)
    asker = out.set_index("region").loc["3203"]
    assert (asker["numerator"], asker["denominator"]) == (80.0, 1600.0)
    assert asker["region_name"] == "Asker"
    assert out["region"].tolist() == ["0301", "3203"]
    assert report.ok
    assert set(report.changed["from_code"]) == {"0220", "0627", "0628"}
    assert report.changed["rows"].sum() == 3


def test_split_kommune_2019_rows_are_reported_not_lost(crosswalk, make_counts):
    counts = make_counts(
        ["1571", "1850", "1502", "1571"],
        [3, 4, 30, 2],
        [50, 60, 500, 40],
        age=["16-25", "16-25", "16-25", "26-30"],
        period="2019",
    )
    with pytest.warns(GeoWarning, match="3 rows of 2 kommuner") as record:
        out, report = harmonise(counts, to_year=2024, crosswalk=crosswalk)
    assert "1571 Halsa" in str(record[0].message)
    assert not report.ok
    assert sorted(report.unresolved.index.tolist()) == [0, 1, 3]
    assert report.unresolved["region"].tolist().count("1571") == 2
    # Nothing lost: what came out plus what was reported is what went in.
    assert (
        out["numerator"].sum() + report.unresolved["numerator"].sum() == counts["numerator"].sum()
    )
    assert (
        out["denominator"].sum() + report.unresolved["denominator"].sum()
        == counts["denominator"].sum()
    )


def test_split_can_raise(crosswalk, make_counts):
    counts = make_counts(["1571"], [3], [50], period="2019")
    with pytest.raises(DataError, match="no single successor") as info:
        harmonise(counts, crosswalk=crosswalk, on_split="raise")
    assert info.value.row == 0


def test_split_allocated_by_user_weights(crosswalk, make_counts):
    counts = make_counts(["1571", "5055"], [10, 5], [100, 50], period="2019")
    weights = pd.DataFrame(
        {"from_code": ["1571", "1571"], "to_code": ["5055", "1566"], "weight": [0.75, 0.25]}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", GeoWarning)
        out, report = harmonise(counts, crosswalk=crosswalk, weights=weights)
    table = out.set_index("region")
    assert table.loc["5055", "numerator"] == 5 + 7.5
    assert table.loc["1566", "denominator"] == 25.0
    assert report.ok


def test_not_applicable_rows_add_nothing(crosswalk, make_counts):
    # SSB gives "." for a code in a year it did not exist.
    counts = make_counts(["0220", "3203"], [50, np.nan], [900, np.nan], status=["", "."])
    out, _ = harmonise(counts, crosswalk=crosswalk)
    assert out[["region", "numerator", "status"]].values.tolist() == [["3203", 50.0, ""]]


@pytest.mark.parametrize(("symbol", "marked"), [("..", ".."), ("...", "..."), (":", ":")])
def test_missing_part_makes_the_sum_missing(crosswalk, make_counts, symbol, marked):
    # A sum with a part the publisher hid (":") is marked hidden too (counts.sum_status).
    counts = make_counts(["0220", "0627"], [50, np.nan], [900, np.nan], status=["", symbol])
    out, _ = harmonise(counts, crosswalk=crosswalk)
    assert out["status"].tolist() == [marked]
    assert np.isnan(out["numerator"].iloc[0])


def test_unknown_kommune_code_names_the_row(crosswalk, make_counts):
    counts = make_counts(["0220", "9901"], [1, 2], [10, 20])
    counts.index = ["a", "b"]
    with pytest.raises(DataError, match="not in the crosswalk") as info:
        harmonise(counts, crosswalk=crosswalk, source="x.csv")
    assert info.value.row == "b"
    assert info.value.value == "9901"


def test_registry_regions_pass_through(crosswalk, make_counts):
    registry = RegionRegistry.from_frame(
        pd.DataFrame({"code": ["9901", "990101"], "name": ["Eksempelkommune", "Sentrum"]})
    )
    counts = make_counts(["9901", "990101", "0220"], [1, 1, 2], [10, 10, 20])
    out, _ = harmonise(counts, crosswalk=crosswalk, registry=registry)
    assert out["region"].tolist() == ["3203", "9901", "990101"]
    assert out["region_name"].tolist() == ["Asker", "Eksempelkommune", "Sentrum"]


def test_lost_leading_zero_is_repaired_with_warning(crosswalk, make_counts):
    counts = make_counts(["220", "627"], [1, 2], [10, 20])
    with pytest.warns(GeoWarning, match="leading zero"):
        out, _ = harmonise(counts, crosswalk=crosswalk)
    assert out["region"].tolist() == ["3203"]


def test_to_year_must_match(crosswalk, make_counts):
    with pytest.raises(DataError, match="maps to 2024"):
        harmonise(make_counts(["0301"], [1], [2]), to_year=2020, crosswalk=crosswalk)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_harmonise_conserves_counts(crosswalk, data, make_counts):
    codes = sorted(crosswalk.table["from_code"])
    chosen = data.draw(st.lists(st.sampled_from(codes), min_size=1, max_size=30, unique=True))
    n = len(chosen)
    den = data.draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    num = [data.draw(st.integers(0, d)) for d in den]
    counts = make_counts(chosen, num, den)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeoWarning)
        out, report = harmonise(counts, crosswalk=crosswalk)
    validate_counts(out)
    assert out["numerator"].sum() + report.unresolved["numerator"].sum() == sum(num)
    assert out["denominator"].sum() + report.unresolved["denominator"].sum() == sum(den)
    targets = set(crosswalk.targets()["code"])
    assert set(out["region"]) <= targets


def test_districts_of_renumbered_kommuner_are_not_passed_silently(crosswalk, make_counts):
    counts = make_counts(["120101", "120199", "030101"], [1, 1, 1], [10, 10, 10])
    with pytest.warns(GeoWarning, match=r"2 rows of districts .*120101, 120199"):
        out, _ = harmonise(counts, crosswalk=crosswalk)
    assert sorted(out["region"]) == ["030101", "120101", "120199"]
