"""Roll-up district → kommune → fylke → land, with the unknown district and coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError, ParameterError
from utenforskap.frames import validate_counts
from utenforskap.geo import (
    GeoWarning,
    RegionRegistry,
    district_coverage,
    read_crosswalk,
    rollup,
    rollup_levels,
)

# Oslo's bydeler 030101–030117 (15 in the map file, plus Marka and Sentrum) and
# the unknown-bydel code 030199.
OSLO = [f"0301{i:02d}" for i in range(1, 18)] + ["030199"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_oslo_bydeler_with_unknown_roll_up_exactly_to_0301(make_counts, data):
    den = data.draw(st.lists(st.integers(0, 50_000), min_size=len(OSLO), max_size=len(OSLO)))
    num = [data.draw(st.integers(0, d)) for d in den]
    counts = make_counts(OSLO, num, den, period="2023")
    with pytest.warns(GeoWarning, match="Hele landet") as caught:
        out, coverage = rollup_levels(counts, to="land")
    validate_counts(out)
    table = out.set_index("region")
    # Oslo fylke is Oslo kommune, so 03 is whole; the country is not Oslo.
    for code in ("0301", "03"):
        assert table.loc[code, "numerator"] == sum(num)
        assert table.loc[code, "denominator"] == sum(den)
    assert "0" not in table.index
    assert [w.message.kind for w in caught] == ["rollup.incomplete"]
    # The input rows are carried, the unknown district included.
    assert set(OSLO) <= set(out["region"])
    row = coverage.set_index("kommune").loc["0301"]
    expected_num = num[-1] / sum(num) if sum(num) else np.nan
    expected_den = den[-1] / sum(den) if sum(den) else np.nan
    np.testing.assert_equal(row["unknown_numerator_share"], expected_num)
    np.testing.assert_equal(row["unknown_denominator_share"], expected_den)


def test_oslo_names_from_registry(make_counts, geo_dir):
    registry = RegionRegistry.from_crosswalk(read_crosswalk(geo_dir / "kommune_codes_to_2024.csv"))
    counts = make_counts(["030101", "030199"], [1, 2], [10, 20])
    out, _ = rollup_levels(counts, to="fylke", registry=registry)
    names = dict(zip(out["region"], out["region_name"], strict=True))
    assert names["0301"] == "Oslo"
    assert names["03"] == "Oslo"


def test_stavanger_levekarssoner_from_grunnkretser(make_counts, geo_dir):
    path = geo_dir / "levekarssone_grunnkrets_2026.csv"
    raw = pd.read_csv(path, dtype=str)
    raw = raw[raw["levekaar"].str.startswith("1103")]
    rng = np.random.default_rng(20261122)
    den = rng.integers(0, 2_000, size=len(raw))
    num = rng.binomial(den, 0.1)
    counts = make_counts(raw["grunnkrets"].tolist(), num, den, period="2024")
    registry = RegionRegistry.from_levekarssone_csv(path)
    with pytest.warns(GeoWarning, match="Rogaland"):
        out, _ = rollup_levels(counts, to="land", registry=registry)
    validate_counts(out)
    table = out.set_index("region")
    # Reference: pandas sums over the raw mapping file, by levekårssone.
    expected = (
        pd.DataFrame({"lks": raw["levekaar"].to_numpy(), "num": num, "den": den})
        .groupby("lks")[["num", "den"]]
        .sum()
    )
    got = table.loc[expected.index, ["numerator", "denominator"]].to_numpy()
    np.testing.assert_array_equal(got, expected.to_numpy(dtype=float))
    assert table.loc["1103", "numerator"] == num.sum()
    assert table.loc["1103", "denominator"] == den.sum()
    # One kommune of Rogaland is not Rogaland: no fylke row, and no country row.
    assert "11" not in table.index and "0" not in table.index
    # The kommune is built from the levekårssoner, not straight from grunnkretser:
    assert table.loc[expected.index, "denominator"].sum() == table.loc["1103", "denominator"]


def test_grunnkrets_missing_from_mapping_is_refused(make_counts, geo_dir):
    registry = RegionRegistry.from_levekarssone_csv(geo_dir / "levekarssone_grunnkrets_2026.csv")
    counts = make_counts(["11031102", "11031199"], [1, 1], [5, 5])
    with pytest.raises(DataError, match="not in the levekårssone mapping") as info:
        rollup_levels(counts, registry=registry)
    assert info.value.value == "11031199"


def test_unknown_grunnkrets_goes_to_unknown_levekarssone(make_counts, geo_dir):
    registry = RegionRegistry.from_levekarssone_csv(geo_dir / "levekarssone_grunnkrets_2026.csv")
    counts = make_counts(["11031102", "11039999"], [3, 1], [30, 10])
    out, coverage = rollup_levels(counts, to="kommune", registry=registry)
    table = out.set_index("region")
    assert table.loc["1103999999", "denominator"] == 10
    assert table.loc["1103", "denominator"] == 40
    shares = coverage.set_index("level").loc[["grunnkrets", "levekarssone"]]
    assert shares["unknown_numerator_share"].tolist() == [0.25, 0.25]


def test_given_kommune_total_is_checked_against_its_parts(make_counts):
    good = make_counts(["030101", "030199", "0301"], [1, 2, 3], [10, 20, 30])
    out, _ = rollup_levels(good, to="kommune")
    assert out["region"].tolist().count("0301") == 1
    bad = make_counts(["030101", "030199", "0301"], [1, 2, 4], [10, 20, 30])
    with pytest.raises(DataError, match="disagree"):
        rollup_levels(bad, to="kommune")


def test_suppressed_part_leaves_given_total_standing(make_counts):
    counts = make_counts(
        ["030101", "030199", "0301"], [np.nan, 2, 3], [np.nan, 20, 30], status=[":", "", ""]
    )
    out, coverage = rollup_levels(counts, to="kommune")
    assert out.set_index("region").loc["0301", "numerator"] == 3
    assert np.isnan(coverage["unknown_numerator_share"].iloc[0])


def test_rollup_keeps_its_first_signature(make_counts):
    counts = make_counts(["990101", "990199"], [1, 0], [10, 20], status=["", "-"])
    out = rollup(counts, parents={"990101": "9901", "990199": "9901"}, names={"9901": "K"})
    assert out[["region", "region_name", "numerator", "denominator", "status"]].values.tolist() == [
        ["9901", "K", 1.0, 30.0, ""]
    ]
    with pytest.raises(DataError, match="no parent"):
        rollup(counts, parents={"990101": "9901"})


def test_coverage_without_districts_is_empty(make_counts):
    assert district_coverage(make_counts(["0301"], [1], [2])).empty


def test_to_must_be_a_level(make_counts):
    with pytest.raises(ParameterError, match="to must be one of"):
        rollup_levels(make_counts(["0301"], [1], [2]), to="bydel")


def test_fylke_and_land_only_from_all_their_parts(make_counts):
    # Every fylke of 2024 and every kommune of Vestland (46) in 2024, from the catalogue.
    from utenforskap.geo.catalogue import catalogue

    cat = catalogue()
    fylker = [c for c in cat.codes(year=2024, level="fylke") if c != "46"]
    vestland = [c for c in cat.codes(year=2024, level="kommune") if cat.parent_of([c])[0] == "46"]
    assert len(vestland) > 40
    counts = make_counts(
        [*fylker, *vestland],
        [1] * (len(fylker) + len(vestland)),
        [10] * (len(fylker) + len(vestland)),
    )
    out, _ = rollup_levels(counts, to="land")
    table = out.set_index("region")
    assert table.loc["46", "denominator"] == 10 * len(vestland)
    assert table.loc["0", "denominator"] == 10 * (len(fylker) + len(vestland))
    # One kommune short: neither Vestland nor the country is made, and the user is told.
    short = counts[counts["region"] != vestland[0]]
    with pytest.warns(GeoWarning, match="not rolled up") as caught:
        out, _ = rollup_levels(short, to="land")
    assert not {"46", "0"} & set(out["region"])
    assert [w.message.kind for w in caught] == ["rollup.incomplete"] * 2
    assert "Vestland (46)" in str(caught[0].message) and "Hele landet" in str(caught[1].message)
