"""Row selection for charts and captions: matches, errors listing what exists, references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.datasets import demo_indicators
from utenforskap.errors import DataError
from utenforskap.select import (
    ChartWarning,
    Reference,
    age_in_title,
    barometer_cells,
    context_references,
    display_names,
    district_rows,
    group_label,
    group_order,
    hidden_cells,
    is_high_bad,
    is_standardised,
    latest_period,
    reference_of,
    select_rows,
    single_value,
    sort_periods,
    widest_ages,
)


@pytest.fixture(scope="module")
def demo():
    return demo_indicators()


def _cells(frame, indicator="neet", period="2024", age="16-25"):
    return frame[
        (frame[F.INDICATOR] == indicator)
        & (frame[F.PERIOD] == period)
        & (frame[F.AGE] == age)
        & (frame[F.SEX] == "total")
    ]


def test_select_rows_keeps_order_and_skips_none(demo) -> None:
    rows = select_rows(demo, indicator="neet", period=None, sex="female")
    expected = demo[(demo[F.INDICATOR] == "neet") & (demo[F.SEX] == "female")]
    pd.testing.assert_frame_equal(rows, expected)


def test_select_rows_lists_what_the_earlier_criteria_leave(demo) -> None:
    # Loneliness has pooled spans only: the error lists those, not neet's years.
    with pytest.raises(DataError, match=r"available: \['2021-2023', '2022-2024'\]"):
        select_rows(demo, indicator="ungdata_loneliness", period="2024")
    with pytest.raises(DataError, match="missing column"):
        select_rows(demo, district="990101")


def test_single_value_names_the_column_and_values(demo) -> None:
    assert single_value(_cells(demo), F.PERIOD) == "2024"
    with pytest.raises(DataError, match=r"needs one age; the data have \['16-19', '16-25'"):
        single_value(demo[demo[F.INDICATOR] == "neet"], F.AGE)


def test_reference_uses_its_own_value_and_name(demo) -> None:
    cells = _cells(demo)
    kommune = cells[cells[F.REGION] == "9901"].iloc[0]
    ref = reference_of(cells)
    assert ref == ("9901", kommune[F.VALUE], "Eksempelkommune")
    # Without the kommune's own row the value comes from reference_value.
    districts = cells[cells[F.REGION] != "9901"]
    with pytest.warns(ChartWarning, match="no name for the reference region"):
        ref = reference_of(districts)
    assert ref.code == "9901" and ref.value == pytest.approx(kommune[F.VALUE])
    assert ref.name == "9901"
    empty = reference_of(cells.assign(**{F.REFERENCE: ""}))
    assert empty.code == "" and np.isnan(empty.value)


def test_district_rows_leave_out_reference_unknown_and_others(demo) -> None:
    cells = _cells(demo)
    codes = district_rows(cells, reference="9901")[F.REGION].tolist()
    assert codes == [f"9901{i:02d}" for i in range(1, 11)]
    # With no reference: every row but unknown districts (the country and kommune stay).
    assert "990199" not in set(district_rows(cells, reference="")[F.REGION])
    assert {"0", "9901"} <= set(district_rows(cells, reference="")[F.REGION])


def test_display_names_fall_back_to_the_catalogue_then_codes_with_a_warning() -> None:
    rows = pd.DataFrame(
        {F.REGION: ["0301", "3203", "40", "0", "0"], F.REGION_NAME: [None, "Asker", "", "", "X"]}
    )
    # The country is always the catalogue's, in the language drawn.
    assert display_names(rows) == ["Oslo", "Asker", "Telemark", "Hele landet", "Hele landet"]
    assert display_names(rows, lang="en")[3:] == ["Norway", "Norway"]
    fictional = pd.DataFrame({F.REGION: ["9901", "990101"], F.REGION_NAME: ["", "Sentrum"]})
    with pytest.warns(ChartWarning, match=r"no name for region code\(s\) \['9901'\]"):
        assert display_names(fictional) == ["9901", "Sentrum"]


def test_reference_is_named_even_without_its_row(demo) -> None:
    cells = _cells(demo)
    kommune = cells[cells[F.REGION] == "9901"]
    # Only the kommune's row: its reference, the country, is named from the catalogue.
    ref = reference_of(kommune)
    assert (ref.code, ref.name) == ("0", "Hele landet")
    assert ref.value == pytest.approx(float(kommune[F.REFERENCE_VALUE].iloc[0]))
    assert reference_of(kommune, lang="en").name == "Norway"
    # Without the kommune's row, the name comes from the frame given as `names`.
    districts = cells[cells[F.REGION] != "9901"]
    assert reference_of(districts, names=demo).name == "Eksempelkommune"


def test_context_references_take_rows_or_the_reference_value(demo) -> None:
    cells = _cells(demo)
    country = float(cells.loc[cells[F.REGION] == "0", F.VALUE].iloc[0])
    assert context_references(cells, "9901") == [Reference("0", country, "Hele landet")]
    # Without the country's row: the kommune's reference_value gives the line.
    without = cells[cells[F.REGION] != "0"]
    assert context_references(without, "9901", lang="en") == [
        Reference("0", pytest.approx(country), "Norway")
    ]
    # A fylke row present in the frame comes first (smaller region first).
    fylke = cells[cells[F.REGION] == "0"].assign(**{F.REGION: "99", F.VALUE: 12.5})
    both = pd.concat([cells, fylke])
    refs = context_references(both, "9901")
    assert [r.code for r in refs] == ["99", "0"] and refs[0].value == 12.5


def test_hidden_cells_include_the_publishers_symbol() -> None:
    rows = pd.DataFrame({F.SUPPRESSED: [False, True, False, False], F.STATUS: ["", "", ":", ".."]})
    assert hidden_cells(rows).tolist() == [False, True, True, False]


def test_age_in_title_and_standardised_measures() -> None:
    assert age_in_title("upper_secondary_completed", "21")
    assert age_in_title("upper_secondary_completed", "21", lang="en")
    assert not age_in_title("upper_secondary_completed", "16-25")
    assert not age_in_title("neet", "16-25")
    assert is_standardised(pd.DataFrame({"measure": ["andel (prosent, standardisert)"]}))
    assert not is_standardised(pd.DataFrame({"measure": ["andel (prosent)"]}))
    assert is_standardised(pd.DataFrame(), "Standardised rate")


def test_group_labels_and_order() -> None:
    assert group_label("norwegian_born_to_immigrant_parents") == (
        "norskfødte med innvandrerforeldre"
    )
    assert group_label("rest_of_population", lang="en") == "rest of the population"
    assert group_order(["unknown", "zeta", "rest_of_population", "immigrants"]) == [
        "immigrants",
        "rest_of_population",
        "zeta",
        "unknown",
    ]


def test_barometer_cells_with_context_and_groups(demo) -> None:
    ages = widest_ages(demo)
    plain = barometer_cells(demo, ages=ages)
    context = barometer_cells(demo, ages=ages, context=True)
    assert context.drop_duplicates("row")["region"].tolist()[:2] == ["0", "9901"]
    assert set(context.loc[context["role"] == "context", F.REGION]) == {"0"}
    # The district rows are the same, one row further down.
    districts = context[context["role"] == "district"]
    assert districts[F.REGION].tolist() == plain.loc[plain["row"] > 0, F.REGION].tolist()
    assert (districts["row"].to_numpy() == plain.loc[plain["row"] > 0, "row"].to_numpy() + 1).all()
    with pytest.raises(DataError, match=r"group\(s\) \['immigrants'\]"):
        barometer_cells(demo, ages=ages, groups=("total", "immigrants"))


def test_select_rows_reads_a_frame_without_group_as_the_whole_population(demo) -> None:
    old = demo.drop(columns=[F.GROUP])
    assert len(select_rows(old, indicator="neet", group="total")) == len(
        select_rows(demo, indicator="neet")
    )
    with pytest.raises(DataError, match="missing column"):
        select_rows(old, group="immigrants")


@given(
    st.lists(
        st.builds(
            lambda first, length: str(first) if length == 0 else f"{first}-{first + length}",
            st.integers(1990, 2030),
            st.integers(0, 4),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_sort_periods_orders_by_last_then_first_year(labels: list[str]) -> None:
    ordered = sort_periods(labels)
    assert sorted(ordered) == sorted(set(labels))
    keys = [(int(p[-4:]), int(p[:4])) for p in ordered]
    assert keys == sorted(keys)
    assert latest_period(labels) == ordered[-1]


def test_widest_ages_and_direction(demo) -> None:
    assert widest_ages(demo, ["ungdata_loneliness", "neet"]) == {
        "ungdata_loneliness": "8-10 trinn",
        "neet": "16-25",
    }
    with pytest.raises(DataError, match="'dropout' has no rows"):
        widest_ages(demo, ["dropout"])
    assert is_high_bad("ungdata_school_wellbeing") is False
    assert is_high_bad("my_own") is True


def test_barometer_judgement_follows_each_indicators_direction(demo) -> None:
    # Turn neet into "high is good" by renaming it to an indicator of that direction.
    good = demo.assign(
        **{F.INDICATOR: demo[F.INDICATOR].replace({"neet": "ungdata_school_wellbeing"})}
    )
    good.attrs = demo.attrs
    cells = barometer_cells(good, ages={"ungdata_school_wellbeing": "16-25"})
    bad = barometer_cells(demo, ages={"neet": "16-25"})
    assert cells["row"].tolist() == bad["row"].tolist()
    flip = {"worse": "better", "better": "worse"}
    assert cells["judgement"].tolist() == [flip.get(j, j) for j in bad["judgement"]]
    assert (bad.loc[bad[F.SUPPRESSED], "judgement"] == "suppressed").all()
    assert bad.loc[bad["row"] == 0, F.REGION].tolist() == ["9901"]
    assert "990199" not in set(bad[F.REGION])
