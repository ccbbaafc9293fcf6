"""Population groups (issue 14): cells per group and for the total; unknown only on purpose."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError, ParameterError
from utenforskap.microdata import SSB_IMMIGRANT_BACKGROUND, SSB_IMMIGRANT_CATEGORY, aggregate


def _micro(categories: list[str]) -> pd.DataFrame:
    n = len(categories)
    return pd.DataFrame(
        {
            "district": ["030101"] * n,
            "year": ["2024"] * n,
            "age": ["18"] * n,
            "sex": ["male", "female"] * (n // 2) + ["male"] * (n % 2),
            "neet": ["1", "0", "0"] * (n // 3) + ["1"] * (n % 3),
            "innvkat": categories,
        },
        dtype=object,
    )


def test_ssb_categories_follow_ssbs_published_groups() -> None:
    # microdata.no BEFOLKNING_INVKAT: B innvandrere, C norskfødte med innvandrerforeldre,
    # A/E/F/G the rest of the population ("befolkningen ellers").
    assert SSB_IMMIGRANT_CATEGORY["B"] == "immigrants"
    assert SSB_IMMIGRANT_CATEGORY["C"] == "norwegian_born_to_immigrant_parents"
    assert {SSB_IMMIGRANT_CATEGORY[c] for c in "AEFG"} == {"rest_of_population"}
    assert SSB_IMMIGRANT_BACKGROUND["B"] == SSB_IMMIGRANT_BACKGROUND["C"]


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_cells_per_group_and_total(engine: str) -> None:
    micro = _micro(["A", "B", "C", "B", "E", "C"])
    counts = aggregate(
        micro,
        indicator="neet",
        bands=["16-19"],
        group="innvkat",
        group_codes="ssb_immigrant_category",
        engine=engine,
    )
    totals = counts[counts["sex"] == "total"].set_index("group")["denominator"].to_dict()
    assert totals == {
        "immigrants": 2.0,
        "norwegian_born_to_immigrant_parents": 2.0,
        "rest_of_population": 2.0,
        "total": 6.0,
    }
    assert set(counts["sex"]) == {"male", "female", "total"}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_blank_group_is_an_error_unless_declared(engine: str) -> None:
    micro = _micro(["A", "B", ""])
    micro.index = pd.RangeIndex(1, 4)
    with pytest.raises(DataError, match="group code not declared") as info:
        aggregate(
            micro,
            indicator="neet",
            bands=["16-19"],
            group="innvkat",
            group_codes="ssb_immigrant_category",
            engine=engine,
        )
    assert (info.value.row, info.value.value) == (3, "")
    counts = aggregate(
        micro,
        indicator="neet",
        bands=["16-19"],
        group="innvkat",
        group_codes={**SSB_IMMIGRANT_CATEGORY, "": "unknown"},
        engine=engine,
    )
    assert "unknown" in set(counts["group"])


def test_group_options_must_come_together() -> None:
    with pytest.raises(ParameterError, match="group= needs group_codes"):
        aggregate(_micro(["A"]), indicator="neet", bands=["16-19"], group="innvkat")
    with pytest.raises(ParameterError, match="not 'total'"):
        aggregate(
            _micro(["A"]),
            indicator="neet",
            bands=["16-19"],
            group="innvkat",
            group_codes={"A": "total"},
        )


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["A", "B", "C", "E", "F", "G", ""]), min_size=1, max_size=50))
def test_parts_plus_unknown_equal_the_total(categories: list[str]) -> None:
    counts = aggregate(
        _micro(categories),
        indicator="neet",
        bands=["16-19"],
        group="innvkat",
        group_codes={**SSB_IMMIGRANT_BACKGROUND, "": "unknown"},
        engine="pandas",
    )
    for sex, cells in counts.groupby("sex"):
        by_group = cells.set_index("group")
        parts = by_group.drop(index="total")
        for column in ("numerator", "denominator"):
            assert parts[column].sum() == by_group.loc["total", column], sex


def test_every_standard_group_has_nb_and_en_texts() -> None:
    from utenforskap.microdata import GROUP_MAPS
    from utenforskap.texts import text

    labels = {label for codes in GROUP_MAPS.values() for label in codes.values()}
    for label in sorted(labels | {"total", "unknown"}):
        assert text(f"group.{label}", "nb") and text(f"group.{label}", "en")
    assert text("group.immigrants") == "innvandrere"
